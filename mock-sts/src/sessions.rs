//! Temporary credentials issued by AssumeRoleWithWebIdentity, looked up when they sign a call.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use time::OffsetDateTime;

use crate::ids;

#[derive(Debug, Clone)]
pub struct Session {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub role_id: String,
    pub role_session_name: String,
    /// `arn:aws:sts::<account>:assumed-role/<role name>/<session>` (no role path).
    pub assumed_role_arn: String,
    pub expiration: OffsetDateTime,
}

#[derive(Debug, Default)]
pub struct Sessions {
    by_access_key: RwLock<HashMap<String, Session>>,
}

impl Sessions {
    pub fn issue(
        &self,
        account: &str,
        role_name: &str,
        role_id: &str,
        role_session_name: &str,
        expiration: OffsetDateTime,
    ) -> Session {
        let session = Session {
            access_key_id: ids::session_access_key_id(),
            secret_access_key: ids::secret_access_key(),
            session_token: ids::session_token(),
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
        session
    }

    pub fn get(&self, access_key_id: &str) -> Option<Session> {
        self.by_access_key
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(access_key_id)
            .cloned()
    }
}
