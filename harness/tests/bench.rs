//! `fedlab bench`: every workload against the in-process federation counts only checked answers,
//! an endpoint that answers 200 with nothing usable is counted as failing, and `--json` is JSON.
//! Short runs counted in requests; nothing here asserts a speed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use fedlab::bench::{BenchOptions, Endpoint, Report, Stop, Workload};
use serde_json::Value;

const REQUESTS: u64 = 200;

fn short(workload: Workload) -> BenchOptions {
    BenchOptions {
        connections: 4,
        stop: Stop::Requests(REQUESTS),
        warmup: Duration::ZERO,
        ..BenchOptions::new(workload)
    }
}

async fn all_ok(workload: Workload) -> Report {
    let report = fedlab::bench::run(&short(workload)).await.unwrap();
    assert_eq!(
        (report.requests, report.ok, report.error_count()),
        (REQUESTS, REQUESTS, 0),
        "{}",
        report.text()
    );
    report
}

#[tokio::test]
async fn assume_role_with_web_identity_answers_every_request_with_credentials() {
    let report = all_ok(Workload::Assume).await;
    assert_eq!(report.workload, "assume");
    assert_eq!(report.target, "in-process");
}

#[tokio::test]
async fn get_caller_identity_signed_with_session_credentials_answers_every_request() {
    all_ok(Workload::CallerIdentity).await;
}

#[tokio::test]
async fn the_issuer_serves_its_key_set_and_discovery_document_to_every_request() {
    all_ok(Workload::Jwks).await;
}

#[tokio::test]
async fn the_mint_api_signs_a_token_for_every_request() {
    all_ok(Workload::Mint).await;
}

#[tokio::test]
async fn s3_puts_and_gets_every_object_with_session_credentials() {
    all_ok(Workload::S3).await;
}

/// An "STS" on loopback that answers AssumeRoleWithWebIdentity with credentials and
/// GetCallerIdentity with 200 and no Arn, or (with `empty`) every request with an empty 200.
async fn hollow_sts(empty: bool) -> SocketAddr {
    let answer = move |body: String| async move {
        if empty {
            "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>\
             </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
        } else if body.contains("AssumeRoleWithWebIdentity") {
            "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
             <AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>\
             <SessionToken>token</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>\
             </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
        } else {
            "<GetCallerIdentityResponse><GetCallerIdentityResult>\
             </GetCallerIdentityResult></GetCallerIdentityResponse>"
        }
    };
    let app = Router::new().route("/", post(answer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn against(addr: SocketAddr, workload: Workload) -> BenchOptions {
    BenchOptions {
        endpoint: Some(Endpoint {
            url: format!("http://{addr}"),
            role_arn: Some("arn:aws:iam::123456789012:role/r".to_owned()),
            token: Some("a.b.c".to_owned()),
            ..Endpoint::default()
        }),
        ..short(workload)
    }
}

#[tokio::test]
async fn a_200_without_credentials_is_counted_as_an_error() {
    let addr = hollow_sts(true).await;

    let report = fedlab::bench::run(&against(addr, Workload::Assume))
        .await
        .unwrap();

    assert_eq!(report.ok, 0, "{}", report.text());
    assert_eq!(
        report.errors.get("200 without credentials"),
        Some(&REQUESTS),
        "{}",
        report.text()
    );
}

#[tokio::test]
async fn a_caller_identity_200_without_an_arn_is_counted_as_an_error() {
    let addr = hollow_sts(false).await;

    let report = fedlab::bench::run(&against(addr, Workload::CallerIdentity))
        .await
        .unwrap();

    assert_eq!(report.ok, 0, "{}", report.text());
    assert_eq!(
        report.errors.get("200 without Arn"),
        Some(&REQUESTS),
        "{}",
        report.text()
    );
}

#[test]
fn the_json_report_parses_and_failing_answers_exit_1() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let addr = runtime.block_on(hollow_sts(true));

    let output = Command::new(env!("CARGO_BIN_EXE_fedlab"))
        .args(["bench", "assume", "--requests", "20", "--warmup", "0s"])
        .args(["--connections", "2", "--json", "--endpoint"])
        .arg(format!("http://{addr}"))
        .args([
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--token",
            "a.b.c",
        ])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();

    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["workload"], "assume");
    assert_eq!(report["requests"], 20);
    assert_eq!(report["ok"], 0);
    assert_eq!(report["errors"]["200 without credentials"], 20);
    assert!(report["latency_ms"]["p99"].is_number(), "{stdout}");
    assert!(report["requests_per_second"].is_number(), "{stdout}");
    assert_eq!(output.status.code(), Some(1), "{stdout}");
}

/// The tutorial's provider and role in a federation the test started itself, which `fedlab
/// bench` then loads as it would load a user's own service.
async fn elsewhere() -> (fedlab::Federation, String, String, tempfile::TempDir) {
    use fedlab::{IdToken, OidcProvider, Role, TrustPolicy};
    let fed = fedlab::Federation::start().await.unwrap();
    fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))
        .await
        .unwrap();
    let policy = TrustPolicy::for_issuer(&fed)
        .string_equals("aud", "sts.amazonaws.com")
        .string_like("sub", "project_path:mygroup/*");
    let role = fed
        .create_role(Role::new("gitlab-ci", policy))
        .await
        .unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.pem"), fed.ca_pem()).unwrap();
    (fed, role.arn, token.as_str().to_owned(), dir)
}

