//! What mock-sts saw and answered, request by request. fedlab judges clients by this log, not
//! by what a client claims, so a client that swallows an error or fakes success cannot pass.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::errors::Confidence;

/// One answered request, as `GET /-/mock/requests` serves it and [`crate::RunningSts`] returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Monotonic per server, starting at 1.
    pub seq: u64,
    /// RFC 3339 receive time.
    pub time: String,
    pub method: String,
    /// `None` when the request carried no Action (AWS answers with a redirect).
    pub action: Option<String>,
    pub status: u16,
    /// The AWS error code answered, if any.
    pub code: Option<String>,
    pub message: Option<String>,
    /// How sure fedlab is AWS answers these bytes (for errors).
    pub confidence: Option<Confidence>,
    pub request_id: String,
    /// The access key that signed the request, when it was signed.
    pub access_key_id: Option<String>,
    pub role_arn: Option<String>,
    pub role_session_name: Option<String>,
    /// Credentials issued by this request (AssumeRoleWithWebIdentity success).
    pub issued_access_key_id: Option<String>,
    /// fedlab's explanation of the decision, e.g. which trust-policy condition failed.
    pub detail: Option<String>,
    pub user_agent: Option<String>,
    /// `s3` for the S3 listener's requests; absent for STS and IAM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Who asked, as a policy names it: the assumed-role ARN of a session, or the account root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_arn: Option<String>,
    /// The IAM action authorised, e.g. `s3:PutObject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_action: Option<String>,
    /// The resource ARN the action was authorised on, e.g. `arn:aws:s3:::bucket/key` (`*` for
    /// actions on no resource).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// `allow` or `deny`, when the request reached authorisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// A bounded log: the newest `capacity` entries are kept, sequence numbers keep counting.
#[derive(Debug)]
pub(crate) struct RequestLog {
    inner: Mutex<Inner>,
    capacity: usize,
    /// The newest sequence number handed out, for whoever follows the log live.
    newest: watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct Inner {
    next_seq: u64,
    entries: VecDeque<LogEntry>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                next_seq: 1,
                entries: VecDeque::new(),
            }),
            capacity,
            newest: watch::Sender::new(0),
        }
    }

    /// Numbers the entry, keeps it, and tells the followers; returns its sequence number.
    pub(crate) fn push(&self, mut entry: LogEntry) -> u64 {
        let seq = {
            let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            let seq = inner.next_seq;
            entry.seq = seq;
            inner.next_seq += 1;
            if self.capacity > 0 {
                if inner.entries.len() == self.capacity {
                    inner.entries.pop_front();
                }
                inner.entries.push_back(entry);
            }
            seq
        };
        // Sent after the entry is stored, so a woken follower always finds it.
        self.newest.send_replace(seq);
        seq
    }

    /// A receiver of the newest sequence number; it wakes whenever an entry is pushed.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.newest.subscribe()
    }

    /// Entries with `seq > after`.
    pub(crate) fn since(&self, after: u64) -> Vec<LogEntry> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner
            .entries
            .iter()
            .filter(|e| e.seq > after)
            .cloned()
            .collect()
    }

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
    fn keeps_the_newest_entries_and_counts_on() {
        let log = RequestLog::new(2);
        for _ in 0..3 {
            log.push(LogEntry::default());
        }
        let seqs: Vec<u64> = log.since(0).iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![2, 3]);
        assert_eq!(log.since(2).len(), 1);
    }

    #[test]
    fn followers_see_the_newest_sequence_number() {
        let log = RequestLog::new(1);
        let updates = log.subscribe();
        assert_eq!(*updates.borrow(), 0);
        assert_eq!(log.push(LogEntry::default()), 1);
        assert_eq!(log.push(LogEntry::default()), 2);
        assert!(updates.has_changed().unwrap());
        assert_eq!(*updates.borrow(), 2);
    }

    #[test]
    fn a_small_log_stays_within_its_cap_over_many_requests() {
        let log = RequestLog::new(8);
        for n in 1..=10_000u64 {
            assert_eq!(log.push(LogEntry::default()), n);
            assert!(log.inner.lock().unwrap().entries.len() <= 8);
        }
        let seqs: Vec<u64> = log.since(0).iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (9_993..=10_000).collect::<Vec<u64>>());
    }

    #[test]
    fn a_log_of_capacity_zero_keeps_nothing_and_still_counts() {
        let log = RequestLog::new(0);
        for _ in 0..100 {
            log.push(LogEntry::default());
        }
        assert!(log.since(0).is_empty());
        assert_eq!(log.push(LogEntry::default()), 101);
    }
}
