//! boto3 through its own web-identity credential provider, driven by the job environment.
//!
//! Needs a Python with boto3 (`FEDLAB_PYTHON=/path/to/python`, default `python3`); `.ci/run`
//! installs one in a venv and runs these with `--include-ignored`.

use std::path::PathBuf;

use fedlab::runner::{Client, Runner, Verdict};
use fedlab::scenario::ScenarioSource;
use fedlab::{Federation, IdToken, OidcProvider, Role, TrustPolicy};

fn python() -> PathBuf {
    std::env::var_os("FEDLAB_PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from)
}

/// What a boto3-based credential helper does: the default session resolves web identity from
/// `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` and calls STS at `AWS_ENDPOINT_URL_STS`.
const WHO_AM_I: &str = "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])";

#[tokio::test]
#[ignore = "needs boto3: run .ci/run, or pip install boto3 and use --include-ignored"]
async fn boto3_sends_a_token_file_written_by_echo_and_aws_accepts_it() {
    let fed = Federation::start().await.expect("federation starts");
    fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))
        .await
        .expect("provider");
    let role = fed
        .create_role(Role::new("gitlab-ci", TrustPolicy::for_issuer(&fed)))
        .await
        .expect("role");
    let token = fed
        .mint(IdToken::new("sts.amazonaws.com"))
        .await
        .expect("token");
    let job = fed.job(&role.arn, &token).expect("job files");
    // `echo "$TOKEN" > file`: botocore reads the file verbatim, newline included.
    job.write_token(&format!("{}\n", token.as_str()))
        .expect("token file");

    let output = job
        .command(python())
        .args(["-c", WHO_AM_I])
        .output()
        .expect("python runs");

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "arn:aws:sts::123456789012:assumed-role/gitlab-ci/fedlab"
    );
    let assume = fed
        .requests()
        .into_iter()
        .find(|r| r.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
        .expect("boto3 called AssumeRoleWithWebIdentity");
    assert!(
        assume.user_agent.unwrap_or_default().contains("Boto3"),
        "the call did not come from boto3"
    );
}

#[tokio::test]
#[ignore = "needs boto3: run .ci/run, or pip install boto3 and use --include-ignored"]
async fn every_embedded_scenario_passes_with_boto3() {
    let client = Client::boto3(python());
    let version = client.preflight().await.expect("boto3 is installed");
    eprintln!("boto3 client: {version:?}");
    let results = Runner::new()
        .run_all(&ScenarioSource::embedded(), &[client], |_| {})
        .await;
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !matches!(r.verdict, Verdict::Pass | Verdict::Skipped(_)))
        .map(|r| format!("{} [{}]: {:?}", r.name, r.client, r.verdict))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
