//! `POST /-/mock/reset` and `RunningGitlab::reset`: faults cleared, the request log emptied, and
//! the CI key the instance started with back in force, so one instance serves many cases.
// Helpers for tests: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod fault_support;

use common::verifier::discover_jwks;
use common::*;
use fault_support::*;
use mock_gitlab::{Fault, RunningGitlab};
use serde_json::{Value, json};

async fn reset_over_http(server: &RunningGitlab) -> u16 {
    admin_client(server)
        .post(format!("{}/-/mock/reset", server.admin_url()))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

async fn token_kid(server: &RunningGitlab) -> String {
    let (status, body) = mint(
        &admin_client(server),
        &format!("{}/-/mock/id_tokens", server.admin_url()),
        json!({"aud": "a"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap();
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

#[tokio::test]
async fn a_reset_clears_faults_and_the_log_and_undoes_rotations() {
    let server = spawn_default().await;
    let client = client_for(&server);
    let jwks_at_start = kids(&discover_jwks(&client, server.issuer()).await);
    server.rotate_signing_key(true).await.unwrap();
    server.rotate_signing_key(true).await.unwrap();
    assert_eq!(
        kids(&discover_jwks(&client, server.issuer()).await).len(),
        4
    );
    let (status, _) = put_faults(&server, &json!({"faults": [{"kind": "jwks_unavailable"}]})).await;
    assert_eq!(status, 200);
    let last = server.requests().last().unwrap().seq;

    assert_eq!(reset_over_http(&server).await, 204);

    assert!(server.faults().is_empty());
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert_eq!(
        kids(&discover_jwks(&client, server.issuer()).await),
        jwks_at_start
    );
    assert_eq!(token_kid(&server).await, server.kid());
    // Sequence numbers go on after a reset, so `?since=` stays meaningful.
    assert!(server.requests().iter().all(|r| r.seq > last));
}

#[tokio::test]
async fn the_in_process_reset_does_what_the_route_does() {
    let server = spawn_default().await;
    server.set_faults(vec![Fault::JwksUnavailable]);
    let rotated = server.rotate_signing_key(false).await.unwrap();
    assert_eq!(token_kid(&server).await, rotated);
    server.reset().await.unwrap();
    assert!(server.faults().is_empty());
    assert_eq!(token_kid(&server).await, server.kid());
}

#[tokio::test]
async fn a_reset_writes_the_initial_key_back_to_the_state_dir() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = default_config();
    config.signing_key_pem = None;
    config.state_dir = Some(dir.path().to_owned());
    let server = mock_gitlab::spawn(config.clone()).await.unwrap();
    let initial = std::fs::read_to_string(dir.path().join("ci-key.pem")).unwrap();
    server.rotate_signing_key(false).await.unwrap();
    assert_ne!(
        std::fs::read_to_string(dir.path().join("ci-key.pem")).unwrap(),
        initial
    );
    assert_eq!(reset_over_http(&server).await, 204);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ci-key.pem")).unwrap(),
        initial
    );
    let kid = server.kid().to_owned();
    server.shutdown().await;
    let restarted = mock_gitlab::spawn(config).await.unwrap();
    assert_eq!(restarted.kid(), kid);
}
