//! JWKS entries as GitLab serves them, and the RFC 7638 thumbprints that name them.

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::Serialize;

/// One entry of the JWKS, an RSA or an EC public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub(crate) enum Jwk {
    /// An RSA key, as GitLab publishes both of its keys.
    Rsa(RsaJwk),
    /// A P-256 key: the mock's ES256 option, which GitLab itself does not offer.
    Ec(EcJwk),
}

/// Field order is the wire order: `JwksController#pem_to_jwk` (`app/controllers/jwks_controller.rb`
/// in gitlab-org/gitlab) takes `slice(:kty, :kid, :e, :n)` and merges `use` and `alg` after them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct RsaJwk {
    pub(crate) kty: &'static str,
    pub(crate) kid: String,
    pub(crate) e: String,
    pub(crate) n: String,
    #[serde(rename = "use")]
    pub(crate) use_: &'static str,
    pub(crate) alg: &'static str,
}

/// The same shape for a P-256 key: the key's own members in RFC 7518 §6.2.1 order between
/// `kid` and `use`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct EcJwk {
    pub(crate) kty: &'static str,
    pub(crate) kid: String,
    pub(crate) crv: &'static str,
    pub(crate) x: String,
    pub(crate) y: String,
    #[serde(rename = "use")]
    pub(crate) use_: &'static str,
    pub(crate) alg: &'static str,
}

impl Jwk {
    pub(crate) fn kid(&self) -> &str {
        match self {
            Self::Rsa(k) => &k.kid,
            Self::Ec(k) => &k.kid,
        }
    }
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
    thumbprint(&format!(r#"{{"e":"{e_b64}","kty":"RSA","n":"{n_b64}"}}"#))
}

/// RFC 7638 thumbprint of an EC key: the required members are `crv`, `kty`, `x`, `y`.
pub(crate) fn rfc7638_ec_thumbprint(crv: &str, x_b64: &str, y_b64: &str) -> String {
    thumbprint(&format!(
        r#"{{"crv":"{crv}","kty":"EC","x":"{x_b64}","y":"{y_b64}"}}"#
    ))
}

fn thumbprint(canonical: &str) -> String {
    B64.encode(digest::digest(&digest::SHA256, canonical.as_bytes()))
}
