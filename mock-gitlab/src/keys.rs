//! The CI signing key: parsing/generation, its JWK, and JWT signing.

use std::fmt;

use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject as _;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyError {
    #[error("not a PEM private key: {0}")]
    Pem(String),
    #[error("expected a PKCS#8 or PKCS#1 RSA private key")]
    NotRsa,
    #[error("not an RSA key GitLab could use: {0}")]
    Rejected(String),
    #[error("RSA key generation failed")]
    Generate,
    #[error("RSA signing failed")]
    Sign,
}

/// One entry of GitLab's JWKS. Field order is the wire order: `JwksController#pem_to_jwk`
/// (`app/controllers/jwks_controller.rb` in gitlab-org/gitlab) takes
/// `slice(:kty, :kid, :e, :n)` and merges `use` and `alg` after them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Jwk {
    pub(crate) kty: String,
    pub(crate) kid: String,
    pub(crate) e: String,
    pub(crate) n: String,
    #[serde(rename = "use")]
    pub(crate) use_: String,
    pub(crate) alg: String,
}

/// `GET /oauth/discovery/keys` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Jwks {
    pub(crate) keys: Vec<Jwk>,
}

/// RFC 7638 JWK thumbprint of an RSA key (SHA-256, base64url without padding), which is
/// how json-jwt (`JSON::JWK#thumbprint`), and therefore GitLab, derives `kid`. Inputs are
/// the base64url `e` and `n`. docs/gitlab-behaviour.md has the details.
pub(crate) fn rfc7638_thumbprint(e_b64: &str, n_b64: &str) -> String {
    // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
    // base64url values never need JSON escaping.
    let canonical = format!(r#"{{"e":"{e_b64}","kty":"RSA","n":"{n_b64}"}}"#);
    B64.encode(digest::digest(&digest::SHA256, canonical.as_bytes()))
}

/// A pre-parsed RSA signing key. Parsing once matters: re-parsing the DER per token
/// (what `jsonwebtoken::encode` does) costs more than the signature itself.
pub(crate) struct SigningKey {
    key_pair: RsaKeyPair,
    rng: SystemRandom,
    jwk: Jwk,
    header_b64: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.jwk.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Fresh RSA-2048, the size of GitLab's `ci_jwt_signing_key`.
    pub(crate) fn generate() -> Result<Self, KeyError> {
        let key_pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generate)?;
        Ok(Self::from_key_pair(key_pair))
    }

    /// Accepts PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) PEM.
    pub(crate) fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| KeyError::Pem(e.to_string()))?;
        let key_pair = match &der {
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
            _ => return Err(KeyError::NotRsa),
        }
        .map_err(|e| KeyError::Rejected(e.to_string()))?;
        Ok(Self::from_key_pair(key_pair))
    }

    fn from_key_pair(key_pair: RsaKeyPair) -> Self {
        let components = PublicKeyComponents::<Vec<u8>>::from(key_pair.public_key());
        let n = B64.encode(&components.n);
        let e = B64.encode(&components.e);
        let kid = rfc7638_thumbprint(&e, &n);
        // GitLab passes `{kid:, typ: 'JWT'}` as headers and ruby-jwt appends `alg`, so this
        // is the member order on the wire (`lib/json_web_token/rsa_token.rb`).
        let header = format!(r#"{{"kid":"{kid}","typ":"JWT","alg":"RS256"}}"#);
        let header_b64 = B64.encode(header.as_bytes());
        let jwk = Jwk {
            kty: "RSA".into(),
            kid,
            e,
            n,
            use_: "sig".into(),
            alg: "RS256".into(),
        };
        Self {
            key_pair,
            rng: SystemRandom::new(),
            jwk,
            header_b64,
        }
    }

    pub(crate) fn kid(&self) -> &str {
        &self.jwk.kid
    }

    pub(crate) fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// Signs an already-serialized payload as a compact RS256 JWS with GitLab's header
    /// `{"kid":…,"typ":"JWT","alg":"RS256"}`.
    pub(crate) fn sign_jwt(&self, payload_json: &[u8]) -> Result<String, KeyError> {
        let payload_b64 = B64.encode(payload_json);
        let mut token = String::with_capacity(self.header_b64.len() + payload_b64.len() + 350);
        token.push_str(&self.header_b64);
        token.push('.');
        token.push_str(&payload_b64);
        let mut sig = vec![0u8; self.key_pair.public_modulus_len()];
        self.key_pair
            .sign(&RSA_PKCS1_SHA256, &self.rng, token.as_bytes(), &mut sig)
            .map_err(|_| KeyError::Sign)?;
        token.push('.');
        B64.encode_string(&sig, &mut token);
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PKCS8: &str = include_str!("../tests/fixtures/ci-signing-key.pem");
    const PKCS1: &str = include_str!("../tests/fixtures/ci-signing-key.pkcs1.pem");

    #[test]
    fn pkcs1_and_pkcs8_give_same_key() {
        let a = SigningKey::from_pem(PKCS8).unwrap();
        let b = SigningKey::from_pem(PKCS1).unwrap();
        assert_eq!(a.jwk(), b.jwk());
        assert_eq!(a.jwk().e, "AQAB");
        // 2048-bit modulus = 256 bytes = 342 base64url chars.
        assert_eq!(a.jwk().n.len(), 342);
    }

    #[test]
    fn rejects_non_keys() {
        assert!(matches!(
            SigningKey::from_pem("not a pem"),
            Err(KeyError::Pem(_))
        ));
        let cert_only = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(SigningKey::from_pem(cert_only).is_err());
    }

    #[test]
    fn thumbprint_matches_rfc7638_example() {
        // RFC 7638 §3.1 example key and its published thumbprint.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            rfc7638_thumbprint("AQAB", n),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn signature_verifies_and_header_is_gitlabs() {
        let k = SigningKey::from_pem(PKCS8).unwrap();
        let token = k.sign_jwt(br#"{"a":1}"#).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header = String::from_utf8(B64.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(
            header,
            format!(r#"{{"kid":"{}","typ":"JWT","alg":"RS256"}}"#, k.kid())
        );
        let n = B64.decode(&k.jwk().n).unwrap();
        let e = B64.decode(&k.jwk().e).unwrap();
        let public = aws_lc_rs::signature::RsaPublicKeyComponents { n: &n, e: &e };
        let signed = format!("{}.{}", parts[0], parts[1]);
        let sig = B64.decode(parts[2]).unwrap();
        public
            .verify(
                &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
                signed.as_bytes(),
                &sig,
            )
            .unwrap();
        assert!(
            public
                .verify(
                    &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
                    b"tampered",
                    &sig
                )
                .is_err()
        );
    }
}
