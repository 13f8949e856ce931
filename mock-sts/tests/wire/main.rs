//! mock-sts's answers on the wire, byte for byte, over real HTTP against `mock_sts::spawn`, with
//! an in-process mock-gitlab as the OIDC issuer over HTTPS. Error bodies are compared to literal
//! AWS bytes; success bodies are insta snapshots with a fixed clock and a fixed signing key,
//! secrets and request IDs filtered. One test binary, themed modules, shared `support`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose: a panic is the failure report"
)]

mod admin_access;
mod attacks;
mod bounded;
mod hostile;
mod iam;
mod iam_managed;
mod iam_providers;
mod iam_roles;
mod protocol;
mod raw_http;
mod request_log;
mod reset;
mod s3;
mod s3_support;
mod seed;
mod session_policies;
mod session_tags;
mod signed;
mod support;
mod web_identity;
