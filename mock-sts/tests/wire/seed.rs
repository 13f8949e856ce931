//! Seeding a mock-sts from a seed file and dumping it with `GET /-/mock/state`: entries go
//! through IAM's own validation, and a dump (customer managed and attached policies included)
//! seeds an identical account.

use std::sync::Arc;

use mock_sts::{Config, Error, FixedClock, Seed};

use crate::support::{NOW, Sts};

const SEED: &str = r#"
providers:
  - url: https://gitlab.fedlab.test
    client_ids: [sts.amazonaws.com, gitlab]
    thumbprints: ["ABCDEF0123456789ABCDEF0123456789ABCDEF01"]
    tags: [{key: team, value: platform}]
managed_policies:
  - name: read-artifacts
    path: /ci/
    description: CI jobs read build artifacts
    document: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::artifacts/*"}]}'
roles:
  - name: gitlab-ci
    trust_policy: |
      {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test"},
        "Action": "sts:AssumeRoleWithWebIdentity"}]}
  - name: Deploy
    path: /ci/
    max_session_duration: 7200
    description: Deploys main
    tags: [{key: env, value: prod}]
    trust_policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Federated: "arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test"}
          Action: sts:AssumeRoleWithWebIdentity
    policies:
      - name: artifacts
        document: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    attached_policies:
      - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
      - arn:aws:iam::123456789012:policy/ci/read-artifacts
"#;

fn config(seed: Seed) -> Config {
    let mut config = Config::new("127.0.0.1:0".parse().unwrap());
    config.clock = Arc::new(FixedClock(NOW));
    config.seed = Some(seed);
    config
}

async fn state_over_http(endpoint: &str) -> String {
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{endpoint}/-/mock/state"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_dump_seeds_a_mock_sts_that_dumps_the_same_text() {
    let first = mock_sts::spawn(config(Seed::from_yaml(SEED).unwrap()))
        .await
        .unwrap();
    let dumped = state_over_http(first.endpoint()).await;
    insta::assert_snapshot!("seed_state_dump", dumped);
    assert_eq!(Seed::from_json(&dumped).unwrap(), first.iam_state());

    let second = mock_sts::spawn(config(Seed::from_json(&dumped).unwrap()))
        .await
        .unwrap();
    assert_eq!(state_over_http(second.endpoint()).await, dumped);
}

#[tokio::test]
async fn seeded_roles_are_the_roles_the_api_sees() {
    let mut seeded = config(Seed::from_yaml(SEED).unwrap());
    seeded.listen = "127.0.0.1:0".parse().unwrap();
    let sts = Sts::start_with(seeded).await;
    let got = sts
        .iam(&[
            ("Action", "GetRole"),
            ("Version", "2010-05-08"),
            ("RoleName", "deploy"),
        ])
        .await;
    assert!(
        got.body
            .contains("<Arn>arn:aws:iam::123456789012:role/ci/Deploy</Arn>"),
        "{}",
        got.body
    );
    let deleted = sts
        .iam(&[
            ("Action", "DeleteRole"),
            ("Version", "2010-05-08"),
            ("RoleName", "Deploy"),
        ])
        .await;
    assert_eq!(deleted.status, 409, "{}", deleted.body);
}

#[tokio::test]
async fn a_seed_entry_iam_would_refuse_fails_startup_with_iams_message() {
    let bad = SEED.replace("name: Deploy", "name: gitlab-CI");
    let err = mock_sts::spawn(config(Seed::from_yaml(&bad).unwrap()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Seed { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "failed to seed roles[1] (gitlab-CI): EntityAlreadyExists: Role with name gitlab-CI already exists."
    );

    let http = SEED.replace("url: https://gitlab", "url: http://gitlab");
    let err = mock_sts::app(config(Seed::from_yaml(&http).unwrap())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed to seed providers[0] (http://gitlab.fedlab.test): InvalidInput: The URL must begin with https://"
    );
}
