//! A relying party written against the specs only: it learns the keys from what the server
//! serves (discovery, then the JWKS named there, over HTTPS trusting only the mock's CA),
//! recomputes every kid itself, and verifies with `jsonwebtoken`.

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{DecodingKey, Validation};
use serde_json::Value;

/// The raw JWKS, as fetched through the discovery document of `issuer_url`.
pub(crate) async fn discover_jwks(client: &reqwest::Client, issuer_url: &str) -> Value {
    let discovery: Value = get_json(
        client,
        &format!("{issuer_url}/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(discovery["issuer"], issuer_url, "{discovery}");
    let jwks_uri = discovery["jwks_uri"].as_str().unwrap();
    let jwks = get_json(client, jwks_uri).await;
    for key in jwks["keys"].as_array().unwrap() {
        assert_eq!(key["kid"].as_str().unwrap(), rfc7638_kid(key), "{key}");
        assert_eq!(key["use"], "sig");
    }
    jwks
}

async fn get_json(client: &reqwest::Client, url: &str) -> Value {
    let resp = client.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{url}");
    resp.json().await.unwrap()
}

/// RFC 7638 §3.2: the required members of the key type, in lexicographic order, no spaces.
pub(crate) fn rfc7638_kid(key: &Value) -> String {
    let s = |name: &str| key[name].as_str().unwrap().to_owned();
    let canonical = match key["kty"].as_str().unwrap() {
        "RSA" => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, s("e"), s("n")),
        "EC" => format!(
            r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
            s("crv"),
            s("x"),
            s("y")
        ),
        other => panic!("unexpected kty {other}"),
    };
    B64.encode(digest::digest(&digest::SHA256, canonical.as_bytes()))
}

/// What a token must say to be accepted.
pub(crate) struct Expect<'a> {
    pub(crate) iss: &'a str,
    /// `None` for tokens without `aud` (CI_JOB_JWT).
    pub(crate) aud: Option<&'a str>,
}

/// Verifies `token` against `jwks` (key picked by the header's kid, algorithm from the JWK)
/// and returns its claims, or the reason it fails.
pub(crate) fn verify(token: &str, jwks: &Value, expect: &Expect<'_>) -> Result<Value, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
    let kid = header.kid.clone().ok_or("token without kid")?;
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .ok_or_else(|| format!("no key {kid} in the JWKS"))?;
    assert_eq!(
        key["alg"],
        header.alg_str(),
        "JWK alg agrees with the header"
    );
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.clone()).unwrap();
    let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| e.to_string())?;
    let mut v = Validation::new(header.alg);
    v.set_issuer(&[expect.iss]);
    v.leeway = 0;
    v.validate_nbf = true;
    match expect.aud {
        Some(aud) => {
            v.set_audience(&[aud]);
            v.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        }
        None => {
            v.validate_aud = false;
            v.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "sub"]);
        }
    }
    jsonwebtoken::decode::<Value>(token, &decoding, &v)
        .map(|data| data.claims)
        .map_err(|e| e.to_string())
}

trait AlgName {
    fn alg_str(&self) -> &'static str;
}

impl AlgName for jsonwebtoken::Header {
    fn alg_str(&self) -> &'static str {
        match self.alg {
            jsonwebtoken::Algorithm::RS256 => "RS256",
            jsonwebtoken::Algorithm::ES256 => "ES256",
            other => panic!("unexpected alg {other:?}"),
        }
    }
}
