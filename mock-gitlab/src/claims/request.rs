//! The body of `POST /-/mock/id_tokens`, and the values used for fields it leaves out.
//!
//! The types serialise as well as deserialise, so a Rust client can build a [`MintRequest`]
//! and POST it: absent optional fields are skipped, which the mint API reads exactly as the
//! same JSON written by hand.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Deterministic defaults so snapshots stay stable across runs.
pub(crate) mod defaults {
    pub(crate) const PROJECT_PATH: &str = "mygroup/myproject";
    pub(crate) const PROJECT_ID: &str = "42";
    pub(crate) const NAMESPACE_ID: &str = "7";
    pub(crate) const USER_ID: &str = "1";
    pub(crate) const USER_LOGIN: &str = "fedlab";
    pub(crate) const USER_EMAIL: &str = "fedlab@example.com";
    pub(crate) const USER_ACCESS_LEVEL: &str = "developer";
    pub(crate) const PIPELINE_ID: &str = "1001";
    pub(crate) const PIPELINE_SOURCE: &str = "push";
    pub(crate) const JOB_ID: &str = "2002";
    pub(crate) const REF: &str = "main";
    pub(crate) const RUNNER_ID: i64 = 1;
    pub(crate) const RUNNER_ENVIRONMENT: &str = "self-hosted";
    pub(crate) const SHA: &str = "714a629c0b401fdce83e847fc9589983fc6f46bc";
    pub(crate) const PROJECT_VISIBILITY: &str = "private";
    pub(crate) const ENVIRONMENT_ACTION: &str = "start";
    pub(crate) const CI_CONFIG_PATH: &str = ".gitlab-ci.yml";
}

/// Which GitLab token to imitate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// `id_tokens:` keyword (15.7+), newest claim set.
    #[default]
    IdToken,
    /// Legacy `CI_JOB_JWT` / `CI_JOB_JWT_V1` (<= 16.11): bare-host iss, `job_<id>` sub, no aud.
    CiJobJwt,
    /// Legacy `CI_JOB_JWT_V2` (14.6–16.11): iss = aud = instance URL.
    CiJobJwtV2,
}

/// The `aud` claim: GitLab emits a string, or an array when the job's `aud:` is a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "…"`.
    One(String),
    /// `"aud": ["…", …]`.
    Many(Vec<String>),
}

impl From<&Audience> for Value {
    fn from(a: &Audience) -> Self {
        match a {
            Audience::One(s) => Value::String(s.clone()),
            Audience::Many(v) => Value::Array(v.iter().cloned().map(Value::String).collect()),
        }
    }
}

/// Whether the pipeline ran for a branch or a tag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RefType {
    /// `ref_type` `"branch"`, `ref_path` `refs/heads/…`.
    #[default]
    Branch,
    /// `ref_type` `"tag"`, `ref_path` `refs/tags/…`.
    Tag,
}

impl RefType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Branch => "branch",
            Self::Tag => "tag",
        }
    }

    pub(crate) fn ref_path(self, git_ref: &str) -> String {
        match self {
            Self::Branch => format!("refs/heads/{git_ref}"),
            Self::Tag => format!("refs/tags/{git_ref}"),
        }
    }
}

/// The job's `environment:`; it adds the four environment claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSpec {
    /// `environment`.
    pub name: String,
    /// `deployment_tier`; defaults to GitLab's guess from the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// `environment_action`; default `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// `environment_protected` (always false on CE).
    #[serde(default)]
    pub protected: bool,
}

/// One `user_identities` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserIdentity {
    /// E.g. `github`.
    pub provider: String,
    /// The user's id at that provider.
    pub extern_uid: String,
}

/// Body of `POST /-/mock/id_tokens`. Every field is optional; a missing one takes a fixed
/// default. The one conditional requirement: kind `id_token` needs `aud` (or `claims.aud`),
/// and the legacy kinds refuse `aud`, as GitLab fixes theirs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MintRequest {
    /// Which token to imitate; default `id_token`.
    pub kind: TokenKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace_id: Option<String>,
    /// Default: `project_path` without its last segment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace_path: Option<String>,
    /// Default: `project_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_project_id: Option<String>,
    /// Default: `project_path`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_project_path: Option<String>,
    /// Default: `namespace_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_namespace_id: Option<String>,
    /// Default: the parent of `job_project_path` if that is set, else `namespace_path`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_namespace_path: Option<String>,
    /// The `ref` claim: a branch or tag name.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ref_type: Option<RefType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ref_protected: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipeline_source: Option<String>,
    /// Default: `pipeline_source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_login: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_access_level: Option<String>,
    /// Present in the token only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_identities: Option<Vec<UserIdentity>>,
    /// Present in the token only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups_direct: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_environment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_visibility: Option<String>,
    /// The job's environment; without it the token has no environment claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<EnvironmentSpec>,
    /// Token lifetime in seconds (GitLab uses the job timeout); default 300.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    /// The project's `ci_id_token_sub_claim_components`; default
    /// `["project_path", "ref_type", "ref"]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_components: Option<Vec<String>>,
    /// Final overrides: a value replaces the claim in place (or appends it), `null` removes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map<String, Value>>,
}
