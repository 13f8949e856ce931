//! IAM's answers: the role XML (policy percent-encoded), and the refusals a user meets first.

use mock_sts::unknowns;

use crate::support::{Answer, IAM, Issuer, Sts, assert_error, element, secret_filters};

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;

async fn create_role(sts: &Sts, name: &str, document: &str) -> Answer {
    sts.iam(&[
        ("Action", "CreateRole"),
        ("Version", "2010-05-08"),
        ("RoleName", name),
        ("Path", "/ci/"),
        ("AssumeRolePolicyDocument", document),
    ])
    .await
}

/// A thumbprint of no certificate: with one given, IAM does not connect to the provider.
const ANY_THUMBPRINT: &str = "0000000000000000000000000000000000000000";

async fn create_provider(sts: &Sts, url: &str) -> Answer {
    sts.iam(&[
        ("Action", "CreateOpenIDConnectProvider"),
        ("Version", "2010-05-08"),
        ("Url", url),
        ("ClientIDList.member.1", "sts.amazonaws.com"),
        ("ThumbprintList.member.1", ANY_THUMBPRINT),
    ])
    .await
}

#[tokio::test]
async fn a_provider_registered_without_thumbprints_gets_the_one_iam_computes() {
    let issuer = Issuer::start().await;
    let sts = Sts::start(Some(issuer.ca_pem())).await;

    sts.create_provider(issuer.url(), &[]).await;

    let provider_arn = format!("arn:aws:iam::123456789012:oidc-provider/{}", issuer.host());
    let provider = sts
        .iam(&[
            ("Action", "GetOpenIDConnectProvider"),
            ("Version", "2010-05-08"),
            ("OpenIDConnectProviderArn", provider_arn.as_str()),
        ])
        .await;
    assert_eq!(
        element(&provider.body, "member").as_deref(),
        Some("sts.amazonaws.com")
    );
    assert!(
        provider
            .body
            .contains(&format!("<member>{}</member>", issuer.thumbprint())),
        "{}",
        provider.body
    );
}

#[tokio::test]
async fn a_provider_iam_cannot_reach_without_thumbprints_is_refused() {
    let sts = Sts::start(None).await;
    let unreachable = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("https://{}", listener.local_addr().unwrap())
    };

    let answer = sts
        .iam(&[
            ("Action", "CreateOpenIDConnectProvider"),
            ("Version", "2010-05-08"),
            ("Url", unreachable.as_str()),
            ("ClientIDList.member.1", "sts.amazonaws.com"),
        ])
        .await;

    assert_error(
        &answer,
        400,
        IAM,
        "OpenIdIdpCommunicationError",
        "The request failed because IAM cannot connect to the OpenID Connect identity provider URL.",
    );
    assert!(
        sts.last_detail().contains("Connection refused"),
        "{}",
        sts.last_detail()
    );
}

#[tokio::test]
async fn iam_create_role_answers_like_iam_and_refuses_bad_policies() {
    let sts = Sts::start(None).await;
    let created = create_role(&sts, "gitlab-ci", POLICY).await;
    assert_eq!(created.status, 200, "{}", created.body);
    secret_filters().bind(|| insta::assert_snapshot!("iam_create_role", created.body));

    assert_error(
        &create_role(&sts, "GITLAB-CI", POLICY).await,
        409,
        IAM,
        "EntityAlreadyExists",
        "Role with name GITLAB-CI already exists.",
    );
    assert_error(
        &create_role(&sts, "other", "{not json").await,
        400,
        IAM,
        "MalformedPolicyDocument",
        "This policy contains invalid Json",
    );
    let with_resource = POLICY.replace(r#""Action""#, r#""Resource":"*","Action""#);
    assert_error(
        &create_role(&sts, "other", &with_resource).await,
        400,
        IAM,
        "MalformedPolicyDocument",
        "Has prohibited field Resource",
    );

    let arn = create_provider(&sts, "https://gitlab.fedlab.test").await;
    assert_eq!(
        element(&arn.body, "OpenIDConnectProviderArn").as_deref(),
        Some("arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test")
    );
    assert_error(
        &create_provider(&sts, "https://gitlab.fedlab.test").await,
        409,
        IAM,
        "EntityAlreadyExists",
        "Provider with url https://gitlab.fedlab.test already exists.",
    );
}

#[tokio::test]
async fn a_provider_url_with_a_port_follows_the_port_choice_in_unknowns() {
    let sts = Sts::start(None).await;
    let answer = create_provider(&sts, "https://localhost:8443").await;
    if unknowns::ALLOW_PROVIDER_URL_PORT {
        assert_eq!(
            element(&answer.body, "OpenIDConnectProviderArn").as_deref(),
            Some("arn:aws:iam::123456789012:oidc-provider/localhost:8443")
        );
    } else {
        assert_error(
            &answer,
            400,
            IAM,
            "InvalidInput",
            "The URL must not contain a port number",
        );
    }
}
