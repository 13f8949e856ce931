//! The claims of a decoded token that STS reads, once they are known to be there.

use crate::errors::AwsError;
use crate::jwt::Jwt;
use crate::unknowns;

/// What the later checks need from the token's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Claims {
    /// `iss` as written (a non-string `iss` as its JSON text, which then matches no provider).
    pub(super) issuer: String,
    pub(super) subject: String,
    pub(super) exp: i64,
    pub(super) nbf: Option<i64>,
    /// `aud` as a list: one string, or the strings of an array.
    pub(super) audiences: Vec<String>,
}

impl Claims {
    /// The required claims in the order they are reported, then the timestamps' types.
    pub(super) fn read(jwt: &Jwt<'_>) -> Result<Self, AwsError> {
        for claim in unknowns::REQUIRED_CLAIMS {
            if !jwt.claims.contains_key(*claim) {
                return Err(AwsError::MissingClaim { claim });
            }
        }
        let exp = jwt.timestamp("exp")?.unwrap_or_default();
        let nbf = jwt.timestamp("nbf")?;
        jwt.timestamp("iat")?;
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
            audiences: jwt.audiences().into_iter().map(str::to_owned).collect(),
        })
    }
}
