//! The `sub` claim of id_tokens and `CI_JOB_JWT_V2`, built from the project's
//! `ci_id_token_sub_claim_components`. (`CI_JOB_JWT` has the fixed `job_<id>` instead.)

use serde_json::{Map, Value};

use crate::profile::{Feature, Profile, introduced};
use crate::version::GitlabVersion;

/// GitLab's default `ci_id_token_sub_claim_components` (`Gitlab::Ci::JwtV2.for_build` in
/// `lib/gitlab/ci/jwt_v2.rb`).
pub(crate) const DEFAULT_SUB_COMPONENTS: [&str; 3] = ["project_path", "ref_type", "ref"];

/// Every component some GitLab release accepts, with the feature that brought it: the setting
/// itself (17.10) came with the first three, 18.7 added three more, 19.1 added `project_id`.
const COMPONENTS: [(&str, Feature); 7] = [
    ("project_path", Feature::SubComponents),
    ("project_id", Feature::SubComponentProjectId),
    ("ref_type", Feature::SubComponents),
    ("ref", Feature::SubComponents),
    ("ref_protected", Feature::SubComponentsExtended),
    ("environment_protected", Feature::SubComponentsExtended),
    ("deployment_tier", Feature::SubComponentsExtended),
];

/// Why a request's `sub_components` cannot be used on this release.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SubComponentsError {
    #[error(
        "sub_components (the project setting ci_id_token_sub_claim_components) exists from GitLab {since}; this instance is GitLab {version}"
    )]
    Unavailable {
        since: GitlabVersion,
        version: GitlabVersion,
    },
    #[error(
        "sub_components entry {name:?} exists from GitLab {since}; on GitLab {version} the components are {allowed:?}"
    )]
    NotYet {
        name: String,
        since: GitlabVersion,
        version: GitlabVersion,
        allowed: Vec<&'static str>,
    },
    #[error("sub_components entry {name:?} is not one of {allowed:?}")]
    Unknown {
        name: String,
        allowed: Vec<&'static str>,
    },
}

/// The components this release accepts, in a fixed order.
fn allowed(profile: &Profile) -> Vec<&'static str> {
    COMPONENTS
        .iter()
        .filter(|(_, feature)| profile.has(*feature))
        .map(|(name, _)| *name)
        .collect()
}

/// Whether a request may carry `sub_components` at all on this release.
pub(crate) fn check_available(
    components: Option<&[String]>,
    profile: &Profile,
) -> Result<(), SubComponentsError> {
    match components {
        Some(_) if !profile.has(Feature::SubComponents) => Err(SubComponentsError::Unavailable {
            since: introduced(Feature::SubComponents),
            version: profile.version(),
        }),
        _ => Ok(()),
    }
}

/// `name:value` pairs joined with `:`, skipping components without a value, as
/// `Gitlab::Ci::JwtV2#initialize` does. The values are read from the claims built so far,
/// so `sub` always agrees with the claims it summarises.
pub(crate) fn sub_claim(
    components: Option<&[String]>,
    claims: &Map<String, Value>,
    profile: &Profile,
) -> Result<String, SubComponentsError> {
    check_available(components, profile)?;
    let names: Vec<&str> = match components {
        Some(v) => {
            let allowed = allowed(profile);
            if let Some(bad) = v.iter().find(|name| !allowed.contains(&name.as_str())) {
                return Err(refusal(bad, profile, allowed));
            }
            v.iter().map(String::as_str).collect()
        }
        // The default is what every release uses, with or without the setting.
        None => DEFAULT_SUB_COMPONENTS.to_vec(),
    };
    let mut parts = Vec::with_capacity(names.len() * 2);
    for name in names {
        if let Some(Value::String(value)) = claims.get(name) {
            parts.push(name.to_owned());
            parts.push(value.clone());
        }
    }
    Ok(parts.join(":"))
}

fn refusal(name: &str, profile: &Profile, allowed: Vec<&'static str>) -> SubComponentsError {
    match COMPONENTS.iter().find(|(known, _)| *known == name) {
        Some((_, feature)) => SubComponentsError::NotYet {
            name: name.to_owned(),
            since: introduced(*feature),
            version: profile.version(),
            allowed,
        },
        None => SubComponentsError::Unknown {
            name: name.to_owned(),
            allowed,
        },
    }
}
