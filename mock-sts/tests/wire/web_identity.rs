//! AssumeRoleWithWebIdentity with real tokens: the success bytes, every token error AWS words,
//! key retrieval over HTTPS, and the role ARN and token whitespace rules.

use mock_sts::unknowns;
use serde_json::json;

use crate::support::{
    ACCESS_DENIED, ACCOUNT, Issuer, NOW, Sts, assert_sts_error, element, main_branch_policy,
    secret_filters,
};

#[tokio::test]
async fn success_answer_has_aws_element_order_and_formats() {
    let issuer = Issuer::start().await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let answer = sts
        .assume("gitlab-ci", &issuer.main_branch_token().await)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.headers["content-type"], "text/xml");
    assert_eq!(answer.headers["date"], "Tue, 14 Nov 2023 22:13:20 GMT");
    assert!(answer.headers.contains_key("x-amz-sts-extended-request-id"));
    secret_filters()
        .bind(|| insta::assert_snapshot!("assume_role_with_web_identity_success", answer.body));
}

#[tokio::test]
async fn token_errors_are_aws_bytes() {
    // 16.11: the last release that still hands out the legacy CI_JOB_JWT.
    let issuer = Issuer::start_version("16.11").await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let url = issuer.url();
    let cases = [
        (
            json!({"kind": "ci_job_jwt", "project_path": "mygroup/myproject"}),
            400,
            "InvalidIdentityToken",
            "Missing a required claim: aud".to_owned(),
        ),
        (
            json!({"aud": url, "project_path": "mygroup/myproject"}),
            400,
            "InvalidIdentityToken",
            "Incorrect token audience".to_owned(),
        ),
        (
            json!({"aud": "sts.amazonaws.com", "claims": {"iss": format!("{url}/")}}),
            400,
            "InvalidIdentityToken",
            format!("No OpenIDConnect provider found in your account for {url}/"),
        ),
        (
            json!({"aud": "sts.amazonaws.com", "project_path": "mygroup/myproject", "ref": "dev"}),
            403,
            "AccessDenied",
            ACCESS_DENIED.to_owned(),
        ),
        (
            json!({"aud": "sts.amazonaws.com", "project_path": "mygroup/myproject", "claims": {"exp": NOW - 301}}),
            400,
            "ExpiredTokenException",
            format!(
                "Token expired: current date/time {NOW} must be before the expiration date/time {}",
                NOW - 301
            ),
        ),
    ];
    for (mint, status, code, message) in cases {
        let token = issuer.mint(mint).await;
        assert_sts_error(
            &sts.assume("gitlab-ci", &token).await,
            status,
            code,
            &message,
        );
    }

    // AWS checks the role before it even parses the token.
    assert_sts_error(
        &sts.assume("no-such-role", "token").await,
        403,
        "AccessDenied",
        ACCESS_DENIED,
    );
    assert_sts_error(
        &sts.assume("gitlab-ci", "token").await,
        400,
        "InvalidIdentityToken",
        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
    );

    let valid = issuer.main_branch_token().await;
    let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
    // Flip a character in the middle: the last one's low bits are base64url padding.
    let middle = parts[2].len() / 2;
    let flipped = if &parts[2][middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    parts[2].replace_range(middle..=middle, flipped);
    assert_sts_error(
        &sts.assume("gitlab-ci", &parts.join(".")).await,
        400,
        "InvalidIdentityToken",
        "Signature verification failed",
    );
}

#[tokio::test]
async fn a_token_with_two_faults_answers_with_the_first_failing_check_of_the_order() {
    let issuer = Issuer::start().await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let token = issuer
        .mint(json!({"aud": issuer.url(), "claims": {"exp": NOW - 3600}}))
        .await;
    let answer = sts.assume("gitlab-ci", &token).await;
    let audience = unknowns::WEB_IDENTITY_CHECK_ORDER
        .iter()
        .position(|c| *c == unknowns::Check::Audience);
    let expiry = unknowns::WEB_IDENTITY_CHECK_ORDER
        .iter()
        .position(|c| *c == unknowns::Check::Expiry);
    if audience < expiry {
        assert_sts_error(
            &answer,
            400,
            "InvalidIdentityToken",
            "Incorrect token audience",
        );
    } else {
        assert_eq!(
            element(&answer.body, "Code").as_deref(),
            Some("ExpiredTokenException")
        );
    }
}

#[tokio::test]
async fn unreachable_issuer_answer_is_the_390_byte_body() {
    let issuer = Issuer::start().await;
    let sts = Sts::start(Some(issuer.ca_pem())).await;
    // A loopback port nobody listens on: connection refused, like an issuer STS cannot reach.
    let unreachable = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("https://{}", listener.local_addr().unwrap())
    };
    // With a thumbprint given, IAM registers the provider without connecting to it.
    sts.create_provider(&unreachable, &[&"0".repeat(40)]).await;
    sts.create_role(
        "gitlab-ci",
        None,
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::{ACCOUNT}:oidc-provider/{}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}]}}"#,
            unreachable.trim_start_matches("https://")
        ),
    )
    .await;
    let token = issuer
        .mint(json!({"aud": "sts.amazonaws.com", "claims": {"iss": unreachable}}))
        .await;
    let answer = sts.assume("gitlab-ci", &token).await;
    assert_sts_error(
        &answer,
        400,
        "InvalidIdentityToken",
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    );
    // awslabs/aws-sdk-rust#827: the raw body is 390 bytes.
    assert_eq!(answer.body.len(), 390);
}

