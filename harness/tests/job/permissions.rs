//! `fedlab permissions` on the `.aws-login` template's job: the report proposes what the job used
//! (CreateBucket on the bucket, PutObject on its object), and the job passes again with its
//! role's `s3:*` policy replaced by the proposal.

use fedlab::permissions_report::{SavedRun, report};
use fedlab::scenario::PolicyText;

use super::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/gitlab-oidc-role-s3-readwrite";
const BUCKET: &str = "fedlab-test-bucket";

/// Runs the template's `test-aws` job against the account of its document, the readwrite role's
/// inline policy replaced by `policy` when given; returns the job's exit code and what mock-sts
/// saw.
async fn run_aws_login_job(policy: Option<&str>) -> (i32, SavedRun) {
    let _one_at_a_time = SHARED_TMP_FILE.lock().await;
    let fed = Federation::start().await.unwrap();
    let text = std::fs::read_to_string(data("fabianlee-aws-login-template.aws.yaml")).unwrap();
    let values = Placeholders::of(&fed, Placeholders::unreachable_issuer().unwrap());
    let mut account = JobAccount::parse(&text, &values).unwrap();
    if let Some(policy) = policy {
        let role = account
            .aws
            .roles
            .iter_mut()
            .find(|r| r.name == "gitlab-oidc-role-s3-readwrite")
            .unwrap();
        role.policies[0].document = PolicyText(policy.to_owned());
    }
    account.apply(&fed).await.unwrap();
    let ci = std::fs::read_to_string(data("fabianlee-aws-login-template.gitlab-ci.yml")).unwrap();
    let job = CiFile::parse(&ci).unwrap().job("test-aws").unwrap();
    let options = JobOptions {
        pipeline: Pipeline {
            project_path: "gitlab-pipeline7091038/aws-auth/gitlab-pipeline-aws-oidc-auth"
                .to_owned(),
            ..Pipeline::default()
        },
        variables: vars(&[
            ("AWS_REGION", "us-east-1"),
            ("AWS_ROLE_ARN", ROLE),
            ("OIDC_AUDIENCE", "https://sts.amazonaws.com"),
            ("S3_BUCKET_NAME", BUCKET),
        ]),
        aws_cli: Some(aws_cli()),
    };
    let prepared = job_run::prepare(&fed, &job, &options).await.unwrap();
    let code = prepared.run().unwrap();
    let _ = std::fs::remove_file("/tmp/web_identity_token");
    let saved = SavedRun {
        requests: fed.requests(),
        state: fed.iam_state(),
    };
    (code, saved)
}

/// The proposal's statements as (actions, resources).
fn statements(policy: &Value) -> Vec<(Vec<String>, Vec<String>)> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["Effect"], "Allow");
            (strings(&s["Action"]), strings(&s["Resource"]))
        })
        .collect()
}

#[tokio::test]
#[ignore = "needs the aws CLI: FEDLAB_AWS_CLI=/path/to/aws and --include-ignored"]
async fn the_aws_login_job_needs_create_bucket_on_its_bucket_and_put_object_on_its_object_only() {
    let (code, saved) = run_aws_login_job(None).await;
    assert_eq!(
        code,
        0,
        "the job's exit code; mock-sts saw {:?}",
        calls(&saved.requests)
    );
    let report = report(&saved);
    let role = report
        .roles
        .iter()
        .find(|r| r.role_arn == ROLE)
        .unwrap_or_else(|| panic!("{report:#?}"));
    let proposed = role.proposed_policy.clone().unwrap();
    assert_eq!(proposed["Version"], "2012-10-17");
    let statements = statements(&proposed);
    let bucket = format!("arn:aws:s3:::{BUCKET}");
    let object = format!("arn:aws:s3:::{BUCKET}/test.txt");
    assert!(
        statements.iter().any(|(actions, resources)| actions
            .contains(&"s3:CreateBucket".to_owned())
            && resources == std::slice::from_ref(&bucket)),
        "{proposed:#}"
    );
    assert!(
        statements.iter().any(
            |(actions, resources)| actions.contains(&"s3:PutObject".to_owned())
                && resources == std::slice::from_ref(&object)
        ),
        "{proposed:#}"
    );
    // The role's `s3:*` grant, with what of it the job used.
    let grant = &role.grants[0];
    assert_eq!(grant.actions, ["s3:*"]);
    assert!(grant.used_actions.contains(&"s3:CreateBucket".to_owned()));
    assert!(grant.used_actions.contains(&"s3:PutObject".to_owned()));

    // Applied, the proposal lets the same job pass, and its calls are allowed by it alone.
    let (again, rerun) = run_aws_login_job(Some(&proposed.to_string())).await;
    assert_eq!(
        again,
        0,
        "with the proposal; mock-sts saw {:?}",
        calls(&rerun.requests)
    );
    let s3: Vec<&Request> = rerun
        .requests
        .iter()
        .filter(|r| r.service.as_deref() == Some("s3"))
        .collect();
    assert!(!s3.is_empty());
    assert!(
        s3.iter().all(|r| r.decision.as_deref() == Some("allow")),
        "{s3:#?}"
    );
}
