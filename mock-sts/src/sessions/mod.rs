//! Temporary credentials issued by AssumeRoleWithWebIdentity, looked up when they sign a call.
//! A session remembers what `permissions::authorize` needs later: its role (by name, so the
//! role's permissions are read as they are at the time of each request), its session policies,
//! session tags and source identity.
//!
//! The store is bounded (`Config::session_capacity`) and split into shards by access key, each
//! behind its own lock, held for a lookup or an insert and never across an `.await`. Expired
//! sessions are dropped lazily, when a session is issued into their shard; what the `ExpiredToken`
//! answer needs of them (a digest of the token and the expiry) is kept a while longer: see
//! `shard` and `unknowns::EXPIRED_SESSION_RETENTION`. `docs/state-limits.md` has the numbers.

mod session;
mod shard;
#[cfg(test)]
mod tests;

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

use time::OffsetDateTime;

use crate::ids::{self, RandomUnavailable};
pub(crate) use session::{Grant, Refusal, Scope, Session, SessionPolicies};
use shard::Shard;

/// How many shards the store is split into at most: enough that two cores rarely wait on the
/// same lock, few enough that a small cap still spreads over them.
const SHARDS: usize = 16;

/// The sessions issued by one mock-sts, at most `capacity` live ones and as many expired records.
pub(crate) struct Sessions {
    shards: Box<[RwLock<Shard>]>,
    /// Each shard's share of the cap; the shards together never exceed it.
    shard_capacity: usize,
    hasher: RandomState,
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count: usize = self.shards.iter().map(|shard| read(shard).live()).sum();
        f.debug_struct("Sessions")
            .field("count", &count)
            .field("capacity", &(self.shard_capacity * self.shards.len()))
            .finish()
    }
}

impl Sessions {
    /// A store for at most `capacity` live sessions (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let count = SHARDS.min(capacity);
        Self {
            shards: (0..count).map(|_| RwLock::default()).collect(),
            shard_capacity: capacity / count,
            hasher: RandomState::new(),
        }
    }

    /// New credentials for `grant`, issued at `now`; fails only when the random source does.
    /// Makes room first: expired sessions of the shard become records, and a full shard drops
    /// the session closest to its expiry.
    pub(crate) fn issue(
        &self,
        grant: Grant<'_>,
        now: OffsetDateTime,
    ) -> Result<Session, RandomUnavailable> {
        let Grant {
            account,
            role_name,
            role_arn,
            role_id,
            role_session_name,
            provider_arn,
            expiration,
            policies,
            tags,
            source_identity,
        } = grant;
        let session = Session {
            access_key_id: ids::session_access_key_id()?,
            secret_access_key: ids::secret_access_key()?,
            session_token: ids::session_token()?,
            role_id: role_id.to_owned(),
            role_session_name: role_session_name.to_owned(),
            assumed_role_arn: format!(
                "arn:aws:sts::{account}:assumed-role/{role_name}/{role_session_name}"
            ),
            expiration,
            scope: Arc::new(Scope {
                role_name: role_name.to_owned(),
                role_arn: role_arn.to_owned(),
                provider_arn: provider_arn.to_owned(),
                policies,
                tags,
                source_identity,
            }),
        };
        self.shard(&session.access_key_id)
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(session.clone(), now, self.shard_capacity);
        Ok(session)
    }

    /// The live session `access_key_id` names, if `session_token` is its token; otherwise why not.
    pub(crate) fn check(
        &self,
        access_key_id: &str,
        session_token: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Session, Refusal> {
        read(self.shard(access_key_id)).check(access_key_id, session_token, now)
    }

    /// Drops every live session and every expired record: their keys then answer as keys never
    /// issued.
    pub(crate) fn clear(&self) {
        for shard in &self.shards {
            *shard.write().unwrap_or_else(PoisonError::into_inner) = Shard::default();
        }
    }

    fn shard(&self, access_key_id: &str) -> &RwLock<Shard> {
        let count = self.shards.len() as u64;
        let index = usize::try_from(self.hasher.hash_one(access_key_id) % count).unwrap_or(0);
        &self.shards[index]
    }

    /// How many live sessions and expired records are kept, for the tests of the caps.
    #[cfg(test)]
    fn stored(&self) -> (usize, usize) {
        self.shards.iter().fold((0, 0), |(live, expired), shard| {
            let shard = read(shard);
            (live + shard.live(), expired + shard.expired())
        })
    }
}

// A panic while a shard is locked leaves it consistent enough to read (each write is a few map
// operations, and `check` tolerates a key missing from one of them), so poison is ignored.
fn read(shard: &RwLock<Shard>) -> RwLockReadGuard<'_, Shard> {
    shard.read().unwrap_or_else(PoisonError::into_inner)
}
