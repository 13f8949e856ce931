//! Helpers for the fault, TLS-chain, request-log and state-dir tests.
#![allow(dead_code)]
// each test binary uses a different subset
// Helpers for tests: a panic is the failure report. (clippy's allow-*-in-tests covers
// #[test] fns only, not shared helper modules.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use mock_gitlab::RunningGitlab;
use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, BufReader};

pub(crate) const DISCOVERY: &str = "/.well-known/openid-configuration";
pub(crate) const JWKS: &str = "/oauth/discovery/keys";

/// A client for the admin URL (`https://127.0.0.1:PORT`): no SNI, trusts only the root, and
/// gives up after 10 s so a wrongly delayed mock route fails the test instead of hanging it.
pub(crate) fn admin_client(server: &RunningGitlab) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(server.ca_pem().as_bytes()).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Like `common::client_for` (SNI `localhost`, pinned to the server), over HTTP/1.1 only.
pub(crate) fn http1_client(server: &RunningGitlab) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(server.ca_pem().as_bytes()).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .no_proxy()
        .http1_only()
        .resolve("localhost", server.addr())
        .build()
        .unwrap()
}

/// `GET url`, answering (status, body text).
pub(crate) async fn get_text(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// An error's message with all its sources, for assertion messages.
pub(crate) fn chain_of(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// `PUT /-/mock/faults` over the admin URL, answering (status, body).
pub(crate) async fn put_faults(server: &RunningGitlab, body: &Value) -> (u16, Value) {
    let response = admin_client(server)
        .put(format!("{}/-/mock/faults", server.admin_url()))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Accepts any certificate and signature, and keeps the chains it was shown: the certificates
/// a server sent, in the order it sent them.
#[derive(Debug)]
struct Recorder {
    seen: Mutex<Vec<Vec<CertificateDer<'static>>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        self.seen.lock().unwrap().push(chain);
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    // Not checked: an out-of-order chain puts the intermediate first, whose key did not sign.
    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The chain the server sends on a fresh connection to `base` (`https://localhost:PORT` sends
/// SNI `localhost`; `https://127.0.0.1:PORT` sends none), as a rustls client records it.
pub(crate) async fn served_chain(
    server: &RunningGitlab,
    base: &str,
) -> Vec<CertificateDer<'static>> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let recorder = Arc::new(Recorder {
        seen: Mutex::new(Vec::new()),
        provider: Arc::clone(&provider),
    });
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .resolve("localhost", server.addr())
        .build()
        .unwrap();
    let response = client.get(format!("{base}/-/health")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut seen = recorder.seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one handshake");
    seen.pop().unwrap()
}

/// `openssl x509 -noout -subject -issuer` of a DER certificate, one `subject=…`/`issuer=…` line
/// each, e.g. `subject=O = fedlab, CN = fedlab mock-gitlab Root CA 1a2b…`.
pub(crate) async fn subject_and_issuer(der: &[u8]) -> (String, String) {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let pem = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
    let text = crate::common::run(
        "/usr/bin/openssl",
        &["x509", "-noout", "-subject", "-issuer"],
        pem.as_bytes(),
    )
    .await;
    let line = |prefix: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {text}"))
            .trim()
            .to_owned()
    };
    (line("subject="), line("issuer="))
}

/// Runs the binary with `args` and `env`, returning it and its parsed ready line. It is killed
/// when dropped; pass `--state-dir` so it leaves no temp dir of its own behind.
pub(crate) async fn start_binary(
    args: &[&str],
    env: &[(&str, &str)],
) -> (tokio::process::Child, mock_gitlab::Ready) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-gitlab"));
    command.args(args);
    for name in [
        "MOCK_GITLAB_EXTERNAL_URL",
        "MOCK_GITLAB_SIGNING_KEY",
        "MOCK_GITLAB_STATE_DIR",
        "MOCK_GITLAB_LISTEN",
        "MOCK_GITLAB_FAULT",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(60), stdout.read_line(&mut line))
        .await
        .expect("no ready line within 60 s")
        .unwrap();
    (child, serde_json::from_str(&line).unwrap())
}

/// A client that trusts the root in `ready.ca_pem`, for the binary's admin URL.
pub(crate) fn ready_admin_client(ready: &mock_gitlab::Ready) -> reqwest::Client {
    let pem = std::fs::read(&ready.ca_pem).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&pem).unwrap()])
        .no_proxy()
        .build()
        .unwrap()
}

/// The bound address in a ready line.
pub(crate) fn listen_of(ready: &mock_gitlab::Ready) -> SocketAddr {
    ready.listen.parse().unwrap()
}

/// Asserts that `url` gets no HTTP answer at all: a transport error, not a status, and the
/// whole connection closed (over HTTP/2 a reset stream alone would be an answer of sorts).
pub(crate) async fn assert_closed_without_answer(client: &reqwest::Client, url: &str) {
    let err = client.get(url).send().await.unwrap_err();
    let chain = chain_of(&err);
    assert!(err.status().is_none(), "{chain}");
    assert!(
        err.is_request() && !err.is_connect() && !err.is_timeout(),
        "{chain}"
    );
    assert!(chain.contains("closed"), "{chain}");
}

/// `GET /-/mock/requests{query}` over the admin URL.
pub(crate) async fn logged_requests(
    server: &mock_gitlab::RunningGitlab,
    query: &str,
) -> Vec<mock_gitlab::IssuerRequest> {
    let url = format!("{}/-/mock/requests{query}", server.admin_url());
    let response = admin_client(server).get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// `GET /-/mock/faults` of a binary, from its ready line.
pub(crate) async fn faults_of(ready: &mock_gitlab::Ready) -> Value {
    ready_admin_client(ready)
        .get(format!("{}/-/mock/faults", ready.admin_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
