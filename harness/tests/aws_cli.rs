//! The real AWS CLI through the slice: the IAM setup with `aws iam …` against mock-sts, then the
//! whole scenario catalogue with the CLI's own web-identity credential provider.
//!
//! Needs the `aws` CLI (or `FEDLAB_AWS_CLI=/path/to/aws`); `.ci/run` installs it in a venv and
//! runs these with `--include-ignored`. The tests of Debian's aws CLI v2 (2.9, older than
//! `AWS_ENDPOINT_URL_STS`, so it reaches mock-sts only through fedlab's proxy) need
//! `apt-get install awscli`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::path::PathBuf;
use std::process::Command;

use fedlab::runner::{Client, ClientOutcome, ClientRequest, Runner, Verdict};
use fedlab::scenario::ScenarioSource;
use fedlab::{Federation, IdToken};

fn aws_cli() -> PathBuf {
    std::env::var_os("FEDLAB_AWS_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("aws"))
}

#[tokio::test]
#[ignore = "needs the aws CLI: run .ci/run, or pip install awscli and use --include-ignored"]
async fn every_embedded_scenario_passes_with_the_aws_cli() {
    let runner = Runner::new();
    let client = Client::aws_cli(aws_cli());
    let results = runner
        .run_all(&ScenarioSource::embedded(), &[client], |_| {})
        .await;
    let failures: Vec<String> = results
        .iter()
        // A case the scenario skips for the aws CLI is no failure of it.
        .filter(|r| !matches!(r.verdict, Verdict::Pass | Verdict::Skipped(_)))
        .map(|r| format!("{} [{}]: {:?}", r.name, r.client, r.verdict))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// Multi-threaded: the blocking CLI calls below must not starve the in-process servers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the aws CLI: run .ci/run, or pip install awscli and use --include-ignored"]
async fn aws_iam_commands_set_up_a_provider_and_role_that_sts_honours() {
    let fed = Federation::start().await.expect("federation starts");
    let issuer = fed.issuer().to_owned();
    let host = fed.issuer_host().to_owned();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::write(
        &config,
        "[default]\nregion = us-east-1\ncli_follow_urlparam = false\n",
    )
    .unwrap();
    let trust = home.path().join("trust.json");
    std::fs::write(
        &trust,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/{host}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"{host}:sub":"project_path:mygroup/*"}}}}}}]}}"#
        ),
    )
    .unwrap();
    let aws = |args: &[&str]| {
        let mut command = Command::new(aws_cli());
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("AWS_") {
                command.env_remove(name);
            }
        }
        let output = command
            .env("HOME", home.path())
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("none"))
            .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .args(["--endpoint-url", fed.sts_endpoint(), "--output", "json"])
            .args(args)
            .output()
            .expect("aws CLI runs");
        assert!(
            output.status.success(),
            "aws {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&output.stdout).expect("JSON output")
    };

    // cli_follow_urlparam = false keeps aws CLI v1 from fetching the https:// URL itself.
    let provider = aws(&[
        "iam",
        "create-open-id-connect-provider",
        "--url",
        &issuer,
        "--client-id-list",
        "sts.amazonaws.com",
        "--thumbprint-list",
        fed.thumbprint(),
    ]);
    assert_eq!(
        provider["OpenIDConnectProviderArn"],
        format!("arn:aws:iam::123456789012:oidc-provider/{host}")
    );
    let role = aws(&[
        "iam",
        "create-role",
        "--role-name",
        "gitlab-ci",
        "--assume-role-policy-document",
        &format!("file://{}", trust.display()),
    ]);
    assert_eq!(
        role["Role"]["Arn"],
        "arn:aws:iam::123456789012:role/gitlab-ci"
    );
    // botocore decodes the percent-encoded document back into JSON.
    assert_eq!(
        role["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Action"],
        "sts:AssumeRoleWithWebIdentity"
    );
    let fetched = aws(&["iam", "get-role", "--role-name", "gitlab-ci"]);
    assert_eq!(fetched["Role"]["RoleId"], role["Role"]["RoleId"]);

    let token = fed
        .mint(IdToken::new("sts.amazonaws.com").project_path("mygroup/myproject"))
        .await
        .expect("token");
    let token_file = home.path().join("token");
    std::fs::write(&token_file, token.as_str()).unwrap();
    let assumed = aws(&[
        "sts",
        "assume-role-with-web-identity",
        "--role-arn",
        "arn:aws:iam::123456789012:role/gitlab-ci",
        "--role-session-name",
        "cli-test",
        "--web-identity-token",
        &format!("file://{}", token_file.display()),
    ]);
    assert_eq!(
        assumed["AssumedRoleUser"]["Arn"],
        "arn:aws:sts::123456789012:assumed-role/gitlab-ci/cli-test"
    );
    assert_eq!(
        assumed["SubjectFromWebIdentityToken"],
        "project_path:mygroup/myproject:ref_type:branch:ref:main"
    );
    assert_eq!(assumed["Provider"], provider["OpenIDConnectProviderArn"]);
}

