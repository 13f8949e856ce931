//! What the issuer saw: discovery, JWKS and mint requests, with the answer each got and the
//! fault that shaped it. Tests read it to count how often a relying party fetched keys, which
//! shows whether it cached them.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::faults::Fault;

/// How many entries the log keeps; older ones are dropped, sequence numbers keep counting.
pub(crate) const CAPACITY: usize = 10_000;

/// One request to the discovery document, the JWKS or the mint API, as
/// `GET /-/mock/requests` serves it and [`RunningGitlab::requests`](crate::RunningGitlab::requests)
/// returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IssuerRequest {
    /// Monotonic per server, starting at 1, in order of arrival.
    pub seq: u64,
    /// RFC 3339 arrival time (wall clock, not the token clock).
    pub time: String,
    /// The HTTP method.
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The status answered; `None` while the answer is pending and when the connection was
    /// closed without one.
    pub status: Option<u16>,
    /// The fault that shaped the answer, if any.
    pub fault: Option<Fault>,
}

/// A bounded, numbered log. Entries are added on arrival and completed when answered, so the
/// order is the order of arrival even when a slow answer finishes last.
#[derive(Debug)]
pub(crate) struct RequestLog {
    inner: Mutex<Inner>,
    capacity: usize,
}

#[derive(Debug)]
struct Inner {
    next_seq: u64,
    entries: VecDeque<IssuerRequest>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                next_seq: 1,
                entries: VecDeque::new(),
            }),
            capacity,
        }
    }

    /// Adds an unanswered entry and returns its sequence number.
    pub(crate) fn begin(&self, method: &str, path: &str) -> u64 {
        let time = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default();
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let seq = inner.next_seq;
        inner.next_seq += 1;
        if self.capacity > 0 {
            if inner.entries.len() == self.capacity {
                inner.entries.pop_front();
            }
            inner.entries.push_back(IssuerRequest {
                seq,
                time,
                method: method.to_owned(),
                path: path.to_owned(),
                status: None,
                fault: None,
            });
        }
        seq
    }

    /// Records the answer (or `None` for a closed connection) and the fault behind it. An entry
    /// that was cleared or dropped in the meantime stays gone.
    pub(crate) fn complete(&self, seq: u64, status: Option<u16>, fault: Option<Fault>) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = inner.entries.iter_mut().rev().find(|e| e.seq == seq) {
            entry.status = status;
            entry.fault = fault;
        }
    }

    /// Entries with `seq > after`, oldest first.
    pub(crate) fn since(&self, after: u64) -> Vec<IssuerRequest> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner
            .entries
            .iter()
            .filter(|e| e.seq > after)
            .cloned()
            .collect()
    }

    /// Forgets the kept entries; sequence numbers keep counting.
    pub(crate) fn clear(&self) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_arrival_order_and_are_completed_in_place() {
        let log = RequestLog::new(10);
        let first = log.begin("GET", "/oauth/discovery/keys");
        let second = log.begin("POST", "/-/mock/id_tokens");
        log.complete(second, Some(200), None);
        log.complete(first, None, Some(Fault::JwksUnavailable));
        let entries = log.since(0);
        assert_eq!(entries.len(), 2);
        assert_eq!((entries[0].seq, entries[0].status), (1, None));
        assert_eq!(entries[0].fault, Some(Fault::JwksUnavailable));
        assert_eq!((entries[1].seq, entries[1].status), (2, Some(200)));
        assert!(OffsetDateTime::parse(&entries[0].time, &Rfc3339).is_ok());
        assert_eq!(log.since(1).len(), 1);
    }

    #[test]
    fn the_log_keeps_the_newest_entries_and_counts_on_after_a_clear() {
        let log = RequestLog::new(2);
        for _ in 0..3 {
            log.begin("GET", "/x");
        }
        let seqs: Vec<u64> = log.since(0).iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![2, 3]);
        log.clear();
        assert!(log.since(0).is_empty());
        assert_eq!(log.begin("GET", "/x"), 4);
    }

    #[test]
    fn a_small_log_stays_within_its_cap_over_many_requests() {
        let log = RequestLog::new(8);
        for n in 1..=10_000u64 {
            let seq = log.begin("GET", "/oauth/discovery/keys");
            log.complete(seq, Some(200), None);
            assert_eq!(seq, n);
            assert!(log.inner.lock().unwrap().entries.len() <= 8);
        }
        let seqs: Vec<u64> = log.since(0).iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (9_993..=10_000).collect::<Vec<u64>>());
        assert!(log.since(0).iter().all(|e| e.status == Some(200)));
    }
}
