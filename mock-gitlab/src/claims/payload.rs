//! The entry point: a mint request in, the ordered claim set GitLab would sign out.

use serde_json::{Map, Value};

use super::context::{Lifetime, MintContext};
use super::error::ClaimsError;
use super::job::Job;
use super::request::{MintRequest, TokenKind};
use super::{id_token, legacy};

/// Builds the payload GitLab would sign for this request, in GitLab's key order. Types
/// follow GitLab's serializers: IDs are strings, booleans are `"true"`/`"false"` strings,
/// `runner_id` and the times are the only integers (docs/gitlab-behaviour.md).
pub(crate) fn build_claims(
    req: &MintRequest,
    ctx: &MintContext<'_>,
) -> Result<Map<String, Value>, ClaimsError> {
    check_aud(req)?;
    let lifetime = Lifetime::starting_at(ctx.now, req.expires_in)?;
    let job = Job::resolve(req)?;
    let mut claims = match req.kind {
        TokenKind::IdToken => id_token::claims(&job, ctx, lifetime, req.aud.as_ref())?,
        TokenKind::CiJobJwt => legacy::ci_job_jwt(&job, ctx, lifetime),
        TokenKind::CiJobJwtV2 => legacy::ci_job_jwt_v2(&job, ctx, lifetime)?,
    };
    if let Some(overrides) = &req.claims {
        apply_overrides(&mut claims, overrides);
    }
    Ok(claims)
}

/// GitLab requires `aud` in every `id_tokens:` entry and gives the legacy tokens a fixed
/// one (or none), so the request may set `aud` exactly when GitLab would let a job choose.
/// `claims.aud` stays available to craft tokens GitLab would not issue.
fn check_aud(req: &MintRequest) -> Result<(), ClaimsError> {
    let overrides_aud = req.claims.as_ref().is_some_and(|c| c.contains_key("aud"));
    match req.kind {
        TokenKind::IdToken if req.aud.is_none() && !overrides_aud => Err(ClaimsError::MissingAud),
        TokenKind::CiJobJwt if req.aud.is_some() => {
            Err(ClaimsError::AudNotConfigurable("ci_job_jwt"))
        }
        TokenKind::CiJobJwtV2 if req.aud.is_some() => {
            Err(ClaimsError::AudNotConfigurable("ci_job_jwt_v2"))
        }
        _ => Ok(()),
    }
}

/// Replace in place (keeping wire position), append new keys, and remove on `null`
/// without reordering the rest.
fn apply_overrides(claims: &mut Map<String, Value>, overrides: &Map<String, Value>) {
    for (k, v) in overrides {
        if v.is_null() {
            claims.shift_remove(k);
        } else {
            claims.insert(k.clone(), v.clone());
        }
    }
}
