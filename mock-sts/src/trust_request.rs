//! The request a trust policy is evaluated against for AssumeRoleWithWebIdentity: what AWS
//! knows about the call. Public, so a tool can ask "would this token get in?" offline with exactly
//! the context mock-sts builds.

use time::OffsetDateTime;

use crate::policy::{Principal, RequestContext};
use crate::times;

/// The action a web-identity trust policy must allow.
pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

/// What AWS takes from one AssumeRoleWithWebIdentity call into the trust policy's evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustRequest {
    /// The IAM OIDC provider's ARN, the `Federated` principal.
    pub provider_arn: String,
    /// The provider URL without `https://` (`gitlab.example.com`, `localhost:8443/gitlab`): the
    /// prefix of the condition keys.
    pub provider_host: String,
    /// The token's `aud` values.
    pub audiences: Vec<String>,
    /// The token's `sub`.
    pub subject: String,
    pub session_name: String,
    pub now: OffsetDateTime,
    pub region: String,
}

impl TrustRequest {
    /// The keys a trust policy can test for a self-managed OIDC issuer: `<provider>:aud` and
    /// `<provider>:sub`, named after the provider URL without its scheme, and the global keys of
    /// the call. Other claims (GitLab's `project_path`, `ref`, …) are not condition keys, so a
    /// condition on them sees an absent key (the IAM User Guide page "Available keys for AWS OIDC
    /// federation", <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>).
    pub fn context(&self) -> RequestContext {
        let prefix = &self.provider_host;
        let mut context = RequestContext::new(
            Principal::Federated(self.provider_arn.clone()),
            ASSUME_ROLE_WITH_WEB_IDENTITY,
        );
        context.insert(format!("{prefix}:aud"), self.audiences.iter().cloned());
        context.insert(format!("{prefix}:sub"), [self.subject.clone()]);
        context.insert("aws:FederatedProvider", [self.provider_arn.clone()]);
        context.insert("sts:RoleSessionName", [self.session_name.clone()]);
        context.insert("aws:CurrentTime", [times::iso8601(self.now)]);
        context.insert("aws:EpochTime", [self.now.unix_timestamp().to_string()]);
        context.insert("aws:RequestedRegion", [self.region.clone()]);
        context
    }
}
