//! An offline stand-in for a GitLab instance's CI OIDC issuer: discovery document, JWKS,
//! health check, and a mint API that produces GitLab-shaped CI ID tokens, all served over
//! HTTPS with a generated root -> intermediate -> leaf chain.
//!
//! [`spawn`] runs it in-process; [`MintRequest`] and [`MintResponse`] are the mint API's
//! JSON bodies. [`Config::gitlab_version`] picks the GitLab release to imitate
//! ([`list_versions`] says what changes when). docs/gitlab-behaviour.md records which GitLab behaviour each part copies.

// Module dependencies point one way: `server` -> `routes` -> the handlers (`discovery`,
// `mint`, `key_routes`) -> `state` and `key_setup` -> the pure modules (`claims`, `profile`,
// `keys`, `issuer`, `tls`, `paths`, `version`).
mod claims;
mod config;
mod discovery;
mod error;
mod issuer;
mod key_routes;
mod key_setup;
mod keys;
mod mint;
mod paths;
mod profile;
mod routes;
mod server;
mod state;
mod tls;
mod version;

pub use claims::{
    Audience, EnvironmentSpec, MintRequest, MintResponse, RefType, TokenKind, UserIdentity,
};
pub use config::{Clock, Config, FixedClock, SystemClock};
pub use error::Error;
pub use key_setup::generate_key_pem;
pub use keys::{KeyKind, SigningAlgorithm};
pub use profile::list_versions;
pub use server::{Ready, RunningGitlab, app, spawn};
pub use version::GitlabVersion;
