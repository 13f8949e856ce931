//! One request of each workload, and the check of its answer: what counts as a success is what a
//! client could use (credentials, an ARN, a key set, a token, the object's bytes).

use aws_smithy_runtime_api::client::identity::Identity;
use reqwest::header::{CONTENT_TYPE, HOST};

use super::answer::{FORM, Failure, expect_200, send_signed};
use super::mixed::Mixed;
use super::sign::{Service, host_of};
use crate::aws_query::element;

/// Everything the requests of one run need, prepared before the clock starts. Not `Debug`: the
/// bodies hold tokens and the identities secrets.
pub(super) enum Plan {
    /// Form bodies of AssumeRoleWithWebIdentity, one per token of the pool, used in turn.
    Assume { url: String, bodies: Vec<Vec<u8>> },
    CallerIdentity {
        url: String,
        identity: Identity,
        region: String,
    },
    Jwks {
        jwks_url: String,
        discovery_url: String,
    },
    /// The mint API's JSON body.
    Mint { url: String, body: Vec<u8> },
    /// `keys` (already written once, so every GET finds its object) are PUT and GET in turn.
    S3 {
        endpoint: String,
        bucket: String,
        keys: Vec<String>,
        object: Vec<u8>,
        identity: Identity,
        region: String,
    },
    /// Boxed: it is several times the size of the others.
    Mixed(Box<Mixed>),
}

impl Plan {
    /// Sends request number `n` (of this connection) and checks the answer.
    pub(super) async fn send(&self, http: &reqwest::Client, n: usize) -> Result<(), Failure> {
        match self {
            Self::Assume { url, bodies } => {
                let body = bodies[n % bodies.len()].clone();
                let text = expect_200(
                    http.post(url)
                        .header(CONTENT_TYPE, FORM)
                        .body(body)
                        .send()
                        .await,
                )
                .await?;
                let has = |name: &str| element(&text, name).is_some_and(|v| !v.is_empty());
                if [
                    "AccessKeyId",
                    "SecretAccessKey",
                    "SessionToken",
                    "Expiration",
                ]
                .iter()
                .all(|name| has(name))
                {
                    Ok(())
                } else {
                    Err(Failure::mismatch("200 without credentials"))
                }
            }
            Self::CallerIdentity {
                url,
                identity,
                region,
            } => {
                let body = b"Action=GetCallerIdentity&Version=2011-06-15".to_vec();
                let request = http::Request::post(url.as_str())
                    .header(CONTENT_TYPE, FORM)
                    .header(HOST, host_of(url))
                    .body(body);
                let text = send_signed(http, request, identity, Service::Sts, region).await?;
                if element(&text, "Arn").is_some_and(|arn| arn.starts_with("arn:")) {
                    Ok(())
                } else {
                    Err(Failure::mismatch("200 without Arn"))
                }
            }
            Self::Jwks {
                jwks_url,
                discovery_url,
            } => {
                if n.is_multiple_of(2) {
                    let text = expect_200(http.get(jwks_url).send().await).await?;
                    check_key_set(&text)
                } else {
                    let text = expect_200(http.get(discovery_url).send().await).await?;
                    check_discovery(&text)
                }
            }
            Self::Mint { url, body } => {
                let text = expect_200(
                    http.post(url)
                        .header(CONTENT_TYPE, "application/json")
                        .body(body.clone())
                        .send()
                        .await,
                )
                .await?;
                match serde_json::from_str::<mock_gitlab::MintResponse>(&text) {
                    Ok(minted) if minted.token.split('.').count() == 3 => Ok(()),
                    _ => Err(Failure::mismatch("200 without a token")),
                }
            }
            Self::Mixed(mixed) => mixed.send(http).await,
            Self::S3 {
                endpoint,
                bucket,
                keys,
                object,
                identity,
                region,
            } => {
                let key = &keys[(n / 2) % keys.len()];
                if n.is_multiple_of(2) {
                    let request = put_object(endpoint, bucket, key, object);
                    send_signed(http, request, identity, Service::S3, region).await?;
                    Ok(())
                } else {
                    let url = format!("{endpoint}/{bucket}/{key}");
                    let request = http::Request::get(url.as_str())
                        .header(HOST, host_of(&url))
                        .body(Vec::new());
                    let text = send_signed(http, request, identity, Service::S3, region).await?;
                    if text.len() == object.len() {
                        Ok(())
                    } else {
                        Err(Failure::mismatch("200 without the object"))
                    }
                }
            }
        }
    }
}

/// A PutObject request, unsigned.
pub(super) fn put_object(
    endpoint: &str,
    bucket: &str,
    key: &str,
    object: &[u8],
) -> Result<http::Request<Vec<u8>>, http::Error> {
    let url = format!("{endpoint}/{bucket}/{key}");
    http::Request::put(url.as_str())
        .header(HOST, host_of(&url))
        .header(CONTENT_TYPE, "application/octet-stream")
        .body(object.to_vec())
}

/// A JWKS as RFC 7517 defines it, with at least one key (a client could verify nothing with
/// none).
pub(super) fn check_key_set(text: &str) -> Result<(), Failure> {
    match serde_json::from_str::<jsonwebtoken::jwk::JwkSet>(text) {
        Ok(set) if !set.keys.is_empty() => Ok(()),
        Ok(_) => Err(Failure::mismatch("JWKS without keys")),
        Err(_) => Err(Failure::mismatch("JWKS is not a key set")),
    }
}

/// A discovery document with the two fields a verifier needs.
fn check_discovery(text: &str) -> Result<(), Failure> {
    let document: serde_json::Value =
        serde_json::from_str(text).map_err(|_| Failure::mismatch("discovery is not JSON"))?;
    let field = |name: &str| document.get(name).and_then(serde_json::Value::as_str);
    match (field("issuer"), field("jwks_uri")) {
        (Some(_), Some(_)) => Ok(()),
        _ => Err(Failure::mismatch("discovery without issuer or jwks_uri")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_set_needs_keys_and_a_discovery_document_needs_its_uris() {
        assert!(check_key_set(r#"{"keys": []}"#).is_err());
        assert!(check_key_set(r#"{"nope": 1}"#).is_err());
        assert!(
            check_key_set(
                r#"{"keys": [{"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#
            )
            .is_ok()
        );
        assert!(check_discovery(r#"{"issuer": "https://localhost"}"#).is_err());
        assert!(check_discovery(r#"{"issuer": "i", "jwks_uri": "j"}"#).is_ok());
    }
}
