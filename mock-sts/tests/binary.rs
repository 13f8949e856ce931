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

/// Starts the binary with `args`, reads its ready line, and returns it with the child.
fn start(args: &[&std::ffi::OsStr]) -> (std::process::Child, mock_sts::Ready) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mock-sts"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mock-sts starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready = serde_json::from_str(&line).expect("ready line is JSON");
    (child, ready)
}

fn state(runtime: &tokio::runtime::Runtime, ready: &mock_sts::Ready) -> String {
    runtime.block_on(async {
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .get(format!("{}/-/mock/state", ready.endpoint))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    })
}

#[test]
fn binary_seeded_from_its_own_state_dump_dumps_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("seed.yaml");
    std::fs::write(
        &yaml,
        "providers:\n  - url: https://gitlab.fedlab.test\n    client_ids: [sts.amazonaws.com]\n    thumbprints: [\"0000000000000000000000000000000000000000\"]\nroles:\n  - name: gitlab-ci\n    trust_policy:\n      Version: \"2012-10-17\"\n      Statement:\n        - {Effect: Allow, Principal: {Federated: \"arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test\"}, Action: \"sts:AssumeRoleWithWebIdentity\"}\n    tags: [{key: team, value: ci}]\n",
    )
    .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (mut first, ready) = start(&["--seed".as_ref(), yaml.as_os_str()]);
    let dumped = state(&runtime, &ready);
    assert!(dumped.contains("\"name\": \"gitlab-ci\""), "{dumped}");
    let json = dir.path().join("state.json");
    std::fs::write(&json, &dumped).unwrap();
    let (mut second, ready) = start(&["--seed".as_ref(), json.as_os_str()]);
    assert_eq!(state(&runtime, &ready), dumped);
    for child in [&mut first, &mut second] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn binary_refuses_a_seed_iam_would_refuse_and_names_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(
        &seed,
        "roles:\n  - name: bad\n    trust_policy: '{not json'\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mock-sts"))
        .args(["--listen", "127.0.0.1:0", "--seed"])
        .arg(&seed)
        .output()
        .expect("mock-sts runs");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no ready line may be printed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "failed to seed roles[0] (bad): MalformedPolicyDocument: This policy contains invalid Json"
        ),
        "{stderr}"
    );
}
