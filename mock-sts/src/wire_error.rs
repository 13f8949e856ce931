//! What offline tools (`fedlab lint`, `fedlab explain`) need from mock-sts to say what AWS would
//! answer without a server: the answer's wire form, spelled by the one error table, and the
//! token's session claims read exactly as AssumeRoleWithWebIdentity reads them.

use serde_json::{Map, Value};

use crate::errors::{self, AwsError, MalformedPolicy};
use crate::policy;
use crate::trust_request::SessionTags;
use crate::web_identity::session_claims;

/// An AWS error answer as it goes on the wire: HTTP status, `<Code>` and `<Message>` (`None` when
/// AWS sends no message), spelled by mock-sts's one error table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    pub status: u16,
    pub code: &'static str,
    pub message: Option<String>,
}

impl WireError {
    fn from_aws(error: &AwsError) -> Self {
        Self {
            status: error.status().as_u16(),
            code: error.code(),
            message: error.message(),
        }
    }

    /// What IAM answers at `CreateRole` / `UpdateAssumeRolePolicy` for a trust policy that
    /// [`policy::parse`] refuses with `error` (`MalformedPolicyDocument` and its message).
    pub fn malformed_trust_policy(error: &policy::PolicyError) -> Self {
        Self::from_aws(&AwsError::MalformedPolicyDocument(MalformedPolicy::from(
            error,
        )))
    }

    /// What STS answers to AssumeRoleWithWebIdentity when the trust policy does not allow the
    /// request (`AccessDenied`).
    pub fn trust_policy_denied() -> Self {
        Self::from_aws(&errors::AwsError::WebIdentityAccessDenied)
    }

    /// What STS answers to AssumeRoleWithWebIdentity for a token that is not three base64url
    /// JSON-object parts (`InvalidIdentityToken`).
    pub fn not_a_jwt() -> Self {
        Self::from_aws(&AwsError::NotAJwt)
    }

    /// What STS answers for a token whose signature or algorithm no issuer key verifies.
    pub fn invalid_signature() -> Self {
        Self::from_aws(&AwsError::InvalidSignature)
    }

    /// What STS answers when the issuer's key for the token cannot be had (unreachable issuer,
    /// unknown `kid`, unusable JWKS).
    pub fn verification_key_unavailable() -> Self {
        Self::from_aws(&AwsError::VerificationKeyUnavailable)
    }

    /// What STS answers for an `exp`, `nbf` or `iat` that is not an integer.
    pub fn invalid_timestamp() -> Self {
        Self::from_aws(&AwsError::InvalidTimestamp)
    }

    /// What STS answers for a token whose `nbf` lies beyond the leeway in the future.
    pub fn token_not_yet_valid() -> Self {
        Self::from_aws(&AwsError::TokenNotYetValid)
    }

    /// What STS answers for a token none of whose `aud` values is a client ID of the provider.
    pub fn incorrect_audience() -> Self {
        Self::from_aws(&AwsError::IncorrectAudience)
    }

    /// What STS answers for a token whose `iss` names no IAM OIDC provider of the account.
    pub fn no_provider_for(issuer: &str) -> Self {
        Self::from_aws(&AwsError::NoOpenIdConnectProvider {
            issuer: issuer.to_owned(),
        })
    }

    /// What STS answers for a token that lacks `claim` (one of `aud`, `sub`, `iss`, `exp`).
    pub fn missing_claim(claim: &'static str) -> Self {
        Self::from_aws(&AwsError::MissingClaim { claim })
    }

    /// What STS answers for a token that expired before `now` (both Unix seconds).
    pub fn token_expired(now: i64, exp: i64) -> Self {
        Self::from_aws(&AwsError::TokenExpired { now, exp })
    }
}

/// The session tags (`https://aws.amazon.com/tags`) and source identity
/// (`https://aws.amazon.com/source_identity`) in a token's claims, or the answer STS gives to a
/// token whose session claims break AWS's documented shape or limits.
pub fn read_session_claims(
    claims: &Map<String, Value>,
) -> Result<(Option<SessionTags>, Option<String>), WireError> {
    let tags = session_claims::session_tags(claims).map_err(|e| WireError::from_aws(&e))?;
    let source_identity =
        session_claims::source_identity(claims).map_err(|e| WireError::from_aws(&e))?;
    Ok((tags, source_identity))
}
