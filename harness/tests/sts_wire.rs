//! mock-sts's answers on the wire, byte for byte, with both mocks running in-process over real
//! HTTP(S). Error bodies are compared to literal AWS bytes; success bodies are insta snapshots
//! with a fixed clock and fixed signing key, secrets and request IDs filtered.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use fedlab::aws_query::{QueryClient, element};
use fedlab::environment::{Lab, LabOptions, Stage, StageOptions, admin_keys};
use fedlab::scenario::{AwsSetup, ProviderSetup, RoleSetup};
use serde_json::json;

/// 2023-11-14T22:13:20Z
const NOW: i64 = 1_700_000_000;
const SIGNING_KEY: &str = include_str!("../../mock-gitlab/tests/fixtures/ci-signing-key.pem");

async fn lab() -> Lab {
    Lab::start_with(LabOptions {
        fixed_time: Some(NOW),
        signing_key_pem: Some(SIGNING_KEY.to_owned()),
    })
    .await
    .expect("lab starts")
}

fn var(stage: &Stage, name: &str) -> String {
    stage.variables.0[name].clone()
}

fn allow_all_trust_policy(stage: &Stage) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{}", var(stage, "issuer_host"))},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("{}:sub", var(stage, "issuer_host")): "project_path:mygroup/myproject:ref_type:branch:ref:main"}}
        }]
    })
    .to_string()
}

/// A provider for mock-gitlab (client ID sts.amazonaws.com) and role `gitlab-ci`.
async fn standard_stage(lab: &Lab, trust_issuer_ca: bool, thumbprints: Vec<String>) -> Stage {
    let stage = lab
        .stage(StageOptions { trust_issuer_ca })
        .await
        .expect("stage");
    let setup = AwsSetup {
        trusted_issuer_ca: trust_issuer_ca,
        providers: vec![ProviderSetup {
            url: var(&stage, "issuer"),
            client_ids: vec!["sts.amazonaws.com".into()],
            thumbprints,
        }],
        roles: vec![RoleSetup {
            name: "gitlab-ci".into(),
            path: None,
            trust_policy: allow_all_trust_policy(&stage),
            max_session_duration: None,
        }],
    };
    stage.apply(&setup).await.expect("IAM setup");
    stage
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post(stage: &Stage, form: &[(&str, &str)]) -> Answer {
    let response = http()
        .post(format!("{}/", stage.sts.endpoint()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

async fn assume(stage: &Stage, role: &str, token: &str) -> Answer {
    let role_arn = format!("arn:aws:iam::123456789012:role/{role}");
    post(
        stage,
        &[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", &role_arn),
            ("RoleSessionName", "GitLabRunner-42-574"),
            ("WebIdentityToken", token),
        ],
    )
    .await
}

/// The exact `<ErrorResponse>` AWS sends, with the request ID taken from the answer.
fn error_body(namespace: &str, code: &str, message: Option<&str>, answer: &Answer) -> String {
    let request_id = element(&answer.body, "RequestId").expect("RequestId");
    let message = message
        .map(|m| format!("    <Message>{m}</Message>\n"))
        .unwrap_or_default();
    format!(
        "<ErrorResponse xmlns=\"{namespace}\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>{code}</Code>\n{message}  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n"
    )
}

const STS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

fn assert_sts_error(answer: &Answer, status: u16, code: &str, message: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body, error_body(STS, code, Some(message), answer));
    assert_eq!(answer.headers["content-type"], "text/xml");
    assert_eq!(
        answer.headers["x-amzn-requestid"].to_str().unwrap(),
        element(&answer.body, "RequestId").unwrap()
    );
}

fn secret_filters() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"ASIA[A-Z2-7]{16}", "[ACCESS-KEY-ID]");
    settings.add_filter(r"AROA[A-Z2-7]{17}", "[ROLE-ID]");
    settings.add_filter(
        r"<SecretAccessKey>[^<]{40}</SecretAccessKey>",
        "<SecretAccessKey>[SECRET]</SecretAccessKey>",
    );
    settings.add_filter(
        r"<SessionToken>IQoJb3JpZ2luX2Vj[A-Za-z0-9+/=]{100,}</SessionToken>",
        "<SessionToken>[SESSION-TOKEN]</SessionToken>",
    );
    settings.add_filter(
        r"<RequestId>[0-9a-f-]{36}</RequestId>",
        "<RequestId>[REQUEST-ID]</RequestId>",
    );
    settings.add_filter(r"localhost:\d+", "localhost:[PORT]");
    settings
}

/// The standard stage, and the answer to a main-branch job of mygroup/myproject assuming `gitlab-ci`.
async fn assume_as_the_tutorial_job(lab: &Lab) -> (Stage, Answer) {
    let stage = standard_stage(lab, true, vec![]).await;
    let token = lab
        .mint(&json!({"aud": "sts.amazonaws.com", "project_path": "mygroup/myproject"}))
        .await
        .unwrap();
    let answer = assume(&stage, "gitlab-ci", &token).await;
    (stage, answer)
}

#[tokio::test]
async fn success_answer_has_aws_element_order_and_formats() {
    let lab = lab().await;
    let (_stage, answer) = assume_as_the_tutorial_job(&lab).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.headers["content-type"], "text/xml");
    assert_eq!(answer.headers["date"], "Tue, 14 Nov 2023 22:13:20 GMT");
    assert!(answer.headers.contains_key("x-amz-sts-extended-request-id"));
    secret_filters()
        .bind(|| insta::assert_snapshot!("assume_role_with_web_identity_success", answer.body));
}

