//! Session tags and source identity in the token: the trust policy must also allow
//! `sts:TagSession` / `sts:SetSourceIdentity`, the tags and identity become condition keys, and a
//! success names the source identity.

use serde_json::{Value, json};

use crate::support::{
    ACCESS_DENIED, ACCOUNT, Issuer, MAIN_SUB, Sts, assert_sts_error, secret_filters,
};

fn policy(host: &str, actions: &[&str], condition: Value) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{host}")},
            "Action": actions,
            "Condition": condition
        }]
    })
    .to_string()
}

async fn setup(issuer: &Issuer, actions: &[&str], condition: Value) -> Sts {
    let sts = Sts::start(Some(issuer.ca_pem())).await;
    sts.create_provider(issuer.url(), &[]).await;
    sts.create_role("tagged", None, &policy(issuer.host(), actions, condition))
        .await;
    sts
}

async fn token(issuer: &Issuer, claims: Value) -> String {
    issuer
        .mint(json!({
            "aud": "sts.amazonaws.com",
            "project_path": "mygroup/myproject",
            "claims": claims
        }))
        .await
}

fn tags_claim() -> Value {
    json!({"https://aws.amazon.com/tags": {
        "principal_tags": {"Project": ["Automation"], "CostCenter": ["987654"]},
        "transitive_tag_keys": ["Project"]
    }})
}

#[tokio::test]
async fn session_tags_need_tag_session_in_the_trust_policy() {
    let issuer = Issuer::start().await;
    let sub = json!({"StringEquals": {format!("{}:sub", issuer.host()): MAIN_SUB}});
    let sts = setup(&issuer, &["sts:AssumeRoleWithWebIdentity"], sub).await;
    let answer = sts
        .assume("tagged", &token(&issuer, tags_claim()).await)
        .await;
    assert_sts_error(&answer, 403, "AccessDenied", ACCESS_DENIED);
    assert!(
        sts.last_detail()
            .starts_with("trust policy (the token asks for sts:TagSession too): "),
        "{}",
        sts.last_detail()
    );
}

#[tokio::test]
async fn session_tags_are_request_and_principal_tag_condition_keys() {
    let issuer = Issuer::start().await;
    let condition = json!({
        "StringEquals": {"aws:RequestTag/Project": "Automation", "aws:PrincipalTag/CostCenter": "987654"},
        "ForAllValues:StringEquals": {"aws:TagKeys": ["Project", "CostCenter"]}
    });
    let sts = setup(
        &issuer,
        &["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        condition,
    )
    .await;
    let answer = sts
        .assume("tagged", &token(&issuer, tags_claim()).await)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    let other = json!({"https://aws.amazon.com/tags": {"principal_tags": {"Project": ["Other"]}}});
    let denied = sts.assume("tagged", &token(&issuer, other).await).await;
    assert_sts_error(&denied, 403, "AccessDenied", ACCESS_DENIED);
}

#[tokio::test]
async fn a_source_identity_needs_set_source_identity_and_is_answered() {
    let issuer = Issuer::start().await;
    let claim = json!({"https://aws.amazon.com/source_identity": "alice@example.com"});
    let condition = json!({"StringEquals": {"sts:SourceIdentity": "alice@example.com"}});
    let refusing = setup(&issuer, &["sts:AssumeRoleWithWebIdentity"], json!({})).await;
    let answer = refusing
        .assume("tagged", &token(&issuer, claim.clone()).await)
        .await;
    assert_sts_error(&answer, 403, "AccessDenied", ACCESS_DENIED);

    let sts = setup(
        &issuer,
        &["sts:AssumeRoleWithWebIdentity", "sts:SetSourceIdentity"],
        condition,
    )
    .await;
    let answer = sts.assume("tagged", &token(&issuer, claim).await).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    secret_filters().bind(|| insta::assert_snapshot!("assume_with_source_identity", answer.body));
}

#[tokio::test]
async fn malformed_session_claims_are_refused_as_invalid_tokens() {
    let issuer = Issuer::start().await;
    let sts = setup(
        &issuer,
        &[
            "sts:AssumeRoleWithWebIdentity",
            "sts:TagSession",
            "sts:SetSourceIdentity",
        ],
        json!({}),
    )
    .await;
    let not_a_list =
        json!({"https://aws.amazon.com/tags": {"principal_tags": {"Project": "Automation"}}});
    assert_sts_error(
        &sts.assume("tagged", &token(&issuer, not_a_list).await)
            .await,
        400,
        "InvalidIdentityToken",
        "The https://aws.amazon.com/tags claim must hold principal_tags (each a list of one string) and transitive_tag_keys",
    );
    let bad_identity = json!({"https://aws.amazon.com/source_identity": "aws:admin"});
    assert_sts_error(
        &sts.assume("tagged", &token(&issuer, bad_identity).await)
            .await,
        400,
        "InvalidIdentityToken",
        r"Source identity must be 2 to 64 characters of [\w+=,.@-]",
    );
}
