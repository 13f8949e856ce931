//! Temporary credentials issued by AssumeRoleWithWebIdentity, looked up when they sign a call.

use std::collections::HashMap;
use std::fmt;
use std::sync::{PoisonError, RwLock};

use time::OffsetDateTime;

use crate::ids::{self, RandomUnavailable};

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
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grant<'a> {
    pub(crate) account: &'a str,
    pub(crate) role_name: &'a str,
    pub(crate) role_id: &'a str,
    pub(crate) role_session_name: &'a str,
    pub(crate) expiration: OffsetDateTime,
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
            role_id,
            role_session_name,
            expiration,
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
