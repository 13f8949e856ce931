//! Why a mint request cannot become a claim set.

use super::sub::{ALLOWED_SUB_COMPONENTS, UnknownSubComponent};

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
    #[error("sub_components entry {0:?} is not one of {ALLOWED_SUB_COMPONENTS:?}")]
    UnknownSubComponent(String),
    #[error("expires_in {0} overflows the token lifetime")]
    Overflow(i64),
}

impl From<UnknownSubComponent> for ClaimsError {
    fn from(e: UnknownSubComponent) -> Self {
        Self::UnknownSubComponent(e.0)
    }
}
