//! Temporary credentials issued by AssumeRoleWithWebIdentity, looked up when they sign a call.
//! A session remembers what `permissions::authorize` needs later: its role (by name, so the
//! role's permissions are read as they are at the time of each request), its session policies,
//! session tags and source identity.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use time::OffsetDateTime;

use crate::ids::{self, RandomUnavailable};
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

#[derive(Default)]
pub(crate) struct Sessions {
    by_access_key: RwLock<HashMap<String, Session>>,
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self
            .by_access_key
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("Sessions").field("count", &count).finish()
    }
}

impl Sessions {
    /// New credentials for `grant`; fails only when the random source does.
    pub(crate) fn issue(&self, grant: Grant<'_>) -> Result<Session, RandomUnavailable> {
        let Grant {
            account,
            role_name,
            role_arn,
            role_id,
            role_session_name,
            provider_arn,
            expiration,
            policies,
            tags,
            source_identity,
        } = grant;
        let session = Session {
            access_key_id: ids::session_access_key_id()?,
            secret_access_key: ids::secret_access_key()?,
            session_token: ids::session_token()?,
            role_id: role_id.to_owned(),
            role_session_name: role_session_name.to_owned(),
            assumed_role_arn: format!(
                "arn:aws:sts::{account}:assumed-role/{role_name}/{role_session_name}"
            ),
            expiration,
            scope: Arc::new(Scope {
                role_name: role_name.to_owned(),
                role_arn: role_arn.to_owned(),
                provider_arn: provider_arn.to_owned(),
                policies,
                tags,
                source_identity,
            }),
        };
        self.by_access_key
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(session.access_key_id.clone(), session.clone());
        Ok(session)
    }

    pub(crate) fn get(&self, access_key_id: &str) -> Option<Session> {
        self.by_access_key
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(access_key_id)
            .cloned()
    }
}
