//! The same federation for tests that are not async: every call blocks until it is answered.
//!
//! ```
//! use fedlab::blocking::Federation;
//! use fedlab::{IdToken, OidcProvider, Role, TrustPolicy};
//!
//! let fed = Federation::start()?;
//! fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))?;
//! let policy = TrustPolicy::for_issuer(&fed).string_like("sub", "project_path:mygroup/*");
//! let role = fed.create_role(Role::new("gitlab-ci", policy))?;
//! let token = fed.mint(IdToken::new("sts.amazonaws.com"))?;
//! let assumed = fed.assume(&role.arn, &token)?;
//! assert_eq!(assumed.arn, "arn:aws:sts::123456789012:assumed-role/gitlab-ci/fedlab");
//! # Ok::<(), fedlab::Error>(())
//! ```
//!
//! Call it from plain threads only: like `tokio::runtime::Runtime::block_on`, it panics inside an
//! async runtime (use [`crate::Federation`] there).

use std::future::Future;

use crate::assume::{AssumeRoleWithWebIdentity, AssumedRole, CallerIdentity};
use crate::builder::FederationBuilder;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::iam::{CreatedRole, OidcProvider, PolicyDocument, Role};
use crate::job::JobEnvironment;
use crate::remote::RemoteMocks;
use crate::token::{IdToken, Token};

/// A [`crate::Federation`] whose calls block. It derefs to the async one for everything that
/// does not wait on the network ([`crate::Federation::requests`], [`crate::Federation::job`],
/// [`crate::Federation::expect`], the accessors).
#[derive(Debug)]
pub struct Federation {
    inner: crate::federation::Federation,
}

impl Federation {
    /// Starts both mocks with the defaults of [`FederationBuilder`].
    pub fn start() -> Result<Self, Error> {
        Self::start_with(crate::federation::Federation::builder())
    }

    /// Starts both mocks with these settings.
    pub fn start_with(builder: FederationBuilder) -> Result<Self, Error> {
        Ok(Self {
            inner: builder.start_blocking()?,
        })
    }

    /// See [`crate::Federation::connect`].
    pub fn connect(remote: RemoteMocks) -> Result<Self, Error> {
        Ok(Self {
            inner: crate::federation::Federation::connect_blocking(remote)?,
        })
    }

    /// See [`crate::Federation::reset`].
    pub fn reset(&self) -> Result<(), Error> {
        self.wait(self.inner.reset())?
    }

    fn wait<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        self.inner.runtime.block_on(future)
    }

    /// See [`crate::Federation::create_provider`].
    pub fn create_provider(&self, provider: OidcProvider) -> Result<String, Error> {
        self.wait(self.inner.create_provider(provider))?
    }

    /// See [`crate::Federation::create_role`].
    pub fn create_role(&self, role: Role) -> Result<CreatedRole, Error> {
        self.wait(self.inner.create_role(role))?
    }

    /// See [`crate::Federation::update_trust_policy`].
    pub fn update_trust_policy(
        &self,
        role_name: &str,
        trust_policy: impl Into<PolicyDocument>,
    ) -> Result<(), Error> {
        self.wait(self.inner.update_trust_policy(role_name, trust_policy))?
    }

    /// See [`crate::Federation::mint`].
    pub fn mint(&self, token: IdToken) -> Result<Token, Error> {
        self.wait(self.inner.mint(token))?
    }

    /// See [`crate::Federation::assume`].
    pub fn assume(&self, role_arn: &str, token: &Token) -> Result<AssumedRole, Error> {
        self.wait(self.inner.assume(role_arn, token))?
    }

    /// See [`crate::Federation::assume_role_with_web_identity`].
    pub fn assume_role_with_web_identity(
        &self,
        call: AssumeRoleWithWebIdentity,
    ) -> Result<AssumedRole, Error> {
        self.wait(self.inner.assume_role_with_web_identity(call))?
    }

    /// See [`crate::Federation::caller_identity`].
    pub fn caller_identity(&self, credentials: &Credentials) -> Result<CallerIdentity, Error> {
        self.wait(self.inner.caller_identity(credentials))?
    }

    /// See [`crate::Federation::rotate_signing_key`].
    pub fn rotate_signing_key(&self, keep_old: bool) -> Result<String, Error> {
        self.wait(self.inner.rotate_signing_key(keep_old))?
    }

    /// See [`crate::Federation::job`].
    pub fn job(&self, role_arn: &str, token: &Token) -> Result<JobEnvironment, Error> {
        self.inner.job(role_arn, token)
    }
}

impl std::ops::Deref for Federation {
    type Target = crate::federation::Federation;

    fn deref(&self) -> &crate::federation::Federation {
        &self.inner
    }
}
