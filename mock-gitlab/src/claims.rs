//! Pure claim-set construction for the mint API: request in, ordered JSON object out.
//!
//! Types and key order follow GitLab's own serializers (see the reference notes, §1.2):
//! IDs are strings, booleans are `"true"`/`"false"` strings, `runner_id` is the only
//! integer, and custom claims precede the registered ones.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::config::Issuer;

/// GitLab's default `ci_id_token_sub_claim_components`.
pub const DEFAULT_SUB_COMPONENTS: [&str; 3] = ["project_path", "ref_type", "ref"];

/// Components GitLab (19.x) accepts in `ci_id_token_sub_claim_components`.
pub const ALLOWED_SUB_COMPONENTS: [&str; 7] = [
    "project_path",
    "project_id",
    "ref_type",
    "ref",
    "ref_protected",
    "environment_protected",
    "deployment_tier",
];

/// `Gitlab::Ci::Jwt::DEFAULT_EXPIRE_TIME`, used when a job has no timeout.
pub const DEFAULT_EXPIRES_IN: i64 = 300;

/// `Gitlab::Ci::Jwt::NOT_BEFORE_TIME`: nbf is backdated for clock skew.
pub const NOT_BEFORE_SKEW: i64 = 5;

/// Deterministic defaults so snapshots stay stable across runs.
pub mod defaults {
    pub const PROJECT_PATH: &str = "mygroup/myproject";
    pub const PROJECT_ID: &str = "42";
    pub const NAMESPACE_ID: &str = "7";
    pub const USER_ID: &str = "1";
    pub const USER_LOGIN: &str = "fedlab";
    pub const USER_EMAIL: &str = "fedlab@example.com";
    pub const USER_ACCESS_LEVEL: &str = "developer";
    pub const PIPELINE_ID: &str = "1001";
    pub const PIPELINE_SOURCE: &str = "push";
    pub const JOB_ID: &str = "2002";
    pub const REF: &str = "main";
    pub const RUNNER_ID: i64 = 1;
    pub const RUNNER_ENVIRONMENT: &str = "self-hosted";
    pub const SHA: &str = "714a629c0b401fdce83e847fc9589983fc6f46bc";
    pub const PROJECT_VISIBILITY: &str = "private";
    pub const ENVIRONMENT_ACTION: &str = "start";
    pub const CI_CONFIG_PATH: &str = ".gitlab-ci.yml";
}

/// Which GitLab token to imitate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RefType {
    #[default]
    Branch,
    Tag,
}

impl RefType {
    fn as_str(self) -> &'static str {
        match self {
            Self::Branch => "branch",
            Self::Tag => "tag",
        }
    }

    fn ref_path(self, git_ref: &str) -> String {
        match self {
            Self::Branch => format!("refs/heads/{git_ref}"),
            Self::Tag => format!("refs/tags/{git_ref}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSpec {
    pub name: String,
    /// `deployment_tier`; defaults to GitLab's guess from the name.
    #[serde(default)]
    pub tier: Option<String>,
    /// `environment_action`; default `start`.
    #[serde(default)]
    pub action: Option<String>,
    /// `environment_protected` (always false on CE).
    #[serde(default)]
    pub protected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserIdentity {
    pub provider: String,
    pub extern_uid: String,
}

/// Body of `POST /-/mock/id_tokens`. Every field is optional (see [`build_claims`] for the
/// one conditional requirement, `aud`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MintRequest {
    pub kind: TokenKind,
    pub aud: Option<Audience>,
    pub project_path: Option<String>,
    pub project_id: Option<String>,
    pub namespace_id: Option<String>,
    pub namespace_path: Option<String>,
    pub job_project_id: Option<String>,
    pub job_project_path: Option<String>,
    pub job_namespace_id: Option<String>,
    pub job_namespace_path: Option<String>,
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    pub ref_type: Option<RefType>,
    pub ref_protected: Option<bool>,
    pub pipeline_source: Option<String>,
    pub job_source: Option<String>,
    pub user_login: Option<String>,
    pub user_email: Option<String>,
    pub user_id: Option<String>,
    pub user_access_level: Option<String>,
    pub user_identities: Option<Vec<UserIdentity>>,
    pub groups_direct: Option<Vec<String>>,
    pub job_id: Option<String>,
    pub pipeline_id: Option<String>,
    pub sha: Option<String>,
    pub runner_id: Option<i64>,
    pub runner_environment: Option<String>,
    pub project_visibility: Option<String>,
    pub environment: Option<EnvironmentSpec>,
    pub expires_in: Option<i64>,
    pub sub_components: Option<Vec<String>>,
    /// Final overrides: a value replaces the claim in place (or appends it), `null` removes it.
    pub claims: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimsError {
    #[error(
        "aud is required for kind id_token (GitLab's id_tokens keyword requires it); set aud or claims.aud"
    )]
    MissingAud,
    #[error(
        "aud is fixed for kind {0} (GitLab does not let jobs choose it); use claims.aud to override"
    )]
    AudNotConfigurable(&'static str),
    #[error(
        "project_path {0:?} has no namespace (expected group/project); set namespace_path explicitly"
    )]
    NoNamespace(String),
    #[error("sub_components entry {0:?} is not one of {ALLOWED_SUB_COMPONENTS:?}")]
    UnknownSubComponent(String),
    #[error("expires_in {0} overflows the token lifetime")]
    Overflow(i64),
}

