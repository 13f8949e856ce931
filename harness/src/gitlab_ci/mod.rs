//! `.gitlab-ci.yml` as GitLab reads it for one job: what `fedlab job` needs to run the job as a
//! runner would, and nothing more.
//!
//! Read in GitLab's order (`Gitlab::Ci::Config#build_config`): the YAML with its anchors and
//! `<<` merge keys, then [`extends`](https://docs.gitlab.com/ci/yaml/#extends) (hashes merged
//! deeply, arrays and scalars replaced, the job's own keys last), then
//! [`!reference`](https://docs.gitlab.com/ci/yaml/yaml_optimization/#reference-tags) tags
//! against the extended configuration. Keywords follow the CI/CD YAML syntax reference
//! (<https://docs.gitlab.com/ci/yaml/>): `variables:` (a value, or `{value, description,
//! expand}`), `id_tokens:` (`aud` a string, a list, or a `$VARIABLE`), `before_script:`,
//! `script:` and `after_script:` (a string or a list, nested lists flattened), `default:`
//! (`before_script`/`after_script` inherited unless the job sets its own), and `stage:`.
//! `image:`, `services:` and other keywords that shape where a runner runs the job are
//! reported in [`CiJob::ignored`]: fedlab runs the script on this machine. `include:` is not
//! followed (the file must be self-contained).

mod error;
mod expand;
mod extends;
mod reference;
mod script;
#[cfg(test)]
mod tests;
mod variables;

use serde_yaml::{Mapping, Value};

pub use error::CiError;
pub use expand::expand;
pub use variables::Variable;

/// Top-level keys that are not jobs (GitLab's `Config::Entry::Root` global keywords).
const GLOBAL_KEYWORDS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
    "spec",
];

/// Job keywords that shape where or when a runner runs the job, which fedlab does not model:
/// the script runs on this machine, once.
const IGNORED_KEYWORDS: &[&str] = &[
    "image",
    "services",
    "tags",
    "cache",
    "artifacts",
    "dependencies",
    "needs",
    "rules",
    "only",
    "except",
    "when",
    "allow_failure",
    "retry",
    "timeout",
    "parallel",
    "environment",
    "interruptible",
    "resource_group",
    "coverage",
    "release",
    "secrets",
    "trigger",
    "inherit",
    "hooks",
    "pages",
    "identity",
];

/// A `.gitlab-ci.yml` with `extends:` and `!reference` resolved.
#[derive(Debug, Clone)]
pub struct CiFile {
    root: Mapping,
}

/// One `id_tokens:` entry: the variable it becomes and its `aud`, as written (variables in it
/// are expanded when the job's variables are known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdTokenSpec {
    /// The variable the token is put in, e.g. `GITLAB_OIDC_TOKEN`.
    pub name: String,
    /// `aud:` as written: one string or a list.
    pub aud: Vec<String>,
    /// Whether `aud:` was a list (the claim is then an array, even with one entry).
    pub aud_is_list: bool,
}

/// One job, ready to run: everything GitLab would hand a runner for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiJob {
    pub name: String,
    /// `stage:`, default `test`.
    pub stage: String,
    /// The top-level `variables:`.
    pub global_variables: Vec<Variable>,
    /// The job's own `variables:` (after `extends:`).
    pub variables: Vec<Variable>,
    pub id_tokens: Vec<IdTokenSpec>,
    /// `before_script:` (the job's, else `default:`'s, else the deprecated top-level one).
    pub before_script: Vec<String>,
    pub script: Vec<String>,
    /// `after_script:`, run in a shell of its own after the others, its exit code ignored.
    pub after_script: Vec<String>,
    /// Keywords present but not modelled, with their value in YAML, e.g. `image: amazon/aws-cli`.
    pub ignored: Vec<String>,
}

impl CiFile {
    /// Parses a `.gitlab-ci.yml` and resolves `extends:` and `!reference` tags.
    pub fn parse(text: &str) -> Result<Self, CiError> {
        let mut value: Value =
            serde_yaml::from_str(text).map_err(|e| CiError::Yaml(e.to_string()))?;
        value
            .apply_merge()
            .map_err(|e| CiError::Yaml(e.to_string()))?;
        let Value::Mapping(root) = value else {
            return Err(CiError::NotAMapping);
        };
        let extended = extends::resolve_all(&root)?;
        let root = reference::resolve_all(&extended)?;
        Ok(Self { root })
    }

