//! One account's OIDC providers, roles and customer managed policies, and the lookups STS makes
//! in them. AWS managed policies are not stored: `iam::find_policy` looks them up in the
//! built-in table of `aws_managed`.

use std::collections::BTreeMap;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::policy::PolicyDocument;

/// A tag as IAM keeps it: the key in the letter case last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    pub(crate) key: String,
    pub(crate) value: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Provider {
    pub(crate) arn: String,
    /// As registered, with `https://`.
    pub(crate) url: String,
    pub(crate) client_ids: Vec<String>,
    /// Lower-case hex, as IAM shows them.
    pub(crate) thumbprints: Vec<String>,
    pub(crate) tags: Vec<Tag>,
    pub(crate) created: OffsetDateTime,
}

/// An inline permission policy of a role (PutRolePolicy).
#[derive(Debug, Clone)]
pub(crate) struct InlinePolicy {
    /// The document exactly as the caller sent it.
    pub(crate) text: String,
    /// Parsed as an identity policy, as `permissions::authorize` evaluates it.
    pub(crate) document: PolicyDocument,
}

/// A managed policy: customer managed (CreatePolicy) or one of the built-in AWS managed ones.
/// Only the default version exists: mock-sts has no CreatePolicyVersion.
#[derive(Debug, Clone)]
pub(crate) struct ManagedPolicy {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) arn: String,
    /// `ANPA` + 17 characters.
    pub(crate) policy_id: String,
    pub(crate) description: Option<String>,
    /// `v1` for customer managed policies; AWS's current version for AWS managed ones.
    pub(crate) version_id: String,
    /// The document exactly as the caller (or AWS's reference page) wrote it.
    pub(crate) text: String,
    pub(crate) document: PolicyDocument,
    pub(crate) tags: Vec<Tag>,
    pub(crate) created: OffsetDateTime,
    pub(crate) updated: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub(crate) struct Role {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) arn: String,
    pub(crate) role_id: String,
    /// The document exactly as the caller sent it.
    pub(crate) trust_policy_text: String,
    pub(crate) trust_policy: PolicyDocument,
    pub(crate) max_session_duration: i64,
    pub(crate) description: Option<String>,
    pub(crate) tags: Vec<Tag>,
    /// By policy name, case-sensitively.
    pub(crate) inline_policies: BTreeMap<String, InlinePolicy>,
    /// Managed policy ARNs, in the order they were attached.
    pub(crate) attached_policies: Vec<String>,
    pub(crate) created: OffsetDateTime,
}

/// One account's identities. Entries are shared, so a request takes a cheap handle instead of
/// copying a parsed policy, and a request in flight keeps the version it started with. A clone
/// copies handles only, which is how a reset keeps the account as it was at start.
#[derive(Debug, Default, Clone)]
pub(crate) struct IamStore {
    /// Keyed by ARN.
    providers: BTreeMap<String, Arc<Provider>>,
    /// Keyed by lower-case name: IAM keeps role names unique case-insensitively.
    roles: BTreeMap<String, Arc<Role>>,
    /// Customer managed policies, keyed by ARN.
    policies: BTreeMap<String, Arc<ManagedPolicy>>,
}

impl IamStore {
    /// The provider whose URL is exactly the token's issuer: case- and trailing-slash-sensitive.
    pub(crate) fn provider_for_issuer(&self, issuer: &str) -> Option<Arc<Provider>> {
        self.providers.values().find(|p| p.url == issuer).cloned()
    }

    pub(crate) fn provider(&self, arn: &str) -> Option<Arc<Provider>> {
        self.providers.get(arn).cloned()
    }

    /// Every provider, in ARN order.
    pub(crate) fn providers(&self) -> impl Iterator<Item = &Provider> {
        self.providers.values().map(AsRef::as_ref)
    }

    /// Adds a provider or replaces the one with the same ARN.
    pub(crate) fn insert_provider(&mut self, provider: Arc<Provider>) {
        self.providers.insert(provider.arn.clone(), provider);
    }

    pub(crate) fn remove_provider(&mut self, arn: &str) -> Option<Arc<Provider>> {
        self.providers.remove(arn)
    }

    /// The role named `name` in any letter case; callers that need the exact name compare it.
    pub(crate) fn role(&self, name: &str) -> Option<Arc<Role>> {
        self.roles.get(&name.to_ascii_lowercase()).cloned()
    }

    /// Every role with its key (the lower-case name), in key order.
    pub(crate) fn roles(&self) -> impl Iterator<Item = (&str, &Arc<Role>)> {
        self.roles.iter().map(|(key, role)| (key.as_str(), role))
    }

    /// Adds a role or replaces the one with the same name (in any letter case).
    pub(crate) fn put_role(&mut self, role: Arc<Role>) {
        self.roles.insert(role.name.to_ascii_lowercase(), role);
    }

    pub(crate) fn remove_role(&mut self, name: &str) -> Option<Arc<Role>> {
        self.roles.remove(&name.to_ascii_lowercase())
    }

    /// The customer managed policy `arn` names (`iam::find_policy` also finds AWS managed ones).
    pub(crate) fn customer_policy(&self, arn: &str) -> Option<Arc<ManagedPolicy>> {
        self.policies.get(arn).cloned()
    }

    /// The customer managed policy named `name` (IAM keeps policy names unique per account).
    pub(crate) fn customer_policy_named(&self, name: &str) -> Option<Arc<ManagedPolicy>> {
        self.policies
            .values()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .cloned()
    }

    /// Every customer managed policy, in ARN order.
    pub(crate) fn customer_policies(&self) -> impl Iterator<Item = &ManagedPolicy> {
        self.policies.values().map(AsRef::as_ref)
    }

    pub(crate) fn put_policy(&mut self, policy: Arc<ManagedPolicy>) {
        self.policies.insert(policy.arn.clone(), policy);
    }

    pub(crate) fn remove_policy(&mut self, arn: &str) -> Option<Arc<ManagedPolicy>> {
        self.policies.remove(arn)
    }

    /// How many roles have `arn` attached (GetPolicy's AttachmentCount).
    pub(crate) fn attachment_count(&self, arn: &str) -> usize {
        self.roles
            .values()
            .filter(|role| role.attached_policies.iter().any(|a| a == arn))
            .count()
    }
}
