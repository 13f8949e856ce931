//! What mock-sts saw and answered, request by request. fedlab judges clients by this log, not
//! by what a client claims, so a client that swallows an error or fakes success cannot pass.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

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

/// At most this many shards; each has its own lock, so concurrent requests rarely wait on one
/// another to log.
const MAX_SHARDS: usize = 16;

/// A bounded log: the newest `capacity` entries are kept, sequence numbers keep counting.
///
/// Every request logs, so the log is split into shards by sequence number (entry `seq` lives in
/// shard `seq % shards`) instead of sitting behind one lock every request takes. The shard count
/// divides the capacity, so the newest `capacity` sequence numbers hold exactly `capacity /
/// shards` of each shard's: keeping each shard's newest entries keeps exactly the log's newest.
#[derive(Debug)]
pub(crate) struct RequestLog {
    shards: Box<[Mutex<VecDeque<LogEntry>>]>,
    shard_capacity: usize,
    /// The next sequence number to hand out.
    next_seq: AtomicU64,
    /// The newest sequence number handed out, for whoever follows the log live. Updated only
    /// while someone follows: a watch's value sits behind a lock of its own.
    newest: watch::Sender<u64>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        let shards = (1..=MAX_SHARDS.min(capacity.max(1)))
            .rev()
            .find(|n| capacity.is_multiple_of(*n))
            .unwrap_or(1);
        Self {
            shards: (0..shards).map(|_| Mutex::new(VecDeque::new())).collect(),
            shard_capacity: capacity / shards,
            next_seq: AtomicU64::new(1),
            newest: watch::Sender::new(0),
        }
    }

    fn shard(&self, seq: u64) -> MutexGuard<'_, VecDeque<LogEntry>> {
        // The modulo is below the shard count, which is a usize.
        let index = (seq % self.shards.len() as u64) as usize;
        self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Numbers the entry, keeps it, and tells the followers; returns its sequence number.
    pub(crate) fn push(&self, mut entry: LogEntry) -> u64 {
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        entry.seq = seq;
        if self.shard_capacity > 0 {
            let mut shard = self.shard(seq);
            // Two requests in one shard may arrive out of order; keep the shard sorted so the
            // oldest entry is the one dropped.
            let at = shard
                .iter()
                .rposition(|e| e.seq < seq)
                .map_or(0, |before| before + 1);
            shard.insert(at, entry);
            if shard.len() > self.shard_capacity {
                shard.pop_front();
            }
        }
        // After the entry is stored, so a woken follower always finds it. A follower that
        // subscribes after this check reads the log after subscribing and finds the entry.
        if self.newest.receiver_count() > 0 {
            self.announce(seq);
        }
        seq
    }

    fn announce(&self, seq: u64) {
        self.newest.send_if_modified(|newest| {
            let newer = seq > *newest;
            if newer {
                *newest = seq;
            }
            newer
        });
    }

    /// A receiver of the newest sequence number; it wakes whenever an entry is pushed.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        let updates = self.newest.subscribe();
        // Pushes while nobody followed did not update the watch.
        self.announce(self.next_seq.load(Ordering::Relaxed) - 1);
        updates
    }

    /// Entries with `seq > after`, oldest first.
    pub(crate) fn since(&self, after: u64) -> Vec<LogEntry> {
        let mut entries: Vec<LogEntry> = (0..self.shards.len() as u64)
            .flat_map(|shard| {
                self.shard(shard)
                    .iter()
                    .filter(|e| e.seq > after)
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect();
        entries.sort_unstable_by_key(|e| e.seq);
        entries
    }

    /// How many entries were ever pushed: the newest sequence number handed out. Neither the
    /// capacity nor `clear` nor a reset lowers it.
    pub(crate) fn total(&self) -> u64 {
        self.next_seq.load(Ordering::Relaxed) - 1
    }

    pub(crate) fn clear(&self) {
        for shard in 0..self.shards.len() as u64 {
            self.shard(shard).clear();
        }
    }

    #[cfg(test)]
    fn kept(&self) -> usize {
        (0..self.shards.len() as u64)
            .map(|shard| self.shard(shard).len())
            .sum()
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
        log.clear();
        assert_eq!(log.total(), 3);
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
            assert!(log.kept() <= 8);
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

    #[test]
    fn a_log_whose_capacity_has_no_small_divisor_still_keeps_exactly_the_newest() {
        let log = RequestLog::new(17);
        for _ in 0..100 {
            log.push(LogEntry::default());
        }
        let seqs: Vec<u64> = log.since(0).iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (84..=100).collect::<Vec<u64>>());
    }

    #[test]
    fn concurrent_pushes_get_distinct_numbers_and_the_newest_are_kept_in_order() {
        let log = std::sync::Arc::new(RequestLog::new(64));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let log = log.clone();
                std::thread::spawn(move || {
                    (0..1_000)
                        .map(|_| log.push(LogEntry::default()))
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        let mut all: Vec<u64> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        all.sort_unstable();
        assert_eq!(all, (1..=4_000).collect::<Vec<u64>>());
        let seqs: Vec<u64> = log.since(0).iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (3_937..=4_000).collect::<Vec<u64>>());
    }

    #[test]
    fn a_follower_that_subscribes_late_sees_the_newest_number_at_once() {
        let log = RequestLog::new(4);
        log.push(LogEntry::default());
        log.push(LogEntry::default());
        let updates = log.subscribe();
        assert_eq!(*updates.borrow(), 2);
    }
}
