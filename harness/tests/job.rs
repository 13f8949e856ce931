//! `fedlab job`: the jobs of the documents users follow, run unchanged against the mocks.
//!
//! The tests that run the real aws CLI need it (`FEDLAB_AWS_CLI=/path/to/aws`, or `aws` on
//! `PATH`) and are ignored otherwise: run them with `--include-ignored`, as `.ci/run` does.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use fedlab::gitlab_ci::CiFile;
use fedlab::job_run::{self, JobAccount, JobOptions, Pipeline, PreparedJob};
use fedlab::mint::RefType;
use fedlab::scenario::Placeholders;
use fedlab::{Federation, Request};
use serde_json::Value;

/// The jobs that write the documents' fixed `/tmp/web_identity_token` run one at a time.
static SHARED_TMP_FILE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/jobs")
        .join(name)
}

fn aws_cli() -> PathBuf {
    let program = std::env::var_os("FEDLAB_AWS_CLI").map_or_else(|| "aws".into(), PathBuf::from);
    job_run::find_program(&program).expect("the aws CLI (FEDLAB_AWS_CLI)")
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Sets up the account of `account` (a file in tests/data/jobs) and prepares `job` of `file`.
async fn prepare(
    fed: &Federation,
    file: &str,
    job: &str,
    account: Option<&str>,
    options: JobOptions,
) -> PreparedJob {
    if let Some(account) = account {
        let text = std::fs::read_to_string(data(account)).unwrap();
        let values = Placeholders::of(fed, Placeholders::unreachable_issuer().unwrap());
        JobAccount::parse(&text, &values)
            .unwrap()
            .apply(fed)
            .await
            .unwrap();
    }
    let text = std::fs::read_to_string(data(file)).unwrap();
    let job = CiFile::parse(&text).unwrap().job(job).unwrap();
    job_run::prepare(fed, &job, &options).await.unwrap()
}

fn var<'a>(prepared: &'a PreparedJob, name: &str) -> Option<&'a str> {
    prepared
        .vars()
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn jwt_part(jwt: &str, index: usize) -> Value {
    let part = jwt.split('.').nth(index).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn claims(jwt: &str) -> Value {
    jwt_part(jwt, 1)
}

/// The answers mock-sts gave after the IAM setup, as `(action, status, role)`.
fn calls(requests: &[Request]) -> Vec<(String, u16, Option<String>)> {
    requests
        .iter()
        .filter(|r| {
            !matches!(
                r.action.as_deref(),
                Some("CreateOpenIDConnectProvider" | "CreateRole" | "PutRolePolicy")
            )
        })
        .map(|r| {
            (
                r.action.clone().unwrap_or_default(),
                r.status,
                r.role_arn.clone(),
            )
        })
        .collect()
}

#[tokio::test]
#[ignore = "needs the aws CLI: FEDLAB_AWS_CLI=/path/to/aws and --include-ignored"]
async fn the_tutorial_job_assumes_the_role_and_calls_sts_with_the_real_aws_cli() {
    let fed = Federation::start().await.unwrap();
    let role = "arn:aws:iam::123456789012:role/gitlab-ci";
    let options = JobOptions {
        variables: vars(&[("ROLE_ARN", role)]),
        aws_cli: Some(aws_cli()),
        ..JobOptions::default()
    };
    let prepared = prepare(
        &fed,
        "gitlab-docs-aws-tutorial.gitlab-ci.yml",
        "assume role",
        Some("gitlab-docs-aws-tutorial.aws.yaml"),
        options,
    )
    .await;
    assert_eq!(prepared.run().unwrap(), 0, "the job's exit code");
    let requests = fed.requests();
    assert_eq!(
        calls(&requests),
        [
            ("AssumeRoleWithWebIdentity".into(), 200, Some(role.into())),
            ("GetCallerIdentity".into(), 200, None),
        ]
    );
    let assume = requests
        .iter()
        .find(|r| r.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
        .unwrap();
    // The session name the job builds from CI_PROJECT_ID and CI_PIPELINE_ID.
    assert_eq!(
        assume.role_session_name.as_deref(),
        Some("GitLabRunner-42-1001")
    );
    // get-caller-identity was signed with the credentials the exported variables carried.
    let caller = requests.last().unwrap();
    assert_eq!(caller.access_key_id, assume.issued_access_key_id);
}

/// Runs a job of the two blog posts, whose S3 calls mock-sts does not answer yet: the proof is
/// what mock-sts saw before them.
async fn run_blog_job(
    file: &str,
    job: &str,
    account: &str,
    variables: &[(&str, &str)],
    project_path: &str,
) -> Vec<Request> {
    let _one_at_a_time = SHARED_TMP_FILE.lock().await;
    let fed = Federation::start().await.unwrap();
    let options = JobOptions {
        pipeline: Pipeline {
            project_path: project_path.to_owned(),
            ..Pipeline::default()
        },
        variables: vars(variables),
        aws_cli: Some(aws_cli()),
    };
    let prepared = prepare(&fed, file, job, Some(account), options).await;
    // Its exit code says only that S3 is not there yet; what counts is mock-sts's log.
    let _ = prepared.run().unwrap();
    let _ = std::fs::remove_file("/tmp/web_identity_token");
    fed.requests()
}

/// The web-identity exchange the CLI's own credential provider made from the job's config,
/// and the requests after it (the S3 call, signed with the credentials it got).
fn assumed_then_used(requests: &[Request], role: &str) {
    let calls = calls(requests);
    assert_eq!(
        calls.first(),
        Some(&("AssumeRoleWithWebIdentity".into(), 200, Some(role.into()))),
        "{calls:?}"
    );
    let assume = requests
        .iter()
        .find(|r| r.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
        .unwrap();
    let issued = assume.issued_access_key_id.clone();
    assert!(issued.is_some(), "credentials were issued");
    let after: Vec<&Request> = requests.iter().filter(|r| r.seq > assume.seq).collect();
    assert!(!after.is_empty(), "the job went on to its S3 call");
    assert!(
        after
            .iter()
            .all(|r| r.action.as_deref() != Some("AssumeRoleWithWebIdentity")),
        "one exchange, its credentials reused: {calls:?}"
    );
}

#[tokio::test]
#[ignore = "needs the aws CLI: FEDLAB_AWS_CLI=/path/to/aws and --include-ignored"]
async fn the_profile_file_job_gets_credentials_through_web_identity_before_its_s3_call() {
    let role = "arn:aws:iam::123456789012:role/S3Deploy";
    let requests = run_blog_job(
        "ventx-id-tokens-profile.gitlab-ci.yml",
        "assume role",
        "ventx-id-tokens-profile.aws.yaml",
        &[("ROLE_ARN", role)],
        "mygroup/myproject",
    )
    .await;
    assumed_then_used(&requests, role);
}

#[tokio::test]
#[ignore = "needs the aws CLI: FEDLAB_AWS_CLI=/path/to/aws and --include-ignored"]
async fn the_aws_login_template_job_gets_credentials_through_web_identity_before_its_s3_calls() {
    let role = "arn:aws:iam::123456789012:role/gitlab-oidc-role-s3-readwrite";
    let requests = run_blog_job(
        "fabianlee-aws-login-template.gitlab-ci.yml",
        "test-aws",
        "fabianlee-aws-login-template.aws.yaml",
        &[
            ("AWS_REGION", "us-east-1"),
            ("AWS_ROLE_ARN", role),
            ("OIDC_AUDIENCE", "https://sts.amazonaws.com"),
            ("S3_BUCKET_NAME", "fedlab-test-bucket"),
        ],
        "gitlab-pipeline7091038/aws-auth/gitlab-pipeline-aws-oidc-auth",
    )
    .await;
    assumed_then_used(&requests, role);
}

const CI_KEY: &str = include_str!("../../mock-gitlab/tests/fixtures/ci-signing-key.pem");
const OIDC_KEY: &str = include_str!("../../mock-gitlab/tests/fixtures/oidc-signing-key.pem");
/// 2025-06-15T12:00:00Z.
const CLOCK: i64 = 1_749_988_800;

/// `--print-env`'s text with what differs between runs (ports, temporary directories, this
/// machine's `PATH`) named instead, and each token shown decoded.
fn redacted(fed: &Federation, prepared: &PreparedJob) -> String {
    let home = Path::new(var(prepared, "HOME").unwrap());
    let temp = home
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .display()
        .to_string();
    let inherited = std::env::var("PATH").unwrap();
    let mut text = String::new();
    for line in job_run::env_text(prepared.vars()).lines() {
        let (name, value) = line.split_once('=').unwrap();
        let value = if value.starts_with("eyJ") && value.matches('.').count() == 2 {
            let mut payload = jwt_part(value, 1);
            // A fresh UUID per token, as GitLab's.
            payload["jti"] = "JTI".into();
            format!("<JWT {} {payload}>", jwt_part(value, 0))
        } else if name == "CI_SERVER_PORT" {
            "ISSUER_PORT".to_owned()
        } else {
            value.to_owned()
        };
        let value = value
            .replace(&inherited, "$PATH")
            .replace(&temp, "$FEDLAB_TMP")
            .replace(fed.sts_endpoint(), "http://127.0.0.1:STS_PORT")
            .replace(fed.proxy_url(), "http://127.0.0.1:PROXY_PORT")
            .replace(fed.issuer_host(), "localhost:ISSUER_PORT");
        writeln!(text, "{name}={value}").unwrap();
    }
    text
}

async fn pinned(version: Option<&str>) -> Federation {
    let mut builder = Federation::builder()
        .fixed_time(CLOCK)
        .signing_key_pem(CI_KEY)
        .oidc_key_pem(OIDC_KEY);
    if let Some(version) = version {
        builder = builder.gitlab_version(version);
    }
    builder.start().await.unwrap()
}

#[tokio::test]
async fn print_env_shows_the_tutorial_job_s_token_predefined_variables_and_settings() {
    let fed = pinned(None).await;
    let options = JobOptions {
        variables: vars(&[("ROLE_ARN", "arn:aws:iam::123456789012:role/gitlab-ci")]),
        aws_cli: Some(PathBuf::from("/opt/aws-cli/bin/aws")),
        ..JobOptions::default()
    };
    let prepared = prepare(
        &fed,
        "gitlab-docs-aws-tutorial.gitlab-ci.yml",
        "assume role",
        None,
        options,
    )
    .await;
    insta::assert_snapshot!(redacted(&fed, &prepared));
}

#[tokio::test]
async fn print_env_on_16_11_gives_a_job_without_id_tokens_the_legacy_jwts() {
    let fed = pinned(Some("16.11")).await;
    let text = "legacy:\n  script: echo \"$CI_JOB_JWT_V2\" > token\n";
    let job = CiFile::parse(text).unwrap().job("legacy").unwrap();
    let prepared = job_run::prepare(&fed, &job, &JobOptions::default())
        .await
        .unwrap();
    let names: Vec<&str> = prepared.vars().iter().map(|(k, _)| k.as_str()).collect();
    assert!(names.contains(&"CI_JOB_JWT"), "{names:?}");
    assert_eq!(
        var(&prepared, "CI_JOB_JWT"),
        var(&prepared, "CI_JOB_JWT_V1")
    );
    let legacy: String = redacted(&fed, &prepared)
        .lines()
        .filter(|l| l.starts_with("CI_JOB_JWT") || l.starts_with("CI_SERVER_VERSION="))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!(legacy);
}

#[tokio::test]
async fn the_legacy_jwts_are_gone_from_17_0_and_from_jobs_with_id_tokens() {
    let fed = pinned(Some("17.0")).await;
    let text = "a:\n  script: x\nb:\n  id_tokens: {T: {aud: x}}\n  script: x\n";
    let file = CiFile::parse(text).unwrap();
    let prepared = job_run::prepare(&fed, &file.job("a").unwrap(), &JobOptions::default())
        .await
        .unwrap();
    assert_eq!(var(&prepared, "CI_JOB_JWT_V2"), None);
    let old = pinned(Some("16.11")).await;
    let prepared = job_run::prepare(&old, &file.job("b").unwrap(), &JobOptions::default())
        .await
        .unwrap();
    assert_eq!(var(&prepared, "CI_JOB_JWT"), None);
    assert!(var(&prepared, "T").is_some());
}

#[tokio::test]
async fn predefined_variables_agree_with_the_token_s_claims() {
    let fed = Federation::start().await.unwrap();
    let options = JobOptions {
        pipeline: Pipeline {
            project_path: "acme/platform/deployer".to_owned(),
            project_id: "9001".to_owned(),
            namespace_id: "77".to_owned(),
            git_ref: "v2.3.4".to_owned(),
            ref_type: RefType::Tag,
            ref_protected: true,
            pipeline_id: "555".to_owned(),
            job_id: "666".to_owned(),
            user_login: "alice".to_owned(),
            ..Pipeline::default()
        },
        ..JobOptions::default()
    };
    let prepared = prepare(
        &fed,
        "gitlab-docs-aws-tutorial.gitlab-ci.yml",
        "assume role",
        None,
        options,
    )
    .await;
    let claims = claims(var(&prepared, "GITLAB_OIDC_TOKEN").unwrap());
    let pairs = [
        ("CI_SERVER_URL", "iss"),
        ("CI_PROJECT_PATH", "project_path"),
        ("CI_PROJECT_ID", "project_id"),
        ("CI_PROJECT_NAMESPACE", "namespace_path"),
        ("CI_PROJECT_NAMESPACE_ID", "namespace_id"),
        ("CI_PROJECT_VISIBILITY", "project_visibility"),
        ("CI_PIPELINE_ID", "pipeline_id"),
        ("CI_PIPELINE_SOURCE", "pipeline_source"),
        ("CI_JOB_ID", "job_id"),
        ("CI_COMMIT_REF_NAME", "ref"),
        ("CI_COMMIT_TAG", "ref"),
        ("CI_COMMIT_SHA", "sha"),
        ("CI_COMMIT_REF_PROTECTED", "ref_protected"),
        ("GITLAB_USER_ID", "user_id"),
        ("GITLAB_USER_LOGIN", "user_login"),
        ("GITLAB_USER_EMAIL", "user_email"),
    ];
    for (variable, claim) in pairs {
        assert_eq!(
            var(&prepared, variable),
            claims[claim].as_str(),
            "{variable} and the claim {claim}"
        );
    }
    assert_eq!(claims["ref_type"], "tag");
    assert_eq!(var(&prepared, "CI_COMMIT_BRANCH"), None);
    assert_eq!(
        claims["sub"],
        "project_path:acme/platform/deployer:ref_type:tag:ref:v2.3.4"
    );
    assert_eq!(
        var(&prepared, "CI_RUNNER_ID"),
        Some(claims["runner_id"].to_string().as_str())
    );
}

#[tokio::test]
async fn variables_and_an_aud_variable_are_expanded_once_with_settings_winning() {
    let fed = Federation::start().await.unwrap();
    let text = r#"
variables:
  BUCKET: "bucket-$CI_PROJECT_ID"
  REGION: from-file
  RAW: {value: "$CI_JOB_ID", expand: false}
  NESTED: "${BUCKET}-x"
job:
  variables: {REGION: from-job}
  id_tokens:
    ONE: {aud: $OIDC_AUDIENCE}
    MANY: {aud: ["${OIDC_AUDIENCE}", other]}
  script: x
"#;
    let job = CiFile::parse(text).unwrap().job("job").unwrap();
    let options = JobOptions {
        variables: vars(&[("OIDC_AUDIENCE", "https://sts.amazonaws.com")]),
        ..JobOptions::default()
    };
    let prepared = job_run::prepare(&fed, &job, &options).await.unwrap();
    assert_eq!(var(&prepared, "BUCKET"), Some("bucket-42"));
    assert_eq!(var(&prepared, "REGION"), Some("from-job"));
    assert_eq!(var(&prepared, "RAW"), Some("$CI_JOB_ID"));
    assert_eq!(
        var(&prepared, "NESTED"),
        Some("bucket-$CI_PROJECT_ID-x"),
        "one level"
    );
    let one = claims(var(&prepared, "ONE").unwrap());
    assert_eq!(one["aud"], "https://sts.amazonaws.com");
    let many = claims(var(&prepared, "MANY").unwrap());
    assert_eq!(
        many["aud"],
        serde_json::json!(["https://sts.amazonaws.com", "other"])
    );
}

#[tokio::test]
async fn a_request_for_another_host_is_refused_by_the_proxy_without_leaving_the_machine() {
    let fed = Federation::start().await.unwrap();
    // Names under the reserved .invalid TLD: nothing could answer them, and the proxy, not this
    // machine's resolver, is asked for them.
    let text =
        "escape:\n  script:\n    - curl -sS --max-time 60 https://fedlab-elsewhere.invalid/\n";
    let job = CiFile::parse(text).unwrap().job("escape").unwrap();
    let prepared = job_run::prepare(&fed, &job, &JobOptions::default())
        .await
        .unwrap();
    let code = prepared.run().unwrap();
    // curl's "CONNECT tunnel failed": the proxy's 403, not a time-out or a DNS failure.
    assert_eq!(code, 56, "curl's exit code");
    let refused: Vec<String> = fed
        .proxy_refusals()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.destination))
        .collect();
    assert_eq!(refused, ["CONNECT fedlab-elsewhere.invalid:443"]);
}

#[tokio::test]
#[ignore = "needs the aws CLI: FEDLAB_AWS_CLI=/path/to/aws and --include-ignored"]
async fn the_aws_cli_cannot_be_sent_elsewhere_by_an_endpoint_url_or_the_job_s_own_config() {
    let fed = Federation::start().await.unwrap();
    let call = "aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/x \
                --role-session-name fedlab --web-identity-token not-a-token";
    let text = format!(
        "escape:\n  script:\n    - {call} --endpoint-url https://sts.elsewhere.invalid || true\n    \
         - mkdir -p ~/.aws && printf '[default]\\nignore_configured_endpoint_urls = true\\n' > ~/.aws/config\n    \
         - {call} || true\n"
    );
    let job = CiFile::parse(&text).unwrap().job("escape").unwrap();
    let options = JobOptions {
        aws_cli: Some(aws_cli()),
        ..JobOptions::default()
    };
    let prepared = job_run::prepare(&fed, &job, &options).await.unwrap();
    assert_eq!(prepared.run().unwrap(), 0);
    let requests = fed.proxy_requests();
    assert!(
        requests
            .iter()
            .all(|r| r.destination.ends_with(".invalid:443") == r.refused),
        "{requests:?}"
    );
    assert!(requests.iter().any(|r| r.refused), "{requests:?}");
    // With the endpoint variables ignored, the CLI went to sts.amazonaws.com, which the proxy
    // answers with mock-sts: the role does not exist there.
    assert!(
        requests
            .iter()
            .any(|r| !r.refused && r.destination.starts_with("sts.")),
        "{requests:?}"
    );
    assert_eq!(
        calls(&fed.requests()),
        [(
            "AssumeRoleWithWebIdentity".into(),
            403,
            Some("arn:aws:iam::123456789012:role/x".into())
        )]
    );
}

fn fedlab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fedlab"))
        .args(args)
        .env("FEDLAB_AWS_CLI", "/nonexistent/aws")
        .output()
        .unwrap()
}

