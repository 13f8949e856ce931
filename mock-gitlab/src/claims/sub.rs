//! The `sub` claim of id_tokens and `CI_JOB_JWT_V2`, built from the project's
//! `ci_id_token_sub_claim_components`. (`CI_JOB_JWT` has the fixed `job_<id>` instead.)

use serde_json::{Map, Value};

/// GitLab's default `ci_id_token_sub_claim_components` (`Gitlab::Ci::JwtV2.for_build` in
/// `lib/gitlab/ci/jwt_v2.rb`).
pub(crate) const DEFAULT_SUB_COMPONENTS: [&str; 3] = ["project_path", "ref_type", "ref"];

/// Components GitLab (19.x) accepts in `ci_id_token_sub_claim_components`.
pub(crate) const ALLOWED_SUB_COMPONENTS: [&str; 7] = [
    "project_path",
    "project_id",
    "ref_type",
    "ref",
    "ref_protected",
    "environment_protected",
    "deployment_tier",
];

/// A requested component that is not in [`ALLOWED_SUB_COMPONENTS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownSubComponent(pub(crate) String);

/// `name:value` pairs joined with `:`, skipping components without a value, as
/// `Gitlab::Ci::JwtV2#initialize` does. The values are read from the claims built so far,
/// so `sub` always agrees with the claims it summarises.
pub(crate) fn sub_claim(
    components: Option<&[String]>,
    claims: &Map<String, Value>,
) -> Result<String, UnknownSubComponent> {
    let names: Vec<&str> = match components {
        Some(v) => v.iter().map(String::as_str).collect(),
        None => DEFAULT_SUB_COMPONENTS.to_vec(),
    };
    let mut parts = Vec::with_capacity(names.len() * 2);
    for name in names {
        if !ALLOWED_SUB_COMPONENTS.contains(&name) {
            return Err(UnknownSubComponent(name.to_owned()));
        }
        if let Some(Value::String(value)) = claims.get(name) {
            parts.push(name.to_owned());
            parts.push(value.clone());
        }
    }
    Ok(parts.join(":"))
}
