//! The attack catalogue of docs/security.md ("Attack catalogue") as wire tests: tokens forged,
//! stripped, re-signed, re-encoded or pointed elsewhere, sent to a real mock-sts trusting a real
//! mock-gitlab, each refused with AWS's exact answer as the one error table spells it.
//!
//! Most attacks start from a genuine token taken apart ([`Parts`]), changed, and put together
//! again: unsigned, signed with a key the issuer never published, or signed with the issuer's own
//! key (so that the change alone, not a broken signature, is what the answer is about).

mod claims;
mod outbound;
mod tokens;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey};
use mock_sts::WireError;
use serde_json::{Map, Value, json};

use crate::support::{Answer, Issuer, Sts, assert_sts_error};

/// The issuer's CI signing key: what signs every genuine token of these tests.
const CI_KEY_PEM: &str = include_str!("../../../mock-gitlab/tests/fixtures/ci-signing-key.pem");

/// A running issuer, a mock-sts that trusts it (provider with client ID `sts.amazonaws.com`, role
/// `gitlab-ci` for mygroup/myproject on main), and a genuine token that role accepts.
pub(crate) struct World {
    pub(crate) issuer: Issuer,
    pub(crate) sts: Sts,
    pub(crate) token: String,
}

impl World {
    pub(crate) async fn start() -> Self {
        let issuer = Issuer::start().await;
        let sts = Sts::standard(&issuer, true, &[]).await;
        let token = issuer.main_branch_token().await;
        Self { issuer, sts, token }
    }

    pub(crate) async fn assume(&self, token: &str) -> Answer {
        self.sts.assume("gitlab-ci", token).await
    }

    /// The genuine token taken apart.
    pub(crate) fn parts(&self) -> Parts {
        Parts::of(&self.token)
    }

    /// The genuine token with `claim` set to `value` (or removed, for `None`), signed with the
    /// issuer's key.
    pub(crate) fn with_claim(&self, claim: &str, value: Option<Value>) -> String {
        let mut parts = self.parts();
        match value {
            Some(value) => parts.claims.insert(claim.to_owned(), value),
            None => parts.claims.remove(claim),
        };
        parts.signed_by_issuer()
    }
}

/// A token's header and claims as JSON, and its signature as sent.
#[derive(Clone)]
pub(crate) struct Parts {
    pub(crate) header: Map<String, Value>,
    pub(crate) claims: Map<String, Value>,
    pub(crate) signature: String,
}

impl Parts {
    pub(crate) fn of(token: &str) -> Self {
        let mut split = token.split('.');
        let mut object = || {
            let part = split.next().expect("a compact JWS part");
            match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap() {
                Value::Object(map) => map,
                other => panic!("not a JSON object: {other}"),
            }
        };
        let (header, claims) = (object(), object());
        let signature = split.next().expect("a signature").to_owned();
        Self {
            header,
            claims,
            signature,
        }
    }

    /// `base64url(header) "." base64url(claims)`: what a signature covers.
    pub(crate) fn signing_input(&self) -> String {
        format!(
            "{}.{}",
            b64(&Value::Object(self.header.clone()).to_string()),
            b64(&Value::Object(self.claims.clone()).to_string())
        )
    }

    /// Header and claims as changed, with the signature as it was (covering other bytes now).
    pub(crate) fn with_old_signature(&self) -> String {
        format!("{}.{}", self.signing_input(), self.signature)
    }

    /// Header and claims as changed, signed RS256 with the issuer's own key.
    pub(crate) fn signed_by_issuer(&self) -> String {
        RsaKey::issuer().sign(self)
    }

    /// Header and claims as changed, signed HMAC-SHA256 with `secret`.
    pub(crate) fn signed_hs256(&self, secret: &[u8]) -> String {
        let input = self.signing_input();
        let key = EncodingKey::from_secret(secret);
        let signature =
            jsonwebtoken::crypto::sign(input.as_bytes(), &key, Algorithm::HS256).unwrap();
        format!("{input}.{signature}")
    }
}

/// An RSA signing key: the issuer's, or one the issuer never published (the attacker's).
pub(crate) struct RsaKey(KeyPair);

impl RsaKey {
    pub(crate) fn generate() -> Self {
        Self(KeyPair::generate(KeySize::Rsa2048).unwrap())
    }

    pub(crate) fn issuer() -> Self {
        let pem_body: String = CI_KEY_PEM
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect();
        Self(KeyPair::from_pkcs8(&STANDARD.decode(pem_body).unwrap()).unwrap())
    }

    /// The public key as a JWK, as an attacker embeds it in `jwk` or serves it at `jku`.
    pub(crate) fn jwk(&self, kid: &str) -> Value {
        let public = PublicKeyComponents::<Vec<u8>>::from(self.0.public_key());
        json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
               "n": URL_SAFE_NO_PAD.encode(&public.n), "e": URL_SAFE_NO_PAD.encode(&public.e)})
    }

    /// Header and claims as changed, signed RS256 with this key.
    pub(crate) fn sign(&self, parts: &Parts) -> String {
        let input = parts.signing_input();
        let mut signature = vec![0; self.0.public_modulus_len()];
        self.0
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut signature,
            )
            .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

/// The issuer's public key in the forms jwt_tool's key-confusion attack (`-X k`) tries as an
/// HMAC secret: PKCS#1 DER, its PEM, and the JWK JSON with the published `kid`.
pub(crate) fn issuer_public_key_forms(kid: &str) -> Vec<Vec<u8>> {
    let key = RsaKey::issuer();
    let der = key.0.public_key().as_ref().to_vec();
    let pem = format!(
        "-----BEGIN RSA PUBLIC KEY-----\n{}\n-----END RSA PUBLIC KEY-----\n",
        STANDARD.encode(&der)
    );
    vec![der, pem.into_bytes(), key.jwk(kid).to_string().into_bytes()]
}

pub(crate) fn b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// The answer is exactly `expected`, as mock-sts's error table spells it.
#[track_caller]
pub(crate) fn assert_refused(answer: &Answer, expected: &WireError) {
    let message = expected.message.as_deref().expect("a worded error");
    // As the body carries it: the helpers compare XML text.
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    assert_sts_error(answer, expected.status, expected.code, &escaped);
}