/// Inputs that are not part of the request. Passed in so building stays pure.
#[derive(Debug, Clone)]
pub struct MintContext<'a> {
    pub issuer: &'a Issuer,
    pub now: i64,
    pub jti: String,
}

/// `Environment#guess_tier` as in GitLab (case-insensitive regexes, first match wins):
/// `dev|review|trunk`, `test|tst|int|ac(ce|)pt|qa|qc|control|quality`,
/// `st(a|)g|mod(e|)l|pre|demo|non`, `pr(o|)d|live`, else `other`.
pub fn guess_deployment_tier(name: &str) -> &'static str {
    let n = name.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|s| n.contains(s));
    if has(&["dev", "review", "trunk"]) {
        "development"
    } else if has(&[
        "test", "tst", "int", "accept", "acpt", "qa", "qc", "control", "quality",
    ]) {
        "testing"
    } else if has(&["stag", "stg", "model", "modl", "pre", "demo", "non"]) {
        "staging"
    } else if has(&["prod", "prd", "live"]) {
        "production"
    } else {
        "other"
    }
}

fn parent_path(path: &str) -> Option<&str> {
    path.rsplit_once('/')
        .map(|(parent, _)| parent)
        .filter(|p| !p.is_empty())
}

fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

fn bool_str(b: bool) -> Value {
    s(if b { "true" } else { "false" })
}

fn or<'a>(v: &'a Option<String>, default: &'a str) -> &'a str {
    v.as_deref().unwrap_or(default)
}

