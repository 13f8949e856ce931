//! `fedlab bench`: a load generator built into fedlab, for the in-process federation or any
//! STS-compatible endpoint.
//!
//! A fixed number of keep-alive HTTP/1.1 connections (one reqwest pool) each send one request at
//! a time, first for a warm-up that is not counted, then for a duration or a number of requests.
//! Everything a request needs (tokens, credentials, objects to read) is prepared before the
//! clock starts; only what a real client does per call (SigV4 signing) happens inside it. Every
//! answer counted is checked, so a fast server that answers nonsense is not fast: a 200 without
//! credentials is an error.

mod answer;
mod driver;
mod mixed;
mod mixed_setup;
mod options;
mod plan;
mod report;
mod setup;
mod sign;

pub use options::{BenchError, BenchOptions, Endpoint, Stop, Workload, parse_duration};
pub use report::{Latency, Report};

/// Prepares the workload (outside the measurement), warms up, measures, and reports.
pub async fn run(options: &BenchOptions) -> Result<Report, BenchError> {
    if options.connections == 0 {
        return Err(BenchError::Options(
            "--connections must be at least 1".to_owned(),
        ));
    }
    let prepared = match options.workload {
        Workload::Mixed => mixed_setup::prepare(options).await?,
        _ => setup::prepare(options).await?,
    };
    let counter = prepared.counter_url.as_deref();
    let counted_before = count_answered(&prepared.client, counter).await?;
    let plan = std::sync::Arc::new(prepared.plan);
    let mut warmup_requests = 0;
    if !options.warmup.is_zero() {
        let warmup = driver::drive(
            &plan,
            &prepared.client,
            options.connections,
            Stop::After(options.warmup),
        )
        .await
        .map_err(BenchError::Setup)?;
        warmup_requests = warmup.requests();
    }
    let tally = driver::drive(&plan, &prepared.client, options.connections, options.stop)
        .await
        .map_err(BenchError::Setup)?;
    let counted_after = count_answered(&prepared.client, counter).await?;
    // The federation (when in-process) lives until the measurement is over.
    drop(prepared.federation);
    let mut report = Report::new(options, prepared.target, &tally);
    report.warmup_requests = warmup_requests;
    report.mock_sts_counted = counted_before
        .zip(counted_after)
        .map(|(before, after)| after.saturating_sub(before));
    Ok(report)
}

/// mock-sts's running total of requests it answered (its admin routes are not counted), read
/// from its request log's header; `None` without a counter to read.
async fn count_answered(
    client: &reqwest::Client,
    counter_url: Option<&str>,
) -> Result<Option<u64>, BenchError> {
    let Some(url) = counter_url else {
        return Ok(None);
    };
    let failed = |reason: String| BenchError::Setup(format!("reading {url}: {reason}"));
    let answer = client
        .get(url)
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    answer
        .headers()
        .get("x-mock-requests-total")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .map(Some)
        .ok_or_else(|| failed("no x-mock-requests-total header".to_owned()))
}
