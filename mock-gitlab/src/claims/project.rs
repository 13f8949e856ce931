//! Project, namespace and user claims, the part GitLab's `JSONWebToken` claim classes
//! (`lib/json_web_token/user_project_token_claims.rb` in gitlab-org/gitlab) contribute.

use serde_json::{Map, Value};

use crate::profile::{Feature, Profile};

use super::job::{Project, User};

/// `UserProjectTokenClaims#project_claims(key_prefix:)`: `project_*` before `namespace_*`,
/// each key prefixed (id_tokens add the job's project as `job_project_*` this way).
pub(crate) fn project_claims(c: &mut Map<String, Value>, project: &Project<'_>, prefix: &str) {
    c.insert(format!("{prefix}project_id"), project.id.into());
    c.insert(format!("{prefix}project_path"), project.path.into());
    c.insert(format!("{prefix}namespace_id"), project.namespace_id.into());
    c.insert(
        format!("{prefix}namespace_path"),
        project.namespace_path.into(),
    );
}

/// The order of GitLab 16.x and earlier (`ProjectTokenClaims`), which the legacy tokens
/// never outlived: `namespace_*` before `project_*`.
pub(crate) fn legacy_project_claims(c: &mut Map<String, Value>, project: &Project<'_>) {
    c.insert("namespace_id".into(), project.namespace_id.into());
    c.insert("namespace_path".into(), project.namespace_path.into());
    c.insert("project_id".into(), project.id.into());
    c.insert("project_path".into(), project.path.into());
}

/// `UserProjectTokenClaims#user_claims`; `user_access_level` from 16.9.
pub(crate) fn user_claims(c: &mut Map<String, Value>, user: &User<'_>, profile: &Profile) {
    c.insert("user_id".into(), user.id.into());
    c.insert("user_login".into(), user.login.into());
    c.insert("user_email".into(), user.email.into());
    if profile.has(Feature::UserAccessLevel) {
        c.insert("user_access_level".into(), user.access_level.into());
    }
}
