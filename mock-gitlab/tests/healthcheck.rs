//! `mock-gitlab healthcheck` and the probe behind it: healthy only when the server answers over
//! TLS that verifies against the state dir's CA for the issuer's host name.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on purpose"
)]

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Output;

use mock_gitlab::{HEALTHCHECK_TIMEOUT, HealthError, HealthProbe, RunningGitlab, probe_health};

/// The container's issuer; the probe connects to the server's address, never to this name.
const ISSUER: &str = "https://gitlab.example.com:8443";

async fn running_gitlab(state_dir: &Path, external_url: &str) -> RunningGitlab {
    let mut config = common::default_config();
    config.state_dir = Some(state_dir.to_owned());
    config.external_url = Some(external_url.to_owned());
    mock_gitlab::spawn(config).await.unwrap()
}

fn probe_of(address: SocketAddr, external_url: &str, state_dir: &Path) -> HealthProbe {
    HealthProbe {
        address,
        external_url: external_url.to_owned(),
        state_dir: state_dir.to_owned(),
        timeout: HEALTHCHECK_TIMEOUT,
    }
}

/// `mock-gitlab healthcheck` with `args` and only `env` from the variables it reads.
async fn healthcheck(args: &[&str], env: &[(&str, &str)]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-gitlab"))
        .arg("healthcheck")
        .args(args)
        .env_remove("MOCK_GITLAB_LISTEN")
        .env_remove("MOCK_GITLAB_EXTERNAL_URL")
        .env_remove("MOCK_GITLAB_STATE_DIR")
        .envs(env.iter().copied())
        .output()
        .await
        .unwrap()
}

fn args_for(address: SocketAddr, external_url: &str, state_dir: &Path) -> Vec<String> {
    vec![
        format!("--address={address}"),
        format!("--external-url={external_url}"),
        format!("--state-dir={}", state_dir.display()),
    ]
}

fn stderr_line(output: &Output) -> String {
    let text = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(text.lines().count(), 1, "one line on stderr: {text:?}");
    text
}

#[tokio::test]
async fn a_running_mock_gitlab_is_healthy() {
    let dir = tempfile::tempdir().unwrap();
    let gitlab = running_gitlab(dir.path(), ISSUER).await;
    probe_health(&probe_of(gitlab.addr(), ISSUER, dir.path()))
        .await
        .unwrap();

    let args = args_for(gitlab.addr(), ISSUER, dir.path());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = healthcheck(&args, &[]).await;
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[tokio::test]
async fn the_server_variables_with_a_wildcard_address_are_enough() {
    let dir = tempfile::tempdir().unwrap();
    let gitlab = running_gitlab(dir.path(), ISSUER).await;
    let wildcard = format!("0.0.0.0:{}", gitlab.addr().port());
    let state_dir = dir.path().display().to_string();
    let env = [
        ("MOCK_GITLAB_LISTEN", wildcard.as_str()),
        ("MOCK_GITLAB_EXTERNAL_URL", ISSUER),
        ("MOCK_GITLAB_STATE_DIR", state_dir.as_str()),
    ];
    let output = healthcheck(&[], &env).await;
    assert!(output.status.success(), "{output:?}");
}

#[tokio::test]
async fn an_issuer_under_a_relative_root_is_probed_below_it() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = "https://gitlab.example.com/gitlab";
    let gitlab = running_gitlab(dir.path(), issuer).await;
    probe_health(&probe_of(gitlab.addr(), issuer, dir.path()))
        .await
        .unwrap();
}

#[tokio::test]
async fn nothing_listening_is_unhealthy_with_one_line_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let gitlab = running_gitlab(dir.path(), ISSUER).await;
    let address = gitlab.addr();
    gitlab.shutdown().await;
    let err = probe_health(&probe_of(address, ISSUER, dir.path()))
        .await
        .unwrap_err();
    assert!(matches!(err, HealthError::Unreachable { .. }), "{err}");

    let args = args_for(address, ISSUER, dir.path());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = healthcheck(&args, &[]).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let line = stderr_line(&output);
    assert!(
        line.starts_with("mock-gitlab healthcheck: GET https://gitlab.example.com:"),
        "{line}"
    );
}

#[tokio::test]
async fn a_server_with_another_ca_is_unhealthy() {
    let (dir, other_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let gitlab = running_gitlab(dir.path(), ISSUER).await;
    let _other = running_gitlab(other_dir.path(), ISSUER).await;
    let err = probe_health(&probe_of(gitlab.addr(), ISSUER, other_dir.path()))
        .await
        .unwrap_err();
    assert!(matches!(err, HealthError::Unreachable { .. }), "{err}");

    let args = args_for(gitlab.addr(), ISSUER, other_dir.path());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = healthcheck(&args, &[]).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let line = stderr_line(&output);
    assert!(line.contains("certificate"), "{line}");
}

#[tokio::test]
async fn a_certificate_for_another_host_name_is_unhealthy() {
    let dir = tempfile::tempdir().unwrap();
    let gitlab = running_gitlab(dir.path(), ISSUER).await;
    let err = probe_health(&probe_of(
        gitlab.addr(),
        "https://other.example.com",
        dir.path(),
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, HealthError::Unreachable { .. }), "{err}");
}

#[tokio::test]
async fn a_state_dir_without_ca_pem_is_unhealthy() {
    let dir = tempfile::tempdir().unwrap();
    let gitlab = running_gitlab(dir.path(), ISSUER).await;
    let empty = tempfile::tempdir().unwrap();
    let err = probe_health(&probe_of(gitlab.addr(), ISSUER, empty.path()))
        .await
        .unwrap_err();
    assert!(matches!(err, HealthError::CaUnreadable { .. }), "{err}");
}
