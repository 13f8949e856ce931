//! GitLab's two keys in the JWKS, the ES256 option, CI key rotation at run time, and keys
//! kept in the state dir across restarts.
// Helpers for tests: a panic is the failure report. (clippy's allow-*-in-tests covers
// #[test] fns only, not the helpers beside them.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::os::unix::fs::PermissionsExt as _;

use common::verifier::{Expect, discover_jwks, verify};
use common::*;
use mock_gitlab::{KeyKind, RunningGitlab, SigningAlgorithm};
use serde_json::{Value, json};

fn es256_config() -> mock_gitlab::Config {
    let mut c = fixed_config();
    c.signing_algorithm = SigningAlgorithm::Es256;
    c.signing_key_pem = Some(EC_FIXTURE_KEY.to_owned());
    c
}

#[tokio::test]
async fn the_es256_jwks_and_header() {
    let base = serve_app_plain(es256_config()).await;
    let body = plain_client()
        .get(format!("{base}/oauth/discovery/keys"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    insta::assert_snapshot!("es256_jwks", body);
    let (status, minted) = mint(
        &plain_client(),
        &format!("{base}/-/mock/id_tokens"),
        json!({"aud": "sts.amazonaws.com"}),
    )
    .await;
    assert_eq!(status, 200, "{minted}");
    let token = minted["token"].as_str().unwrap();
    let jwks: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        raw_header(token),
        format!(
            r#"{{"kid":"{}","typ":"JWT","alg":"ES256"}}"#,
            jwks["keys"][1]["kid"].as_str().unwrap()
        )
    );
}

/// Mints an ID token and returns it with the kid in its header.
async fn mint_token(server: &RunningGitlab, client: &reqwest::Client) -> (String, String) {
    let (status, body) = mint(client, &server.ready().mint_url, json!({"aud": "a"})).await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    let kid = jsonwebtoken::decode_header(&token).unwrap().kid.unwrap();
    (token, kid)
}

async fn rotate_over_http(server: &RunningGitlab, client: &reqwest::Client, body: Value) -> Value {
    let resp = client
        .post(server.url("/-/mock/keys/rotate"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

fn kids(jwks: &Value) -> Vec<String> {
    let keys = jwks["keys"].as_array().unwrap();
    keys.iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn rotation_without_keep_old_signs_with_the_new_key_and_drops_the_old_one() {
    let server = mock_gitlab::spawn(default_config()).await.unwrap();
    let client = client_for(&server);
    let expect = Expect {
        iss: server.issuer(),
        aud: Some("a"),
    };
    let (before, old_kid) = mint_token(&server, &client).await;
    assert_eq!(old_kid, server.kid());

    let answer = rotate_over_http(&server, &client, json!({"keep_old": false})).await;
    let new_kid = answer["kid"].as_str().unwrap().to_owned();
    assert_ne!(new_kid, old_kid);
    let jwks = discover_jwks(&client, server.issuer()).await;
    assert_eq!(kids(&jwks), [server.oidc_kid(), new_kid.as_str()]);
    assert_eq!(answer["published"], json!(kids(&jwks)));
    // The new key is RSA-2048 like the one it replaced.
    assert_eq!(jwks["keys"][1]["n"].as_str().unwrap().len(), 342);

    let (after, signer) = mint_token(&server, &client).await;
    assert_eq!(signer, new_kid);
    verify(&after, &jwks, &expect).unwrap();
    let err = verify(&before, &jwks, &expect).unwrap_err();
    assert!(err.contains("no key"), "{err}");
}

#[tokio::test]
async fn rotation_with_keep_old_publishes_the_old_key_after_the_current_ones() {
    let server = mock_gitlab::spawn(default_config()).await.unwrap();
    let client = client_for(&server);
    let expect = Expect {
        iss: server.issuer(),
        aud: Some("a"),
    };
    let (before, old_kid) = mint_token(&server, &client).await;

    let answer = rotate_over_http(&server, &client, json!({"keep_old": true})).await;
    let new_kid = answer["kid"].as_str().unwrap().to_owned();
    let jwks = discover_jwks(&client, server.issuer()).await;
    assert_eq!(kids(&jwks), [server.oidc_kid(), &new_kid, &old_kid]);
    assert_eq!(answer["published"], json!(kids(&jwks)));
    // A token minted before the rotation verifies while its key is published...
    verify(&before, &jwks, &expect).unwrap();
    let (_, signer) = mint_token(&server, &client).await;
    assert_eq!(signer, new_kid);

    // ...and no longer once a rotation without keep_old (in-process this time) drops it.
    let newest_kid = server.rotate_signing_key(false).await.unwrap();
    let jwks = discover_jwks(&client, server.issuer()).await;
    assert_eq!(kids(&jwks), [server.oidc_kid(), newest_kid.as_str()]);
    assert!(verify(&before, &jwks, &expect).is_err());
}

#[tokio::test]
async fn an_es256_key_rotates_to_another_es256_key() {
    let mut config = es256_config();
    config.clock = std::sync::Arc::new(mock_gitlab::SystemClock);
    config.external_url = None;
    let server = mock_gitlab::spawn(config).await.unwrap();
    let client = client_for(&server);
    let kid = server.rotate_signing_key(true).await.unwrap();
    let jwks = discover_jwks(&client, server.issuer()).await;
    assert_eq!(jwks["keys"][1]["kid"], kid.as_str());
    assert_eq!(jwks["keys"][1]["kty"], "EC");
    assert_eq!(jwks["keys"][2]["kid"], server.kid());
    let (token, signer) = mint_token(&server, &client).await;
    assert_eq!(signer, kid);
    let expect = Expect {
        iss: server.issuer(),
        aud: Some("a"),
    };
    verify(&token, &jwks, &expect).unwrap();
}

#[tokio::test]
async fn a_rotation_request_is_json_with_keep_old_only() {
    let server = spawn_default().await;
    let client = client_for(&server);
    for bad in [r#"{"keep_old": "yes"}"#, r#"{"keep": true}"#, "{"] {
        let resp = client
            .post(server.url("/-/mock/keys/rotate"))
            .body(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("invalid request body")
        );
    }
    // An empty body is `{}`: the old key goes.
    let resp = client
        .post(server.url("/-/mock/keys/rotate"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["published"].as_array().unwrap().len(), 2);
}

fn state_dir_config(dir: &std::path::Path) -> mock_gitlab::Config {
    let mut c = mock_gitlab::Config::new("127.0.0.1:0".parse().unwrap());
    c.state_dir = Some(dir.to_owned());
    c
}

async fn published(server: &RunningGitlab) -> Vec<String> {
    kids(&discover_jwks(&client_for(server), server.issuer()).await)
}

#[tokio::test]
async fn keys_are_kept_in_the_state_dir_and_reused_by_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let first = mock_gitlab::spawn(state_dir_config(dir.path()))
        .await
        .unwrap();
    let first_kids = published(&first).await;
    for file in ["oidc-key.pem", "ci-key.pem"] {
        let meta = std::fs::metadata(dir.path().join(file)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{file}");
    }
    first.shutdown().await;

    let second = mock_gitlab::spawn(state_dir_config(dir.path()))
        .await
        .unwrap();
    assert_eq!(published(&second).await, first_kids);
    assert_eq!(second.kid(), first_kids[1]);
    // A rotated CI key is stored too, so the start after it keeps the new kid.
    let rotated = second.rotate_signing_key(false).await.unwrap();
    second.shutdown().await;
    let third = mock_gitlab::spawn(state_dir_config(dir.path()))
        .await
        .unwrap();
    assert_eq!(third.kid(), rotated);
    assert_eq!(third.oidc_kid(), first_kids[0]);
    third.shutdown().await;

    // Explicit PEMs win over the files, which stay as they are.
    let stored = std::fs::read_to_string(dir.path().join("ci-key.pem")).unwrap();
    let mut explicit = state_dir_config(dir.path());
    explicit.signing_key_pem = Some(FIXTURE_KEY.to_owned());
    explicit.oidc_key_pem = Some(OIDC_FIXTURE_KEY.to_owned());
    let fourth = mock_gitlab::spawn(explicit).await.unwrap();
    let fixture = mock_gitlab::spawn(default_config()).await.unwrap();
    assert_eq!(published(&fourth).await, published(&fixture).await);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ci-key.pem")).unwrap(),
        stored
    );
}

#[tokio::test]
async fn a_stored_key_of_the_other_algorithm_stops_the_start_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = state_dir_config(dir.path());
    config.oidc_key_pem = Some(OIDC_FIXTURE_KEY.to_owned());
    let first = mock_gitlab::spawn(config.clone()).await.unwrap();
    first.shutdown().await;
    config.signing_algorithm = SigningAlgorithm::Es256;
    let e = mock_gitlab::spawn(config).await.unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("ci-key.pem") && msg.contains("ES256"), "{msg}");
}

#[tokio::test]
async fn generated_pems_can_be_passed_to_many_instances() {
    let (oidc, ci) = tokio::task::spawn_blocking(|| {
        (
            mock_gitlab::generate_key_pem(KeyKind::Rsa4096).unwrap(),
            mock_gitlab::generate_key_pem(KeyKind::Rsa2048).unwrap(),
        )
    })
    .await
    .unwrap();
    let mut kids_seen = Vec::new();
    for _ in 0..2 {
        let mut config = mock_gitlab::Config::new("127.0.0.1:0".parse().unwrap());
        config.oidc_key_pem = Some(oidc.clone());
        config.signing_key_pem = Some(ci.clone());
        let server = mock_gitlab::spawn(config).await.unwrap();
        kids_seen.push(published(&server).await);
    }
    assert_eq!(kids_seen[0], kids_seen[1]);
    let ec = mock_gitlab::generate_key_pem(KeyKind::EcP256).unwrap();
    assert!(ec.starts_with("-----BEGIN PRIVATE KEY-----"));
}
