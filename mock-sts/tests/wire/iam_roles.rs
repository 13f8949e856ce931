//! The role calls beyond create/get: ListRoles with paging, UpdateRole, role tags, inline
//! policies and DeleteConflict, and the trust-policy size quota.

use crate::iam_providers::assert_empty;
use crate::support::{Answer, IAM, Sts, assert_error, element, secret_filters};

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
const PERMISSIONS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::artifacts/*"}]}"#;

async fn call(sts: &Sts, action: &str, members: &[(&str, &str)]) -> Answer {
    let mut form = vec![("Action", action), ("Version", "2010-05-08")];
    form.extend_from_slice(members);
    sts.iam(&form).await
}

async fn create(sts: &Sts, name: &str, path: &str) {
    let answer = call(
        sts,
        "CreateRole",
        &[
            ("RoleName", name),
            ("Path", path),
            ("AssumeRolePolicyDocument", POLICY),
        ],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

async fn three_roles() -> Sts {
    let sts = Sts::start(None).await;
    create(&sts, "deploy", "/ci/").await;
    create(&sts, "Audit", "/").await;
    create(&sts, "build", "/ci/").await;
    sts
}

#[tokio::test]
async fn list_roles_filters_by_path_prefix_and_pages_with_markers() {
    let sts = three_roles().await;
    let ci = call(&sts, "ListRoles", &[("PathPrefix", "/ci/")]).await;
    secret_filters().bind(|| insta::assert_snapshot!("iam_list_roles_path_prefix", ci.body));

    let first = call(&sts, "ListRoles", &[("MaxItems", "2")]).await;
    assert_eq!(element(&first.body, "IsTruncated").as_deref(), Some("true"));
    let names = |answer: &Answer| -> Vec<String> {
        answer
            .body
            .split("<RoleName>")
            .skip(1)
            .map(|rest| rest.split('<').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&first), ["Audit", "build"]);
    let marker = element(&first.body, "Marker").expect("a truncated page has a marker");
    let second = call(&sts, "ListRoles", &[("MaxItems", "2"), ("Marker", &marker)]).await;
    assert_eq!(names(&second), ["deploy"]);
    assert_eq!(
        element(&second.body, "IsTruncated").as_deref(),
        Some("false")
    );
    assert_eq!(element(&second.body, "Marker"), None);

    assert_error(
        &call(
            &sts,
            "ListRoles",
            &[("MaxItems", "0"), ("PathPrefix", "ci")],
        )
        .await,
        400,
        IAM,
        "ValidationError",
        r"2 validation errors detected: Value 'ci' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*; Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    assert_error(
        &call(&sts, "ListRoles", &[("Marker", "not ours")]).await,
        400,
        IAM,
        "InvalidInput",
        "Invalid Marker.",
    );
}

#[tokio::test]
async fn update_role_changes_description_and_max_session_duration() {
    let sts = three_roles().await;
    let updated = call(
        &sts,
        "UpdateRole",
        &[
            ("RoleName", "DEPLOY"),
            ("Description", "Deploys main"),
            ("MaxSessionDuration", "7200"),
        ],
    )
    .await;
    let request_id = element(&updated.body, "RequestId").unwrap();
    assert_eq!(updated.status, 200);
    assert_eq!(
        updated.body,
        format!(
            "<UpdateRoleResponse xmlns=\"{IAM}\">\n  <UpdateRoleResult/>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</UpdateRoleResponse>\n"
        )
    );
    let got = call(&sts, "GetRole", &[("RoleName", "deploy")]).await;
    assert_eq!(
        element(&got.body, "Description").as_deref(),
        Some("Deploys main")
    );
    assert_eq!(
        element(&got.body, "MaxSessionDuration").as_deref(),
        Some("7200")
    );

    assert_error(
        &call(
            &sts,
            "UpdateRole",
            &[("RoleName", "deploy"), ("MaxSessionDuration", "43201")],
        )
        .await,
        400,
        IAM,
        "ValidationError",
        "1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
    assert_error(
        &call(&sts, "UpdateRole", &[("RoleName", "nobody")]).await,
        404,
        IAM,
        "NoSuchEntity",
        "The role with name nobody cannot be found.",
    );
}

#[tokio::test]
async fn role_tags_are_merged_listed_and_removed() {
    let sts = three_roles().await;
    let tagged = call(
        &sts,
        "TagRole",
        &[
            ("RoleName", "deploy"),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "platform"),
            ("Tags.member.2.Key", "cost-center"),
            ("Tags.member.2.Value", "42"),
        ],
    )
    .await;
    assert_empty(&tagged, "TagRole");
    let listed = call(&sts, "ListRoleTags", &[("RoleName", "deploy")]).await;
    secret_filters().bind(|| insta::assert_snapshot!("iam_list_role_tags", listed.body));
    let got = call(&sts, "GetRole", &[("RoleName", "deploy")]).await;
    secret_filters().bind(|| insta::assert_snapshot!("iam_get_role_with_tags", got.body));

    let untagged = call(
        &sts,
        "UntagRole",
        &[("RoleName", "deploy"), ("TagKeys.member.1", "TEAM")],
    )
    .await;
    assert_empty(&untagged, "UntagRole");
    let listed = call(&sts, "ListRoleTags", &[("RoleName", "deploy")]).await;
    assert!(!listed.body.contains("<Key>team</Key>"), "{}", listed.body);
    assert!(
        listed.body.contains("<Key>cost-center</Key>"),
        "{}",
        listed.body
    );

    assert_error(
        &call(
            &sts,
            "TagRole",
            &[
                ("RoleName", "nobody"),
                ("Tags.member.1.Key", "a"),
                ("Tags.member.1.Value", "b"),
            ],
        )
        .await,
        404,
        IAM,
        "NoSuchEntity",
        "The role with name nobody cannot be found.",
    );
    assert_error(
        &call(&sts, "UntagRole", &[("RoleName", "deploy")]).await,
        400,
        IAM,
        "ValidationError",
        "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
    );
}

#[tokio::test]
async fn a_role_with_an_inline_policy_cannot_be_deleted() {
    let sts = three_roles().await;
    let put = call(
        &sts,
        "PutRolePolicy",
        &[
            ("RoleName", "deploy"),
            ("PolicyName", "artifacts"),
            ("PolicyDocument", PERMISSIONS),
        ],
    )
    .await;
    assert_empty(&put, "PutRolePolicy");
    let listed = call(&sts, "ListRolePolicies", &[("RoleName", "deploy")]).await;
    secret_filters().bind(|| insta::assert_snapshot!("iam_list_role_policies", listed.body));
    let got = call(
        &sts,
        "GetRolePolicy",
        &[("RoleName", "DEPLOY"), ("PolicyName", "artifacts")],
    )
    .await;
    secret_filters().bind(|| insta::assert_snapshot!("iam_get_role_policy", got.body));

    assert_error(
        &call(&sts, "DeleteRole", &[("RoleName", "deploy")]).await,
        409,
        IAM,
        "DeleteConflict",
        "Cannot delete entity, must delete policies first.",
    );
    assert_error(
        &call(
            &sts,
            "PutRolePolicy",
            &[
                ("RoleName", "deploy"),
                ("PolicyName", "trust-shaped"),
                ("PolicyDocument", POLICY),
            ],
        )
        .await,
        400,
        IAM,
        "MalformedPolicyDocument",
        "Policy document should not specify a principal.",
    );
    let deleted = call(
        &sts,
        "DeleteRolePolicy",
        &[("RoleName", "deploy"), ("PolicyName", "artifacts")],
    )
    .await;
    assert_empty(&deleted, "DeleteRolePolicy");
    assert_error(
        &call(
            &sts,
            "DeleteRolePolicy",
            &[("RoleName", "deploy"), ("PolicyName", "artifacts")],
        )
        .await,
        404,
        IAM,
        "NoSuchEntity",
        "The role policy with name artifacts cannot be found.",
    );
    assert_empty(
        &call(&sts, "DeleteRole", &[("RoleName", "deploy")]).await,
        "DeleteRole",
    );
}

#[tokio::test]
async fn trust_policies_over_the_size_quota_are_refused_at_create_and_update() {
    let sts = three_roles().await;
    // 2049 characters without whitespace: the quota is 2048.
    let condition =
        "x".repeat(2049 - POLICY.len() - r#","Condition":{"StringEquals":{"k":""}}"#.len());
    let large = POLICY.replace(
        r#""Action":"sts:AssumeRoleWithWebIdentity""#,
        &format!(r#""Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"k":"{condition}"}}}}"#),
    );
    assert_eq!(large.len(), 2049);
    let quota = "Cannot exceed quota for ACLSizePerRole: 2048";
    assert_error(
        &call(
            &sts,
            "CreateRole",
            &[("RoleName", "large"), ("AssumeRolePolicyDocument", &large)],
        )
        .await,
        409,
        IAM,
        "LimitExceeded",
        quota,
    );
    assert_error(
        &call(
            &sts,
            "UpdateAssumeRolePolicy",
            &[("RoleName", "deploy"), ("PolicyDocument", &large)],
        )
        .await,
        409,
        IAM,
        "LimitExceeded",
        quota,
    );
    // Whitespace is not counted, so the same policy with spaces at 2048 characters passes.
    let fits = large.replacen('x', " ", 1);
    let answer = call(
        &sts,
        "UpdateAssumeRolePolicy",
        &[("RoleName", "deploy"), ("PolicyDocument", &fits)],
    )
    .await;
    assert_empty(&answer, "UpdateAssumeRolePolicy");
}
