//! An IAM account as data: the OIDC providers and roles mock-sts starts with (`mock-sts --seed
//! FILE`, [`Config::seed`](crate::Config::seed)) and the shape `GET /-/mock/state` dumps.
//!
//! The field names are those of a fedlab scenario's `aws:` section (`providers: [{url,
//! client_ids, thumbprints}]`, `roles: [{name, path, trust_policy, max_session_duration}]`),
//! plus `tags`, `description`, inline `policies` and `attached_policies` (managed policy ARNs) on
//! roles and the account's customer `managed_policies`, so a scenario's setup can seed a mock-sts
//! as it is. Seeding runs every entry through the IAM API's own validation.

use serde::{Deserialize, Serialize};

/// A whole account's providers and roles, in the order they are created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    #[serde(default)]
    pub providers: Vec<SeedProvider>,
    /// Customer managed policies (CreatePolicy), created before the roles that attach them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_policies: Vec<SeedManagedPolicy>,
    #[serde(default)]
    pub roles: Vec<SeedRole>,
}

/// CreatePolicy: a customer managed policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedManagedPolicy {
    pub name: String,
    /// Default `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub document: PolicyText,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<SeedTag>,
}

/// CreateOpenIDConnectProvider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedProvider {
    /// With `https://`, as given to `--url`.
    pub url: String,
    #[serde(default)]
    pub client_ids: Vec<String>,
    /// Without any, IAM connects to the provider to compute one (only a spawned mock-sts can).
    #[serde(default)]
    pub thumbprints: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<SeedTag>,
}

/// CreateRole, then PutRolePolicy for each inline policy, then AttachRolePolicy for each
/// attached policy ARN (AWS managed, or a customer managed one of `managed_policies`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRole {
    pub name: String,
    /// Default `/`.
    #[serde(default)]
    pub path: Option<String>,
    pub trust_policy: PolicyText,
    /// Seconds, default 3600.
    #[serde(default)]
    pub max_session_duration: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<SeedTag>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<SeedPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached_policies: Vec<String>,
}

/// An inline permission policy of a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPolicy {
    pub name: String,
    pub document: PolicyText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedTag {
    pub key: String,
    pub value: String,
}

/// A policy document: JSON text sent verbatim (as scenarios write it), or an inline YAML/JSON
/// object sent as compact JSON with its keys in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PolicyText {
    Text(String),
    Document(serde_json::Value),
}

impl PolicyText {
    /// The document text IAM receives.
    pub fn to_text(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Document(value) => value.to_string(),
        }
    }
}

/// A seed file that is not a seed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SeedFormatError(String);

impl Seed {
    /// Reads a seed from YAML (which includes JSON).
    pub fn from_yaml(text: &str) -> Result<Self, SeedFormatError> {
        serde_yaml::from_str(text).map_err(|err| SeedFormatError(err.to_string()))
    }

    pub fn from_json(text: &str) -> Result<Self, SeedFormatError> {
        serde_json::from_str(text).map_err(|err| SeedFormatError(err.to_string()))
    }

    /// Pretty JSON, the text `GET /-/mock/state` answers with.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trust_policy_may_be_text_or_an_inline_object() {
        let seed = Seed::from_yaml(
            "roles:\n  - name: a\n    trust_policy: '{\"Version\": \"2012-10-17\"}'\n  - name: b\n    trust_policy:\n      Version: '2012-10-17'\n      Statement: []\n",
        )
        .unwrap();
        assert_eq!(
            seed.roles[0].trust_policy.to_text(),
            r#"{"Version": "2012-10-17"}"#
        );
        assert_eq!(
            seed.roles[1].trust_policy.to_text(),
            r#"{"Version":"2012-10-17","Statement":[]}"#
        );
    }

    #[test]
    fn an_unknown_field_is_refused_so_typos_do_not_pass_silently() {
        let err = Seed::from_yaml("providers:\n  - url: https://x\n    client_id: [a]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("client_id"), "{err}");
    }
}
