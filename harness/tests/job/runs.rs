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

/// Runs a job of the two blog posts to a successful end (its S3 calls included) and hands back
/// the federation, whose log holds what mock-sts saw.
async fn run_blog_job(
    file: &str,
    job: &str,
    account: &str,
    variables: &[(&str, &str)],
    project_path: &str,
) -> Federation {
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
    let code = prepared.run().unwrap();
    let _ = std::fs::remove_file("/tmp/web_identity_token");
    assert_eq!(
        code,
        0,
        "the job's exit code; mock-sts saw {:?}",
        calls(&fed.requests())
    );
    fed
}

/// The S3 calls in the log, in order: (operation, status, decision).
fn s3_calls(requests: &[Request]) -> Vec<(String, u16, Option<String>)> {
    requests
        .iter()
        .filter(|r| r.service.as_deref() == Some("s3"))
        .map(|r| {
            (
                r.action.clone().unwrap_or_default(),
                r.status,
                r.decision.clone(),
            )
        })
        .collect()
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
async fn the_profile_file_job_gets_credentials_through_web_identity_and_creates_its_bucket() {
    let role = "arn:aws:iam::123456789012:role/S3Deploy";
    let fed = run_blog_job(
        "ventx-id-tokens-profile.gitlab-ci.yml",
        "assume role",
        "ventx-id-tokens-profile.aws.yaml",
        &[("ROLE_ARN", role)],
        "mygroup/myproject",
    )
    .await;
    let requests = fed.requests();
    assumed_then_used(&requests, role);
    assert_eq!(
        s3_calls(&requests),
        [("CreateBucket".into(), 200, Some("allow".into()))]
    );
    let create = requests
        .iter()
        .find(|r| r.service.as_deref() == Some("s3"))
        .unwrap();
    assert_eq!(create.role_arn.as_deref(), Some(role));
    assert_eq!(
        create.resource.as_deref(),
        Some("arn:aws:s3:::test-bucket-12355345242523423425")
    );
}

#[tokio::test]
#[ignore = "needs the aws CLI: FEDLAB_AWS_CLI=/path/to/aws and --include-ignored"]
async fn the_aws_login_template_job_uploads_an_object_a_read_only_role_can_read_but_not_write() {
    let role = "arn:aws:iam::123456789012:role/gitlab-oidc-role-s3-readwrite";
    let fed = run_blog_job(
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
    let requests = fed.requests();
    assumed_then_used(&requests, role);
    let allowed = Some("allow".to_owned());
    assert_eq!(
        s3_calls(&requests),
        [
            ("CreateBucket".into(), 200, allowed.clone()),
            ("PutObject".into(), 200, allowed),
        ]
    );
    read_with_the_read_only_role(&fed).await;
}

/// A second role, allowed s3:GetObject and s3:ListBucket only, reads what the job wrote and is
/// refused a write.
async fn read_with_the_read_only_role(fed: &Federation) {
    let reader = "arn:aws:iam::123456789012:role/gitlab-oidc-role-s3-readonly";
    let token = fed
        .mint(
            fedlab::IdToken::new("https://sts.amazonaws.com")
                .project_path("gitlab-pipeline7091038/aws-auth/gitlab-pipeline-aws-oidc-auth")
                .branch("main"),
        )
        .await
        .unwrap();
    let job = fed.job(reader, &token).unwrap();
    let read = job
        .command(aws_cli())
        .args(["s3", "cp", "s3://fedlab-test-bucket/test.txt", "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&read.stdout);
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    assert!(text.starts_with("pipeline: "), "{text}");
    let write = job
        .command(aws_cli())
        .args([
            "s3api",
            "put-object",
            "--bucket",
            "fedlab-test-bucket",
            "--key",
            "x.txt",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&write.stderr);
    assert!(!write.status.success());
    assert!(
        stderr.contains("AccessDenied")
            && stderr.contains("assumed-role/gitlab-oidc-role-s3-readonly/"),
        "{stderr}"
    );
    let denied = fed
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.service.as_deref() == Some("s3"))
        .unwrap();
    assert_eq!(denied.iam_action.as_deref(), Some("s3:PutObject"));
    assert_eq!(
        denied.resource.as_deref(),
        Some("arn:aws:s3:::fedlab-test-bucket/x.txt")
    );
    assert_eq!(denied.decision.as_deref(), Some("deny"));
    assert_eq!(denied.role_arn.as_deref(), Some(reader));
}
