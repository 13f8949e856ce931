//! An injected clock, so tests and snapshots can pin time.

use std::fmt::Debug;

use time::OffsetDateTime;

/// Where mock-sts reads "now": token expiry, SigV4 clock skew, credential expiration, log times.
pub trait Clock: Send + Sync + Debug {
    fn now(&self) -> OffsetDateTime;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Always the same instant (Unix seconds).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.0).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}
