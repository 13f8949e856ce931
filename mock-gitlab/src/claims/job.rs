//! The mint request with every default applied: the facts about one CI job that the
//! claim sets of all token kinds are built from.

use super::error::ClaimsError;
use super::request::{MintRequest, RefType, UserIdentity, defaults};

/// A project as the `*_id`/`*_path` claims name it, with its namespace.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Project<'a> {
    pub(crate) id: &'a str,
    pub(crate) path: &'a str,
    pub(crate) namespace_id: &'a str,
    pub(crate) namespace_path: &'a str,
}

/// The user who ran the pipeline.
#[derive(Debug, Clone, Copy)]
pub(crate) struct User<'a> {
    pub(crate) id: &'a str,
    pub(crate) login: &'a str,
    pub(crate) email: &'a str,
    pub(crate) access_level: &'a str,
    pub(crate) identities: Option<&'a [UserIdentity]>,
}

/// The job's environment, with the tier guessed when the request gave none.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Environment<'a> {
    pub(crate) name: &'a str,
    pub(crate) protected: bool,
    pub(crate) tier: &'a str,
    pub(crate) action: &'a str,
}

/// Everything a claim set can say about the job.
#[derive(Debug, Clone)]
pub(crate) struct Job<'a> {
    /// The pipeline's source project (the fork, in a merge request pipeline from a fork).
    pub(crate) project: Project<'a>,
    /// The project the job runs in.
    pub(crate) job_project: Project<'a>,
    pub(crate) user: User<'a>,
    pub(crate) pipeline_id: &'a str,
    pub(crate) pipeline_source: &'a str,
    pub(crate) job_id: &'a str,
    pub(crate) job_source: &'a str,
    pub(crate) git_ref: &'a str,
    pub(crate) ref_type: RefType,
    pub(crate) ref_path: String,
    pub(crate) ref_protected: bool,
    pub(crate) groups_direct: Option<&'a [String]>,
    pub(crate) environment: Option<Environment<'a>>,
    pub(crate) runner_id: i64,
    pub(crate) runner_environment: &'a str,
    pub(crate) sha: &'a str,
    pub(crate) project_visibility: &'a str,
    pub(crate) sub_components: Option<&'a [String]>,
}

impl<'a> Job<'a> {
    /// Applies the defaults. Fails only when a namespace cannot be derived from a path.
    pub(crate) fn resolve(req: &'a MintRequest) -> Result<Self, ClaimsError> {
        let project_path = or(&req.project_path, defaults::PROJECT_PATH);
        let project_id = or(&req.project_id, defaults::PROJECT_ID);
        let namespace_id = or(&req.namespace_id, defaults::NAMESPACE_ID);
        let namespace_path = match (&req.namespace_path, parent_path(project_path)) {
            (Some(p), _) => p.as_str(),
            (None, Some(p)) => p,
            (None, None) => return Err(ClaimsError::NoNamespace(project_path.to_owned())),
        };
        let job_namespace_path = match (&req.job_namespace_path, &req.job_project_path) {
            (Some(p), _) => p.as_str(),
            // A different job project without an explicit namespace: derive it the same way.
            (None, Some(jp)) => {
                parent_path(jp).ok_or_else(|| ClaimsError::NoNamespace(jp.clone()))?
            }
            (None, None) => namespace_path,
        };
        let git_ref = or(&req.git_ref, defaults::REF);
        let ref_type = req.ref_type.unwrap_or_default();
        let pipeline_source = or(&req.pipeline_source, defaults::PIPELINE_SOURCE);
        Ok(Self {
            project: Project {
                id: project_id,
                path: project_path,
                namespace_id,
                namespace_path,
            },
            job_project: Project {
                id: or(&req.job_project_id, project_id),
                path: or(&req.job_project_path, project_path),
                namespace_id: or(&req.job_namespace_id, namespace_id),
                namespace_path: job_namespace_path,
            },
            user: User {
                id: or(&req.user_id, defaults::USER_ID),
                login: or(&req.user_login, defaults::USER_LOGIN),
                email: or(&req.user_email, defaults::USER_EMAIL),
                access_level: or(&req.user_access_level, defaults::USER_ACCESS_LEVEL),
                identities: req.user_identities.as_deref(),
            },
            pipeline_id: or(&req.pipeline_id, defaults::PIPELINE_ID),
            pipeline_source,
            job_id: or(&req.job_id, defaults::JOB_ID),
            job_source: or(&req.job_source, pipeline_source),
            git_ref,
            ref_type,
            ref_path: ref_type.ref_path(git_ref),
            ref_protected: req.ref_protected.unwrap_or(false),
            groups_direct: req.groups_direct.as_deref(),
            environment: req.environment.as_ref().map(|env| Environment {
                name: &env.name,
                protected: env.protected,
                tier: env
                    .tier
                    .as_deref()
                    .unwrap_or_else(|| guess_deployment_tier(&env.name)),
                action: or(&env.action, defaults::ENVIRONMENT_ACTION),
            }),
            runner_id: req.runner_id.unwrap_or(defaults::RUNNER_ID),
            runner_environment: or(&req.runner_environment, defaults::RUNNER_ENVIRONMENT),
            sha: or(&req.sha, defaults::SHA),
            project_visibility: or(&req.project_visibility, defaults::PROJECT_VISIBILITY),
            sub_components: req.sub_components.as_deref(),
        })
    }
}

/// `Environment#guess_tier` as in GitLab (`app/models/environment.rb`; case-insensitive
/// regexes, first match wins): `dev|review|trunk`,
/// `test|tst|int|ac(ce|)pt|qa|qc|control|quality`, `st(a|)g|mod(e|)l|pre|demo|non`,
/// `pr(o|)d|live`, else `other`.
pub(crate) fn guess_deployment_tier(name: &str) -> &'static str {
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

fn or<'a>(v: &'a Option<String>, default: &'a str) -> &'a str {
    v.as_deref().unwrap_or(default)
}
