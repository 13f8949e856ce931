//! What `fedlab explain` reads and what it answers, serialised as-is for `--json`.

use mock_sts::policy::Evaluation;
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// Why an explanation could not be made: bad input, not a denial.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("the token is not a JWT (header.payload.signature): {0}")]
    NotAJwt(String),
    #[error("the {part} of the token is not base64url-encoded JSON: {reason}")]
    TokenPart { part: &'static str, reason: String },
    #[error("the claims are not a JSON object: {0}")]
    Claims(String),
    #[error("--claim {0:?} is not key=value")]
    ClaimArgument(String),
    #[error("no issuer: the claims have no iss; pass --issuer URL")]
    NoIssuer,
    #[error(
        "the claims have no {0}: AWS refuses such a token before it evaluates the trust policy"
    )]
    MissingClaim(&'static str),
    #[error("the claim {claim} is not {expected}")]
    ClaimType {
        claim: &'static str,
        expected: &'static str,
    },
    /// STS refuses the token's session tags or source identity before it evaluates the trust
    /// policy; `message` is STS's answer as mock-sts spells it.
    #[error("STS refuses this token's session claims: {code} {message:?}")]
    SessionClaims { code: &'static str, message: String },
    /// IAM would refuse the policy; `message` is IAM's answer as mock-sts spells it.
    #[error("IAM refuses this policy: {code} {message:?} ({reason}); `fedlab lint` says more")]
    Policy {
        code: &'static str,
        message: String,
        reason: String,
    },
}

/// Where the claims came from. A token is decoded, never verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimsSource {
    Token,
    ClaimsFile,
    ClaimArguments,
}

/// The claims of one token (or of a hand-written claim set).
#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    pub source: ClaimsSource,
    /// The token's JOSE header, when the claims come from a token.
    pub header: Option<Map<String, Value>>,
    pub claims: Map<String, Value>,
}

/// What AWS knows besides the claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainOptions {
    /// Issuer URL or host; default: the `iss` claim.
    pub issuer: Option<String>,
    /// Default `arn:aws:iam::<account>:oidc-provider/<host>`, the account being the role's (from
    /// `role_arn`); without a role ARN, the policy's own `Federated` provider for the issuer, or
    /// else mock-sts's default account.
    pub provider_arn: Option<String>,
    pub role_arn: Option<String>,
    pub session_name: String,
    pub now: OffsetDateTime,
    pub region: String,
}

/// A change that may turn the denial into an allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hint {
    /// `use-string-like`, `aud-mismatch`, `sub-mismatch`, `principal-mismatch`,
    /// `unexposed-claim`, `other-issuer-key`, `explicit-deny`, `action-mismatch`.
    pub kind: &'static str,
    pub statement: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The fix was applied to a copy of the policy and the request was then allowed.
    pub verified: bool,
}

/// AWS's answer to the call when the policy denies it, as mock-sts's error table spells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub status: u16,
    pub code: &'static str,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Always false: the token's signature, expiry and issuer keys are not checked.
    pub verified: bool,
    pub claims_source: ClaimsSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<Map<String, Value>>,
    pub issuer: String,
    /// The condition-key prefix: the issuer without `https://`.
    pub issuer_host: String,
    pub provider_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// The request's condition keys the policy can test: the issuer's `aud` and `sub`, and the
    /// global keys the policy names.
    pub context: Map<String, Value>,
    /// Claims AWS does not expose as condition keys (they reach a policy only through `sub`).
    pub not_exposed: Vec<String>,
    /// `Allow`, `ExplicitDeny` or `ImplicitDeny`.
    pub decision: &'static str,
    pub allowed: bool,
    /// What AWS answers when denied; `None` when allowed.
    pub answer: Option<Answer>,
    pub evaluation: Evaluation,
    pub hints: Vec<Hint>,
}

impl Explanation {
    /// The one verified change that turns the denial into an allow, if there is one.
    pub fn suggestion(&self) -> Option<&Hint> {
        self.hints.iter().find(|hint| hint.verified)
    }
}
