//! The federation kit as a user's own `cargo test` uses it: only the public `fedlab` API.

use std::net::TcpStream;
use std::path::PathBuf;

use fedlab::{
    AssumeRoleWithWebIdentity, Expectation, Federation, IdToken, OidcProvider, Role, TrustPolicy,
};

/// The provider and role of GitLab's tutorial, with a StringLike condition on `sub`.
async fn tutorial_account(fed: &Federation) -> Result<fedlab::CreatedRole, fedlab::Error> {
    fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))
        .await?;
    let policy = TrustPolicy::for_issuer(fed)
        .string_equals("aud", "sts.amazonaws.com")
        .string_like("sub", "project_path:mygroup/*:ref_type:branch:ref:main");
    fed.create_role(Role::new("gitlab-ci", policy)).await
}

#[tokio::test]
async fn a_job_of_an_allowed_project_assumes_the_role_and_its_credentials_work() {
    // Arrange
    let fed = Federation::start().await.unwrap();
    let role = tutorial_account(&fed).await.unwrap();
    let token = fed
        .mint(IdToken::new("sts.amazonaws.com").project_path("mygroup/myproject"))
        .await
        .unwrap();
    fed.expect(
        Expectation::action("AssumeRoleWithWebIdentity")
            .role_arn(&role.arn)
            .status(200)
            .times(1),
    );
    fed.expect(
        Expectation::action("GetCallerIdentity")
            .status(200)
            .times(1),
    );

    // Act
    let assumed = fed.assume(&role.arn, &token).await.unwrap();
    let caller = fed.caller_identity(&assumed.credentials).await.unwrap();

    // Assert
    assert_eq!(role.arn, "arn:aws:iam::123456789012:role/gitlab-ci");
    assert_eq!(
        assumed.arn,
        "arn:aws:sts::123456789012:assumed-role/gitlab-ci/fedlab"
    );
    assert_eq!(assumed.provider, fed.provider_arn());
    assert_eq!(
        assumed.subject,
        "project_path:mygroup/myproject:ref_type:branch:ref:main"
    );
    assert_eq!(caller.arn, assumed.arn);
    let requests = fed.requests();
    let actions: Vec<_> = requests
        .iter()
        .filter_map(|r| r.action.as_deref())
        .collect();
    assert_eq!(
        actions,
        [
            "CreateOpenIDConnectProvider",
            "CreateRole",
            "AssumeRoleWithWebIdentity",
            "GetCallerIdentity"
        ]
    );
    assert_eq!(
        requests[2].issued_access_key_id.as_deref(),
        Some(assumed.credentials.access_key_id.as_str())
    );
}

#[tokio::test]
async fn a_job_of_another_group_gets_aws_exact_refusal_and_the_reason() {
    let fed = Federation::start().await.unwrap();
    let role = tutorial_account(&fed).await.unwrap();
    // `mygroup*` would also match this; the tutorial's `mygroup/*` does not.
    let token = fed
        .mint(IdToken::new("sts.amazonaws.com").project_path("mygroup-evil/project"))
        .await
        .unwrap();

    let err = fed.assume(&role.arn, &token).await.unwrap_err();

    let refused = err.aws().expect("an AWS error answer");
    assert_eq!(refused.status, 403);
    assert_eq!(refused.code, "AccessDenied");
    assert_eq!(
        refused.message.as_deref(),
        Some("Not authorized to perform sts:AssumeRoleWithWebIdentity")
    );
    let answer = fed.requests().pop().unwrap();
    assert_eq!(answer.request_id, refused.request_id.clone().unwrap());
    let why = answer.detail.unwrap();
    assert!(why.contains("StringLike"), "{why}");
}

#[tokio::test]
async fn iam_refuses_a_malformed_trust_policy_with_its_own_message() {
    let fed = Federation::start().await.unwrap();

    let err = fed
        .create_role(Role::new("gitlab-ci", "{not json"))
        .await
        .unwrap_err();

    let refused = err.aws().unwrap();
    assert_eq!(
        (
            refused.status,
            refused.code.as_str(),
            refused.message.as_deref()
        ),
        (
            400,
            "MalformedPolicyDocument",
            Some("This policy contains invalid Json")
        )
    );
}

