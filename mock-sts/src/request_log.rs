//! What mock-sts saw and answered, request by request. The harness judges clients by this log, not
//! by what a client claims, so a client that swallows an error or fakes success cannot pass.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::errors::Confidence;

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
}

/// A bounded log: the newest `capacity` entries are kept, sequence numbers keep counting.
#[derive(Debug)]
pub struct RequestLog {
    inner: Mutex<Inner>,
    capacity: usize,
}

#[derive(Debug, Default)]
struct Inner {
    next_seq: u64,
    entries: VecDeque<LogEntry>,
}

impl RequestLog {
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                next_seq: 1,
                entries: VecDeque::new(),
            }),
            capacity,
        }
    }

    pub fn push(&self, mut entry: LogEntry) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        entry.seq = inner.next_seq;
        inner.next_seq += 1;
        if self.capacity == 0 {
            return;
        }
        if inner.entries.len() == self.capacity {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }

    /// Entries with `seq > after`.
    pub fn since(&self, after: u64) -> Vec<LogEntry> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner
            .entries
            .iter()
            .filter(|e| e.seq > after)
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
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
}