    /// The names of the jobs GitLab would create, in file order (hidden jobs and global
    /// keywords left out).
    pub fn job_names(&self) -> Vec<String> {
        self.root
            .iter()
            .filter_map(|(key, value)| Some((key.as_str()?, value)))
            .filter(|(name, value)| is_job(name, value))
            .map(|(name, _)| name.to_owned())
            .collect()
    }

    /// The job `name`, with what it inherits from `default:` and the top level.
    pub fn job(&self, name: &str) -> Result<CiJob, CiError> {
        let job = self
            .root
            .get(name)
            .filter(|value| is_job(name, value))
            .and_then(Value::as_mapping)
            .ok_or_else(|| CiError::NoSuchJob {
                name: name.to_owned(),
                jobs: self.job_names().join(", "),
            })?;
        let default = self.root.get("default").and_then(Value::as_mapping);
        // The job's own keyword, else `default:`'s, else the deprecated top-level one.
        let inherited = |keyword: &str| {
            job.get(keyword)
                .or_else(|| default.and_then(|d| d.get(keyword)))
                .or_else(|| self.root.get(keyword))
        };
        let lines = |keyword: &str| match inherited(keyword) {
            Some(value) => script::lines(value, name, keyword),
            None => Ok(Vec::new()),
        };
        let script = match job.get("script") {
            Some(value) => script::lines(value, name, "script")?,
            None => return Err(CiError::invalid(name, "script", "a job needs `script:`")),
        };
        let stage = match job.get("stage") {
            None => "test".to_owned(),
            Some(Value::String(stage)) => stage.clone(),
            Some(_) => return Err(CiError::invalid(name, "stage", "must be a string")),
        };
        let mut ignored = Vec::new();
        for keyword in IGNORED_KEYWORDS {
            if let Some(value) = inherited(keyword) {
                let shown = serde_yaml::to_string(value).unwrap_or_default();
                ignored.push(format!(
                    "{keyword}: {}",
                    shown.trim_end().replace('\n', " ")
                ));
            }
        }
        Ok(CiJob {
            name: name.to_owned(),
            stage,
            global_variables: variables::parse(self.root.get("variables"), name)?,
            variables: variables::parse(job.get("variables"), name)?,
            id_tokens: id_tokens(job.get("id_tokens"), name)?,
            before_script: lines("before_script")?,
            script,
            after_script: lines("after_script")?,
            ignored,
        })
    }
}

fn is_job(name: &str, value: &Value) -> bool {
    !name.starts_with('.') && !GLOBAL_KEYWORDS.contains(&name) && value.is_mapping()
}

/// `id_tokens: {NAME: {aud: …}}`; `aud` is required (GitLab's schema), a string or a list.
fn id_tokens(value: Option<&Value>, job: &str) -> Result<Vec<IdTokenSpec>, CiError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let entries = value
        .as_mapping()
        .ok_or_else(|| CiError::invalid(job, "id_tokens", "must be a mapping"))?;
    let mut tokens = Vec::new();
    for (name, spec) in entries {
        let name = name
            .as_str()
            .ok_or_else(|| CiError::invalid(job, "id_tokens", "names must be strings"))?;
        let keyword = format!("id_tokens:{name}:aud");
        let aud = spec
            .get("aud")
            .ok_or_else(|| CiError::invalid(job, &keyword, "is required"))?;
        let (aud, aud_is_list) = match aud {
            Value::String(one) => (vec![one.clone()], false),
            Value::Sequence(many) => {
                let many = many
                    .iter()
                    .map(|a| a.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| CiError::invalid(job, &keyword, "must list strings"))?;
                (many, true)
            }
            _ => {
                return Err(CiError::invalid(
                    job,
                    &keyword,
                    "must be a string or a list of strings",
                ));
            }
        };
        tokens.push(IdTokenSpec {
            name: name.to_owned(),
            aud,
            aud_is_list,
        });
    }
    Ok(tokens)
}
