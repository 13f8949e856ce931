//! An offline stand-in for a GitLab instance's CI OIDC issuer: discovery document, JWKS,
//! health check, and a mint API that produces GitLab-shaped CI ID tokens, all served over
//! HTTPS with a generated root -> intermediate -> leaf chain.
//!
//! [`spawn`] runs it in-process; [`MintRequest`] and [`MintResponse`] are the mint API's
//! JSON bodies. docs/gitlab-behaviour.md records which GitLab behaviour each part copies.

// Module dependencies point one way: `server` -> `routes` -> the handlers (`discovery`,
// `mint`) -> `state` and the pure modules (`claims`, `keys`, `issuer`, `paths`);
// `server` -> `tls` -> `pki_store` -> `pki`.
mod claims;
mod config;
mod discovery;
mod error;
mod issuer;
mod keys;
mod mint;
mod paths;
mod pki;
mod pki_store;
mod routes;
mod server;
mod state;
mod tls;

pub use claims::{
    Audience, EnvironmentSpec, MintRequest, MintResponse, RefType, TokenKind, UserIdentity,
};
pub use config::{Clock, Config, FixedClock, SystemClock};
pub use error::Error;
pub use server::{Ready, RunningGitlab, app, spawn};
