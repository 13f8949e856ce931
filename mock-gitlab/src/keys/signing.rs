//! A pre-parsed signing key: PEM in, JWK and compact JWS out.

use std::fmt;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair,
};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject as _;

use super::jwk::{EcJwk, Jwk, RsaJwk, rfc7638_ec_thumbprint, rfc7638_thumbprint};
use super::kinds::{KeyError, KeyKind, SigningAlgorithm};

enum Material {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

/// A pre-parsed signing key. Parsing once matters: re-parsing the DER per token
/// (what `jsonwebtoken::encode` does) costs more than the signature itself.
pub(crate) struct SigningKey {
    material: Material,
    rng: SystemRandom,
    jwk: Jwk,
    header_b64: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid())
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// RS256 accepts PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) RSA PEM; ES256 accepts
    /// a PKCS#8 P-256 PEM only.
    pub(crate) fn from_pem(pem: &str, alg: SigningAlgorithm) -> Result<Self, KeyError> {
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| KeyError::Pem(e.to_string()))?;
        let material = match (alg, &der) {
            (SigningAlgorithm::Rs256, PrivateKeyDer::Pkcs8(k)) => {
                let der = k.secret_pkcs8_der();
                Material::Rsa(RsaKeyPair::from_pkcs8(der).map_err(|e| {
                    // Name the likely mistake rather than the parser's complaint.
                    match EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der) {
                        Ok(_) => KeyError::EcForRs256,
                        Err(_) => rejected(e),
                    }
                })?)
            }
            (SigningAlgorithm::Rs256, PrivateKeyDer::Pkcs1(k)) => {
                Material::Rsa(RsaKeyPair::from_der(k.secret_pkcs1_der()).map_err(rejected)?)
            }
            (SigningAlgorithm::Rs256, _) => return Err(KeyError::NotRsa),
            (SigningAlgorithm::Es256, PrivateKeyDer::Pkcs8(k)) => Material::Ec(
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, k.secret_pkcs8_der())
                    .map_err(|_| KeyError::NotEcP256)?,
            ),
            (SigningAlgorithm::Es256, _) => return Err(KeyError::NotEcP256),
        };
        Ok(Self::from_material(material))
    }

    fn from_material(material: Material) -> Self {
        let (jwk, alg) = match &material {
            Material::Rsa(key_pair) => (rsa_jwk(key_pair), SigningAlgorithm::Rs256),
            Material::Ec(key_pair) => (ec_jwk(key_pair), SigningAlgorithm::Es256),
        };
        // GitLab passes `{kid:, typ: 'JWT'}` as headers and ruby-jwt appends `alg`, so this
        // is the member order on the wire (`lib/json_web_token/rsa_token.rb`).
        let header = format!(r#"{{"kid":"{}","typ":"JWT","alg":"{alg}"}}"#, jwk.kid());
        Self {
            material,
            rng: SystemRandom::new(),
            jwk,
            header_b64: B64.encode(header.as_bytes()),
        }
    }

    pub(crate) fn kid(&self) -> &str {
        self.jwk.kid()
    }

    pub(crate) fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    pub(crate) fn algorithm(&self) -> SigningAlgorithm {
        match self.material {
            Material::Rsa(_) => SigningAlgorithm::Rs256,
            Material::Ec(_) => SigningAlgorithm::Es256,
        }
    }

    /// Signs an already-serialized payload as a compact JWS with GitLab's header
    /// `{"kid":…,"typ":"JWT","alg":…}`.
    pub(crate) fn sign_jwt(&self, payload_json: &[u8]) -> Result<String, KeyError> {
        let payload_b64 = B64.encode(payload_json);
        let mut token = String::with_capacity(self.header_b64.len() + payload_b64.len() + 350);
        token.push_str(&self.header_b64);
        token.push('.');
        token.push_str(&payload_b64);
        let signature = match &self.material {
            Material::Rsa(key_pair) => {
                let mut sig = vec![0u8; key_pair.public_modulus_len()];
                key_pair
                    .sign(&RSA_PKCS1_SHA256, &self.rng, token.as_bytes(), &mut sig)
                    .map_err(|_| KeyError::Sign)?;
                sig
            }
            // The FIXED algorithm gives the 64-byte `r || s` that JWS (RFC 7518 §3.4) wants.
            Material::Ec(key_pair) => key_pair
                .sign(&self.rng, token.as_bytes())
                .map_err(|_| KeyError::Sign)?
                .as_ref()
                .to_vec(),
        };
        token.push('.');
        B64.encode_string(&signature, &mut token);
        Ok(token)
    }
}

fn rejected(e: aws_lc_rs::error::KeyRejected) -> KeyError {
    KeyError::Rejected(e.to_string())
}

fn rsa_jwk(key_pair: &RsaKeyPair) -> Jwk {
    let components = PublicKeyComponents::<Vec<u8>>::from(key_pair.public_key());
    let n = B64.encode(&components.n);
    let e = B64.encode(&components.e);
    Jwk::Rsa(RsaJwk {
        kty: "RSA",
        kid: rfc7638_thumbprint(&e, &n),
        e,
        n,
        use_: "sig",
        alg: "RS256",
    })
}

fn ec_jwk(key_pair: &EcdsaKeyPair) -> Jwk {
    // The public key is the uncompressed SEC 1 point: 0x04, then 32 bytes each of x and y.
    let point = key_pair.public_key().as_ref();
    let coordinates = point.get(1..).unwrap_or_default();
    let (x, y) = coordinates.split_at(coordinates.len() / 2);
    let (x, y) = (B64.encode(x), B64.encode(y));
    Jwk::Ec(EcJwk {
        kty: "EC",
        kid: rfc7638_ec_thumbprint("P-256", &x, &y),
        crv: "P-256",
        x,
        y,
        use_: "sig",
        alg: "ES256",
    })
}

/// A fresh private key of `kind` as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). RSA-4096 takes
/// hundreds of milliseconds, so async callers run this on a blocking thread.
pub(crate) fn generate_pem(kind: KeyKind) -> Result<String, KeyError> {
    let der: Vec<u8> = match kind {
        KeyKind::Rsa2048 | KeyKind::Rsa4096 => {
            let size = if kind == KeyKind::Rsa2048 {
                KeySize::Rsa2048
            } else {
                KeySize::Rsa4096
            };
            let key = RsaKeyPair::generate(size).map_err(|_| KeyError::Generate)?;
            key.as_der()
                .map_err(|_| KeyError::Encode)?
                .as_ref()
                .to_vec()
        }
        KeyKind::EcP256 => {
            let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
                .map_err(|_| KeyError::Generate)?;
            key.to_pkcs8v1()
                .map_err(|_| KeyError::Encode)?
                .as_ref()
                .to_vec()
        }
    };
    Ok(pkcs8_pem(&der))
}

/// PEM as RFC 7468 writes it: base64 in lines of 64 characters.
fn pkcs8_pem(der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut pem = String::with_capacity(body.len() + body.len() / 64 + 64);
    pem.push_str("-----BEGIN PRIVATE KEY-----\n");
    let mut rest = body.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        pem.push_str(line);
        pem.push('\n');
        rest = tail;
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    pem
}
