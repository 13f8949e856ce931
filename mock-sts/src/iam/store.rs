//! One account's OIDC providers and roles, and the lookups STS makes in them.

use std::collections::BTreeMap;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::policy::PolicyDocument;

#[derive(Debug, Clone)]
pub(crate) struct Provider {
    pub(crate) arn: String,
    /// As registered, with `https://`.
    pub(crate) url: String,
    pub(crate) client_ids: Vec<String>,
    /// Lower-case hex, as IAM shows them.
    pub(crate) thumbprints: Vec<String>,
    pub(crate) created: OffsetDateTime,
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
    pub(crate) created: OffsetDateTime,
}

/// One account's identities. Entries are shared, so a request takes a cheap handle instead of
/// copying a parsed policy, and a request in flight keeps the version it started with.
#[derive(Debug, Default)]
pub(crate) struct IamStore {
    /// Keyed by ARN.
    providers: BTreeMap<String, Arc<Provider>>,
    /// Keyed by lower-case name: IAM keeps role names unique case-insensitively.
    roles: BTreeMap<String, Arc<Role>>,
}

impl IamStore {
    /// The provider whose URL is exactly the token's issuer: case- and trailing-slash-sensitive.
    pub(crate) fn provider_for_issuer(&self, issuer: &str) -> Option<Arc<Provider>> {
        self.providers.values().find(|p| p.url == issuer).cloned()
    }

    pub(crate) fn provider(&self, arn: &str) -> Option<Arc<Provider>> {
        self.providers.get(arn).cloned()
    }

    pub(crate) fn providers(&self) -> impl Iterator<Item = &Provider> {
        self.providers.values().map(AsRef::as_ref)
    }

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

    /// Adds a role or replaces the one with the same name (in any letter case).
    pub(crate) fn put_role(&mut self, role: Arc<Role>) {
        self.roles.insert(role.name.to_ascii_lowercase(), role);
    }

    pub(crate) fn remove_role(&mut self, name: &str) -> Option<Arc<Role>> {
        self.roles.remove(&name.to_ascii_lowercase())
    }
}
