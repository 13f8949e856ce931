//! What can keep a job from being set up. Its own failures are its exit code, not errors.

use crate::gitlab_ci::CiError;

/// Why a job could not be set up (its own failures are its exit code, not errors).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// The `.gitlab-ci.yml` does not give the job.
    #[error(transparent)]
    Ci(#[from] CiError),
    /// The `--aws` file is unreadable, or IAM refused to set it up.
    #[error("the account (--aws): {0}")]
    Account(String),
    /// The mocks: starting, minting, IAM.
    #[error(transparent)]
    Federation(#[from] crate::Error),
    /// The GitLab release the instance reports is not one fedlab can read.
    #[error("GitLab release: {0}")]
    Version(String),
    /// A file or process of the job.
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
}

/// `map_err` for an I/O failure of `what`.
pub(super) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> JobError {
    let what = what.into();
    move |source| JobError::Io { what, source }
}
