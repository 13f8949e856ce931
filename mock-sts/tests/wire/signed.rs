//! SigV4-signed calls: the credentials AssumeRoleWithWebIdentity issues sign GetCallerIdentity,
//! and every way a signature can be wrong answers AWS's bytes.

use std::time::SystemTime;

use crate::support::{
    ACCOUNT, IAM, Issuer, Keys, Sts, admin_keys, assert_error, assert_sts_error, element,
    issued_keys, secret_filters, signing_now,
};

const IDENTITY: [(&str, &str); 2] = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];

#[tokio::test]
async fn issued_credentials_sign_get_caller_identity_and_nothing_else_does() {
    let issuer = Issuer::start().await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let assumed = sts
        .assume("gitlab-ci", &issuer.main_branch_token().await)
        .await;
    let keys = issued_keys(&assumed);
    let caller = sts.signed("sts", &IDENTITY, &keys, signing_now()).await;
    assert_eq!(caller.status, 200, "{}", caller.body);
    secret_filters()
        .bind(|| insta::assert_snapshot!("get_caller_identity_assumed_role", caller.body));

    let wrong_secret = Keys {
        secret_access_key: "x".repeat(40),
        ..keys.clone()
    };
    assert_sts_error(
        &sts.signed("sts", &IDENTITY, &wrong_secret, signing_now())
            .await,
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
    let no_token = Keys {
        session_token: None,
        ..keys.clone()
    };
    assert_sts_error(
        &sts.signed("sts", &IDENTITY, &no_token, signing_now()).await,
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    );
    assert_sts_error(
        &sts.post(&IDENTITY).await,
        403,
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
    );

    // Signed with the real date, years after the server's pinned 2023 clock.
    let unpinned = sts.signed("sts", &IDENTITY, &keys, SystemTime::now()).await;
    assert_eq!(unpinned.status, 403);
    assert_eq!(
        element(&unpinned.body, "Code").as_deref(),
        Some("SignatureDoesNotMatch")
    );
    assert!(
        element(&unpinned.body, "Message")
            .unwrap_or_default()
            .starts_with("Signature not yet current: "),
        "{}",
        unpinned.body
    );
}

#[tokio::test]
async fn the_admin_keys_call_as_the_account_root() {
    let sts = Sts::start(None).await;
    let caller = sts
        .signed("sts", &IDENTITY, &admin_keys(), signing_now())
        .await;
    assert_eq!(caller.status, 200, "{}", caller.body);
    assert_eq!(
        element(&caller.body, "Arn"),
        Some(format!("arn:aws:iam::{ACCOUNT}:root"))
    );
    assert_eq!(element(&caller.body, "UserId").as_deref(), Some(ACCOUNT));
    let entry = sts.running.requests().pop().unwrap();
    assert_eq!(
        entry.access_key_id.as_deref(),
        Some(mock_sts::DEFAULT_ADMIN_ACCESS_KEY_ID)
    );
}

#[tokio::test]
async fn a_signature_scoped_to_another_service_is_refused() {
    let sts = Sts::start(None).await;
    assert_sts_error(
        &sts.signed("iam", &IDENTITY, &admin_keys(), signing_now())
            .await,
        403,
        "SignatureDoesNotMatch",
        "Credential should be scoped to correct service: 'sts'. ",
    );
}

#[tokio::test]
async fn session_credentials_may_not_call_iam() {
    let issuer = Issuer::start().await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let assumed = sts
        .assume("gitlab-ci", &issuer.main_branch_token().await)
        .await;
    let answer = sts
        .signed(
            "iam",
            &[
                ("Action", "GetRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "gitlab-ci"),
            ],
            &issued_keys(&assumed),
            signing_now(),
        )
        .await;
    assert_error(
        &answer,
        403,
        IAM,
        "AccessDenied",
        &format!(
            "User: arn:aws:sts::{ACCOUNT}:assumed-role/gitlab-ci/GitLabRunner-42-574 is not authorized to perform: iam:GetRole because no identity-based policy allows the iam:GetRole action"
        ),
    );
}
