//! Why a mint request cannot become a claim set.

use crate::version::GitlabVersion;

use super::sub::SubComponentsError;

/// A request GitLab could never have produced a token for. The mint API answers it with 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ClaimsError {
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
    #[error(transparent)]
    SubComponents(#[from] SubComponentsError),
    #[error("expires_in {0} overflows the token lifetime")]
    Overflow(i64),
    #[error(
        "kind {kind} is not available on GitLab {version}: GitLab {removed} removed the predefined variables CI_JOB_JWT, CI_JOB_JWT_V1 and CI_JOB_JWT_V2; the id_tokens keyword (kind id_token) replaces them. Choose a GitLab version before {removed} for the legacy tokens"
    )]
    LegacyKindRemoved {
        kind: &'static str,
        version: GitlabVersion,
        removed: GitlabVersion,
    },
    #[error("kind {kind} is not available on GitLab {version}; it exists from GitLab {since}")]
    KindNotYet {
        kind: &'static str,
        version: GitlabVersion,
        since: GitlabVersion,
    },
}
