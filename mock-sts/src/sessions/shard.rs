//! One shard of the session store: the live sessions whose keys hash to it, and records of the
//! expired ones, each bounded by the shard's capacity and pruned when a session is issued.
//!
//! An expired session keeps only what the `ExpiredToken` answer needs: a digest of its token
//! (a request with another token is refused as invalid, as before it expired) and its expiry.
//! A record is forgotten `unknowns::EXPIRED_SESSION_RETENTION` after the expiry, or sooner when
//! newer records fill the shard; its key then answers as one never issued. A live session is
//! dropped only when the shard is full of live sessions: the one closest to its expiry goes.

use std::collections::{BTreeSet, HashMap, VecDeque};

use aws_lc_rs::digest;
use time::OffsetDateTime;

use super::session::{Refusal, Session};
use crate::unknowns;

#[derive(Debug, Default)]
pub(super) struct Shard {
    live: HashMap<String, Session>,
    /// The live sessions by expiry, soonest first: pruning and eviction both take from the front.
    by_expiry: BTreeSet<(OffsetDateTime, String)>,
    expired: HashMap<String, ExpiredSession>,
    /// The keys of `expired` in the order their records were made, oldest first.
    expired_order: VecDeque<String>,
}

/// What is left of a session once it has expired.
#[derive(Debug)]
struct ExpiredSession {
    token_digest: [u8; 32],
    expiration: OffsetDateTime,
}

impl Shard {
    pub(super) fn live(&self) -> usize {
        self.live.len()
    }

    #[cfg(test)]
    pub(super) fn expired(&self) -> usize {
        self.expired.len()
    }

    /// The answer does not depend on whether a prune has run: an expired session still in `live`
    /// answers as its record would.
    pub(super) fn check(
        &self,
        access_key_id: &str,
        token: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Session, Refusal> {
        if let Some(session) = self.live.get(access_key_id) {
            if !remembered(session.expiration, now) {
                return Err(Refusal::UnknownKey);
            }
            if token.ok_or(Refusal::MissingToken)? != session.session_token {
                return Err(Refusal::WrongToken);
            }
            if now >= session.expiration {
                return Err(Refusal::Expired);
            }
            return Ok(session.clone());
        }
        let record = self
            .expired
            .get(access_key_id)
            .filter(|record| remembered(record.expiration, now))
            .ok_or(Refusal::UnknownKey)?;
        let token = token.ok_or(Refusal::MissingToken)?;
        if token_digest(token) != record.token_digest {
            return Err(Refusal::WrongToken);
        }
        Err(Refusal::Expired)
    }

    /// Adds `session` after pruning; `capacity` bounds the live sessions and the records each.
    pub(super) fn insert(&mut self, session: Session, now: OffsetDateTime, capacity: usize) {
        self.prune(now, capacity);
        while self.live.len() >= capacity.max(1) {
            let Some((_, key)) = self.by_expiry.pop_first() else {
                break;
            };
            self.live.remove(&key);
        }
        self.by_expiry
            .insert((session.expiration, session.access_key_id.clone()));
        self.live.insert(session.access_key_id.clone(), session);
    }

    /// Turns the expired sessions into records, then forgets the records past retention and
    /// those over `capacity`. Each session is moved and each record dropped once, so the work is
    /// amortised over the inserts.
    fn prune(&mut self, now: OffsetDateTime, capacity: usize) {
        while self
            .by_expiry
            .first()
            .is_some_and(|(expiration, _)| *expiration <= now)
        {
            let Some((expiration, key)) = self.by_expiry.pop_first() else {
                break;
            };
            if let Some(session) = self.live.remove(&key) {
                let record = ExpiredSession {
                    token_digest: token_digest(&session.session_token),
                    expiration,
                };
                self.expired.insert(key.clone(), record);
                self.expired_order.push_back(key);
            }
        }
        while let Some(oldest) = self.expired_order.front() {
            let forgotten = self
                .expired
                .get(oldest)
                .is_none_or(|record| !remembered(record.expiration, now));
            if !forgotten && self.expired.len() <= capacity {
                break;
            }
            if let Some(key) = self.expired_order.pop_front() {
                self.expired.remove(&key);
            }
        }
    }
}

/// Whether a session that expires at `expiration` is still known at `now`.
fn remembered(expiration: OffsetDateTime, now: OffsetDateTime) -> bool {
    time::Duration::try_from(unknowns::EXPIRED_SESSION_RETENTION)
        .ok()
        .and_then(|retention| expiration.checked_add(retention))
        .is_none_or(|forgotten_at| now < forgotten_at)
}

/// SHA-256 of the token: smaller than the token, and no secret left in memory after expiry.
fn token_digest(token: &str) -> [u8; 32] {
    let digest = digest::digest(&digest::SHA256, token.as_bytes());
    let mut bytes = [0u8; 32];
    for (byte, value) in bytes.iter_mut().zip(digest.as_ref()) {
        *byte = *value;
    }
    bytes
}
