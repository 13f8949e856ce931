//! The request log read in-process through `RunningSts`, and what `app`/`spawn` refuse to start with.

use std::time::Duration;

use mock_sts::{Confidence, Config, Error};

use crate::support::{Issuer, Sts};

#[tokio::test]
async fn running_sts_returns_its_log_in_process_and_wakes_followers() {
    let issuer = Issuer::start().await;
    let sts = Sts::standard(&issuer, true, &[]).await;
    let setup = sts.running.requests();
    assert_eq!(setup.len(), 2, "{setup:?}");
    let last_setup = setup.last().unwrap().seq;

    let mut updates = sts.running.log_updates();
    assert_eq!(*updates.borrow_and_update(), last_setup);

    let token = issuer.main_branch_token().await;
    let answer = sts.assume("gitlab-ci", &token).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    tokio::time::timeout(Duration::from_secs(5), updates.changed())
        .await
        .expect("a new entry wakes the follower")
        .unwrap();
    let newest = *updates.borrow_and_update();
    assert_eq!(newest, last_setup + 1);

    let new = sts.running.requests_since(last_setup);
    assert_eq!(new.len(), 1);
    let entry = &new[0];
    assert_eq!(entry.seq, newest);
    assert_eq!(entry.action.as_deref(), Some("AssumeRoleWithWebIdentity"));
    assert_eq!(entry.status, 200);
    assert_eq!(
        entry.role_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/gitlab-ci")
    );
    assert_eq!(
        entry.role_session_name.as_deref(),
        Some("GitLabRunner-42-574")
    );
    assert!(entry.issued_access_key_id.is_some());
    assert_eq!(
        entry.detail.as_deref(),
        Some("allowed by trust policy statement 0")
    );
    assert_eq!(sts.running.requests().len(), 3);

    let denied = sts.assume("no-such-role", &token).await;
    assert_eq!(denied.status, 403);
    let entry = sts.running.requests_since(newest).pop().unwrap();
    assert_eq!(
        (entry.code.as_deref(), entry.confidence),
        (Some("AccessDenied"), Some(Confidence::Attested))
    );
    // The log is evidence a user may share: it never holds the token.
    let log = serde_json::to_string(&sts.running.requests()).unwrap();
    assert!(!log.contains(&token));
}

#[tokio::test]
async fn the_request_log_keeps_its_json_shape() {
    let sts = Sts::start(None).await;
    sts.post(&[("Action", "NoSuchAction"), ("Version", "2011-06-15")])
        .await;
    let entry = sts.running.requests().pop().unwrap();
    let json = serde_json::to_value(&entry).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "seq",
            "time",
            "method",
            "action",
            "status",
            "code",
            "message",
            "confidence",
            "request_id",
            "access_key_id",
            "role_arn",
            "role_session_name",
            "issued_access_key_id",
            "detail",
            "user_agent"
        ]
    );
    assert_eq!(json["time"], "2023-11-14T22:13:20Z");
    assert_eq!(json["confidence"], "attested");
}

#[test]
fn app_refuses_a_trusted_ca_pem_without_certificates() {
    let mut config = Config::new("127.0.0.1:0".parse().unwrap());
    config.trust_ca_pems.push(String::new());
    let err = mock_sts::app(config).expect_err("an empty PEM is refused");
    assert!(
        matches!(err, Error::EmptyTrustedCaPem { index: 1 }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "failed to trust CA PEM number 1: it contains no certificate"
    );
}

#[tokio::test]
async fn spawn_reports_an_address_it_cannot_bind() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = Config::new(taken.local_addr().unwrap());
    let err = mock_sts::spawn(config)
        .await
        .expect_err("the port is taken");
    assert!(matches!(err, Error::Bind { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with("failed to bind 127.0.0.1:"),
        "{err}"
    );
}

#[tokio::test]
async fn app_serves_the_admin_routes_on_any_listener() {
    let router = mock_sts::app(Config::new("127.0.0.1:0".parse().unwrap())).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let health = http
        .get(format!("http://{addr}/-/mock/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let log: Vec<mock_sts::LogEntry> = http
        .get(format!("http://{addr}/-/mock/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(log.is_empty(), "admin routes are not logged: {log:?}");
}
