//! The claims of a decoded token that STS reads, once they are known to be there.

use crate::errors::AwsError;
use crate::jwt::Jwt;
use crate::trust_request::SessionTags;
use crate::unknowns;
use crate::web_identity::session_claims;

/// What the later checks need from the token's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Claims {
    /// `iss` as written (a non-string `iss` as its JSON text, which then matches no provider).
    pub(super) issuer: String,
    pub(super) subject: String,
    pub(super) exp: i64,
    pub(super) nbf: Option<i64>,
    /// `iat`, when present (checked only against the future, `unknowns::REFUSE_FUTURE_IAT`).
    pub(super) iat: Option<i64>,
    /// `aud` as a list: one string, or the strings of an array.
    pub(super) audiences: Vec<String>,
    /// `https://aws.amazon.com/tags`, when present.
    pub(super) session_tags: Option<SessionTags>,
    /// `https://aws.amazon.com/source_identity`, when present.
    pub(super) source_identity: Option<String>,
}

impl Claims {
    /// The required claims in the order they are reported, the timestamps' types, then the
    /// session tags and source identity.
    pub(super) fn read(jwt: &Jwt<'_>) -> Result<Self, AwsError> {
        for claim in unknowns::REQUIRED_CLAIMS {
            if !jwt.claims.contains_key(*claim) {
                return Err(AwsError::MissingClaim { claim });
            }
        }
        let exp = jwt.timestamp("exp")?.unwrap_or_default();
        let nbf = jwt.timestamp("nbf")?;
        let iat = jwt.timestamp("iat")?;
        let issuer = match jwt.claim_str("iss") {
            Some(issuer) => issuer.to_owned(),
            None => jwt
                .claims
                .get("iss")
                .map(ToString::to_string)
                .unwrap_or_default(),
        };
        Ok(Self {
            issuer,
            subject: jwt.claim_str("sub").unwrap_or_default().to_owned(),
            exp,
            nbf,
            iat,
            audiences: jwt.audiences().into_iter().map(str::to_owned).collect(),
            session_tags: lenient(session_claims::session_tags(&jwt.claims))?,
            source_identity: lenient(session_claims::source_identity(&jwt.claims))?,
        })
    }
}

/// A malformed session claim refused, or read as absent when `unknowns` says so.
fn lenient<T>(read: Result<Option<T>, AwsError>) -> Result<Option<T>, AwsError> {
    match read {
        Err(_) if !unknowns::REFUSE_MALFORMED_SESSION_CLAIMS => Ok(None),
        other => other,
    }
}
