//! Bounded state on the wire: a small session store and request log stay within their caps over
//! many calls, and credentials that expired answer `ExpiredToken` even after the store dropped
//! their session to make room, on a clock the test moves.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use mock_sts::{Clock, Config};
use serde_json::json;
use time::OffsetDateTime;

use crate::support::{
    ACCOUNT, Answer, Issuer, Keys, NOW, Sts, assert_sts_error, issued_keys, main_branch_policy,
};

const IDENTITY: [(&str, &str); 2] = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];
const SESSION_CAP: usize = 4;
const LOG_CAP: usize = 16;

/// Starts at `NOW` and moves when the test says so.
#[derive(Debug)]
struct MovingClock(AtomicI64);

impl MovingClock {
    fn set(&self, seconds_after_now: i64) {
        self.0.store(NOW + seconds_after_now, Ordering::SeqCst);
    }

    fn signing_time(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst).unsigned_abs())
    }
}

impl Clock for MovingClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.0.load(Ordering::SeqCst)).unwrap()
    }
}

async fn assume_for_900_seconds(sts: &Sts, token: &str) -> Keys {
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/gitlab-ci");
    let answer = sts
        .post(&[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", &role_arn),
            ("RoleSessionName", "GitLabRunner-42-574"),
            ("WebIdentityToken", token),
            ("DurationSeconds", "900"),
        ])
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    issued_keys(&answer)
}

async fn caller_identity(sts: &Sts, keys: &Keys, clock: &MovingClock) -> Answer {
    sts.signed("sts", &IDENTITY, keys, clock.signing_time())
        .await
}

fn assert_expired(answer: &Answer) {
    assert_sts_error(
        answer,
        403,
        "ExpiredToken",
        "The security token included in the request is expired",
    );
}

#[tokio::test]
async fn expired_credentials_answer_expired_token_after_a_full_store_dropped_their_session() {
    let issuer = Issuer::start().await;
    let clock = Arc::new(MovingClock(AtomicI64::new(NOW)));
    let mut config = Config::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    config.clock = Arc::clone(&clock) as Arc<dyn Clock>;
    config.trust_ca_pems.push(issuer.ca_pem().to_owned());
    config.session_capacity = SESSION_CAP;
    config.request_log_capacity = LOG_CAP;
    let sts = Sts::start_with(config).await;
    sts.create_provider(issuer.url(), &[]).await;
    sts.create_role("gitlab-ci", None, &main_branch_policy(issuer.host()))
        .await;
    // Valid for two hours, so it still assumes the role once the clock has moved.
    let token = issuer
        .mint(json!({
            "aud": "sts.amazonaws.com",
            "project_path": "mygroup/myproject",
            "expires_in": 7200,
        }))
        .await;

    let first = assume_for_900_seconds(&sts, &token).await;
    let answer = caller_identity(&sts, &first, &clock).await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    clock.set(1_000);
    assert_expired(&caller_identity(&sts, &first, &clock).await);

    let mut newest = None;
    for _ in 0..(SESSION_CAP * 10) {
        newest = Some(assume_for_900_seconds(&sts, &token).await);
        assert!(sts.running.requests().len() <= LOG_CAP);
    }
    assert_expired(&caller_identity(&sts, &first, &clock).await);
    let wrong_token = Keys {
        session_token: Some("IQoJb3JpZ2luX2Vjnot-the-token".to_owned()),
        ..first.clone()
    };
    assert_sts_error(
        &caller_identity(&sts, &wrong_token, &clock).await,
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    );
    let newest = newest.unwrap();
    let answer = caller_identity(&sts, &newest, &clock).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let log = sts.running.requests();
    assert_eq!(log.len(), LOG_CAP);
    assert_eq!(
        log.last().unwrap().action.as_deref(),
        Some("GetCallerIdentity")
    );
}