/// The provider and role of GitLab's tutorial set up through the kit, a main-branch token, and
/// the job environment for it.
async fn tutorial_job(
    fed: &Federation,
) -> (fedlab::CreatedRole, fedlab::Token, fedlab::JobEnvironment) {
    fed.create_provider(fedlab::OidcProvider::new().client_id("sts.amazonaws.com"))
        .await
        .expect("provider");
    let policy = fedlab::TrustPolicy::for_issuer(fed)
        .string_like("sub", "project_path:mygroup/*:ref_type:branch:ref:main");
    let role = fed
        .create_role(fedlab::Role::new("gitlab-ci", policy))
        .await
        .expect("role");
    let token = fed
        .mint(IdToken::new("sts.amazonaws.com"))
        .await
        .expect("token");
    let job = fed.job(&role.arn, &token).expect("job files");
    (role, token, job)
}

/// `aws sts get-caller-identity` in the job's environment; its JSON answer, or the test fails
/// with the CLI's stderr.
fn who_am_i(job: &fedlab::JobEnvironment) -> serde_json::Value {
    let output = job
        .command(aws_cli())
        .args(["sts", "get-caller-identity", "--output", "json"])
        .output()
        .expect("aws CLI runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

// A current-thread runtime blocked on a child process, on purpose: the mocks run on the
// federation's own threads, so the CLI still gets its answers.
#[tokio::test]
#[ignore = "needs the aws CLI: run .ci/run, or pip install awscli and use --include-ignored"]
async fn the_aws_cli_assumes_the_role_from_the_job_environment() {
    let fed = Federation::start().await.expect("federation starts");
    let (role, _token, job) = tutorial_job(&fed).await;
    fed.expect(
        fedlab::Expectation::action("AssumeRoleWithWebIdentity")
            .role_arn(&role.arn)
            .status(200)
            .times(1),
    );

    let caller = who_am_i(&job);

    assert_eq!(
        caller["Arn"],
        "arn:aws:sts::123456789012:assumed-role/gitlab-ci/fedlab"
    );
    let issued = fed
        .requests()
        .into_iter()
        .find_map(|r| r.issued_access_key_id)
        .expect("mock-sts issued credentials");
    assert!(
        fed.requests()
            .iter()
            .any(|r| r.action.as_deref() == Some("GetCallerIdentity")
                && r.access_key_id.as_deref() == Some(issued.as_str())
                && r.status == 200),
        "GetCallerIdentity was not signed with the issued credentials"
    );
}

#[tokio::test]
#[ignore = "needs the aws CLI: run .ci/run, or pip install awscli and use --include-ignored"]
async fn the_aws_cli_sends_a_token_file_written_by_echo_and_aws_accepts_it() {
    let fed = Federation::start().await.expect("federation starts");
    let (_role, token, job) = tutorial_job(&fed).await;
    // `echo "$TOKEN" > file`, as the published jobs write it.
    job.write_token(&format!("{}\n", token.as_str()))
        .expect("token file");

    let caller = who_am_i(&job);

    assert_eq!(
        caller["Arn"],
        "arn:aws:sts::123456789012:assumed-role/gitlab-ci/fedlab"
    );
}

/// Debian's aws CLI v2 (`apt-get install awscli`), or the test fails saying so.
fn debian_aws_cli_v2() -> PathBuf {
    let aws = PathBuf::from("/usr/bin/aws");
    let version = Command::new(&aws)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    assert!(
        version.starts_with("aws-cli/2."),
        "/usr/bin/aws is not the aws CLI v2 ({version:?}): apt-get install awscli"
    );
    aws
}

#[tokio::test]
#[ignore = "needs Debian's aws CLI v2 at /usr/bin/aws: apt-get install awscli"]
async fn debians_aws_cli_v2_ignores_the_endpoint_variables_and_reaches_mock_sts_through_the_proxy()
{
    let aws = debian_aws_cli_v2();
    let fed = Federation::start().await.expect("federation starts");
    let (role, _token, job) = tutorial_job(&fed).await;

    let outcome = Client::aws_cli(aws)
        .run(&job, &ClientRequest::default())
        .await;

    assert_eq!(
        outcome,
        ClientOutcome::Credentials {
            caller_arn: "arn:aws:sts::123456789012:assumed-role/gitlab-ci/fedlab".into(),
            s3: Vec::new(),
        }
    );
    let assume = fed
        .requests()
        .into_iter()
        .find(|r| r.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
        .expect("the CLI called AssumeRoleWithWebIdentity");
    assert_eq!(assume.role_arn.as_deref(), Some(role.arn.as_str()));
    assert!(
        assume.user_agent.unwrap_or_default().contains("aws-cli/2."),
        "the call did not come from the aws CLI v2"
    );
    // One tunnel for the credential provider's STS client, one for the command's own.
    let mut through_proxy: Vec<String> = fed
        .proxy_requests()
        .iter()
        .map(ToString::to_string)
        .collect();
    through_proxy.dedup();
    assert_eq!(
        through_proxy,
        ["CONNECT sts.us-east-1.amazonaws.com:443 answered by mock-sts"]
    );
}

#[tokio::test]
#[ignore = "needs Debian's aws CLI v2 at /usr/bin/aws: apt-get install awscli"]
async fn every_embedded_scenario_passes_with_debians_aws_cli_v2_through_the_proxy() {
    let client = Client::aws_cli(debian_aws_cli_v2());
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
