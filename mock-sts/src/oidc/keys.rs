//! The issuer's signing keys, fetched the way STS does: discovery document, then `jwks_uri`, over
//! HTTPS, within a time limit, and cached.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use arc_swap::ArcSwap;
use jsonwebtoken::jwk::Jwk;
use rustls::RootCertStore;
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use serde_json::Value;

use super::key_cache::KeyCache;
use super::verifier::IssuerCertVerifier;
use super::verifying_key::VerifyingKey;
use crate::unknowns;

/// Why keys could not be had; each maps to one AWS message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FetchError {
    /// Unreachable, slow, non-200, unparsable, issuer mismatch, unknown kid: AWS says
    /// "Couldn't retrieve verification key" for all of them. The reason is for fedlab's log only.
    #[error("verification key unavailable: {0}")]
    Unavailable(String),
    #[error("issuer certificate matches no configured thumbprint")]
    ThumbprintMismatch,
}

#[derive(Debug)]
pub(crate) struct KeyFetcher {
    trusted_roots: Arc<RootCertStore>,
    pub(super) crypto: Arc<CryptoProvider>,
    /// Read by every AssumeRoleWithWebIdentity, replaced after a fetch: no lock on the way.
    cache: ArcSwap<KeyCache>,
}

impl KeyFetcher {
    /// A fetcher whose cache holds the keys of at most `cache_capacity` issuers.
    pub(crate) fn new(trusted_roots: RootCertStore, cache_capacity: usize) -> Self {
        Self {
            trusted_roots: Arc::new(trusted_roots),
            crypto: Arc::new(rustls::crypto::aws_lc_rs::default_provider()),
            cache: ArcSwap::from_pointee(KeyCache::new(cache_capacity)),
        }
    }

    /// The JWK that should verify a token from `issuer` with header `kid`.
    pub(crate) async fn key(
        &self,
        issuer: &str,
        thumbprints: &[String],
        kid: Option<&str>,
    ) -> Result<Arc<VerifyingKey>, FetchError> {
        let cache_key = format!("{issuer}\n{}", thumbprints.join(","));
        let cached = self.cached(&cache_key);
        if let Some((keys, age)) = &cached {
            let fresh = *age < unknowns::KEY_CACHE_TTL;
            match select(keys, kid) {
                Ok(jwk) if fresh => return Ok(jwk),
                Err(_) if fresh && *age < unknowns::UNKNOWN_KID_REFETCH_INTERVAL => {
                    return select(keys, kid);
                }
                _ => {}
            }
        }
        let keys: Vec<_> = self
            .fetch(issuer, thumbprints)
            .await?
            .into_iter()
            .map(|jwk| Arc::new(VerifyingKey::new(jwk)))
            .collect();
        let selected = select(&keys, kid);
        let now = Instant::now();
        self.cache.rcu(|current| {
            let mut next = KeyCache::clone(current);
            next.insert(cache_key.clone(), keys.clone(), now);
            next
        });
        selected
    }

    /// Forgets every issuer's keys, so the next token from each is verified against keys fetched
    /// anew (a reset: the issuer's keys may have changed back since).
    pub(crate) fn forget(&self) {
        self.cache.rcu(|current| current.emptied());
    }

    fn cached(
        &self,
        cache_key: &str,
    ) -> Option<(Arc<Vec<Arc<VerifyingKey>>>, std::time::Duration)> {
        self.cache.load().get(cache_key, Instant::now())
    }

    async fn fetch(&self, issuer: &str, thumbprints: &[String]) -> Result<Vec<Jwk>, FetchError> {
        let mismatch = Arc::new(AtomicBool::new(false));
        let client = self.client(thumbprints, Arc::clone(&mismatch))?;
        let work = async {
            let discovery_url = format!("{issuer}/.well-known/openid-configuration");
            let discovery = get_json(&client, &discovery_url).await?;
            if unknowns::REQUIRE_DISCOVERY_ISSUER_MATCH
                && discovery.get("issuer").and_then(Value::as_str) != Some(issuer)
            {
                return Err(FetchError::Unavailable(format!(
                    "discovery issuer {} is not the token issuer {issuer}",
                    discovery.get("issuer").unwrap_or(&Value::Null)
                )));
            }
            let jwks_uri = discovery
                .get("jwks_uri")
                .and_then(Value::as_str)
                .filter(|uri| uri.starts_with("https://"))
                .ok_or_else(|| FetchError::Unavailable("discovery has no https jwks_uri".into()))?;
            let jwks = get_json(&client, jwks_uri).await?;
            Ok(parse_jwks(&jwks))
        };
        let result = work.await;
        if mismatch.load(Ordering::Relaxed) {
            return Err(FetchError::ThumbprintMismatch);
        }
        result
    }

