//! AssumeRoleWithWebIdentity and GetCallerIdentity as typed calls: what a credential tool does,
//! done by fedlab so a test can compare.

use crate::aws_query::element;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::federation::Federation;
use crate::token::Token;

/// The session name fedlab uses when a test does not choose one.
pub const DEFAULT_SESSION_NAME: &str = "fedlab";

/// One AssumeRoleWithWebIdentity call, with every parameter a client can send.
#[derive(Debug, Clone)]
pub struct AssumeRoleWithWebIdentity {
    role_arn: String,
    token: String,
    session_name: String,
    duration_seconds: Option<String>,
}

impl AssumeRoleWithWebIdentity {
    /// Assume `role_arn` with `token` as the `WebIdentityToken`, sent verbatim.
    pub fn new(role_arn: impl Into<String>, token: &Token) -> Self {
        Self {
            role_arn: role_arn.into(),
            token: token.as_str().to_owned(),
            session_name: DEFAULT_SESSION_NAME.to_owned(),
            duration_seconds: None,
        }
    }

    /// Sends this exact text as the token, e.g. a token with a trailing newline as
    /// `echo "$TOKEN" > file` writes it.
    pub fn raw_token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// `RoleSessionName`. Defaults to [`DEFAULT_SESSION_NAME`].
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = name.into();
        self
    }

    /// `DurationSeconds`. Defaults to not sending it (AWS then issues one hour).
    pub fn duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds.to_string());
        self
    }
}

/// What AssumeRoleWithWebIdentity answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumedRole {
    pub credentials: Credentials,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (the role's path is not part of it).
    pub arn: String,
    /// `AROA…:SESSION`.
    pub assumed_role_id: String,
    /// The IAM OIDC provider's ARN.
    pub provider: String,
    /// The token audience that matched a client ID of the provider.
    pub audience: String,
    /// The token's `sub`.
    pub subject: String,
}

/// What GetCallerIdentity answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    pub arn: String,
    pub user_id: String,
    pub account: String,
}

impl Federation {
    /// Assumes `role_arn` with `token` as a GitLab job would (session name
    /// [`DEFAULT_SESSION_NAME`], no duration), over the Query protocol, unsigned.
    ///
    /// An AWS refusal is [`Error::Aws`] with the exact code, message and status.
    pub async fn assume(&self, role_arn: &str, token: &Token) -> Result<AssumedRole, Error> {
        self.assume_role_with_web_identity(AssumeRoleWithWebIdentity::new(role_arn, token))
            .await
    }

    /// AssumeRoleWithWebIdentity with every parameter spelled out.
    pub async fn assume_role_with_web_identity(
        &self,
        call: AssumeRoleWithWebIdentity,
    ) -> Result<AssumedRole, Error> {
        let mut params = vec![
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", call.role_arn.as_str()),
            ("RoleSessionName", call.session_name.as_str()),
            ("WebIdentityToken", call.token.as_str()),
        ];
        if let Some(duration) = &call.duration_seconds {
            params.push(("DurationSeconds", duration));
        }
        let xml = self.query().call("sts", &params, None).await?;
        let field = |name: &str| element(&xml, name).ok_or_else(|| Error::missing(name, &xml));
        Ok(AssumedRole {
            credentials: Credentials {
                access_key_id: field("AccessKeyId")?,
                secret_access_key: field("SecretAccessKey")?,
                session_token: Some(field("SessionToken")?),
                expiration: Some(field("Expiration")?),
            },
            arn: field("Arn")?,
            assumed_role_id: field("AssumedRoleId")?,
            provider: field("Provider")?,
            audience: field("Audience")?,
            subject: field("SubjectFromWebIdentityToken")?,
        })
    }

    /// GetCallerIdentity signed with `credentials`: proves they work, as `aws sts
    /// get-caller-identity` does.
    pub async fn caller_identity(
        &self,
        credentials: &Credentials,
    ) -> Result<CallerIdentity, Error> {
        let params = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];
        let xml = self.query().call("sts", &params, Some(credentials)).await?;
        let field = |name: &str| element(&xml, name).ok_or_else(|| Error::missing(name, &xml));
        Ok(CallerIdentity {
            arn: field("Arn")?,
            user_id: field("UserId")?,
            account: field("Account")?,
        })
    }
}
