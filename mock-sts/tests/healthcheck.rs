//! `mock-sts healthcheck` and the probe behind it: healthy only when a mock-sts answers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on purpose"
)]

use std::net::SocketAddr;
use std::process::Output;

use mock_sts::{HEALTHCHECK_TIMEOUT, HealthError, probe_health};

/// `mock-sts healthcheck` with `args` and only `env` from the variables it reads.
async fn healthcheck(args: &[&str], env: &[(&str, String)]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-sts"))
        .arg("healthcheck")
        .args(args)
        .env_remove("MOCK_STS_LISTEN")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .await
        .unwrap()
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

fn stderr_line(output: &Output) -> String {
    let text = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(text.lines().count(), 1, "one line on stderr: {text:?}");
    text
}

async fn running_sts() -> mock_sts::RunningSts {
    mock_sts::spawn(mock_sts::Config::new("127.0.0.1:0".parse().unwrap()))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_running_mock_sts_is_healthy() {
    let sts = running_sts().await;
    probe_health(sts.addr, HEALTHCHECK_TIMEOUT).await.unwrap();
    let output = healthcheck(&["--address", &sts.addr.to_string()], &[]).await;
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[tokio::test]
async fn the_server_listen_variable_with_a_wildcard_address_is_probed_on_loopback() {
    let sts = running_sts().await;
    let wildcard = format!("0.0.0.0:{}", sts.addr.port());
    let output = healthcheck(&[], &[("MOCK_STS_LISTEN", wildcard)]).await;
    assert!(output.status.success(), "{output:?}");
}

#[tokio::test]
async fn nothing_listening_is_unhealthy_with_one_line_on_stderr() {
    let address = closed_port();
    let err = probe_health(address, HEALTHCHECK_TIMEOUT)
        .await
        .unwrap_err();
    assert!(matches!(err, HealthError::Unreachable { .. }), "{err}");

    let output = healthcheck(&["--address", &address.to_string()], &[]).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let line = stderr_line(&output);
    assert!(
        line.starts_with("mock-sts healthcheck: GET http://"),
        "{line}"
    );
}

#[tokio::test]
async fn another_server_on_the_address_is_unhealthy() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let not_sts =
        axum::Router::new().route("/-/mock/health", axum::routing::get(|| async { "no" }));
    tokio::spawn(async move { axum::serve(listener, not_sts).await });
    let err = probe_health(address, HEALTHCHECK_TIMEOUT)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, HealthError::Unexpected { status: 200, body, .. } if body == "no"),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_is_unhealthy_after_the_timeout() {
    // Accepts connections (the kernel does, from the backlog) but never reads or answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let timeout = std::time::Duration::from_millis(200);
    let err = probe_health(address, timeout).await.unwrap_err();
    assert!(matches!(err, HealthError::Timeout { .. }), "{err}");
    drop(listener);
}
