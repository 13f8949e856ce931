//! The load itself: `connections` tasks, each sending one request at a time on the shared
//! keep-alive pool, until the deadline or the request count; latencies go to an HdrHistogram
//! per task (no shared lock on the hot path), merged at the end.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use super::answer::FailureClass;
use super::options::Stop;
use super::plan::Plan;

/// Latencies are recorded in microseconds, from 1 µs to a minute, to 3 significant digits.
const LOWEST_US: u64 = 1;
const HIGHEST_US: u64 = 60_000_000;
const SIGNIFICANT_DIGITS: u8 = 3;

/// What one measured phase saw.
#[derive(Debug)]
pub(super) struct Tally {
    /// Every answered or failed request, in microseconds.
    pub(super) latency_us: Histogram<u64>,
    pub(super) ok: u64,
    pub(super) errors: BTreeMap<String, u64>,
    /// The errors by class.
    pub(super) transport_errors: u64,
    pub(super) server_errors: u64,
    pub(super) mismatches: u64,
    pub(super) elapsed: Duration,
}

impl Tally {
    fn new(template: &Histogram<u64>) -> Self {
        Self {
            latency_us: Histogram::new_from(template),
            ok: 0,
            errors: BTreeMap::new(),
            transport_errors: 0,
            server_errors: 0,
            mismatches: 0,
            elapsed: Duration::ZERO,
        }
    }

    fn merge(&mut self, other: Self) {
        // Both histograms have the same bounds, so adding cannot fail.
        let _ = self.latency_us.add(&other.latency_us);
        self.ok += other.ok;
        self.transport_errors += other.transport_errors;
        self.server_errors += other.server_errors;
        self.mismatches += other.mismatches;
        for (failure, count) in other.errors {
            *self.errors.entry(failure).or_default() += count;
        }
    }

    pub(super) fn requests(&self) -> u64 {
        self.ok + self.errors.values().sum::<u64>()
    }
}

/// Runs one phase (a warm-up or the measurement) and returns what it saw.
pub(super) async fn drive(
    plan: &Arc<Plan>,
    http: &reqwest::Client,
    connections: usize,
    stop: Stop,
) -> Result<Tally, String> {
    let template = Histogram::new_with_bounds(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)
        .map_err(|e| format!("latency histogram: {e}"))?;
    let started = Instant::now();
    let issued = Arc::new(AtomicU64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for connection in 0..connections {
        let plan = Arc::clone(plan);
        let http = http.clone();
        let issued = Arc::clone(&issued);
        let mut tally = Tally::new(&template);
        tasks.spawn(async move {
            // Each connection starts at its own place in the token pool and key list.
            let mut n = connection;
            loop {
                let go_on = match stop {
                    Stop::After(duration) => started.elapsed() < duration,
                    Stop::Requests(count) => issued.fetch_add(1, Ordering::Relaxed) < count,
                };
                if !go_on {
                    break;
                }
                let sent = Instant::now();
                let answer = plan.send(&http, n).await;
                let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                tally.latency_us.saturating_record(micros.max(LOWEST_US));
                match answer {
                    Ok(()) => tally.ok += 1,
                    Err(failure) => {
                        match failure.class {
                            FailureClass::Transport => tally.transport_errors += 1,
                            FailureClass::ServerError => tally.server_errors += 1,
                            FailureClass::Mismatch => tally.mismatches += 1,
                        }
                        *tally.errors.entry(failure.text).or_default() += 1;
                    }
                }
                n = n.wrapping_add(1);
            }
            tally
        });
    }
    let mut total = Tally::new(&template);
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(tally) => total.merge(tally),
            Err(err) => {
                total.mismatches += 1;
                *total
                    .errors
                    .entry(format!("load task failed: {err}"))
                    .or_default() += 1;
            }
        }
    }
    total.elapsed = started.elapsed();
    Ok(total)
}