#[tokio::test]
async fn every_assume_parameter_reaches_mock_sts() {
    let fed = Federation::start().await.unwrap();
    let role = tutorial_account(&fed).await.unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();

    let err = fed
        .assume_role_with_web_identity(
            AssumeRoleWithWebIdentity::new(&role.arn, &token)
                .session_name("GitLabRunner-42-574")
                .duration_seconds(7200),
        )
        .await
        .unwrap_err();

    assert_eq!(
        err.aws().unwrap().message.as_deref(),
        Some("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    );
    let answer = fed.requests().pop().unwrap();
    assert_eq!(
        answer.role_session_name.as_deref(),
        Some("GitLabRunner-42-574")
    );
}

#[tokio::test]
async fn a_private_ca_issuer_is_trusted_only_through_its_thumbprint() {
    let fed = Federation::builder()
        .trusted_issuer_ca(false)
        .start()
        .await
        .unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    let policy = TrustPolicy::for_issuer(&fed);
    let role = fed
        .create_role(Role::new("gitlab-ci", policy))
        .await
        .unwrap();
    fed.create_provider(
        OidcProvider::new()
            .client_id("sts.amazonaws.com")
            .thumbprint("0".repeat(40)),
    )
    .await
    .unwrap();

    let err = fed.assume(&role.arn, &token).await.unwrap_err();

    assert_eq!(
        err.aws().unwrap().message.as_deref(),
        Some("OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint")
    );
}

#[tokio::test]
async fn the_job_environment_names_the_role_the_token_and_mock_sts() {
    let fed = Federation::start().await.unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();

    let job = fed
        .job("arn:aws:iam::123456789012:role/gitlab-ci", &token)
        .unwrap();

    assert_eq!(
        job.var("AWS_ROLE_ARN"),
        Some("arn:aws:iam::123456789012:role/gitlab-ci")
    );
    assert_eq!(job.var("AWS_ENDPOINT_URL_STS"), Some(fed.sts_endpoint()));
    let token_file = PathBuf::from(job.var("AWS_WEB_IDENTITY_TOKEN_FILE").unwrap());
    assert_eq!(
        std::fs::read_to_string(&token_file).unwrap(),
        token.as_str()
    );
    let config = std::fs::read_to_string(job.config_file()).unwrap();
    assert!(config.contains("cli_follow_urlparam = false"), "{config}");
    let command = job.command("aws");
    let home = command
        .get_envs()
        .find(|(k, _)| *k == "HOME")
        .and_then(|(_, v)| v);
    assert_eq!(home, Some(job.dir().as_os_str()));
}

#[tokio::test]
async fn dropping_the_federation_stops_both_servers_and_removes_its_files() {
    let fed = Federation::start().await.unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    let job = fed.job("arn:aws:iam::123456789012:role/r", &token).unwrap();
    let files = job.dir().parent().unwrap().to_owned();
    let sts = fed.sts_endpoint().trim_start_matches("http://").to_owned();
    let gitlab = fed.issuer().replace("https://localhost", "127.0.0.1");
    assert!(TcpStream::connect(&sts).is_ok() && TcpStream::connect(&gitlab).is_ok());

    drop(fed);

    assert!(TcpStream::connect(&sts).is_err(), "mock-sts still listens");
    assert!(
        TcpStream::connect(&gitlab).is_err(),
        "mock-gitlab still listens"
    );
    assert!(!files.exists(), "{} was left behind", files.display());
}

#[tokio::test]
async fn nothing_listens_beyond_loopback() {
    let fed = Federation::start().await.unwrap();
    let ports = [
        fed.sts_endpoint().rsplit(':').next().unwrap().to_owned(),
        fed.issuer().rsplit(':').next().unwrap().to_owned(),
    ];
    // The address this machine would use to reach the outside world, if it has one; connecting
    // a UDP socket sends nothing.
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    let outside = socket
        .connect("192.0.2.1:9")
        .and_then(|()| socket.local_addr())
        .map(|addr| addr.ip())
        .ok()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());

    assert!(fed.sts_endpoint().starts_with("http://127.0.0.1:"));
    for port in ports {
        assert!(TcpStream::connect(format!("127.0.0.1:{port}")).is_ok());
        if let Some(ip) = outside {
            assert!(
                TcpStream::connect((ip, port.parse::<u16>().unwrap())).is_err(),
                "port {port} answers on {ip}"
            );
        }
    }
}

#[test]
fn a_federation_can_be_shared_between_threads_and_tasks() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Federation>();
    shareable::<fedlab::blocking::Federation>();
}

#[tokio::test]
#[should_panic(expected = "fedlab: 1 expectation not met
  expected exactly 1 AssumeRoleWithWebIdentity for role arn:aws:iam::123456789012:role/gitlab-ci answered 200; mock-sts saw 0
  every request mock-sts answered:
    #1 CreateOpenIDConnectProvider 200
    #2 CreateRole 200
    #3 AssumeRoleWithWebIdentity 403 AccessDenied role arn:aws:iam::123456789012:role/gitlab-ci (why: ")]
async fn an_expectation_that_does_not_hold_fails_the_test_when_the_federation_is_dropped() {
    let fed = Federation::start().await.unwrap();
    let role = tutorial_account(&fed).await.unwrap();
    let token = fed
        .mint(IdToken::new("sts.amazonaws.com").branch("feature"))
        .await
        .unwrap();
    fed.expect(
        Expectation::action("AssumeRoleWithWebIdentity")
            .role_arn(&role.arn)
            .status(200)
            .times(1),
    );

    let _ = fed.assume(&role.arn, &token).await;
}

#[tokio::test]
async fn a_test_that_already_failed_gets_no_second_panic_from_its_expectations() {
    let outcome = tokio::spawn(async {
        let fed = Federation::start().await.unwrap();
        fed.expect(Expectation::action("GetCallerIdentity").times(1));
        panic!("the test's own failure");
    })
    .await;
    let panic = outcome.unwrap_err().into_panic();
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"the test's own failure")
    );
}

#[test]
fn the_blocking_federation_serves_tests_that_are_not_async() {
    let fed = fedlab::blocking::Federation::start().unwrap();
    fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))
        .unwrap();
    let role = fed
        .create_role(Role::new("gitlab-ci", TrustPolicy::for_issuer(&fed)))
        .unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).unwrap();

    let assumed = fed.assume(&role.arn, &token).unwrap();

    assert_eq!(
        fed.caller_identity(&assumed.credentials).unwrap().arn,
        assumed.arn
    );
}
