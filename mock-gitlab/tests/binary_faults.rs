//! The binary's `--fault` flag and `MOCK_GITLAB_FAULT` variable, and its state dir across a
//! restart.

mod common;
mod fault_support;

use std::process::Stdio;

use fault_support::*;
use serde_json::json;

#[tokio::test]
async fn the_binary_takes_faults_from_repeated_flags() {
    let dir = tempfile::tempdir().unwrap();
    let state_dir = dir.path().to_str().unwrap();
    let (_child, ready) = start_binary(
        &[
            "--listen",
            "127.0.0.1:0",
            "--state-dir",
            state_dir,
            "--fault",
            "slow:6000",
            "--fault",
            "jwks_status:503",
        ],
        &[],
    )
    .await;
    assert_eq!(
        faults_of(&ready).await,
        json!({"faults": [{"kind": "slow", "ms": 6000}, {"kind": "jwks_status", "status": 503}]})
    );
    assert_eq!(
        ready.admin_url,
        format!("https://127.0.0.1:{}", listen_of(&ready).port())
    );
}

#[tokio::test]
async fn the_binary_takes_a_comma_separated_list_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let state_dir = dir.path().to_str().unwrap();
    let (_child, ready) = start_binary(
        &["--listen", "127.0.0.1:0", "--state-dir", state_dir],
        &[("MOCK_GITLAB_FAULT", "ci_key_missing, throttle:2")],
    )
    .await;
    assert_eq!(
        faults_of(&ready).await,
        json!({"faults": [{"kind": "ci_key_missing"}, {"kind": "throttle", "after": 2}]})
    );
}

#[tokio::test]
async fn the_binary_refuses_a_misspelt_fault() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-gitlab"))
        .args(["--listen", "127.0.0.1:0", "--fault", "jwks_unavailible"])
        .env_remove("MOCK_GITLAB_FAULT")
        .env_remove("MOCK_GITLAB_STATE_DIR")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no ready line on failure");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("jwks_unavailible"), "{err}");
    assert!(err.contains("--fault"), "{err}");
}

#[tokio::test]
async fn the_binary_keeps_its_ca_and_thumbprint_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state_dir = dir.path().to_str().unwrap();
    let args = ["--listen", "127.0.0.1:0", "--state-dir", state_dir];
    let (mut first, ready) = start_binary(&args, &[]).await;
    let ca = std::fs::read_to_string(&ready.ca_pem).unwrap();
    first.kill().await.unwrap();
    let (_second, again) = start_binary(&args, &[]).await;
    assert_eq!(again.thumbprint, ready.thumbprint);
    assert_eq!(std::fs::read_to_string(&again.ca_pem).unwrap(), ca);
}
