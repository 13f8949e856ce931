//! Shared helpers for the integration tests.
#![allow(dead_code)]
// each test binary uses a different subset
// Helpers for tests: a panic is the failure report. (clippy's allow-*-in-tests covers
// #[test] fns only, not shared helper modules.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub(crate) mod verifier;

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use mock_gitlab::{Config, FixedClock, RunningGitlab};
use serde_json::Value;
use tokio::io::AsyncWriteExt as _;

pub(crate) const FIXTURE_KEY: &str = include_str!("../fixtures/ci-signing-key.pem");
/// RSA-4096, fixed so the JWKS is snapshot-stable and no test waits for RSA-4096 generation.
pub(crate) const OIDC_FIXTURE_KEY: &str = include_str!("../fixtures/oidc-signing-key.pem");
/// P-256, for the ES256 option.
pub(crate) const EC_FIXTURE_KEY: &str = include_str!("../fixtures/ci-signing-key-ec.pem");
pub(crate) const FIXED_NOW: i64 = 1_700_000_000;
/// Only ever a name inside documents and tokens; no test connects to it.
pub(crate) const EXTERNAL_URL: &str = "https://gitlab.fedlab.test";

/// Fixed key, fixed clock, fixed external issuer: everything snapshot-stable.
pub(crate) fn fixed_config() -> Config {
    let mut c = Config::new("127.0.0.1:0".parse().unwrap());
    c.signing_key_pem = Some(FIXTURE_KEY.to_owned());
    c.oidc_key_pem = Some(OIDC_FIXTURE_KEY.to_owned());
    c.clock = Arc::new(FixedClock(FIXED_NOW));
    c.external_url = Some(EXTERNAL_URL.to_owned());
    c
}

/// Serves `mock_gitlab::app` over plain HTTP on loopback, for tests that look at documents
/// whose issuer is a name nothing should dial. Returns `http://127.0.0.1:PORT`.
pub(crate) async fn serve_app_plain(config: Config) -> String {
    let app = mock_gitlab::app(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

pub(crate) fn plain_client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// A client that trusts exactly the given roots and pins `localhost` to `addr`, so no
/// resolver (or system trust store, or proxy variable) is involved.
pub(crate) fn https_client(roots_pem: &[&str], addr: SocketAddr) -> reqwest::Client {
    let certs = roots_pem
        .iter()
        .map(|pem| reqwest::Certificate::from_pem(pem.as_bytes()).unwrap());
    reqwest::Client::builder()
        .tls_certs_only(certs)
        .no_proxy()
        .resolve("localhost", addr)
        .build()
        .unwrap()
}

/// The fixture keys on a free loopback port; everything else default (no state dir).
pub(crate) fn default_config() -> Config {
    let mut c = Config::new("127.0.0.1:0".parse().unwrap());
    c.signing_key_pem = Some(FIXTURE_KEY.to_owned());
    c.oidc_key_pem = Some(OIDC_FIXTURE_KEY.to_owned());
    c
}

/// [`fixed_config`] imitating GitLab `version`.
pub(crate) fn fixed_config_at(version: &str) -> Config {
    let mut c = fixed_config();
    c.gitlab_version = Some(version.parse().unwrap());
    c
}

pub(crate) async fn spawn_default() -> RunningGitlab {
    mock_gitlab::spawn(default_config()).await.unwrap()
}

pub(crate) fn client_for(server: &RunningGitlab) -> reqwest::Client {
    https_client(&[server.ca_pem()], server.addr())
}

/// Decodes a compact JWS into (header, payload) without verifying it.
pub(crate) fn decode_unverified(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let header = B64.decode(parts.next().unwrap()).unwrap();
    let payload = B64.decode(parts.next().unwrap()).unwrap();
    assert!(parts.next().is_some(), "missing signature");
    assert!(parts.next().is_none(), "too many segments");
    (
        serde_json::from_slice(&header).unwrap(),
        serde_json::from_slice(&payload).unwrap(),
    )
}

/// Raw header bytes, for checking the exact serialization.
pub(crate) fn raw_header(token: &str) -> String {
    String::from_utf8(B64.decode(token.split('.').next().unwrap()).unwrap()).unwrap()
}

pub(crate) async fn mint(client: &reqwest::Client, url: &str, body: Value) -> (u16, Value) {
    let resp = client.post(url).json(&body).send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(ct, "application/json", "status {status}");
    (status, resp.json().await.unwrap())
}

/// The JWKS as raw JSON and as jsonwebtoken's type.
pub(crate) async fn fetch_jwks(
    client: &reqwest::Client,
    url: &str,
) -> (Value, jsonwebtoken::jwk::JwkSet) {
    let text = client.get(url).send().await.unwrap().text().await.unwrap();
    (
        serde_json::from_str(&text).unwrap(),
        serde_json::from_str(&text).unwrap(),
    )
}

/// Runs a command with `stdin` fed in, returning stdout.
pub(crate) async fn run(cmd: &str, args: &[&str], stdin: &[u8]) -> String {
    let mut child = tokio::process::Command::new(cmd)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).await.unwrap();
    drop(input);
    let out = child.wait_with_output().await.unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Splits out the PEM CERTIFICATE blocks of `text`.
pub(crate) fn pem_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let end_marker = "-----END CERTIFICATE-----";
        let end = rest[start..].find(end_marker).unwrap() + start + end_marker.len();
        blocks.push(format!("{}\n", &rest[start..end]));
        rest = &rest[end..];
    }
    blocks
}