#[tokio::test]
async fn issued_credentials_sign_get_caller_identity_and_nothing_else_does() {
    let lab = lab().await;
    let (stage, answer) = assume_as_the_tutorial_job(&lab).await;
    let keys = fedlab::aws_query::Keys {
        access_key_id: element(&answer.body, "AccessKeyId").unwrap(),
        secret_access_key: element(&answer.body, "SecretAccessKey").unwrap(),
        session_token: element(&answer.body, "SessionToken"),
    };
    let identity = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];
    let caller = stage
        .query
        .call("sts", &identity, Some(&keys))
        .await
        .expect("GetCallerIdentity with the issued credentials");
    secret_filters().bind(|| insta::assert_snapshot!("get_caller_identity_assumed_role", caller));

    let wrong_secret = fedlab::aws_query::Keys {
        secret_access_key: "x".repeat(40),
        ..keys.clone()
    };
    let no_token = fedlab::aws_query::Keys {
        session_token: None,
        ..keys.clone()
    };
    let cases = [
        (
            Some(&wrong_secret),
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ),
        (
            Some(&no_token),
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
        (
            None,
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        ),
    ];
    for (keys, status, code, message) in cases {
        match stage.query.call("sts", &identity, keys).await {
            Err(fedlab::aws_query::QueryError::Aws(failure)) => {
                assert_eq!((failure.status, failure.code.as_str()), (status, code));
                assert_eq!(failure.message.as_deref(), Some(message));
            }
            other => panic!("expected {code}, got {other:?}"),
        }
    }

    // Signed with the real date, years after the server's pinned 2023 clock.
    let unpinned = QueryClient::new(http(), stage.sts.endpoint(), "us-east-1");
    match unpinned.call("sts", &identity, Some(&keys)).await {
        Err(fedlab::aws_query::QueryError::Aws(failure)) => {
            assert_eq!(failure.code, "SignatureDoesNotMatch");
            assert!(
                failure
                    .message
                    .unwrap_or_default()
                    .starts_with("Signature not yet current: "),
            );
        }
        other => panic!("expected a clock-skew refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn token_errors_are_aws_bytes() {
    let lab = lab().await;
    let stage = standard_stage(&lab, true, vec![]).await;
    let issuer = var(&stage, "issuer");

    let cases = [
        (
            json!({"kind": "ci_job_jwt", "project_path": "mygroup/myproject"}),
            400,
            "InvalidIdentityToken",
            "Missing a required claim: aud".to_owned(),
        ),
        (
            json!({"aud": issuer, "project_path": "mygroup/myproject"}),
            400,
            "InvalidIdentityToken",
            "Incorrect token audience".to_owned(),
        ),
        (
            json!({"aud": "sts.amazonaws.com", "claims": {"iss": format!("{issuer}/")}}),
            400,
            "InvalidIdentityToken",
            format!("No OpenIDConnect provider found in your account for {issuer}/"),
        ),
        (
            json!({"aud": "sts.amazonaws.com", "project_path": "mygroup/myproject", "ref": "dev"}),
            403,
            "AccessDenied",
            "Not authorized to perform sts:AssumeRoleWithWebIdentity".to_owned(),
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
        let token = lab.mint(&mint).await.unwrap();
        assert_sts_error(
            &assume(&stage, "gitlab-ci", &token).await,
            status,
            code,
            &message,
        );
    }

    // AWS checks the role before it even parses the token.
    assert_sts_error(
        &assume(&stage, "no-such-role", "token").await,
        403,
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    );
    assert_sts_error(
        &assume(&stage, "gitlab-ci", "token").await,
        400,
        "InvalidIdentityToken",
        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
    );

    let valid = lab
        .mint(&json!({"aud": "sts.amazonaws.com", "project_path": "mygroup/myproject"}))
        .await
        .unwrap();
    let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
    // Flip a character in the middle: the last one's low bits are base64url padding.
    let middle = parts[2].len() / 2;
    let flipped = if &parts[2][middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    parts[2].replace_range(middle..=middle, flipped);
    let answer = assume(&stage, "gitlab-ci", &parts.join(".")).await;
    assert_eq!(
        (answer.status, element(&answer.body, "Code").as_deref()),
        (400, Some("InvalidIdentityToken"))
    );
}

#[tokio::test]
async fn unreachable_issuer_answer_is_the_390_byte_body() {
    let lab = lab().await;
    let stage = lab.stage(StageOptions::default()).await.unwrap();
    let unreachable = var(&stage, "unreachable_issuer");
    let setup = AwsSetup {
        trusted_issuer_ca: true,
        providers: vec![ProviderSetup {
            url: unreachable.clone(),
            client_ids: vec!["sts.amazonaws.com".into()],
            thumbprints: vec![],
        }],
        roles: vec![RoleSetup {
            name: "gitlab-ci".into(),
            path: None,
            trust_policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/unreachable.fedlab.test"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#.into(),
            max_session_duration: None,
        }],
    };
    stage.apply(&setup).await.unwrap();
    let token = lab
        .mint(&json!({"aud": "sts.amazonaws.com", "claims": {"iss": unreachable}}))
        .await
        .unwrap();
    let answer = assume(&stage, "gitlab-ci", &token).await;
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
    let lab = lab().await;
    let token = lab
        .mint(&json!({"aud": "sts.amazonaws.com", "project_path": "mygroup/myproject"}))
        .await
        .unwrap();

    let pinned = standard_stage(&lab, false, vec![lab.gitlab.thumbprint().to_owned()]).await;
    assert_eq!(assume(&pinned, "gitlab-ci", &token).await.status, 200);

    let stale = standard_stage(&lab, false, vec!["0".repeat(40)]).await;
    assert_sts_error(
        &assume(&stale, "gitlab-ci", &token).await,
        400,
        "InvalidIdentityToken",
        "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
    );

    // A trusted CA makes the thumbprint irrelevant, as AWS does since 2023.
    let trusted = standard_stage(&lab, true, vec!["0".repeat(40)]).await;
    assert_eq!(assume(&trusted, "gitlab-ci", &token).await.status, 200);
}

#[tokio::test]
async fn parameter_and_protocol_errors_are_aws_bytes() {
    let lab = lab().await;
    let stage = standard_stage(&lab, true, vec![]).await;

    let answer = post(
        &stage,
        &[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", "arn:aws:iam::123456789012:role/gitlab-ci"),
            ("RoleSessionName", "tfaction-plan-github/foo"),
            ("WebIdentityToken", "token"),
        ],
    )
    .await;
    assert_sts_error(
        &answer,
        400,
        "ValidationError",
        r"1 validation error detected: Value 'tfaction-plan-github/foo' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*",
    );

    let answer = post(
        &stage,
        &[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", "arn:aws:iam::123456789012:role/gitlab-ci"),
            ("RoleSessionName", "s"),
            ("WebIdentityToken", "abc"),
            ("DurationSeconds", "600"),
        ],
    )
    .await;
    assert_sts_error(
        &answer,
        400,
        "ValidationError",
        "3 validation errors detected: Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4; Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );

    let answer = post(
        &stage,
        &[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("DurationSeconds", "abc"),
        ],
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body,
        error_body(STS, "MalformedInput", None, &answer)
    );

    let answer = post(
        &stage,
        &[("Action", "NoSuchAction"), ("Version", "2011-06-15")],
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body,
        error_body(
            "http://webservices.amazon.com/AWSFault/2005-15-09",
            "InvalidAction",
            Some("Could not find operation NoSuchAction for version 2011-06-15"),
            &answer
        )
    );

    let answer = post(&stage, &[("Version", "2011-06-15")]).await;
    assert_eq!(answer.status, 302);
    assert_eq!(answer.headers["location"], "https://aws.amazon.com/iam");
    assert_eq!(answer.body, "");
}

#[tokio::test]
async fn iam_create_role_answers_like_iam_and_refuses_bad_policies() {
    let lab = Lab::start().await.unwrap();
    let stage = lab.stage(StageOptions::default()).await.unwrap();
    let keys = admin_keys();
    let iam = |params: Vec<(&'static str, String)>| {
        let query: QueryClient = stage.query.clone();
        let keys = keys.clone();
        async move {
            let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            query.call("iam", &params, Some(&keys)).await
        }
    };
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
    let create = |name: &'static str, document: &str| {
        vec![
            ("Action", "CreateRole".to_owned()),
            ("Version", "2010-05-08".to_owned()),
            ("RoleName", name.to_owned()),
            ("Path", "/ci/".to_owned()),
            ("AssumeRolePolicyDocument", document.to_owned()),
        ]
    };
    let created = iam(create("gitlab-ci", policy)).await.expect("CreateRole");
    let mut settings = secret_filters();
    settings.add_filter(
        r"<CreateDate>[^<]+</CreateDate>",
        "<CreateDate>[DATE]</CreateDate>",
    );
    settings.bind(|| insta::assert_snapshot!("iam_create_role", created));

    let failure = |result: Result<String, fedlab::aws_query::QueryError>| match result {
        Err(fedlab::aws_query::QueryError::Aws(f)) => {
            (f.status, f.code, f.message.unwrap_or_default())
        }
        other => panic!("expected an AWS error, got {other:?}"),
    };
    assert_eq!(
        failure(iam(create("GITLAB-CI", policy)).await),
        (
            409,
            "EntityAlreadyExists".into(),
            "Role with name GITLAB-CI already exists.".into()
        )
    );
    assert_eq!(
        failure(iam(create("other", "{not json")).await),
        (
            400,
            "MalformedPolicyDocument".into(),
            "This policy contains invalid Json".into()
        )
    );
    let with_resource = policy.replace(r#""Action""#, r#""Resource":"*","Action""#);
    assert_eq!(
        failure(iam(create("other", &with_resource)).await),
        (
            400,
            "MalformedPolicyDocument".into(),
            "Has prohibited field Resource".into()
        )
    );
    let provider = |url: &str| {
        vec![
            ("Action", "CreateOpenIDConnectProvider".to_owned()),
            ("Version", "2010-05-08".to_owned()),
            ("Url", url.to_owned()),
            ("ClientIDList.member.1", "sts.amazonaws.com".to_owned()),
        ]
    };
    let arn = iam(provider("https://gitlab.fedlab.test")).await.unwrap();
    assert_eq!(
        element(&arn, "OpenIDConnectProviderArn").as_deref(),
        Some("arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test")
    );
    assert_eq!(
        failure(iam(provider("https://gitlab.fedlab.test")).await),
        (
            409,
            "EntityAlreadyExists".into(),
            "Provider with url https://gitlab.fedlab.test already exists.".into()
        )
    );
}
