//! What can be wrong with a `.gitlab-ci.yml` for the job asked for.

/// Why a `.gitlab-ci.yml` cannot give the job asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CiError {
    /// The file is not YAML (the parser's message, with line and column).
    #[error("not valid YAML: {0}")]
    Yaml(String),
    /// The file's top level is not a mapping of keys to jobs and keywords.
    #[error("the top level is not a mapping of job names and keywords")]
    NotAMapping,
    /// No job of that name (hidden jobs, whose names start with `.`, are templates, not jobs).
    #[error("no job named {name:?}; the jobs are: {jobs}")]
    NoSuchJob { name: String, jobs: String },
    /// `extends:` names no job or template, loops, or nests deeper than GitLab allows.
    #[error("{job}: {reason} in `extends`")]
    Extends { job: String, reason: String },
    /// A `!reference [...]` tag that does not resolve.
    #[error("!reference {path}: {reason}")]
    Reference { path: String, reason: String },
    /// A keyword whose value GitLab would refuse.
    #[error("{job}: {keyword}: {reason}")]
    Invalid {
        job: String,
        keyword: String,
        reason: String,
    },
}

impl CiError {
    pub(super) fn invalid(job: &str, keyword: &str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            job: job.to_owned(),
            keyword: keyword.to_owned(),
            reason: reason.into(),
        }
    }
}
