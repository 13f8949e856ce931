//! Hostile clients against mock-gitlab's HTTPS listener: a connection that never speaks, headers
//! that never finish, a mint body over the size limit or sent too slowly. Each ends in a JSON 4xx
//! or a closed connection, never a 5xx or a hang; and the mock's own routes can be turned off.
//! The timeouts are set short for the tests; no test measures how long anything took.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose: a panic is the failure report"
)]

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use mock_gitlab::{AdminAccess, Config, MAX_BODY_BYTES, RunningGitlab};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};

/// Short enough that a test does not wait long for a deadline to pass.
const SHORT: Duration = Duration::from_millis(200);
/// Only there so a server that never answers fails the test instead of hanging it.
const NO_HANG: Duration = Duration::from_secs(60);

async fn start(change: impl FnOnce(&mut Config)) -> RunningGitlab {
    let mut config = common::fixed_config();
    // The admin address (loopback) is what the certificate names for a client without SNI.
    config.external_url = None;
    change(&mut config);
    mock_gitlab::spawn(config).await.unwrap()
}

/// A TLS client that trusts only the mock's root and sends no SNI, as fedlab's admin client.
fn tls(server: &RunningGitlab) -> rustls::ClientConnection {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(server.ca_pem().as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::IpAddress(server.addr().ip().into());
    rustls::ClientConnection::new(Arc::new(config), name).unwrap()
}

/// Sends `bytes` over TLS, then reads until the server closes the connection; on a thread of
/// its own, as rustls's stream is blocking.
async fn exchange(server: &RunningGitlab, bytes: impl Into<Vec<u8>>) -> Vec<u8> {
    let bytes = bytes.into();
    let mut connection = tls(server);
    let addr = server.addr();
    tokio::task::spawn_blocking(move || {
        let mut tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(NO_HANG)).unwrap();
        let mut stream = rustls::Stream::new(&mut connection, &mut tcp);
        stream.write_all(&bytes).unwrap();
        let mut received = Vec::new();
        let mut chunk = [0_u8; 4096];
        loop {
            match stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
                Err(err) => {
                    // A read timeout is a hang; an abrupt close ends the read like a clean one.
                    assert_ne!(
                        err.kind(),
                        std::io::ErrorKind::WouldBlock,
                        "no close: {err}"
                    );
                    break;
                }
            }
        }
        received
    })
    .await
    .unwrap()
}

/// Status line, headers and body of an answer read off the wire.
fn parse(received: &[u8]) -> (u16, String, String) {
    let text = String::from_utf8_lossy(received).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete answer in {text:?}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap();
    (status, head.to_ascii_lowercase(), body.to_owned())
}

#[tokio::test]
async fn a_connection_that_never_starts_its_handshake_is_closed() {
    let server = start(|config| config.header_read_timeout = SHORT).await;
    let addr = server.addr();
    let received = tokio::task::spawn_blocking(move || {
        let mut tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(NO_HANG)).unwrap();
        let mut received = Vec::new();
        match tcp.read_to_end(&mut received) {
            Ok(_) => {}
            Err(err) => assert_ne!(err.kind(), std::io::ErrorKind::WouldBlock, "no close"),
        }
        received
    })
    .await
    .unwrap();
    assert_eq!(received, b"");
}

#[tokio::test]
async fn headers_that_never_finish_get_the_connection_closed_without_an_answer() {
    let server = start(|config| config.header_read_timeout = SHORT).await;
    let received = exchange(
        &server,
        &b"GET /-/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAcc"[..],
    )
    .await;
    assert_eq!(received, b"");
}

#[tokio::test]
async fn a_mint_body_declared_over_the_limit_is_refused_with_a_json_413() {
    let server = start(|_| {}).await;
    let head = format!(
        "POST /-/mock/id_tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        MAX_BODY_BYTES + 1
    );
    let (status, head, body) = parse(&exchange(&server, head).await);
    assert_eq!(status, 413, "{body}");
    assert!(head.contains("connection: close"), "{head}");
    let message: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        message["message"],
        format!("the request body is larger than {MAX_BODY_BYTES} bytes")
    );
}

#[tokio::test]
async fn a_mint_body_that_stops_arriving_is_answered_408() {
    let server = start(|config| config.body_read_timeout = SHORT).await;
    let request = b"POST /-/mock/id_tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"aud\":";
    let (status, head, body) = parse(&exchange(&server, &request[..]).await);
    assert_eq!(status, 408, "{body}");
    assert!(head.contains("connection: close"), "{head}");
    assert!(body.contains("did not arrive"), "{body}");
}

#[tokio::test]
async fn with_admin_off_the_mock_routes_are_404_and_gitlab_health_still_answers() {
    let server = start(|config| config.admin = AdminAccess::Off).await;
    let http = common::client_for(&server);
    let admin = format!("https://{}", server.addr());
    let http_admin = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(server.ca_pem().as_bytes()).unwrap()])
        .no_proxy()
        .build()
        .unwrap();
    for (method, path) in [
        ("POST", "/-/mock/id_tokens"),
        ("GET", "/-/mock/faults"),
        ("GET", "/-/mock/requests"),
        ("POST", "/-/mock/reset"),
        ("POST", "/-/mock/keys/rotate"),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let answer = http_admin
            .request(method, format!("{admin}{path}"))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{path}");
    }
    let health = http
        .get(format!("{}/-/health", server.issuer()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn with_admin_loopback_a_loopback_peer_can_mint() {
    let server = start(|config| config.admin = AdminAccess::Loopback).await;
    let http = common::client_for(&server);
    let (status, body) = common::mint(
        &http,
        &server.url("/-/mock/id_tokens"),
        serde_json::json!({"aud": "sts.amazonaws.com"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}
