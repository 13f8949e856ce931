//! The claim set of a token from the `id_tokens:` keyword, in the order current GitLab
//! serialises it (docs/gitlab-behaviour.md, "Claim order").

use serde_json::{Map, Value};

use super::ci::{ci_claims, jwt_v2_claims};
use super::context::{Lifetime, MintContext};
use super::error::ClaimsError;
use super::job::Job;
use super::project::{project_claims, user_claims};
use super::request::Audience;
use super::sub::sub_claim;

/// Custom claims first, then `jti, iat, nbf, exp, iss, sub, aud` as `JSONWebToken::Token`
/// merges them (`lib/json_web_token/token.rb`). `aud` is left out only when the request
/// removes it through `claims.aud`.
pub(crate) fn claims(
    job: &Job<'_>,
    ctx: &MintContext<'_>,
    lifetime: Lifetime,
    aud: Option<&Audience>,
) -> Result<Map<String, Value>, ClaimsError> {
    let mut c = Map::new();
    project_claims(&mut c, &job.project, "");
    user_claims(&mut c, &job.user);
    // job_project_* arrived in 18.4, after the legacy tokens were removed (17.0).
    project_claims(&mut c, &job.job_project, "job_");
    ci_claims(&mut c, job);
    c.insert("job_source".into(), job.job_source.into());
    jwt_v2_claims(&mut c, job, ctx.issuer);
    let sub = sub_claim(job.sub_components, &c)?;

    c.insert("jti".into(), ctx.jti.as_str().into());
    c.insert("iat".into(), lifetime.iat.into());
    c.insert("nbf".into(), lifetime.nbf.into());
    c.insert("exp".into(), lifetime.exp.into());
    c.insert("iss".into(), ctx.issuer.url().into());
    c.insert("sub".into(), sub.into());
    if let Some(aud) = aud {
        c.insert("aud".into(), aud.into());
    }
    Ok(c)
}
