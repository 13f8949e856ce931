//! Key hints in the token header (`jku`, `x5u`, `jwk`, `x5c`) never make mock-sts fetch anything:
//! it asks the provider's issuer, over its discovery document, and nobody else (catalogue
//! class 6; RFC 8725 section 3.10), and a JWKS answer that redirects is not followed either
//! (class 24).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use mock_sts::WireError;
use serde_json::json;
use tokio::net::TcpListener;

use super::{Parts, RsaKey, World, assert_refused};

/// A listener on loopback that counts the connections made to it and answers none of them.
struct Decoy {
    url: String,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Decoy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        let task = tokio::spawn(async move {
            while let Ok((_stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        Self {
            url,
            accepted,
            task,
        }
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Decoy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `parts` with every key-hint header pointing at the decoy or carrying the attacker's key.
fn with_key_hints(mut parts: Parts, decoy: &Decoy, attacker: &RsaKey, kid: &str) -> Parts {
    let jwk = attacker.jwk(kid);
    for (name, value) in [
        ("jku", json!(format!("{}/jwks.json", decoy.url))),
        ("x5u", json!(format!("{}/cert.pem", decoy.url))),
        ("jwk", jwk),
        // Not a real certificate: no parser may ever get to read it.
        ("x5c", json!([STANDARD.encode(b"attacker certificate")])),
        ("kid", json!(kid)),
    ] {
        parts.header.insert(name.to_owned(), value);
    }
    parts
}

fn issuer_paths(world: &World) -> Vec<String> {
    world
        .issuer
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path)
        .collect()
}

#[tokio::test]
async fn key_hints_in_the_header_cause_no_outbound_request_and_the_token_is_refused() {
    let world = World::start().await;
    let decoy = Decoy::start().await;
    let attacker = RsaKey::generate();
    let issuer_kid = world.parts().header["kid"].as_str().unwrap().to_owned();

    // IAM already read the discovery document when the provider was created.
    let before = issuer_paths(&world).len();
    // First token of all: the keys are fetched now, from the issuer's discovery document only.
    let forged = with_key_hints(world.parts(), &decoy, &attacker, &issuer_kid);
    let answer = world.assume(&attacker.sign(&forged)).await;
    assert_refused(&answer, &WireError::invalid_signature());
    let fetched = issuer_paths(&world);
    assert_eq!(
        fetched[before..],
        ["/.well-known/openid-configuration", "/oauth/discovery/keys"],
        "the normal discovery and JWKS fetch, nothing more"
    );

    // The attacker's own kid: an unknown kid makes mock-sts look at the issuer's JWKS again at
    // most, never at the decoy.
    let forged = with_key_hints(world.parts(), &decoy, &attacker, "attacker");
    let answer = world.assume(&attacker.sign(&forged)).await;
    assert_refused(&answer, &WireError::verification_key_unavailable());

    // The hints next to the issuer's genuine signature change nothing but are not followed either.
    let hinted = with_key_hints(world.parts(), &decoy, &attacker, &issuer_kid).signed_by_issuer();
    assert_eq!(world.assume(&hinted).await.status, 200);

    // Anything the decoy would have seen has had time to arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        decoy.accepted(),
        0,
        "mock-sts connected to the token's key hint"
    );
    let fetched = issuer_paths(&world);
    assert!(
        fetched.iter().all(|path| {
            path == "/.well-known/openid-configuration" || path == "/oauth/discovery/keys"
        }),
        "{fetched:?}"
    );
}

#[tokio::test]
async fn a_jwks_that_redirects_elsewhere_is_not_followed_and_no_key_is_found() {
    let world = World::start().await;
    let decoy = Decoy::start().await;
    world
        .issuer
        .set_faults(vec![mock_gitlab::Fault::JwksRedirect {
            location: format!("{}/oauth/discovery/keys", decoy.url),
        }]);
    assert_refused(
        &world.assume(&world.token).await,
        &WireError::verification_key_unavailable(),
    );
    // The issuer was asked and answered 302; nobody else was asked.
    let jwks = world
        .issuer
        .requests()
        .into_iter()
        .filter(|r| r.path == "/oauth/discovery/keys")
        .count();
    assert!(jwks >= 1, "the JWKS was requested");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(decoy.accepted(), 0, "mock-sts followed the redirect");

    // Once the issuer serves its keys again, the same token gets in.
    world.issuer.set_faults(Vec::new());
    assert_eq!(world.assume(&world.token).await.status, 200);
}
