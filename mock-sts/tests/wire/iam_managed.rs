//! Managed policies on the wire: CreatePolicy, GetPolicy, GetPolicyVersion, DeletePolicy, the
//! built-in AWS managed policies, AttachRolePolicy/DetachRolePolicy/ListAttachedRolePolicies,
//! and the errors IAM answers for each (DeleteConflict both ways, NoSuchEntity, quotas).

use crate::iam_providers::assert_empty;
use crate::support::{ACCOUNT, Answer, IAM, Sts, assert_error, element, secret_filters};

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
const READ_ARTIFACTS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::artifacts/*"}]}"#;
const S3_FULL: &str = "arn:aws:iam::aws:policy/AmazonS3FullAccess";

async fn call(sts: &Sts, action: &str, members: &[(&str, &str)]) -> Answer {
    let mut form = vec![("Action", action), ("Version", "2010-05-08")];
    form.extend_from_slice(members);
    sts.iam(&form).await
}

fn customer_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/ci/{name}")
}

async fn account() -> Sts {
    let sts = Sts::start(None).await;
    sts.create_role("deploy", None, TRUST).await;
    let created = call(
        &sts,
        "CreatePolicy",
        &[
            ("PolicyName", "read-artifacts"),
            ("Path", "/ci/"),
            ("Description", "CI jobs read build artifacts"),
            ("PolicyDocument", READ_ARTIFACTS),
        ],
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    sts
}

#[tokio::test]
async fn create_and_get_policy_answer_the_iam_policy_shape() {
    let sts = Sts::start(None).await;
    let created = call(
        &sts,
        "CreatePolicy",
        &[
            ("PolicyName", "read-artifacts"),
            ("Path", "/ci/"),
            ("Description", "CI jobs read build artifacts"),
            ("PolicyDocument", READ_ARTIFACTS),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "build"),
        ],
    )
    .await;
    let filters = || {
        let mut settings = secret_filters();
        settings.add_filter(r"ANPA[A-Z2-7]{17}", "[POLICY-ID]");
        settings
    };
    filters().bind(|| insta::assert_snapshot!("iam_create_policy", created.body));
    let arn = customer_arn("read-artifacts");
    let got = call(&sts, "GetPolicy", &[("PolicyArn", &arn)]).await;
    filters().bind(|| insta::assert_snapshot!("iam_get_policy", got.body));
    let version = call(
        &sts,
        "GetPolicyVersion",
        &[("PolicyArn", &arn), ("VersionId", "v1")],
    )
    .await;
    filters().bind(|| insta::assert_snapshot!("iam_get_policy_version", version.body));

    assert_error(
        &call(
            &sts,
            "CreatePolicy",
            &[
                ("PolicyName", "READ-ARTIFACTS"),
                ("PolicyDocument", READ_ARTIFACTS),
            ],
        )
        .await,
        409,
        IAM,
        "EntityAlreadyExists",
        "A policy called READ-ARTIFACTS already exists. Duplicate names are not allowed.",
    );
    assert_error(
        &call(
            &sts,
            "GetPolicyVersion",
            &[("PolicyArn", &arn), ("VersionId", "v2")],
        )
        .await,
        404,
        IAM,
        "NoSuchEntity",
        &format!("Policy {arn} version v2 does not exist or is not attachable."),
    );
    let missing = customer_arn("nothing");
    assert_error(
        &call(&sts, "GetPolicy", &[("PolicyArn", &missing)]).await,
        404,
        IAM,
        "NoSuchEntity",
        &format!("Policy {missing} was not found."),
    );
}

#[tokio::test]
async fn aws_managed_policies_are_built_in_with_their_real_documents() {
    let sts = Sts::start(None).await;
    let got = call(&sts, "GetPolicy", &[("PolicyArn", S3_FULL)]).await;
    secret_filters().bind(|| insta::assert_snapshot!("iam_get_aws_managed_policy", got.body));
    let version = call(
        &sts,
        "GetPolicyVersion",
        &[("PolicyArn", S3_FULL), ("VersionId", "v2")],
    )
    .await;
    assert_eq!(version.status, 200, "{}", version.body);
    let document = element(&version.body, "Document").unwrap();
    assert!(document.contains("s3-object-lambda%3A%2A"), "{document}");
    assert_error(
        &call(&sts, "DeletePolicy", &[("PolicyArn", S3_FULL)]).await,
        400,
        IAM,
        "InvalidInput",
        "AWS managed policies cannot be changed or deleted.",
    );
}

#[tokio::test]
async fn attach_list_and_detach_role_policies() {
    let sts = account().await;
    let customer = customer_arn("read-artifacts");
    for arn in [S3_FULL, customer.as_str(), S3_FULL] {
        assert_empty(
            &call(
                &sts,
                "AttachRolePolicy",
                &[("RoleName", "deploy"), ("PolicyArn", arn)],
            )
            .await,
            "AttachRolePolicy",
        );
    }
    let listed = call(&sts, "ListAttachedRolePolicies", &[("RoleName", "deploy")]).await;
    secret_filters()
        .bind(|| insta::assert_snapshot!("iam_list_attached_role_policies", listed.body));
    let ci_only = call(
        &sts,
        "ListAttachedRolePolicies",
        &[("RoleName", "deploy"), ("PathPrefix", "/ci/")],
    )
    .await;
    assert_eq!(
        element(&ci_only.body, "PolicyName").as_deref(),
        Some("read-artifacts")
    );
    let got = call(&sts, "GetPolicy", &[("PolicyArn", &customer)]).await;
    assert_eq!(element(&got.body, "AttachmentCount").as_deref(), Some("1"));

    assert_error(
        &call(&sts, "DeleteRole", &[("RoleName", "deploy")]).await,
        409,
        IAM,
        "DeleteConflict",
        "Cannot delete entity, must detach all policies first.",
    );
    assert_error(
        &call(&sts, "DeletePolicy", &[("PolicyArn", &customer)]).await,
        409,
        IAM,
        "DeleteConflict",
        "Cannot delete a policy attached to entities.",
    );
    for arn in [S3_FULL, customer.as_str()] {
        assert_empty(
            &call(
                &sts,
                "DetachRolePolicy",
                &[("RoleName", "deploy"), ("PolicyArn", arn)],
            )
            .await,
            "DetachRolePolicy",
        );
    }
    assert_error(
        &call(
            &sts,
            "DetachRolePolicy",
            &[("RoleName", "deploy"), ("PolicyArn", S3_FULL)],
        )
        .await,
        404,
        IAM,
        "NoSuchEntity",
        &format!("Policy {S3_FULL} was not found."),
    );
    assert_empty(
        &call(&sts, "DeletePolicy", &[("PolicyArn", &customer)]).await,
        "DeletePolicy",
    );
    assert_empty(
        &call(&sts, "DeleteRole", &[("RoleName", "deploy")]).await,
        "DeleteRole",
    );
}

#[tokio::test]
async fn attaching_what_does_not_exist_or_too_much_is_refused() {
    let sts = account().await;
    let unknown = "arn:aws:iam::aws:policy/AWSLambdaFullAccess";
    assert_error(
        &call(
            &sts,
            "AttachRolePolicy",
            &[("RoleName", "deploy"), ("PolicyArn", unknown)],
        )
        .await,
        404,
        IAM,
        "NoSuchEntity",
        &format!("Policy {unknown} does not exist or is not attachable."),
    );
    assert_error(
        &call(
            &sts,
            "AttachRolePolicy",
            &[("RoleName", "nobody"), ("PolicyArn", S3_FULL)],
        )
        .await,
        404,
        IAM,
        "NoSuchEntity",
        "The role with name nobody cannot be found.",
    );
    for index in 0..10 {
        let name = format!("p{index}");
        let created = call(
            &sts,
            "CreatePolicy",
            &[("PolicyName", &name), ("PolicyDocument", READ_ARTIFACTS)],
        )
        .await;
        assert_eq!(created.status, 200, "{}", created.body);
        let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
        assert_empty(
            &call(
                &sts,
                "AttachRolePolicy",
                &[("RoleName", "deploy"), ("PolicyArn", &arn)],
            )
            .await,
            "AttachRolePolicy",
        );
    }
    assert_error(
        &call(
            &sts,
            "AttachRolePolicy",
            &[("RoleName", "deploy"), ("PolicyArn", S3_FULL)],
        )
        .await,
        409,
        IAM,
        "LimitExceeded",
        "Cannot exceed quota for PoliciesPerRole: 10",
    );
}

#[tokio::test]
async fn managed_policy_documents_are_validated_and_sized_as_iam_does() {
    let sts = Sts::start(None).await;
    let sts = &sts;
    let create = |document: String| async move {
        call(
            sts,
            "CreatePolicy",
            &[("PolicyName", "p"), ("PolicyDocument", &document)],
        )
        .await
    };
    assert_error(
        &create("{not json".to_owned()).await,
        400,
        IAM,
        "MalformedPolicyDocument",
        "This policy contains invalid Json",
    );
    assert_error(
        &create(TRUST.to_owned()).await,
        400,
        IAM,
        "MalformedPolicyDocument",
        "Policy document should not specify a principal.",
    );
    let actions: Vec<String> = (0..600).map(|i| format!("\"s3:Get{i:05}\"")).collect();
    let large = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions.join(",")
    );
    assert_error(
        &create(large).await,
        409,
        IAM,
        "LimitExceeded",
        "Cannot exceed quota for PolicySize: 6144",
    );
}
