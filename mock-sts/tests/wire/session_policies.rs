//! Session policies on AssumeRoleWithWebIdentity: `PackedPolicySize` in the success answer, AWS's
//! `MalformedPolicyDocument` for a session policy IAM would refuse, `PackedPolicyTooLarge` for
//! session policies and tags over the allotted space, and the session remembering them.

use serde_json::json;

use crate::support::{Issuer, STS, Sts, assert_error, element, main_branch_policy, secret_filters};

const READ_ONLY: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

async fn setup(issuer: &Issuer) -> Sts {
    let sts = Sts::start(Some(issuer.ca_pem())).await;
    sts.create_provider(issuer.url(), &[]).await;
    sts.create_role("deploy", None, &main_branch_policy(issuer.host()))
        .await;
    sts
}

async fn assume(sts: &Sts, token: &str, extra: &[(&str, &str)]) -> crate::support::Answer {
    let arn = "arn:aws:iam::123456789012:role/deploy";
    let mut form = vec![
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", arn),
        ("RoleSessionName", "GitLabRunner-42-574"),
        ("WebIdentityToken", token),
    ];
    form.extend_from_slice(extra);
    sts.post(&form).await
}

#[tokio::test]
async fn session_policies_are_answered_with_their_packed_size() {
    let issuer = Issuer::start().await;
    let sts = setup(&issuer).await;
    let token = issuer.main_branch_token().await;
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::artifacts/*"}]
    })
    .to_string();
    let answer = assume(
        &sts,
        &token,
        &[("Policy", &policy), ("PolicyArns.member.1.arn", READ_ONLY)],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    secret_filters().bind(|| insta::assert_snapshot!("assume_with_session_policies", answer.body));
    // The policy's characters (no whitespace in it) and the ARN's, of 2,048, rounded up: 9.
    let packed = ((policy.len() + READ_ONLY.len()) * 100).div_ceil(2048);
    assert_eq!(packed, 9);
    assert_eq!(
        element(&answer.body, "PackedPolicySize"),
        Some(packed.to_string())
    );

    let plain = assume(&sts, &token, &[]).await;
    assert_eq!(plain.status, 200, "{}", plain.body);
    assert_eq!(element(&plain.body, "PackedPolicySize"), None);
}

#[tokio::test]
async fn a_malformed_session_policy_is_refused_with_iams_message() {
    let issuer = Issuer::start().await;
    let sts = setup(&issuer).await;
    let token = issuer.main_branch_token().await;
    assert_error(
        &assume(&sts, &token, &[("Policy", "{\"Version\": \"2012-10-17\"")]).await,
        400,
        STS,
        "MalformedPolicyDocument",
        "This policy contains invalid Json",
    );
    let with_principal = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]
    })
    .to_string();
    assert_error(
        &assume(&sts, &token, &[("Policy", &with_principal)]).await,
        400,
        STS,
        "MalformedPolicyDocument",
        "Policy document should not specify a principal.",
    );
}

#[tokio::test]
async fn session_policies_over_the_allotted_space_are_too_large() {
    let issuer = Issuer::start().await;
    let sts = setup(&issuer).await;
    let token = issuer.main_branch_token().await;
    let actions: Vec<String> = (0..80).map(|i| format!("s3:GetObjectV{i:02}")).collect();
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]
    })
    .to_string();
    assert!(policy.len() <= 2048, "within the model's 2,048 characters");
    let arns: Vec<String> = (1..=10)
        .map(|i| format!("arn:aws:iam::123456789012:policy/a-rather-long-policy-name-{i:02}"))
        .collect();
    let mut extra: Vec<(String, String)> = vec![("Policy".to_owned(), policy)];
    extra.extend(
        arns.iter()
            .enumerate()
            .map(|(i, arn)| (format!("PolicyArns.member.{}.arn", i + 1), arn.clone())),
    );
    let extra: Vec<(&str, &str)> = extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let answer = assume(&sts, &token, &extra).await;
    let percent = element(&answer.body, "Message")
        .and_then(|m| {
            m.strip_prefix("Packed policy consumes ")?
                .strip_suffix("% of allotted space")?
                .parse::<usize>()
                .ok()
        })
        .unwrap_or_default();
    assert!(percent > 100, "{}", answer.body);
    assert_error(
        &answer,
        400,
        STS,
        "PackedPolicyTooLarge",
        &format!("Packed policy consumes {percent}% of allotted space"),
    );
}