#[tokio::test]
async fn thumbprints_vouch_for_an_untrusted_issuer_certificate() {
    let issuer = Issuer::start().await;
    let token = issuer.main_branch_token().await;

    let pinned = Sts::standard(&issuer, false, &[issuer.thumbprint()]).await;
    assert_eq!(pinned.assume("gitlab-ci", &token).await.status, 200);

    let stale_thumbprint = "0".repeat(40);
    let stale = Sts::standard(&issuer, false, &[&stale_thumbprint]).await;
    assert_sts_error(
        &stale.assume("gitlab-ci", &token).await,
        400,
        "InvalidIdentityToken",
        "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
    );

    // A trusted CA makes the thumbprint irrelevant, as AWS does since 2023.
    let trusted = Sts::standard(&issuer, true, &[&stale_thumbprint]).await;
    assert_eq!(trusted.assume("gitlab-ci", &token).await.status, 200);
}

#[tokio::test]
async fn a_role_arn_with_another_path_or_letter_case_is_refused_like_a_missing_role() {
    let issuer = Issuer::start().await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let token = issuer.main_branch_token().await;
    let missing = sts.assume("no-such-role", &token).await;
    assert_sts_error(&missing, 403, "AccessDenied", ACCESS_DENIED);

    let cases = [
        (
            format!("arn:aws:iam::{ACCOUNT}:role/wrong/path/GITLAB-CI"),
            vec![
                "the path /wrong/path/ is not the role's path /",
                "letter case",
            ],
        ),
        (
            format!("arn:aws:iam::{ACCOUNT}:role/GitLab-CI"),
            vec!["the name GitLab-CI differs from the role's name gitlab-ci in letter case"],
        ),
    ];
    for (arn, details) in cases {
        let answer = sts.assume_arn(&arn, &token).await;
        assert_sts_error(&answer, 403, "AccessDenied", ACCESS_DENIED);
        let detail = sts.last_detail();
        for says in details {
            assert!(detail.contains(says), "{arn}: {detail}");
        }
    }

    let with_path = format!("arn:aws:iam::{ACCOUNT}:role/wrong/path/gitlab-ci");
    let answer = sts.assume_arn(&with_path, &token).await;
    if unknowns::ROLE_ARN_PATH_MUST_MATCH {
        assert_sts_error(&answer, 403, "AccessDenied", ACCESS_DENIED);
    } else {
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    let exact = sts.assume("gitlab-ci", &token).await;
    assert_eq!(exact.status, 200, "{}", exact.body);
}

#[tokio::test]
async fn a_token_with_a_trailing_newline_is_accepted_and_one_with_whitespace_inside_is_not() {
    let issuer = Issuer::start().await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let token = issuer.main_branch_token().await;

    // What `echo "$TOKEN" > file` writes and botocore sends verbatim.
    let echoed = sts.assume("gitlab-ci", &format!("{token}\n")).await;
    if unknowns::TRIM_TOKEN_WHITESPACE {
        assert_eq!(echoed.status, 200, "{}", echoed.body);
    } else {
        assert_eq!(echoed.status, 400, "{}", echoed.body);
    }
    let padded = sts.assume("gitlab-ci", &format!(" \t{token}\r\n")).await;
    assert_eq!(padded.status, echoed.status, "{}", padded.body);

    let (header, rest) = token.split_once('.').unwrap();
    assert_sts_error(
        &sts.assume("gitlab-ci", &format!("{header}.\n{rest}")).await,
        400,
        "InvalidIdentityToken",
        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
    );
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let (left, right) = signature.split_at(signature.len() / 2);
    assert_sts_error(
        &sts.assume("gitlab-ci", &format!("{signed}.{left} {right}"))
            .await,
        400,
        "InvalidIdentityToken",
        "Signature verification failed",
    );
}

#[tokio::test]
async fn a_second_issuer_is_trusted_through_its_thumbprint_when_only_the_first_ca_is() {
    // mock-sts trusts the first instance's CA as one of "AWS's trusted roots"; the second one's
    // chain does not verify to it, so only the provider's thumbprint can vouch for it.
    let trusted = Issuer::start().await;
    let other = Issuer::start().await;
    let sts = Sts::start(Some(trusted.ca_pem())).await;
    sts.create_provider(other.url(), &[other.thumbprint()])
        .await;
    sts.create_role("gitlab-ci", None, &main_branch_policy(other.host()))
        .await;

    let answer = sts
        .assume("gitlab-ci", &other.main_branch_token().await)
        .await;

    assert_eq!(answer.status, 200, "{}", answer.body);
}
