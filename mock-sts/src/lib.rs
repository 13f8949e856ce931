//! mock-sts: an offline AWS STS + IAM that answers AssumeRoleWithWebIdentity exactly as AWS does.
//!
//! A second listener serves a minimal S3 (path-style; see the `s3` module and `docs/s3.md`).
//!
//! One endpoint speaks the AWS Query protocol for both services (dispatching on `Action` and
//! `Version`), as `aws --endpoint-url` and `AWS_ENDPOINT_URL_STS`/`_IAM` expect. Admin routes for
//! fedlab live under `/-/mock/`, apart from the emulated API.
//!
//! Start one with [`spawn`] (or build its [`axum::Router`] with [`app`]), read what it answered
//! with [`RunningSts::requests`], evaluate trust policies offline with [`policy`], and see which
//! answers are fedlab's choices rather than AWS's in [`unknowns`]. Start it with providers and
//! roles with [`Seed`] (`Config::seed`), and read them back with [`RunningSts::iam_state`] or
//! `GET /-/mock/state`.

mod admin;
// Public: `Config::admin` is one.
// The same file as mock-gitlab's: one `--admin` setting for both mocks.
#[path = "../../mock-gitlab/src/admin_access.rs"]
mod admin_access;
mod auth;
// Reading a request body with a cap and a deadline.
mod body;
// Hooks for the micro-benchmarks in benches/; not part of the API.
#[doc(hidden)]
pub mod bench_api;
mod caller_identity;
mod clock;
// Public for the paths fedlab already uses (`config::DEFAULT_*`); the crate root re-exports all of it.
mod config;
mod error;
mod errors;
// Hooks for the fuzz targets in fuzz/ and their replay tests; not part of the API.
#[doc(hidden)]
pub mod fuzz_api;
// `mock-sts healthcheck`: a probe of a running server, for container health checks.
mod health_probe;
// The HTTP/1.1 server loop both listeners run: header-read timeout, header size, peer address.
mod http_server;
mod iam;
mod iam_api;
mod ids;
mod jwt;
mod oidc;
mod outcome;
// The one decision for every data-plane call (S3) a session makes.
mod permissions;
pub mod policy;
mod query;
// Public for the path fedlab already uses (`request_log::LogEntry`); re-exported at the root.
mod request_log;
mod respond;
mod routes;
mod running;
mod s3;
mod seed;
mod seeding;
mod server;
mod service;
mod sessions;
mod sigv4;
mod state;
mod times;
mod trust_request;
pub mod unknowns;
mod validation;
mod web_identity;
mod wire_error;
mod xml;

use axum::Router;

pub use admin_access::{AdminAccess, ParseAdminAccessError};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{
    Config, DEFAULT_ACCOUNT_ID, DEFAULT_ADMIN_ACCESS_KEY_ID, DEFAULT_ADMIN_SECRET_ACCESS_KEY,
    DEFAULT_KEY_CACHE_CAPACITY, DEFAULT_REGION, DEFAULT_REQUEST_LOG_CAPACITY,
    DEFAULT_S3_MAX_OBJECT_SIZE, DEFAULT_S3_MAX_TOTAL_SIZE, DEFAULT_SESSION_CAPACITY,
};
pub use error::Error;
pub use errors::Confidence;
pub use health_probe::{HEALTHCHECK_TIMEOUT, HealthError, probe as probe_health};
pub use request_log::LogEntry;
pub use running::{Ready, RunningSts, spawn};
pub use seed::{
    PolicyText, Seed, SeedFormatError, SeedManagedPolicy, SeedPolicy, SeedProvider, SeedRole,
    SeedTag,
};
pub use trust_request::{
    ASSUME_ROLE_WITH_WEB_IDENTITY, ActionEvaluation, SET_SOURCE_IDENTITY, SessionTags, TAG_SESSION,
    TrustEvaluation, TrustRequest,
};

pub use wire_error::{WireError, read_session_claims};

use crate::state::Sts;

/// The JSON document of a built-in AWS managed policy (`arn:aws:iam::aws:policy/NAME`), which
/// `GET /-/mock/state` names by ARN only; `None` for any other ARN.
pub fn aws_managed_policy(arn: &str) -> Option<&'static str> {
    iam::aws_managed_document(arn)
}

/// Builds the router. `config.listen` only matters to [`spawn`]. A seeded provider without
/// thumbprints needs [`spawn`], which can connect to it to compute one as IAM does.
pub fn app(config: Config) -> Result<Router, Error> {
    let sts = Sts::build(config)?;
    if let Some(seed) = &sts.config.seed {
        seeding::apply(&sts, seed)?;
    }
    sts.mark_start();
    Ok(routes::router(sts))
}
