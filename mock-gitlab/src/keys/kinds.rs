//! The public names of key types and signing algorithms, and why a key cannot be used.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The JWS algorithm of the CI signing key. GitLab signs with RS256 only; ES256 is a mock
/// extension for exercising verifiers with EC keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 and an RSA-2048 key, as GitLab's `ci_jwt_signing_key`.
    #[default]
    #[serde(rename = "RS256")]
    Rs256,
    /// ECDSA with P-256 and SHA-256, signatures in the fixed-width JOSE `r || s` form.
    #[serde(rename = "ES256")]
    Es256,
}

impl SigningAlgorithm {
    /// The JWS `alg` value, `RS256` or `ES256`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Es256 => "ES256",
        }
    }

    /// The key this algorithm generates when no PEM is given.
    pub fn key_kind(self) -> KeyKind {
        match self {
            Self::Rs256 => KeyKind::Rsa2048,
            Self::Es256 => KeyKind::EcP256,
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A key [`generate_key_pem`](crate::generate_key_pem) can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// RSA-2048: the size of GitLab's CI signing key (`ci_jwt_signing_key`).
    Rsa2048,
    /// RSA-4096: the size of GitLab's OIDC key (`openid_connect_signing_key`).
    Rsa4096,
    /// EC P-256, for the ES256 CI key.
    EcP256,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyError {
    #[error("not a PEM private key: {0}")]
    Pem(String),
    #[error("expected a PKCS#8 or PKCS#1 RSA private key")]
    NotRsa,
    #[error("an EC key signs with ES256 (choose that signing algorithm), not RS256")]
    EcForRs256,
    #[error("expected a PKCS#8 EC P-256 private key (the signing algorithm is ES256)")]
    NotEcP256,
    #[error("not a key GitLab could use: {0}")]
    Rejected(String),
    #[error("key generation failed")]
    Generate,
    #[error("the key cannot be encoded as PKCS#8")]
    Encode,
    #[error("signing failed")]
    Sign,
}
