//! An offline stand-in for a GitLab instance's CI OIDC issuer: discovery document, JWKS,
//! health check, and a mint API that produces GitLab-shaped CI ID tokens, all served over
//! HTTPS with a generated root -> intermediate -> leaf chain.
//!
//! [`spawn`] runs it in-process; [`MintRequest`] and [`MintResponse`] are the mint API's
//! JSON bodies. [`Config::gitlab_version`] picks the GitLab release to imitate
//! ([`list_versions`] says what changes when); [`Fault`]s make the issuer fail the way real
//! instances fail relying parties, and [`IssuerRequest`]s record what it saw.
//! docs/gitlab-behaviour.md records which GitLab behaviour each part copies.

// Module dependencies point one way: `server` -> `routes` -> the handlers (`discovery`,
// `mint`, `key_routes`, `mock_api`) and the `fault_layer` middleware -> `state`, `reset`,
// `key_setup` and the pure modules (`claims`, `profile`, `keys`, `issuer`, `faults`,
// `fault_bodies`, `request_log`, `connections`, `paths`, `version`); `server` -> `tls` ->
// `pki_store` -> `pki`; `health_probe` -> `issuer`, `paths`, `pki_store`, `tls` (a client;
// nothing depends on it).
// Hooks for the micro-benchmarks in benches/; not part of the API.
#[doc(hidden)]
pub mod bench_api;
// Public: `Config::admin` is one.
mod admin_access;
// Every request's body, read with a cap and a deadline before any handler sees it.
mod body_guard;
mod claims;
mod config;
mod connections;
mod discovery;
mod error;
mod fault_bodies;
mod fault_layer;
mod faults;
// `mock-gitlab healthcheck`: a probe of a running server, for container health checks.
mod health_probe;
mod issuer;
mod key_routes;
mod key_setup;
mod keys;
mod mint;
mod mock_api;
mod paths;
mod pki;
mod pki_store;
mod profile;
mod request_log;
mod reset;
mod routes;
mod server;
mod state;
mod tls;
mod version;

pub use admin_access::{AdminAccess, ParseAdminAccessError};
pub use claims::{
    Audience, EnvironmentSpec, MintRequest, MintResponse, RefType, TokenKind, UserIdentity,
};
pub use config::{
    Clock, Config, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, FixedClock,
    MAX_BODY_BYTES, SystemClock,
};
pub use error::Error;
pub use faults::{Fault, ParseFaultError};
pub use health_probe::{HEALTHCHECK_TIMEOUT, HealthError, HealthProbe, probe as probe_health};
pub use key_setup::generate_key_pem;
pub use keys::{KeyKind, SigningAlgorithm};
pub use profile::list_versions;
pub use request_log::IssuerRequest;
pub use server::{Ready, RunningGitlab, app, spawn};
pub use version::GitlabVersion;
