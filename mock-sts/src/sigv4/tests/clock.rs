//! The 15-minute clock window, on both sides, for header and presigned auth.

use time::Duration;

use super::{SECRET, SIGNED_AT, Signing, check, presigned_sts, sts_request};
use crate::sigv4::{SigV4Error, SkewDirection};

#[test]
fn clock_skew_window() {
    let req = Signing::new("sts").sign(sts_request(&[]));
    check(&req, SECRET, SIGNED_AT + Duration::minutes(14)).expect("14 min late");
    check(&req, SECRET, SIGNED_AT - Duration::minutes(14)).expect("14 min early");
    check(&req, SECRET, SIGNED_AT + Duration::minutes(15)).expect("exactly 15 min is allowed");
    check(
        &req,
        SECRET,
        SIGNED_AT + Duration::minutes(15) + Duration::milliseconds(900),
    )
    .expect("sub-second noise is ignored");

    let result = check(&req, SECRET, SIGNED_AT + Duration::minutes(16));
    match result {
        Err(SigV4Error::RequestExpired {
            amz_date,
            now,
            window_start,
            window_end,
            direction,
        }) => {
            assert_eq!(amz_date, "20150830T123600Z");
            assert_eq!(now, "20150830T125200Z");
            assert_eq!(window_start, "20150830T123700Z");
            assert_eq!(window_end, "20150830T130700Z");
            assert_eq!(direction, SkewDirection::Past);
        }
        other => panic!("expected RequestExpired, got {other:?}"),
    }

    let result = check(&req, SECRET, SIGNED_AT - Duration::minutes(16));
    match result {
        Err(SigV4Error::RequestExpired {
            amz_date,
            now,
            window_start,
            window_end,
            direction,
        }) => {
            assert_eq!(amz_date, "20150830T123600Z");
            assert_eq!(now, "20150830T122000Z");
            assert_eq!(window_start, "20150830T120500Z");
            assert_eq!(window_end, "20150830T123500Z");
            assert_eq!(direction, SkewDirection::Future);
        }
        other => panic!("expected RequestExpired, got {other:?}"),
    }
}

#[test]
fn clock_skew_is_reported_in_utc_whatever_the_server_offset() {
    let req = Signing::new("sts").sign(sts_request(&[]));
    let now = (SIGNED_AT + Duration::minutes(16)).to_offset(time::macros::offset!(+02:00));
    assert!(matches!(
        check(&req, SECRET, now),
        Err(SigV4Error::RequestExpired { now, .. }) if now == "20150830T125200Z"
    ));
}

#[test]
fn presigned_url_signed_in_the_future_is_refused() {
    let req = presigned_sts(false);
    let result = check(&req, SECRET, SIGNED_AT - Duration::minutes(16));
    assert!(
        matches!(
            result,
            Err(SigV4Error::RequestExpired {
                direction: SkewDirection::Future,
                ..
            })
        ),
        "{result:?}"
    );
}
