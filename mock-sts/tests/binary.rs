//! The `mock-sts` binary: one JSON ready line on stdout, then it serves until signalled.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on purpose"
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn binary_prints_one_ready_line_and_serves_the_query_api() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mock-sts"))
        .args(["--listen", "127.0.0.1:0", "--account", "210987654321"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mock-sts starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: mock_sts::Ready = serde_json::from_str(&line).expect("ready line is JSON");
    assert_eq!(ready.account, "210987654321");
    assert!(ready.endpoint.starts_with("http://127.0.0.1:"));

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let body = runtime.block_on(async {
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(format!("{}/", ready.endpoint))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("Action=GetCallerIdentity&Version=2011-06-15")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    assert!(
        body.contains("<Code>MissingAuthenticationToken</Code>"),
        "{body}"
    );

    // SIGTERM stops it cleanly.
    Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn binary_refuses_a_trust_ca_file_without_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("ca.pem");
    std::fs::write(&empty, "").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mock-sts"))
        .args(["--listen", "127.0.0.1:0", "--trust-ca"])
        .arg(&empty)
        .output()
        .expect("mock-sts runs");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no ready line may be printed");
    assert!(String::from_utf8_lossy(&output.stderr).contains("contains no certificate"));
}
