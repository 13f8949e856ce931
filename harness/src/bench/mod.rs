//! `fedlab bench`: a load generator built into fedlab, for the in-process federation or any
//! STS-compatible endpoint.
//!
//! A fixed number of keep-alive HTTP/1.1 connections (one reqwest pool) each send one request at
//! a time, first for a warm-up that is not counted, then for a duration or a number of requests.
//! Everything a request needs (tokens, credentials, objects to read) is prepared before the
//! clock starts; only what a real client does per call (SigV4 signing) happens inside it. Every
//! answer counted is checked, so a fast server that answers nonsense is not fast: a 200 without
//! credentials is an error.

mod driver;
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
    let prepared = setup::prepare(options).await?;
    let plan = std::sync::Arc::new(prepared.plan);
    if !options.warmup.is_zero() {
        driver::drive(
            &plan,
            &prepared.client,
            options.connections,
            Stop::After(options.warmup),
        )
        .await
        .map_err(BenchError::Setup)?;
    }
    let tally = driver::drive(&plan, &prepared.client, options.connections, options.stop)
        .await
        .map_err(BenchError::Setup)?;
    // The federation (when in-process) lives until the measurement is over.
    drop(prepared.federation);
    Ok(Report::new(options, prepared.target, &tally))
}
