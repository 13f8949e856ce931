//! The documents' jobs run with the real aws CLI.

use super::*;

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
