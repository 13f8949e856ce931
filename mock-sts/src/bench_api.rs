//! Hooks for mock-sts's micro-benchmarks (`benches/`): each runs one step of the request path
//! with the code the server runs, on inputs prepared up front. Not part of the API: it may change
//! with any release.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use rustls::RootCertStore;
use time::Duration;

use crate::auth;
use crate::clock::FixedClock;
use crate::config::Config;
use crate::jwt::Jwt;
use crate::oidc::{KeyFetcher, VerifyingKey};
use crate::query::Params;
use crate::service::Service;
use crate::sessions::{Grant, SessionPolicies};
use crate::sigv4;
use crate::state::Sts;
use crate::web_identity::SuccessAnswer;

/// The AssumeRoleWithWebIdentity signature check with one issuer key.
#[derive(Debug)]
pub struct TokenVerifier {
    key: VerifyingKey,
}

impl TokenVerifier {
    /// `jwk` is one key of a JWKS, as JSON; `None` when it is not a JWK.
    pub fn new(jwk: &str) -> Option<Self> {
        serde_json::from_str(jwk).ok().map(|jwk| Self {
            key: VerifyingKey::new(jwk),
        })
    }

    /// Decodes `token` and checks its signature as the `Signature` check does.
    pub fn verify(&self, token: &str) -> bool {
        Jwt::decode(token).is_ok_and(|jwt| self.key.verifies(&jwt))
    }
}

/// Decodes a Query request's form body as the front end does and reads its `Action`.
pub fn parse_form(body: &str) -> Option<String> {
    Params::parse(body).get("Action").map(str::to_owned)
}

/// A mock-sts whose clock stands at `now` (Unix seconds), to verify signed calls against.
#[derive(Debug)]
pub struct SignedCalls {
    sts: Sts,
}

impl SignedCalls {
    pub fn new(now: i64) -> Self {
        let mut config = Config::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        config.clock = Arc::new(FixedClock(now));
        Self {
            sts: Sts::new(config, KeyFetcher::new(RootCertStore::empty(), 1)),
        }
    }

    /// Authenticates a signed STS call (SigV4 with the admin keys or a session) as the server
    /// does before GetCallerIdentity; `true` when it would be answered.
    pub fn verify_sts(&self, request: &http::Request<Vec<u8>>) -> bool {
        let request = sigv4::Request {
            method: request.method(),
            path: request.uri().path(),
            query: request.uri().query(),
            headers: request.headers(),
            body: request.body(),
        };
        auth::authenticate(&self.sts, &request, Service::Sts)
            .caller
            .is_ok()
    }
}

/// The XML of a successful AssumeRoleWithWebIdentity for a fixed token and session.
#[derive(Debug)]
pub struct AssumeRoleAnswer {
    answer: SuccessAnswer,
}

impl AssumeRoleAnswer {
    /// A session of an hour for role `gitlab-ci` in the default account, with the claims of
    /// `token` (decoded, not verified); `None` when the token lacks a required claim.
    pub fn new(token: &str, provider_arn: &str) -> Option<Self> {
        let sts = SignedCalls::new(1_700_000_000).sts;
        let now = sts.config.clock.now();
        let session = sts
            .sessions
            .issue(
                Grant {
                    account: &sts.config.account_id,
                    role_name: "gitlab-ci",
                    role_arn: "arn:aws:iam::123456789012:role/gitlab-ci",
                    role_id: "AROAEXAMPLEEXAMPLE123",
                    role_session_name: "GitLabRunner-42-574",
                    provider_arn,
                    expiration: now + Duration::hours(1),
                    policies: SessionPolicies::default(),
                    tags: Vec::new(),
                    source_identity: None,
                },
                now,
            )
            .ok()?;
        let answer = SuccessAnswer::new(token, session, provider_arn).ok()?;
        Some(Self { answer })
    }

    pub fn render(&self, request_id: &str) -> String {
        self.answer.render(request_id)
    }
}