#[test]
fn fedlab_job_exits_with_the_job_s_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".gitlab-ci.yml");
    std::fs::write(
        &file,
        "fails:\n  script:\n    - test -n \"$CI_JOB_ID\"\n    - exit 3\n",
    )
    .unwrap();
    let output = fedlab(&["job", file.to_str().unwrap(), "fails"]);
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("$ exit 3"));
}

#[test]
fn fedlab_job_names_the_jobs_there_are_when_the_one_asked_for_is_missing() {
    let output = fedlab(&[
        "job",
        data("fabianlee-aws-login-template.gitlab-ci.yml")
            .to_str()
            .unwrap(),
        ".aws-login",
    ]);
    assert_eq!(output.status.code(), Some(101));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("setup failed: no job named \".aws-login\"; the jobs are: test-aws"),
        "{stderr}"
    );
}

#[test]
fn fedlab_job_print_env_prints_sourceable_variables_and_runs_nothing() {
    let output = fedlab(&[
        "job",
        data("fabianlee-aws-login-template.gitlab-ci.yml")
            .to_str()
            .unwrap(),
        "test-aws",
        "--print-env",
        "--var",
        "OIDC_AUDIENCE=https://sts.amazonaws.com",
        "--ref",
        "release",
        "--project-path",
        "group/sub/project",
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in [
        "CI_JOB_NAME=test-aws\n",
        "CI_JOB_STAGE=build\n",
        "CI_COMMIT_BRANCH=release\n",
        "CI_PROJECT_NAMESPACE=group/sub\n",
        "OIDC_AUDIENCE=https://sts.amazonaws.com\n",
    ] {
        assert!(stdout.contains(line), "{line} in {stdout}");
    }
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("GITLAB_OIDC_TOKEN="))
        .unwrap();
    assert_eq!(claims(token)["aud"], "https://sts.amazonaws.com");
    assert!(!stdout.contains("$ "), "nothing ran");
}
