//! The session store's bounds: caps that hold over many sessions, expired sessions that still
//! answer `Expired` once dropped from the live map, and the retention after which they do not.

use time::OffsetDateTime;

use super::shard::Shard;
use super::{Grant, Refusal, Session, SessionPolicies, Sessions};
use crate::unknowns;

const NOW: i64 = 1_700_000_000;

fn at(seconds_after_now: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(NOW + seconds_after_now).unwrap()
}

/// A session issued at `issued` (seconds after `NOW`) for `lifetime` seconds.
fn issue(sessions: &Sessions, issued: i64, lifetime: i64) -> Session {
    sessions
        .issue(
            Grant {
                account: "123456789012",
                role_name: "ci",
                role_arn: "arn:aws:iam::123456789012:role/ci",
                role_id: "AROAEXAMPLEEXAMPLE123",
                role_session_name: "GitLabRunner-1-2",
                provider_arn: "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com",
                expiration: at(issued + lifetime),
                policies: SessionPolicies::default(),
                tags: Vec::new(),
                source_identity: None,
            },
            at(issued),
        )
        .unwrap()
}

fn check(sessions: &Sessions, session: &Session, token: &str, now: i64) -> Result<(), Refusal> {
    sessions
        .check(&session.access_key_id, Some(token), at(now))
        .map(|_| ())
}

#[test]
fn a_small_store_stays_within_its_cap_over_many_sessions() {
    let sessions = Sessions::new(8);
    // One session every 100 s, each for 900 s: most of them expire while the others come in.
    for n in 0..2_000 {
        let session = issue(&sessions, n * 100, 900);
        let (live, expired) = sessions.stored();
        assert!(live <= 8, "{live} live sessions after {n}");
        assert!(expired <= 8, "{expired} expired records after {n}");
        assert_eq!(
            check(&sessions, &session, &session.session_token, n * 100),
            Ok(())
        );
    }
}

#[test]
fn expired_sessions_are_dropped_after_their_expiry() {
    let sessions = Sessions::new(10_000);
    for _ in 0..50 {
        issue(&sessions, 0, 900);
    }
    assert_eq!(sessions.stored(), (50, 0));
    // Enough later sessions that every shard has one issued into it, which prunes it.
    for _ in 0..1_000 {
        issue(&sessions, 1_000, 3_600);
    }
    assert_eq!(sessions.stored(), (1_000, 50));
}

#[test]
fn an_expired_session_answers_expired_before_and_after_it_is_dropped() {
    let sessions = Sessions::new(10_000);
    let old = issue(&sessions, 0, 900);
    let token = old.session_token.as_str();
    assert_eq!(check(&sessions, &old, token, 899), Ok(()));
    assert_eq!(check(&sessions, &old, token, 900), Err(Refusal::Expired));
    for _ in 0..1_000 {
        issue(&sessions, 1_000, 3_600);
    }
    assert_eq!(sessions.stored().1, 1, "the old session is a record now");
    assert_eq!(check(&sessions, &old, token, 1_000), Err(Refusal::Expired));
    assert_eq!(
        check(&sessions, &old, "IQoJb3JpZ2luX2Vjanother", 1_000),
        Err(Refusal::WrongToken)
    );
    assert_eq!(
        sessions
            .check(&old.access_key_id, None, at(1_000))
            .map(|_| ()),
        Err(Refusal::MissingToken)
    );
}

#[test]
fn an_expired_session_is_forgotten_after_the_retention() {
    let retention = i64::try_from(unknowns::EXPIRED_SESSION_RETENTION.as_secs()).unwrap();
    let sessions = Sessions::new(10_000);
    let old = issue(&sessions, 0, 900);
    let token = old.session_token.as_str();
    let last_remembered = 900 + retention - 1;
    assert_eq!(
        check(&sessions, &old, token, last_remembered),
        Err(Refusal::Expired)
    );
    // The same answer whether the session is still in the live map or pruned to a record.
    assert_eq!(
        check(&sessions, &old, token, last_remembered + 1),
        Err(Refusal::UnknownKey)
    );
    for _ in 0..1_000 {
        issue(&sessions, 1_000, 3_600);
    }
    assert_eq!(
        check(&sessions, &old, token, last_remembered),
        Err(Refusal::Expired)
    );
    assert_eq!(
        check(&sessions, &old, token, last_remembered + 1),
        Err(Refusal::UnknownKey)
    );
    for _ in 0..1_000 {
        issue(&sessions, last_remembered + 1, 3_600);
    }
    // The 1,000 sessions of the batch before are records now; the old one's record is gone.
    assert_eq!(sessions.stored(), (1_000, 1_000));
}

#[test]
fn a_full_shard_drops_the_session_closest_to_its_expiry() {
    let sessions = Sessions::new(16);
    let long = issue(&sessions, 0, 3_600);
    let short = issue(&sessions, 0, 900);
    let newest = issue(&sessions, 0, 1_800);
    let mut shard = Shard::default();
    for session in [&long, &short, &newest] {
        shard.insert(session.clone(), at(0), 2);
    }
    assert_eq!(shard.live(), 2);
    let found = |session: &Session| {
        shard
            .check(&session.access_key_id, Some(&session.session_token), at(0))
            .map(|_| ())
    };
    assert_eq!(found(&long), Ok(()));
    assert_eq!(found(&short), Err(Refusal::UnknownKey));
    assert_eq!(found(&newest), Ok(()));
}

#[test]
fn a_store_of_one_keeps_the_newest_session() {
    let sessions = Sessions::new(0);
    let first = issue(&sessions, 0, 3_600);
    let second = issue(&sessions, 0, 3_600);
    assert_eq!(sessions.stored(), (1, 0));
    assert_eq!(
        check(&sessions, &first, &first.session_token, 0),
        Err(Refusal::UnknownKey)
    );
    assert_eq!(check(&sessions, &second, &second.session_token, 0), Ok(()));
}