/// Builds the payload GitLab would sign for this request, in GitLab's key order.
pub fn build_claims(
    req: &MintRequest,
    ctx: &MintContext<'_>,
) -> Result<Map<String, Value>, ClaimsError> {
    let overrides_aud = req.claims.as_ref().is_some_and(|c| c.contains_key("aud"));
    match req.kind {
        TokenKind::IdToken if req.aud.is_none() && !overrides_aud => {
            return Err(ClaimsError::MissingAud);
        }
        TokenKind::CiJobJwt if req.aud.is_some() => {
            return Err(ClaimsError::AudNotConfigurable("ci_job_jwt"));
        }
        TokenKind::CiJobJwtV2 if req.aud.is_some() => {
            return Err(ClaimsError::AudNotConfigurable("ci_job_jwt_v2"));
        }
        _ => {}
    }

    let expires_in = req.expires_in.unwrap_or(DEFAULT_EXPIRES_IN);
    let iat = ctx.now;
    let nbf = iat
        .checked_sub(NOT_BEFORE_SKEW)
        .ok_or(ClaimsError::Overflow(expires_in))?;
    let exp = iat
        .checked_add(expires_in)
        .ok_or(ClaimsError::Overflow(expires_in))?;

    let project_path = or(&req.project_path, defaults::PROJECT_PATH);
    let project_id = or(&req.project_id, defaults::PROJECT_ID);
    let namespace_id = or(&req.namespace_id, defaults::NAMESPACE_ID);
    let namespace_path = match (&req.namespace_path, parent_path(project_path)) {
        (Some(p), _) => p.as_str(),
        (None, Some(p)) => p,
        (None, None) => return Err(ClaimsError::NoNamespace(project_path.to_owned())),
    };
    let job_project_path = or(&req.job_project_path, project_path);
    let job_namespace_path = match (&req.job_namespace_path, &req.job_project_path) {
        (Some(p), _) => p.as_str(),
        // A different job project without an explicit namespace: derive it the same way.
        (None, Some(jp)) => parent_path(jp).ok_or_else(|| ClaimsError::NoNamespace(jp.clone()))?,
        (None, None) => namespace_path,
    };
    let git_ref = or(&req.git_ref, defaults::REF);
    let ref_type = req.ref_type.unwrap_or_default();
    let ref_path = ref_type.ref_path(git_ref);
    let pipeline_source = or(&req.pipeline_source, defaults::PIPELINE_SOURCE);
    let job_id = or(&req.job_id, defaults::JOB_ID);
    let sha = or(&req.sha, defaults::SHA);

    let mut c = Map::new();
    let legacy = req.kind != TokenKind::IdToken;

    // Project and user claims. GitLab <= 16.x (ProjectTokenClaims) emitted namespace_*
    // first; the current UserProjectTokenClaims emits project_* first.
    let project = [("project_id", project_id), ("project_path", project_path)];
    let namespace = [
        ("namespace_id", namespace_id),
        ("namespace_path", namespace_path),
    ];
    let (first, second) = if legacy {
        (namespace, project)
    } else {
        (project, namespace)
    };
    for (k, v) in first.into_iter().chain(second) {
        c.insert(k.into(), s(v));
    }
    c.insert("user_id".into(), s(or(&req.user_id, defaults::USER_ID)));
    c.insert(
        "user_login".into(),
        s(or(&req.user_login, defaults::USER_LOGIN)),
    );
    c.insert(
        "user_email".into(),
        s(or(&req.user_email, defaults::USER_EMAIL)),
    );
    c.insert(
        "user_access_level".into(),
        s(or(&req.user_access_level, defaults::USER_ACCESS_LEVEL)),
    );
    if !legacy {
        // job_project_* arrived in 18.4, after the legacy tokens were removed (17.0).
        c.insert(
            "job_project_id".into(),
            s(or(&req.job_project_id, project_id)),
        );
        c.insert("job_project_path".into(), s(job_project_path));
        c.insert(
            "job_namespace_id".into(),
            s(or(&req.job_namespace_id, namespace_id)),
        );
        c.insert("job_namespace_path".into(), s(job_namespace_path));
    }

    // CI claims (Gitlab::Ci::Jwt#ci_claims).
    c.insert(
        "pipeline_id".into(),
        s(or(&req.pipeline_id, defaults::PIPELINE_ID)),
    );
    c.insert("pipeline_source".into(), s(pipeline_source));
    c.insert("job_id".into(), s(job_id));
    c.insert("ref".into(), s(git_ref));
    c.insert("ref_type".into(), s(ref_type.as_str()));
    c.insert("ref_path".into(), s(ref_path.as_str()));
    c.insert(
        "ref_protected".into(),
        bool_str(req.ref_protected.unwrap_or(false)),
    );
    if let Some(groups) = &req.groups_direct {
        c.insert(
            "groups_direct".into(),
            Value::Array(groups.iter().cloned().map(Value::String).collect()),
        );
    }
    if let Some(env) = &req.environment {
        c.insert("environment".into(), s(env.name.as_str()));
        c.insert("environment_protected".into(), bool_str(env.protected));
        let tier = env
            .tier
            .clone()
            .unwrap_or_else(|| guess_deployment_tier(&env.name).to_owned());
        c.insert("deployment_tier".into(), s(tier));
        c.insert(
            "environment_action".into(),
            s(or(&env.action, defaults::ENVIRONMENT_ACTION)),
        );
    }
    if req.kind == TokenKind::IdToken {
        c.insert("job_source".into(), s(or(&req.job_source, pipeline_source)));
    }

    // JwtV2 additions (id_tokens and CI_JOB_JWT_V2, not V1).
    if req.kind != TokenKind::CiJobJwt {
        c.insert(
            "runner_id".into(),
            Value::from(req.runner_id.unwrap_or(defaults::RUNNER_ID)),
        );
        c.insert(
            "runner_environment".into(),
            s(or(&req.runner_environment, defaults::RUNNER_ENVIRONMENT)),
        );
        c.insert("sha".into(), s(sha));
        c.insert(
            "project_visibility".into(),
            s(or(&req.project_visibility, defaults::PROJECT_VISIBILITY)),
        );
        if let Some(ids) = &req.user_identities {
            let ids = ids
                .iter()
                .map(|i| {
                    let mut m = Map::new();
                    m.insert("provider".into(), s(i.provider.as_str()));
                    m.insert("extern_uid".into(), s(i.extern_uid.as_str()));
                    Value::Object(m)
                })
                .collect();
            c.insert("user_identities".into(), Value::Array(ids));
        }
        // Host without scheme, then `//` before the config path, as GitLab renders it.
        c.insert(
            "ci_config_ref_uri".into(),
            s(format!(
                "{}/{}//{}@{}",
                ctx.issuer.without_scheme(),
                project_path,
                defaults::CI_CONFIG_PATH,
                ref_path
            )),
        );
        c.insert("ci_config_sha".into(), s(sha));
    }

    let sub = match req.kind {
        TokenKind::CiJobJwt => format!("job_{job_id}"),
        TokenKind::IdToken | TokenKind::CiJobJwtV2 => sub_claim(req, &c)?,
    };

    let jti = s(ctx.jti.as_str());
    match req.kind {
        TokenKind::IdToken => {
            // Current JSONWebToken::Token order.
            c.insert("jti".into(), jti);
            c.insert("iat".into(), Value::from(iat));
            c.insert("nbf".into(), Value::from(nbf));
            c.insert("exp".into(), Value::from(exp));
            c.insert("iss".into(), s(ctx.issuer.url()));
            c.insert("sub".into(), s(sub));
            if let Some(aud) = &req.aud {
                c.insert("aud".into(), Value::from(aud));
            }
        }
        TokenKind::CiJobJwt | TokenKind::CiJobJwtV2 => {
            // 16.x `reserved_claims` order.
            let v2 = req.kind == TokenKind::CiJobJwtV2;
            c.insert("jti".into(), jti);
            let iss = if v2 {
                ctx.issuer.url()
            } else {
                ctx.issuer.authority()
            };
            c.insert("iss".into(), s(iss));
            c.insert("iat".into(), Value::from(iat));
            c.insert("nbf".into(), Value::from(nbf));
            c.insert("exp".into(), Value::from(exp));
            c.insert("sub".into(), s(sub));
            if v2 {
                c.insert("aud".into(), s(ctx.issuer.url()));
            }
        }
    }

    if let Some(overrides) = &req.claims {
        apply_overrides(&mut c, overrides);
    }
    Ok(c)
}

