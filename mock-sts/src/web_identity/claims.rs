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

/// A check's refusal: the error AWS answers, and what the request log says about it.
#[derive(Debug)]
pub(super) struct Refused {
    pub(super) error: AwsError,
    pub(super) detail: Option<String>,
}

impl Claims {
    /// `exp` (with `unknowns::EXPIRY_LEEWAY_SECS`) and `nbf` (with
    /// `unknowns::NOT_BEFORE_LEEWAY_SECS`) allow `now`. The sums saturate, which decides every
    /// comparison as exact arithmetic would: a timestamp is any integer the token carries, and an
    /// `exp` within the leeway of `i64::MAX` is a token far from expiry, not an overflow (a panic
    /// in a debug build and "expired" in a release build; the `jwt` fuzz target crashed on it).
    /// The session tags' key-value pairs (none without the tags claim).
    pub(super) fn tag_pairs(&self) -> Vec<(String, String)> {
        self.session_tags
            .as_ref()
            .map(|t| t.tags.clone())
            .unwrap_or_default()
    }

    pub(super) fn check_lifetime(&self, now: i64) -> Result<(), Refused> {
        if now >= self.exp.saturating_add(unknowns::EXPIRY_LEEWAY_SECS) {
            return Err(Refused {
                error: AwsError::TokenExpired { now, exp: self.exp },
                detail: None,
            });
        }
        if let Some(nbf) = self.nbf
            && nbf > now.saturating_add(unknowns::NOT_BEFORE_LEEWAY_SECS)
        {
            return Err(Refused {
                error: AwsError::TokenNotYetValid,
                detail: Some(format!("nbf {nbf} is after now {now}")),
            });
        }
        if let Some(iat) = self.iat
            && unknowns::REFUSE_FUTURE_IAT
            && iat > now.saturating_add(unknowns::NOT_BEFORE_LEEWAY_SECS)
        {
            return Err(Refused {
                error: AwsError::TokenNotYetValid,
                detail: Some(format!("iat {iat} is after now {now}")),
            });
        }
        Ok(())
    }
}

/// The header checks made before any key is fetched: an algorithm outside the allowed list or a
/// critical header extension, which no key could verify.
pub(super) fn check_header(jwt: &Jwt<'_>) -> Result<(), Refused> {
    let alg = jwt.header_str("alg").unwrap_or_default();
    if !unknowns::ALLOWED_ALGORITHMS.contains(&alg) {
        return Err(Refused {
            error: AwsError::InvalidSignature,
            detail: Some(format!("alg {alg:?} is not accepted")),
        });
    }
    // No extension is understood here, so any critical one makes the token invalid.
    if unknowns::REFUSE_CRITICAL_HEADER_PARAMETERS && jwt.header.contains_key("crit") {
        return Err(Refused {
            error: AwsError::InvalidSignature,
            detail: Some("header has crit, and no extension is understood".to_owned()),
        });
    }
    Ok(())
}

/// A malformed session claim refused, or read as absent when `unknowns` says so.
fn lenient<T>(read: Result<Option<T>, AwsError>) -> Result<Option<T>, AwsError> {
    match read {
        Err(_) if !unknowns::REFUSE_MALFORMED_SESSION_CLAIMS => Ok(None),
        other => other,
    }
}
