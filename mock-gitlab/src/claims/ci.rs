//! The CI claims: pipeline, job, ref and environment (`Gitlab::Ci::Jwt#ci_claims` in
//! `lib/gitlab/ci/jwt.rb`), and what `Gitlab::Ci::JwtV2` adds (`lib/gitlab/ci/jwt_v2.rb`).
//! Claims a release did not have yet are left out (docs/gitlab-behaviour.md, "Versions").

use serde_json::{Map, Value};

use crate::issuer::Issuer;
use crate::profile::{Feature, Profile};

use super::job::Job;
use super::request::defaults;

/// `Gitlab::Ci::Jwt#ci_claims`: `groups_direct` and the four environment claims only when
/// the job has them.
pub(crate) fn ci_claims(c: &mut Map<String, Value>, job: &Job<'_>, profile: &Profile) {
    c.insert("pipeline_id".into(), job.pipeline_id.into());
    c.insert("pipeline_source".into(), job.pipeline_source.into());
    c.insert("job_id".into(), job.job_id.into());
    c.insert("ref".into(), job.git_ref.into());
    c.insert("ref_type".into(), job.ref_type.as_str().into());
    c.insert("ref_path".into(), job.ref_path.as_str().into());
    c.insert("ref_protected".into(), ruby_bool(job.ref_protected).into());
    if let Some(groups) = job.groups_direct
        && profile.has(Feature::GroupsDirect)
    {
        c.insert("groups_direct".into(), groups.into());
    }
    if let Some(env) = &job.environment {
        c.insert("environment".into(), env.name.into());
        c.insert(
            "environment_protected".into(),
            ruby_bool(env.protected).into(),
        );
        c.insert("deployment_tier".into(), env.tier.into());
        if profile.has(Feature::EnvironmentAction) {
            c.insert("environment_action".into(), env.action.into());
        }
    }
}

/// `Gitlab::Ci::JwtV2#predefined_claims` additions, shared by id_tokens and
/// `CI_JOB_JWT_V2`; `user_identities` only when the user opted in.
pub(crate) fn jwt_v2_claims(
    c: &mut Map<String, Value>,
    job: &Job<'_>,
    issuer: &Issuer,
    profile: &Profile,
) {
    let runner_and_sha = profile.has(Feature::RunnerShaIdentities);
    if runner_and_sha {
        c.insert("runner_id".into(), job.runner_id.into());
        c.insert("runner_environment".into(), job.runner_environment.into());
        c.insert("sha".into(), job.sha.into());
    }
    if profile.has(Feature::ProjectVisibility) {
        c.insert("project_visibility".into(), job.project_visibility.into());
    }
    if let Some(ids) = job.user.identities
        && runner_and_sha
    {
        let ids = ids
            .iter()
            .map(|i| {
                let mut m = Map::new();
                m.insert("provider".into(), i.provider.as_str().into());
                m.insert("extern_uid".into(), i.extern_uid.as_str().into());
                Value::Object(m)
            })
            .collect();
        c.insert("user_identities".into(), Value::Array(ids));
    }
    if profile.has(Feature::CiConfigClaims) {
        // Host without scheme, then `//` before the config path, as GitLab renders it.
        let ci_config_ref_uri = format!(
            "{}/{}//{}@{}",
            issuer.without_scheme(),
            job.project.path,
            defaults::CI_CONFIG_PATH,
            job.ref_path
        );
        c.insert("ci_config_ref_uri".into(), ci_config_ref_uri.into());
        c.insert("ci_config_sha".into(), job.sha.into());
    }
}

/// GitLab renders booleans with Ruby's `to_s`, so they are the strings `"true"`/`"false"`.
fn ruby_bool(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}
