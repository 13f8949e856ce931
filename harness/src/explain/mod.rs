//! `fedlab explain`: would this token (or these claims) get past this trust policy, and why not?
//!
//! Offline and without a server: the claims are turned into exactly the request context mock-sts
//! builds for AssumeRoleWithWebIdentity ([`mock_sts::TrustRequest`]: only the issuer's `aud` and
//! `sub` and the global keys, the condition keys AWS exposes for a self-managed issuer), the
//! policy is evaluated by mock-sts's engine, and the trace says statement by statement and
//! condition by condition why. A token is decoded, never verified.
//!
//! ```
//! use fedlab::explain::{ExplainOptions, claims_from_pairs, explain};
//! let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!   "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},
//!   "Action": "sts:AssumeRoleWithWebIdentity",
//!   "Condition": {"StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:*"}}}]}"#;
//! let claims = claims_from_pairs(&[
//!     "iss=https://gitlab.example.com",
//!     "aud=sts.amazonaws.com",
//!     "sub=project_path:mygroup/myproject:ref_type:branch:ref:main",
//! ])?;
//! let explanation = explain(policy, &claims, &ExplainOptions::at(time::OffsetDateTime::UNIX_EPOCH))?;
//! assert!(!explanation.allowed);
//! assert_eq!(explanation.suggestion().map(|hint| hint.kind), Some("use-string-like"));
//! # Ok::<(), fedlab::explain::ExplainError>(())
//! ```

mod decide;
mod hints;
mod input;
mod model;
mod render;

use mock_sts::policy::{self, PolicyDocument, PolicyKind, PrincipalKind, PrincipalSet};
use mock_sts::{DEFAULT_ACCOUNT_ID, DEFAULT_REGION, TrustRequest, WireError, read_session_claims};
use serde_json::{Map, Value};
use time::OffsetDateTime;

pub use input::{claims_from_json, claims_from_pairs, decode_token};
pub use model::{Answer, Claims, ClaimsSource, ExplainError, ExplainOptions, Explanation, Hint};
pub use render::text;

use crate::lint::issuer_host;
use crate::lint::oidc_provider_host;

impl ExplainOptions {
    /// Defaults (issuer from `iss`, the default account, session name `fedlab`, mock-sts's
    /// default region) at the time `now`.
    pub fn at(now: OffsetDateTime) -> Self {
        Self {
            issuer: None,
            provider_arn: None,
            role_arn: None,
            session_name: crate::DEFAULT_SESSION_NAME.to_owned(),
            now,
            region: DEFAULT_REGION.to_owned(),
        }
    }
}

/// Evaluates `policy_text` against the request AWS would build from `claims`.
pub fn explain(
    policy_text: &str,
    claims: &Claims,
    options: &ExplainOptions,
) -> Result<Explanation, ExplainError> {
    let document = parse(policy_text)?;
    let iss = claims.claims.get("iss").and_then(Value::as_str);
    let issuer = options
        .issuer
        .as_deref()
        .or(iss)
        .ok_or(ExplainError::NoIssuer)?
        .to_owned();
    let host = issuer_host(&issuer);
    let provider_arn = match (&options.provider_arn, &options.role_arn) {
        (Some(arn), _) => arn.clone(),
        (None, Some(role_arn)) => {
            let account = role_arn
                .split(':')
                .nth(4)
                .filter(|account| !account.is_empty())
                .unwrap_or(DEFAULT_ACCOUNT_ID);
            format!("arn:aws:iam::{account}:oidc-provider/{host}")
        }
        // Without an account given, the policy's own provider for this issuer is the one the
        // user means: judging it against another account would only report a false mismatch.
        (None, None) => trusted_provider_for(&document, &host)
            .unwrap_or_else(|| format!("arn:aws:iam::{DEFAULT_ACCOUNT_ID}:oidc-provider/{host}")),
    };
    let (session_tags, source_identity) =
        read_session_claims(&claims.claims).map_err(|wire| ExplainError::SessionClaims {
            code: wire.code,
            message: wire.message.unwrap_or_default(),
        })?;
    let request = TrustRequest {
        provider_arn: provider_arn.clone(),
        provider_host: host.clone(),
        audiences: audiences(&claims.claims)?,
        subject: string_claim(&claims.claims, "sub")?,
        session_name: options.session_name.clone(),
        now: options.now,
        region: options.region.clone(),
        session_tags,
        source_identity,
    };
    let evaluation = decide::evaluate(&document, &request);
    let hints = hints::hints(&document, &request, &evaluation);
    let allowed = evaluation.decision.is_allow();
    let answer = (!allowed).then(|| {
        let wire = WireError::trust_policy_denied();
        Answer {
            status: wire.status,
            code: wire.code,
            message: wire.message,
        }
    });
    Ok(Explanation {
        verified: false,
        claims_source: claims.source,
        header: claims.header.clone(),
        issuer,
        context: context(&document, &request),
        not_exposed: claims
            .claims
            .keys()
            .filter(|claim| *claim != "aud" && *claim != "sub")
            .cloned()
            .collect(),
        issuer_host: host,
        provider_arn,
        role_arn: options.role_arn.clone(),
        decision: evaluation.decision.name(),
        allowed,
        answer,
        evaluation,
        hints,
    })
}

