//! What a claim set needs besides the request: the issuer, the time and a token id.

use crate::issuer::Issuer;
use crate::profile::Profile;

use super::error::ClaimsError;

/// `Gitlab::Ci::Jwt::DEFAULT_EXPIRE_TIME` (`lib/gitlab/ci/jwt.rb`), used when a job has no
/// timeout.
pub(crate) const DEFAULT_EXPIRES_IN: i64 = 300;

/// `Gitlab::Ci::Jwt::NOT_BEFORE_TIME`: `nbf` is backdated to allow for clock skew.
pub(crate) const NOT_BEFORE_SKEW: i64 = 5;

/// Inputs that are not part of the request. Passed in so building stays pure.
#[derive(Debug, Clone)]
pub(crate) struct MintContext<'a> {
    pub(crate) issuer: &'a Issuer,
    /// The GitLab release whose claim set, order and issuer rules apply.
    pub(crate) profile: &'a Profile,
    pub(crate) now: i64,
    pub(crate) jti: String,
}

/// `iat`, `nbf` and `exp` of one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lifetime {
    pub(crate) iat: i64,
    pub(crate) nbf: i64,
    pub(crate) exp: i64,
}

impl Lifetime {
    /// `iat = now`, `nbf = now - 5`, `exp = now + expires_in` (default 300).
    pub(crate) fn starting_at(now: i64, expires_in: Option<i64>) -> Result<Self, ClaimsError> {
        let expires_in = expires_in.unwrap_or(DEFAULT_EXPIRES_IN);
        let overflow = || ClaimsError::Overflow(expires_in);
        Ok(Self {
            iat: now,
            nbf: now.checked_sub(NOT_BEFORE_SKEW).ok_or_else(overflow)?,
            exp: now.checked_add(expires_in).ok_or_else(overflow)?,
        })
    }
}
