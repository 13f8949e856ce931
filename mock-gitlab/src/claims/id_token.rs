//! The claim set of a token from the `id_tokens:` keyword, in the order the profile's GitLab
//! release serialises it (docs/gitlab-behaviour.md, "Claim order").

use serde_json::{Map, Value};

use crate::profile::{Feature, Profile};

use super::ci::{ci_claims, jwt_v2_claims};
use super::context::{Lifetime, MintContext};
use super::error::ClaimsError;
use super::job::Job;
use super::legacy::reserved_claims;
use super::project::{legacy_project_claims, project_claims, user_claims};
use super::request::Audience;
use super::sub::sub_claim;

/// Custom claims first, then the registered claims: `jti, iat, nbf, exp, iss, sub, aud` as
/// `JSONWebToken::Token` merges them (`lib/json_web_token/token.rb`), or before 17.0
/// `jti, iss, iat, nbf, exp, sub, aud` as the legacy tokens. `aud` is left out only when the
/// request removes it through `claims.aud`.
pub(crate) fn claims(
    job: &Job<'_>,
    ctx: &MintContext<'_>,
    lifetime: Lifetime,
    aud: Option<&Audience>,
) -> Result<Map<String, Value>, ClaimsError> {
    let profile = ctx.profile;
    let mut c = custom_claims(job, ctx, profile);
    let sub = sub_claim(job.sub_components, &c, profile)?;
    let iss = profile.id_token_iss(ctx.issuer);
    if profile.has(Feature::TokenClaimOrder) {
        c.insert("jti".into(), ctx.jti.as_str().into());
        c.insert("iat".into(), lifetime.iat.into());
        c.insert("nbf".into(), lifetime.nbf.into());
        c.insert("exp".into(), lifetime.exp.into());
        c.insert("iss".into(), iss.into());
        c.insert("sub".into(), sub.into());
    } else {
        reserved_claims(&mut c, ctx, lifetime, iss, sub);
    }
    if let Some(aud) = aud {
        c.insert("aud".into(), aud.into());
    }
    Ok(c)
}

fn custom_claims(job: &Job<'_>, ctx: &MintContext<'_>, profile: &Profile) -> Map<String, Value> {
    let mut c = Map::new();
    if profile.has(Feature::ProjectBeforeNamespace) {
        project_claims(&mut c, &job.project, "");
    } else {
        legacy_project_claims(&mut c, &job.project);
    }
    user_claims(&mut c, &job.user, profile);
    if profile.has(Feature::JobProjectClaims) {
        project_claims(&mut c, &job.job_project, "job_");
    }
    ci_claims(&mut c, job, profile);
    if profile.has(Feature::JobSource) {
        c.insert("job_source".into(), job.job_source.into());
    }
    jwt_v2_claims(&mut c, job, ctx.issuer, profile);
    c
}
