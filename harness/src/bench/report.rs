//! What a run measured, as text for a person and as JSON for a script.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::driver::Tally;
use super::options::BenchOptions;

/// The result of one `fedlab bench` run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `assume`, `caller-identity`, `jwks`, `mint` or `s3`.
    pub workload: String,
    /// `in-process` or the endpoint's URL.
    pub target: String,
    pub connections: usize,
    /// The measured phase, warm-up excluded.
    pub seconds: f64,
    /// Requests answered or failed in the measured phase.
    pub requests: u64,
    /// Answers that passed their check.
    pub ok: u64,
    /// Everything else, by cause: `403 AccessDenied`, `HTTP 502`, `200 without credentials`,
    /// `transport: connect`.
    pub errors: BTreeMap<String, u64>,
    /// Errors without an answer (connection failed, broke off or timed out).
    pub transport_errors: u64,
    /// Errors that were 5xx answers.
    pub server_errors: u64,
    /// Errors that were answers other than the request's own expected one.
    pub mismatches: u64,
    /// Requests of the warm-up, which `requests` leaves out.
    pub warmup_requests: u64,
    /// `mixed`: how many requests mock-sts itself counted during warm-up and measurement. With
    /// no transport error, it equals `warmup_requests + requests` when nothing was lost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mock_sts_counted: Option<u64>,
    /// `requests / seconds`.
    pub requests_per_second: f64,
    pub latency_ms: Latency,
}

/// Latency percentiles of every measured request, in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

impl Report {
    pub(super) fn new(options: &BenchOptions, target: String, tally: &Tally) -> Self {
        let seconds = tally.elapsed.as_secs_f64();
        let requests = tally.requests();
        let ms = |micros: u64| micros as f64 / 1000.0;
        let histogram = &tally.latency_us;
        Self {
            workload: options.workload.name().to_owned(),
            target,
            connections: options.connections,
            seconds,
            requests,
            ok: tally.ok,
            errors: tally.errors.clone(),
            transport_errors: tally.transport_errors,
            server_errors: tally.server_errors,
            mismatches: tally.mismatches,
            warmup_requests: 0,
            mock_sts_counted: None,
            requests_per_second: if seconds > 0.0 {
                requests as f64 / seconds
            } else {
                0.0
            },
            latency_ms: Latency {
                p50: ms(histogram.value_at_quantile(0.50)),
                p90: ms(histogram.value_at_quantile(0.90)),
                p99: ms(histogram.value_at_quantile(0.99)),
                max: ms(histogram.max()),
                mean: histogram.mean() / 1000.0,
            },
        }
    }

    /// Errors of every cause together.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// The report as a person reads it.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let l = &self.latency_ms;
        let _ = writeln!(
            out,
            "fedlab bench {}: {} connections, {:.2} s measured, target {}",
            self.workload, self.connections, self.seconds, self.target
        );
        let _ = writeln!(
            out,
            "  requests  {} ({} ok, {} errors)",
            self.requests,
            self.ok,
            self.error_count()
        );
        let _ = writeln!(
            out,
            "  failed    {} transport, {} 5xx, {} wrong answers",
            self.transport_errors, self.server_errors, self.mismatches
        );
        if let Some(counted) = self.mock_sts_counted {
            let sent = self.warmup_requests + self.requests;
            let verdict = if counted == sent {
                "equal"
            } else {
                "DIFFERENT"
            };
            let _ = writeln!(
                out,
                "  counted   mock-sts {counted}, sent {sent} ({} warm-up + {} measured): {verdict}",
                self.warmup_requests, self.requests
            );
        }
        let _ = writeln!(out, "  req/s     {:.1}", self.requests_per_second);
        let _ = writeln!(
            out,
            "  latency   p50 {:.3} ms  p90 {:.3} ms  p99 {:.3} ms  max {:.3} ms  mean {:.3} ms",
            l.p50, l.p90, l.p99, l.max, l.mean
        );
        if !self.errors.is_empty() {
            let _ = writeln!(out, "  errors");
            for (failure, count) in &self.errors {
                let _ = writeln!(out, "    {count:>9}  {failure}");
            }
        }
        out
    }
}
