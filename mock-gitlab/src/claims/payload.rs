//! The entry point: a mint request in, the ordered claim set GitLab would sign out.

use serde_json::{Map, Value};

use super::context::{Lifetime, MintContext};
use super::error::ClaimsError;
use super::job::Job;
use super::request::{MintRequest, TokenKind};
use super::sub::check_available;
use super::{id_token, legacy};
use crate::profile::{Feature, Profile, introduced, removed};

/// Builds the payload GitLab would sign for this request, in GitLab's key order. Types
/// follow GitLab's serializers: IDs are strings, booleans are `"true"`/`"false"` strings,
/// `runner_id` and the times are the only integers (docs/gitlab-behaviour.md). The profile in
/// `ctx` decides which kinds exist and which claims each kind has.
pub(crate) fn build_claims(
    req: &MintRequest,
    ctx: &MintContext<'_>,
) -> Result<Map<String, Value>, ClaimsError> {
    check_kind(req.kind, ctx.profile)?;
    check_available(req.sub_components.as_deref(), ctx.profile)?;
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

/// Refuses a token kind the release does not have: the legacy kinds from 17.0 on.
fn check_kind(kind: TokenKind, profile: &Profile) -> Result<(), ClaimsError> {
    let (feature, name) = match kind {
        TokenKind::IdToken => (Feature::IdTokens, "id_token"),
        TokenKind::CiJobJwt => (Feature::CiJobJwt, "ci_job_jwt"),
        TokenKind::CiJobJwtV2 => (Feature::CiJobJwtV2, "ci_job_jwt_v2"),
    };
    if profile.has(feature) {
        return Ok(());
    }
    let version = profile.version();
    Err(match removed(feature) {
        Some(removed) if version >= removed => ClaimsError::LegacyKindRemoved {
            kind: name,
            version,
            removed,
        },
        _ => ClaimsError::KindNotYet {
            kind: name,
            version,
            since: introduced(feature),
        },
    })
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