    /// A client per fetch: the verifier carries this provider's thumbprints and reports a
    /// thumbprint mismatch through `mismatch`, which no shared client could do without races.
    fn client(
        &self,
        thumbprints: &[String],
        mismatch: Arc<AtomicBool>,
    ) -> Result<reqwest::Client, FetchError> {
        let trusted = if self.trusted_roots.is_empty() {
            None
        } else {
            WebPkiServerVerifier::builder_with_provider(
                Arc::clone(&self.trusted_roots),
                Arc::clone(&self.crypto),
            )
            .build()
            .ok()
        };
        let verifier = IssuerCertVerifier {
            trusted,
            thumbprints: thumbprints.iter().map(|t| t.to_ascii_lowercase()).collect(),
            crypto: Arc::clone(&self.crypto),
            mismatch,
        };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::clone(&self.crypto))
            .with_safe_default_protocol_versions()
            .map_err(|e| FetchError::Unavailable(format!("tls setup: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .no_proxy()
            .redirect(redirect_policy())
            .build()
            .map_err(|e| FetchError::Unavailable(format!("client setup: {e}")))
    }
}

/// Whether a fetch follows redirects, as `unknowns::FOLLOW_ISSUER_REDIRECTS` says.
pub(super) fn redirect_policy() -> reqwest::redirect::Policy {
    if unknowns::FOLLOW_ISSUER_REDIRECTS {
        reqwest::redirect::Policy::limited(5)
    } else {
        reqwest::redirect::Policy::none()
    }
}

/// One GET, answered in full within `KEY_FETCH_TIMEOUT`, as JSON.
pub(super) async fn get_json(client: &reqwest::Client, url: &str) -> Result<Value, FetchError> {
    let fetch = async {
        let response = client
            .get(url)
            .send()
            .await
            .map_err(|e| FetchError::Unavailable(format!("GET {url}: {}", error_chain(&e))))?;
        if !response.status().is_success() {
            return Err(FetchError::Unavailable(format!(
                "GET {url}: HTTP {}",
                response.status()
            )));
        }
        let mut response = response;
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| FetchError::Unavailable(format!("GET {url}: {}", error_chain(&e))))?
        {
            // Read no further than the cap: an issuer cannot make STS buffer without end.
            if body.len() + chunk.len() > unknowns::MAX_ISSUER_DOCUMENT_BYTES {
                return Err(FetchError::Unavailable(format!(
                    "GET {url}: body larger than {} bytes",
                    unknowns::MAX_ISSUER_DOCUMENT_BYTES
                )));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice::<Value>(&body)
            .map_err(|e| FetchError::Unavailable(format!("GET {url}: body is not JSON: {e}")))
    };
    tokio::time::timeout(unknowns::KEY_FETCH_TIMEOUT, fetch)
        .await
        .unwrap_or_else(|_| {
            Err(FetchError::Unavailable(format!(
                "GET {url}: no answer within {:?}",
                unknowns::KEY_FETCH_TIMEOUT
            )))
        })
}

pub(super) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// Keys that do not parse are skipped, so one odd key cannot hide the others.
pub(super) fn parse_jwks(jwks: &Value) -> Vec<Jwk> {
    jwks.get("keys")
        .and_then(Value::as_array)
        .map(|keys| {
            keys.iter()
                .filter_map(|key| serde_json::from_value::<Jwk>(key.clone()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// By `kid`; without one, only an unambiguous single key unless `unknowns` allows the first.
pub(super) fn select(
    keys: &[Arc<VerifyingKey>],
    kid: Option<&str>,
) -> Result<Arc<VerifyingKey>, FetchError> {
    let found = match kid {
        Some(kid) => keys.iter().find(|k| k.key_id() == Some(kid)),
        None if keys.len() == 1 || !unknowns::KIDLESS_TOKEN_NEEDS_SINGLE_KEY => keys.first(),
        None => None,
    };
    found.cloned().ok_or_else(|| {
        FetchError::Unavailable(match kid {
            Some(kid) => format!("kid {kid} is not in the issuer's JWKS"),
            None => "token has no kid and the JWKS has several keys".to_owned(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwk(kid: &str, alg: &str) -> Jwk {
        serde_json::from_value(serde_json::json!({
            "kty": "RSA", "kid": kid, "alg": alg, "use": "sig", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw", "e": "AQAB"
        }))
        .unwrap()
    }

    #[test]
    fn a_token_without_kid_picks_no_key_among_several() {
        let keys = [jwk("a", "RS256"), jwk("b", "RS256")].map(|k| Arc::new(VerifyingKey::new(k)));
        assert_eq!(
            select(&keys, None).is_err(),
            unknowns::KIDLESS_TOKEN_NEEDS_SINGLE_KEY
        );
        assert!(select(&keys[..1], None).is_ok());
        assert!(select(&keys, Some("b")).is_ok());
        assert!(select(&keys, Some("c")).is_err());
    }

    /// Serves `body` as JSON on 127.0.0.1 and returns its URL.
    async fn serving(body: String) -> String {
        let app = axum::Router::new().route(
            "/jwks",
            axum::routing::get(move || {
                let body = body.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        body,
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/jwks")
    }

    fn padded_jwks(bytes: usize) -> String {
        let padding = "x".repeat(bytes.saturating_sub(24));
        format!(r#"{{"keys":[],"padding":"{padding}"}}"#)
    }

    #[tokio::test]
    async fn a_key_set_larger_than_the_cap_is_not_read_and_one_within_it_is() {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let within = serving(padded_jwks(unknowns::MAX_ISSUER_DOCUMENT_BYTES - 1024)).await;
        assert!(get_json(&client, &within).await.is_ok());
        let beyond = serving(padded_jwks(unknowns::MAX_ISSUER_DOCUMENT_BYTES + 1024)).await;
        let refused = get_json(&client, &beyond).await.unwrap_err();
        assert!(
            matches!(&refused, FetchError::Unavailable(why) if why.contains("larger than")),
            "{refused:?}"
        );
    }
}
