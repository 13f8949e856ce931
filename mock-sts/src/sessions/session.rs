//! What a session is: the credentials issued, what they may do, and why a request naming them
//! is refused.

use std::fmt;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::policy::PolicyDocument;

#[derive(Clone)]
pub(crate) struct Session {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: String,
    pub(crate) role_id: String,
    pub(crate) role_session_name: String,
    /// `arn:aws:sts::<account>:assumed-role/<role name>/<session>` (no role path).
    pub(crate) assumed_role_arn: String,
    pub(crate) expiration: OffsetDateTime,
    /// Shared, so the copy a signed call takes stays small.
    pub(crate) scope: Arc<Scope>,
}

/// What a session may do and what it carries into each request's context.
#[derive(Debug)]
pub(crate) struct Scope {
    pub(crate) role_name: String,
    /// The role's own ARN, path included (`aws:PrincipalArn`).
    pub(crate) role_arn: String,
    /// The IAM OIDC provider the token came through (`aws:FederatedProvider`).
    pub(crate) provider_arn: String,
    pub(crate) policies: SessionPolicies,
    /// The token's session tags, in token order (`aws:PrincipalTag/<key>`).
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) source_identity: Option<String>,
}

/// The session policies passed when the session was issued (`Policy`, `PolicyArns`). Managed
/// ones are kept by ARN and read at each request, as the role's attached policies are.
#[derive(Debug, Clone, Default)]
pub(crate) struct SessionPolicies {
    pub(crate) inline: Option<Arc<PolicyDocument>>,
    pub(crate) arns: Vec<String>,
}

impl SessionPolicies {
    /// Whether any session policy was passed: then they, too, must allow each request.
    pub(crate) fn any(&self) -> bool {
        self.inline.is_some() || !self.arns.is_empty()
    }
}

// Hand-written so the secret and the session token never reach a log line through `{:?}`.
impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("access_key_id", &self.access_key_id)
            .field("assumed_role_arn", &self.assumed_role_arn)
            .field("expiration", &self.expiration)
            .finish_non_exhaustive()
    }
}

/// The role and session a set of credentials is issued for.
#[derive(Debug, Clone)]
pub(crate) struct Grant<'a> {
    pub(crate) account: &'a str,
    pub(crate) role_name: &'a str,
    pub(crate) role_arn: &'a str,
    pub(crate) role_id: &'a str,
    pub(crate) role_session_name: &'a str,
    pub(crate) provider_arn: &'a str,
    pub(crate) expiration: OffsetDateTime,
    pub(crate) policies: SessionPolicies,
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) source_identity: Option<String>,
}

/// Why a signed request's access key does not stand for a usable session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Never issued here, or forgotten (see the module doc).
    UnknownKey,
    /// The request carried no session token.
    MissingToken,
    /// The session token is not the one issued with the key.
    WrongToken,
    /// The session has expired (its token matched).
    Expired,
}