#[tokio::test]
async fn every_workload_but_s3_loads_an_endpoint_given_by_url() {
    let (fed, role_arn, token, dir) = elsewhere().await;
    let gitlab = fed
        .mint_url()
        .trim_end_matches("/-/mock/id_tokens")
        .to_owned();
    let cases = [
        (Workload::Assume, fed.sts_endpoint().to_owned()),
        (Workload::CallerIdentity, fed.sts_endpoint().to_owned()),
        (Workload::Jwks, fed.issuer().to_owned()),
        (Workload::Mint, gitlab),
    ];
    for (workload, url) in cases {
        let options = BenchOptions {
            endpoint: Some(Endpoint {
                url,
                role_arn: Some(role_arn.clone()),
                token: Some(token.clone()),
                ca_file: Some(dir.path().join("ca.pem")),
                ..Endpoint::default()
            }),
            ..short(workload)
        };

        let report = fedlab::bench::run(&options).await.unwrap();

        assert_eq!(
            (report.ok, report.error_count()),
            (REQUESTS, 0),
            "{}",
            report.text()
        );
        assert_ne!(report.target, "in-process");
    }
}

#[tokio::test]
async fn an_endpoint_run_without_the_role_it_needs_is_refused_before_any_load() {
    let err = fedlab::bench::run(&BenchOptions {
        endpoint: Some(Endpoint {
            url: "http://127.0.0.1:9".to_owned(),
            ..Endpoint::default()
        }),
        ..short(Workload::Assume)
    })
    .await
    .unwrap_err();

    assert!(err.to_string().contains("--role-arn"), "{err}");
}

#[tokio::test]
async fn the_mixed_workload_gets_each_request_its_own_answer_and_mock_sts_counts_every_one() {
    let options = BenchOptions {
        warmup: Duration::from_millis(200),
        ..short(Workload::Mixed)
    };

    let report = fedlab::bench::run(&options).await.unwrap();

    assert_eq!(
        (report.requests, report.ok, report.error_count()),
        (REQUESTS, REQUESTS, 0),
        "{}",
        report.text()
    );
    assert_eq!(
        (
            report.server_errors,
            report.mismatches,
            report.transport_errors
        ),
        (0, 0, 0)
    );
    assert_eq!(
        report.mock_sts_counted,
        Some(report.warmup_requests + report.requests),
        "{}",
        report.text()
    );
    assert!(report.text().contains(": equal"), "{}", report.text());
}