/// `name:value` pairs joined with `:`, skipping components without a value, as
/// `Gitlab::Ci::JwtV2#initialize` does.
fn sub_claim(req: &MintRequest, claims: &Map<String, Value>) -> Result<String, ClaimsError> {
    let names: Vec<&str> = match &req.sub_components {
        Some(v) => v.iter().map(String::as_str).collect(),
        None => DEFAULT_SUB_COMPONENTS.to_vec(),
    };
    let mut parts = Vec::with_capacity(names.len() * 2);
    for name in names {
        if !ALLOWED_SUB_COMPONENTS.contains(&name) {
            return Err(ClaimsError::UnknownSubComponent(name.to_owned()));
        }
        if let Some(Value::String(value)) = claims.get(name) {
            parts.push(name.to_owned());
            parts.push(value.clone());
        }
    }
    Ok(parts.join(":"))
}

/// Replace in place (keeping wire position), append new keys, and remove on `null`
/// without reordering the rest.
pub fn apply_overrides(claims: &mut Map<String, Value>, overrides: &Map<String, Value>) {
    for (k, v) in overrides {
        if v.is_null() {
            claims.shift_remove(k);
        } else {
            claims.insert(k.clone(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn issuer() -> Issuer {
        Issuer::parse("https://gitlab.example.com").unwrap()
    }

    fn build(req: serde_json::Value) -> Result<Map<String, Value>, ClaimsError> {
        let req: MintRequest = serde_json::from_value(req).unwrap();
        let iss = issuer();
        build_claims(
            &req,
            &MintContext {
                issuer: &iss,
                now: 1_700_000_000,
                jti: "00000000-0000-4000-8000-000000000000".into(),
            },
        )
    }

    fn keys(m: &Map<String, Value>) -> Vec<&str> {
        m.keys().map(String::as_str).collect()
    }

    #[test]
    fn id_token_order_and_types() {
        let c = build(json!({"aud": "sts.amazonaws.com"})).unwrap();
        assert_eq!(
            keys(&c),
            [
                "project_id",
                "project_path",
                "namespace_id",
                "namespace_path",
                "user_id",
                "user_login",
                "user_email",
                "user_access_level",
                "job_project_id",
                "job_project_path",
                "job_namespace_id",
                "job_namespace_path",
                "pipeline_id",
                "pipeline_source",
                "job_id",
                "ref",
                "ref_type",
                "ref_path",
                "ref_protected",
                "job_source",
                "runner_id",
                "runner_environment",
                "sha",
                "project_visibility",
                "ci_config_ref_uri",
                "ci_config_sha",
                "jti",
                "iat",
                "nbf",
                "exp",
                "iss",
                "sub",
                "aud"
            ]
        );
        for (k, v) in &c {
            match k.as_str() {
                "runner_id" | "iat" | "nbf" | "exp" => assert!(v.is_i64(), "{k}"),
                _ => assert!(v.is_string(), "{k} = {v}"),
            }
        }
        assert_eq!(c["namespace_path"], "mygroup");
        assert_eq!(c["ref_protected"], "false");
        assert_eq!(
            c["sub"],
            "project_path:mygroup/myproject:ref_type:branch:ref:main"
        );
        assert_eq!(
            c["ci_config_ref_uri"],
            "gitlab.example.com/mygroup/myproject//.gitlab-ci.yml@refs/heads/main"
        );
        assert_eq!(c["iss"], "https://gitlab.example.com");
        assert_eq!(c["nbf"], 1_700_000_000 - 5);
        assert_eq!(c["exp"], 1_700_000_000 + 300);
    }

    #[test]
    fn aud_rules() {
        assert_eq!(build(json!({})), Err(ClaimsError::MissingAud));
        let c = build(json!({"claims": {"aud": null}})).unwrap();
        assert!(!c.contains_key("aud"));
        let c = build(json!({"aud": ["a", "b"]})).unwrap();
        assert_eq!(c["aud"], json!(["a", "b"]));
        assert!(matches!(
            build(json!({"kind": "ci_job_jwt", "aud": "x"})),
            Err(ClaimsError::AudNotConfigurable(_))
        ));
        assert!(matches!(
            build(json!({"kind": "ci_job_jwt_v2", "aud": "x"})),
            Err(ClaimsError::AudNotConfigurable(_))
        ));
    }

    #[test]
    fn environment_claims_sit_between_ref_protected_and_job_source() {
        let c = build(json!({
            "aud": "a",
            "environment": {"name": "production", "protected": true}
        }))
        .unwrap();
        let k = keys(&c);
        let at = |n: &str| k.iter().position(|x| *x == n).unwrap();
        assert_eq!(at("environment"), at("ref_protected") + 1);
        assert_eq!(at("environment_protected"), at("environment") + 1);
        assert_eq!(at("deployment_tier"), at("environment") + 2);
        assert_eq!(at("environment_action"), at("environment") + 3);
        assert_eq!(at("job_source"), at("environment") + 4);
        assert_eq!(c["environment_protected"], "true");
        assert_eq!(c["deployment_tier"], "production");
        assert_eq!(c["environment_action"], "start");
    }

    #[test]
    fn tier_guess() {
        assert_eq!(guess_deployment_tier("review/feature-1"), "development");
        assert_eq!(guess_deployment_tier("qa"), "testing");
        assert_eq!(guess_deployment_tier("acceptance"), "testing");
        assert_eq!(guess_deployment_tier("staging"), "staging");
        assert_eq!(guess_deployment_tier("pre-prod"), "staging");
        assert_eq!(guess_deployment_tier("Production"), "production");
        assert_eq!(guess_deployment_tier("eu-west"), "other");
    }

    #[test]
    fn sub_components() {
        let c = build(json!({
            "aud": "a", "ref": "v1.2.3", "ref_type": "tag", "project_id": "99",
            "sub_components": ["project_id", "ref_type", "ref", "deployment_tier"]
        }))
        .unwrap();
        // deployment_tier has no value without an environment, so it is skipped.
        assert_eq!(c["sub"], "project_id:99:ref_type:tag:ref:v1.2.3");
        assert_eq!(c["ref_path"], "refs/tags/v1.2.3");
        assert_eq!(
            build(json!({"aud": "a", "sub_components": ["user_email"]})),
            Err(ClaimsError::UnknownSubComponent("user_email".into()))
        );
        let c = build(json!({"aud": "a", "sub_components": []})).unwrap();
        assert_eq!(c["sub"], "");
    }

    #[test]
    fn namespace_derivation() {
        let c = build(json!({"aud": "a", "project_path": "g/sub/p"})).unwrap();
        assert_eq!(c["namespace_path"], "g/sub");
        assert_eq!(c["job_namespace_path"], "g/sub");
        assert_eq!(
            build(json!({"aud": "a", "project_path": "lonely"})),
            Err(ClaimsError::NoNamespace("lonely".into()))
        );
        let c = build(json!({"aud": "a", "job_project_path": "upstream/p"})).unwrap();
        assert_eq!(c["job_project_path"], "upstream/p");
        assert_eq!(c["job_namespace_path"], "upstream");
        assert_eq!(c["project_path"], "mygroup/myproject");
    }

    #[test]
    fn legacy_v1_shape() {
        let c = build(json!({"kind": "ci_job_jwt", "job_id": "77"})).unwrap();
        let k = keys(&c);
        assert_eq!(&k[..2], ["namespace_id", "namespace_path"]);
        assert_eq!(
            &k[k.len() - 6..],
            ["jti", "iss", "iat", "nbf", "exp", "sub"]
        );
        assert_eq!(c["iss"], "gitlab.example.com");
        assert_eq!(c["sub"], "job_77");
        for absent in ["aud", "runner_id", "sha", "job_project_id", "job_source"] {
            assert!(!c.contains_key(absent), "{absent}");
        }
    }

    #[test]
    fn legacy_v2_shape() {
        let c = build(json!({"kind": "ci_job_jwt_v2"})).unwrap();
        let k = keys(&c);
        assert_eq!(
            &k[k.len() - 7..],
            ["jti", "iss", "iat", "nbf", "exp", "sub", "aud"]
        );
        assert_eq!(c["iss"], "https://gitlab.example.com");
        assert_eq!(c["aud"], "https://gitlab.example.com");
        assert_eq!(
            c["sub"],
            "project_path:mygroup/myproject:ref_type:branch:ref:main"
        );
        assert!(c["runner_id"].is_i64());
    }

    #[test]
    fn overrides_keep_order() {
        let c = build(json!({
            "aud": "a",
            "claims": {"iss": "https://elsewhere", "ref_protected": null, "extra": [1]}
        }))
        .unwrap();
        let k = keys(&c);
        assert_eq!(c["iss"], "https://elsewhere");
        assert_eq!(k[k.len() - 4], "iss");
        assert!(!c.contains_key("ref_protected"));
        assert_eq!(k.last(), Some(&"extra"));
        // Removal must not swap the last key into the hole.
        assert_eq!(
            k[k.iter().position(|x| *x == "ref_path").unwrap() + 1],
            "job_source"
        );
    }

    #[test]
    fn overflow_is_an_error() {
        assert_eq!(
            build(json!({"aud": "a", "expires_in": i64::MAX})),
            Err(ClaimsError::Overflow(i64::MAX))
        );
    }

    #[test]
    fn request_rejects_unknown_and_mistyped() {
        assert!(serde_json::from_value::<MintRequest>(json!({"bogus": 1})).is_err());
        assert!(serde_json::from_value::<MintRequest>(json!({"ref_protected": "no"})).is_err());
        assert!(serde_json::from_value::<MintRequest>(json!({"ref_type": "commit"})).is_err());
        assert!(serde_json::from_value::<MintRequest>(json!({"kind": "v3"})).is_err());
        assert!(
            serde_json::from_value::<MintRequest>(json!({"environment": {"name": "x", "y": 1}}))
                .is_err()
        );
        let r: MintRequest =
            serde_json::from_value(json!({"environment": null, "aud": null})).unwrap();
        assert_eq!(r, MintRequest::default());
    }
}