/// The first `Federated` principal of the policy that is the IAM OIDC provider for `host`.
fn trusted_provider_for(document: &PolicyDocument, host: &str) -> Option<String> {
    document
        .statements
        .iter()
        .filter_map(|statement| statement.principal.as_ref())
        .filter(|principal| !principal.negated)
        .filter_map(|principal| match &principal.principals {
            PrincipalSet::Listed(entries) => Some(entries),
            PrincipalSet::Anyone => None,
        })
        .flatten()
        .filter(|entry| entry.kind == PrincipalKind::Federated)
        .find(|entry| oidc_provider_host(&entry.value) == Some(host))
        .map(|entry| entry.value.clone())
}

fn parse(policy_text: &str) -> Result<PolicyDocument, ExplainError> {
    policy::parse(policy_text, PolicyKind::Trust).map_err(|error| {
        let wire = WireError::malformed_trust_policy(&error);
        ExplainError::Policy {
            code: wire.code,
            message: wire.message.unwrap_or_default(),
            reason: error.to_string(),
        }
    })
}

fn audiences(claims: &Map<String, Value>) -> Result<Vec<String>, ExplainError> {
    let not_strings = ExplainError::ClaimType {
        claim: "aud",
        expected: "a string or an array of strings",
    };
    match claims.get("aud") {
        None => Err(ExplainError::MissingClaim("aud")),
        Some(Value::String(aud)) => Ok(vec![aud.clone()]),
        Some(Value::Array(values)) => values
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or(not_strings),
        Some(_) => Err(not_strings),
    }
}

fn string_claim(claims: &Map<String, Value>, name: &'static str) -> Result<String, ExplainError> {
    match claims.get(name) {
        None => Err(ExplainError::MissingClaim(name)),
        Some(Value::String(value)) => Ok(value.clone()),
        Some(_) => Err(ExplainError::ClaimType {
            claim: name,
            expected: "a string",
        }),
    }
}

/// The issuer's keys, and the global keys the policy names (so the output shows the clock only
/// when the policy tests it).
fn context(document: &PolicyDocument, request: &TrustRequest) -> Map<String, Value> {
    let prefix = format!("{}:", request.provider_host);
    let named = |key: &str| {
        document
            .statements
            .iter()
            .flat_map(|s| &s.conditions)
            .any(|c| c.key.eq_ignore_ascii_case(key))
    };
    request
        .context()
        .keys()
        .filter(|(key, _)| key.starts_with(&prefix) || named(key))
        .map(|(key, values)| (key.to_owned(), Value::from(values.to_vec())))
        .collect()
}
