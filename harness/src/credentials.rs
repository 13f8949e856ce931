//! AWS credentials, static or temporary.

use std::fmt;

/// AWS credentials: static (the admin keys) or temporary (issued by AssumeRoleWithWebIdentity).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Present for temporary credentials.
    pub session_token: Option<String>,
    /// When temporary credentials expire, as AWS writes it (`2023-11-14T23:13:20Z`).
    pub expiration: Option<String>,
}

// Hand-written so a secret never reaches a test log through `{:?}`.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}
