//! The claim sets of the legacy predefined variables `CI_JOB_JWT` (also `CI_JOB_JWT_V1`)
//! and `CI_JOB_JWT_V2`, which GitLab removed in 17.0. They keep the GitLab 16.x shapes:
//! `namespace_*` before `project_*`, no `job_project_*` or `job_source`, and the registered
//! claims in the old `reserved_claims` order (docs/gitlab-behaviour.md, "Legacy tokens").

use serde_json::{Map, Value};

use super::ci::{ci_claims, jwt_v2_claims};
use super::context::{Lifetime, MintContext};
use super::error::ClaimsError;
use super::job::Job;
use super::project::{legacy_project_claims, user_claims};
use super::sub::sub_claim;

/// `CI_JOB_JWT`: `iss` is the bare `host[:port]`, `sub` is `job_<id>`, and there is no `aud`
/// and none of the `JwtV2` claims.
pub(crate) fn ci_job_jwt(
    job: &Job<'_>,
    ctx: &MintContext<'_>,
    lifetime: Lifetime,
) -> Map<String, Value> {
    let mut c = Map::new();
    legacy_project_claims(&mut c, &job.project);
    user_claims(&mut c, &job.user, ctx.profile);
    ci_claims(&mut c, job, ctx.profile);
    let sub = format!("job_{}", job.job_id);
    reserved_claims(&mut c, ctx, lifetime, ctx.issuer.authority(), sub);
    c
}

/// `CI_JOB_JWT_V2`: the `JwtV2` claims and configurable `sub` of id_tokens. `aud` is the base
/// URL (`DEFAULT_AUD = Settings.gitlab.base_url`), and so is `iss` until 16.8, when the
/// issuer of `JwtV2` became the instance URL with its relative root.
pub(crate) fn ci_job_jwt_v2(
    job: &Job<'_>,
    ctx: &MintContext<'_>,
    lifetime: Lifetime,
) -> Result<Map<String, Value>, ClaimsError> {
    let profile = ctx.profile;
    let mut c = Map::new();
    legacy_project_claims(&mut c, &job.project);
    user_claims(&mut c, &job.user, profile);
    ci_claims(&mut c, job, profile);
    jwt_v2_claims(&mut c, job, ctx.issuer, profile);
    let sub = sub_claim(job.sub_components, &c, profile)?;
    reserved_claims(&mut c, ctx, lifetime, profile.instance_iss(ctx.issuer), sub);
    c.insert("aud".into(), ctx.issuer.base_url().into());
    Ok(c)
}

/// GitLab 16.x `Gitlab::Ci::Jwt#reserved_claims` order: `jti, iss, iat, nbf, exp, sub`, which
/// id_tokens shared before 17.0.
pub(crate) fn reserved_claims(
    c: &mut Map<String, Value>,
    ctx: &MintContext<'_>,
    lifetime: Lifetime,
    iss: &str,
    sub: String,
) {
    c.insert("jti".into(), ctx.jti.as_str().into());
    c.insert("iss".into(), iss.into());
    c.insert("iat".into(), lifetime.iat.into());
    c.insert("nbf".into(), lifetime.nbf.into());
    c.insert("exp".into(), lifetime.exp.into());
    c.insert("sub".into(), sub.into());
}
