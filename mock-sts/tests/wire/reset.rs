//! `POST /-/mock/reset`: one running mock-sts back as it started, so it can serve many
//! independent cases (fedlab's remote targets reset it before each one).

use mock_sts::{Config, Seed};

use crate::s3_support::{S3Request, call};
use crate::support::{Issuer, NOW, Sts, admin_keys, element, issued_keys, signing_now};

const IDENTITY: [(&str, &str); 2] = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];

async fn reset(sts: &Sts) -> u16 {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/-/mock/reset", sts.running.endpoint()))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn code(body: &str) -> Option<String> {
    element(body, "Code")
}

async fn get_role(sts: &Sts, name: &str) -> crate::support::Answer {
    sts.iam(&[
        ("Action", "GetRole"),
        ("Version", "2010-05-08"),
        ("RoleName", name),
    ])
    .await
}

#[tokio::test]
async fn a_reset_forgets_roles_providers_and_issued_credentials() {
    let issuer = Issuer::start().await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let token = issuer.main_branch_token().await;
    let assumed = sts.assume("gitlab-ci", &token).await;
    assert_eq!(assumed.status, 200, "{}", assumed.body);
    let keys = issued_keys(&assumed);
    assert_eq!(
        sts.signed("sts", &IDENTITY, &keys, signing_now())
            .await
            .status,
        200
    );

    assert_eq!(reset(&sts).await, 204);

    let role = get_role(&sts, "gitlab-ci").await;
    assert_eq!(
        (role.status, code(&role.body).as_deref()),
        (404, Some("NoSuchEntity"))
    );
    let caller = sts.signed("sts", &IDENTITY, &keys, signing_now()).await;
    assert_eq!(
        (caller.status, code(&caller.body).as_deref()),
        (403, Some("InvalidClientTokenId"))
    );
    assert!(sts.running.iam_state().roles.is_empty());
    assert!(sts.running.iam_state().providers.is_empty());
    // The same token, the same role name: the role is gone, so STS refuses it.
    let again = sts.assume("gitlab-ci", &token).await;
    assert_eq!(again.status, 403, "{}", again.body);
}

#[tokio::test]
async fn a_reset_empties_the_log_but_sequence_numbers_go_on_and_it_is_not_logged() {
    let issuer = Issuer::start().await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let last = sts.running.requests().last().unwrap().seq;

    assert_eq!(reset(&sts).await, 204);
    assert!(sts.running.requests().is_empty());

    let role = get_role(&sts, "gitlab-ci").await;
    assert_eq!(role.status, 404);
    let after = sts.running.requests();
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0].seq, last + 1);
    assert_eq!(sts.running.requests_since(last).len(), 1);
}

#[tokio::test]
async fn a_reset_fetches_the_issuers_keys_anew() {
    let issuer = Issuer::start().await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let token = issuer.main_branch_token().await;
    let jwks_fetches = || {
        issuer
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/keys"))
            .count()
    };
    assert_eq!(sts.assume("gitlab-ci", &token).await.status, 200);
    assert_eq!(sts.assume("gitlab-ci", &token).await.status, 200);
    assert_eq!(jwks_fetches(), 1, "the second call used the cached keys");

    assert_eq!(reset(&sts).await, 204);
    sts.create_provider(issuer.url(), &[]).await;
    sts.create_role(
        "gitlab-ci",
        None,
        &crate::support::main_branch_policy(issuer.host()),
    )
    .await;
    assert_eq!(sts.assume("gitlab-ci", &token).await.status, 200);
    assert_eq!(jwks_fetches(), 2, "the cache was emptied");
}

#[tokio::test]
async fn a_reset_removes_every_bucket_and_object() {
    let sts = crate::s3_support::start(|_| {}).await;
    let put = call(&sts, S3Request::new("PUT", "/fedlab-reset"), &admin_keys()).await;
    assert_eq!(put.status, 200, "{}", put.body);
    let object = S3Request::new("PUT", "/fedlab-reset/a.txt").body("hello");
    assert_eq!(call(&sts, object, &admin_keys()).await.status, 200);

    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/-/mock/reset", sts.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);

    let read = S3Request::new("GET", "/fedlab-reset/a.txt");
    let got = call(&sts, read, &admin_keys()).await;
    assert_eq!(
        (got.status, code(&got.body).as_deref()),
        (404, Some("NoSuchBucket"))
    );
}

#[tokio::test]
async fn a_reset_goes_back_to_the_seeded_account_not_an_empty_one() {
    let seed = Seed::from_yaml(
        r#"
providers:
  - url: https://gitlab.fedlab.test
    client_ids: [sts.amazonaws.com]
    thumbprints: ["ABCDEF0123456789ABCDEF0123456789ABCDEF01"]
roles:
  - name: seeded
    trust_policy: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}'
"#,
    )
    .unwrap();
    let mut config = Config::new("127.0.0.1:0".parse().unwrap());
    config.clock = std::sync::Arc::new(mock_sts::FixedClock(NOW));
    config.seed = Some(seed);
    let sts = Sts::start_with(config).await;
    let at_start = sts.running.iam_state();
    let deleted = sts
        .iam(&[
            ("Action", "DeleteRole"),
            ("Version", "2010-05-08"),
            ("RoleName", "seeded"),
        ])
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    sts.create_role("added", None, &crate::support::main_branch_policy("x"))
        .await;

    assert_eq!(reset(&sts).await, 204);

    assert_eq!(sts.running.iam_state(), at_start);
    assert_eq!(get_role(&sts, "seeded").await.status, 200);
    assert_eq!(get_role(&sts, "added").await.status, 404);
}
