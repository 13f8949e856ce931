//! `fedlab permissions` as a user runs it, on a fixed saved run: a role granted `s3:*` and an
//! AWS managed policy, whose session created a bucket, uploaded, listed, and was refused a
//! delete. The text and JSON reports are snapshots.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::process::{Command, Output};

use serde_json::{Value, json};

const ROLE: &str = "arn:aws:iam::123456789012:role/ci/deploy";
const SESSION: &str = "arn:aws:sts::123456789012:assumed-role/deploy/GitLabRunner-42-1001";

fn s3(seq: u64, action: &str, iam_action: &str, resource: &str, decision: &str) -> Value {
    json!({
        "seq": seq, "time": "2026-01-01T00:00:00Z", "method": "PUT", "action": action,
        "status": if decision == "allow" { 200 } else { 403 }, "code": null, "message": null,
        "confidence": null, "request_id": format!("req-{seq}"), "access_key_id": "ASIAEXAMPLE",
        "role_arn": ROLE, "role_session_name": "GitLabRunner-42-1001",
        "issued_access_key_id": null, "detail": null, "user_agent": "aws-cli/1.0",
        "service": "s3", "principal_arn": SESSION, "iam_action": iam_action,
        "resource": resource, "decision": decision,
    })
}

/// A saved run as `fedlab job --report` writes it.
fn saved_run() -> Value {
    let star = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":["s3:*"],"Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::site/*"}]}"#;
    let mut requests = vec![json!({
        "seq": 1, "time": "2026-01-01T00:00:00Z", "method": "POST",
        "action": "AssumeRoleWithWebIdentity", "status": 200, "code": null, "message": null,
        "confidence": null, "request_id": "req-1", "access_key_id": null, "role_arn": ROLE,
        "role_session_name": "GitLabRunner-42-1001", "issued_access_key_id": "ASIAEXAMPLE",
        "detail": "allowed", "user_agent": "aws-cli/1.0",
    })];
    requests.push(s3(
        2,
        "CreateBucket",
        "s3:CreateBucket",
        "arn:aws:s3:::site",
        "allow",
    ));
    requests.push(s3(
        3,
        "HeadBucket",
        "s3:ListBucket",
        "arn:aws:s3:::site",
        "allow",
    ));
    for (seq, key) in [(4, "index.html"), (5, "index.html"), (6, "css/main.css")] {
        let resource = format!("arn:aws:s3:::site/{key}");
        requests.push(s3(seq, "PutObject", "s3:PutObject", &resource, "allow"));
    }
    requests.push(s3(
        7,
        "DeleteObject",
        "s3:DeleteObject",
        "arn:aws:s3:::site/old.html",
        "deny",
    ));
    json!({
        "requests": requests,
        "state": {
            "providers": [],
            "roles": [{
                "name": "deploy", "path": "/ci/", "trust_policy": "{}",
                "policies": [{"name": "everything", "document": star}],
                "attached_policies": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
            }],
        },
    })
}

fn permissions(extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("run.json");
    std::fs::write(&file, saved_run().to_string()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_fedlab"))
        .arg("permissions")
        .arg(&file)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    output
}

#[test]
fn the_text_report_lists_uses_grants_and_the_narrowest_policy() {
    let output = permissions(&[]);
    insta::assert_snapshot!("permissions_text", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn the_json_report_has_the_same_content() {
    let output = permissions(&["--json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    insta::assert_json_snapshot!("permissions_json", report);
}

#[test]
fn the_proposed_policy_parses_as_an_identity_policy() {
    let output = permissions(&["--json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let proposed = report["roles"][0]["proposed_policy"].to_string();
    mock_sts::policy::parse(&proposed, mock_sts::policy::PolicyKind::Identity).unwrap();
}
