//! The AWS side of a test: IAM OIDC providers and roles, created through mock-sts's IAM API with
//! SigV4-signed calls, exactly as `aws iam create-open-id-connect-provider` and `aws iam
//! create-role` would.

use serde_json::{Value, json};

use crate::aws_query::element;
use crate::error::Error;
use crate::federation::Federation;

/// An IAM OIDC identity provider, as `aws iam create-open-id-connect-provider` takes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OidcProvider {
    url: Option<String>,
    client_ids: Vec<String>,
    thumbprints: Vec<String>,
}

impl OidcProvider {
    /// A provider for mock-gitlab's issuer, with no client ID yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `--url`. Defaults to the federation's issuer (`https://localhost:PORT`).
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Adds to `--client-id-list`: the audiences STS accepts, e.g. `sts.amazonaws.com`.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_ids.push(client_id.into());
        self
    }

    /// Adds to `--thumbprint-list` (see [`Federation::thumbprint`]). Only consulted when the
    /// issuer's CA is not one AWS trusts ([`crate::FederationBuilder::trusted_issuer_ca`]).
    pub fn thumbprint(mut self, thumbprint: impl Into<String>) -> Self {
        self.thumbprints.push(thumbprint.into());
        self
    }
}

/// A policy document, as JSON or as the exact text IAM should receive.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyDocument {
    Json(Value),
    /// Sent byte for byte: the way to test what IAM refuses (invalid JSON, duplicate keys).
    Text(String),
}

impl PolicyDocument {
    fn text(&self) -> String {
        match self {
            Self::Json(value) => value.to_string(),
            Self::Text(text) => text.clone(),
        }
    }
}

impl From<Value> for PolicyDocument {
    fn from(value: Value) -> Self {
        Self::Json(value)
    }
}

impl From<&str> for PolicyDocument {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for PolicyDocument {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<TrustPolicy> for PolicyDocument {
    fn from(policy: TrustPolicy) -> Self {
        Self::Json(policy.to_json())
    }
}

/// The trust policy GitLab's tutorial writes: allow `sts:AssumeRoleWithWebIdentity` for the
/// federation's OIDC provider, under conditions on the token's claims.
///
/// Condition keys are written the way AWS names them for this issuer (`localhost:PORT:sub`), so
/// only `aud` and `sub` mean anything: AWS exposes no other claim of a self-managed issuer.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustPolicy {
    provider_arn: String,
    key_prefix: String,
    conditions: Vec<(&'static str, String, String)>,
}

impl TrustPolicy {
    /// Trusts `federation`'s issuer, with no condition yet.
    pub fn for_issuer(federation: &Federation) -> Self {
        Self {
            provider_arn: federation.provider_arn(),
            key_prefix: federation.issuer_host().to_owned(),
            conditions: Vec::new(),
        }
    }

    /// `StringEquals` on `HOST:claim`, e.g. `.string_equals("aud", "sts.amazonaws.com")`.
    pub fn string_equals(self, claim: &str, value: impl Into<String>) -> Self {
        self.condition("StringEquals", claim, value.into())
    }

    /// `StringLike` on `HOST:claim`, e.g. `.string_like("sub", "project_path:mygroup/*")`.
    pub fn string_like(self, claim: &str, pattern: impl Into<String>) -> Self {
        self.condition("StringLike", claim, pattern.into())
    }

    fn condition(mut self, operator: &'static str, claim: &str, value: String) -> Self {
        let key = format!("{}:{claim}", self.key_prefix);
        self.conditions.push((operator, key, value));
        self
    }

    /// The document, in the shape of GitLab's tutorial.
    pub fn to_json(&self) -> Value {
        let mut statement = json!({
            "Effect": "Allow",
            "Principal": {"Federated": self.provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
        });
        let mut condition = serde_json::Map::new();
        for (operator, key, value) in &self.conditions {
            let block = condition
                .entry(*operator)
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if let Value::Object(block) = block {
                block.insert(key.clone(), Value::String(value.clone()));
            }
        }
        if !condition.is_empty() {
            statement["Condition"] = Value::Object(condition);
        }
        json!({"Version": "2012-10-17", "Statement": [statement]})
    }
}

/// An IAM role, as `aws iam create-role` takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    name: String,
    trust_policy: PolicyDocument,
    path: Option<String>,
    max_session_duration: Option<u32>,
    description: Option<String>,
}

impl Role {
    /// `--role-name` and `--assume-role-policy-document`.
    pub fn new(name: impl Into<String>, trust_policy: impl Into<PolicyDocument>) -> Self {
        Self {
            name: name.into(),
            trust_policy: trust_policy.into(),
            path: None,
            max_session_duration: None,
            description: None,
        }
    }

    /// `--path`, e.g. `/ci/`. Defaults to `/`.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// `--max-session-duration` in seconds (3600–43200). Defaults to 3600.
    pub fn max_session_duration(mut self, seconds: u32) -> Self {
        self.max_session_duration = Some(seconds);
        self
    }

    /// `--description`.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }
}

/// A role IAM created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedRole {
    pub name: String,
    /// `arn:aws:iam::ACCOUNT:role/PATH/NAME`: what a job puts in `AWS_ROLE_ARN`.
    pub arn: String,
    /// `AROA…`.
    pub role_id: String,
}

impl Federation {
    /// `CreateOpenIDConnectProvider`, signed with the admin keys. Returns the provider's ARN.
    pub async fn create_provider(&self, provider: OidcProvider) -> Result<String, Error> {
        let url = provider.url.unwrap_or_else(|| self.issuer().to_owned());
        let mut params = vec![
            (
                "Action".to_owned(),
                "CreateOpenIDConnectProvider".to_owned(),
            ),
            ("Version".to_owned(), "2010-05-08".to_owned()),
            ("Url".to_owned(), url),
        ];
        let lists = [
            ("ClientIDList", &provider.client_ids),
            ("ThumbprintList", &provider.thumbprints),
        ];
        for (list, values) in lists {
            for (i, value) in values.iter().enumerate() {
                params.push((format!("{list}.member.{}", i + 1), value.clone()));
            }
        }
        let xml = self.iam(&params).await?;
        element(&xml, "OpenIDConnectProviderArn")
            .ok_or_else(|| Error::missing("OpenIDConnectProviderArn", &xml))
    }

    /// `CreateRole`, signed with the admin keys. IAM refuses a malformed trust policy with
    /// `MalformedPolicyDocument`, as [`Error::Aws`].
    pub async fn create_role(&self, role: Role) -> Result<CreatedRole, Error> {
        let mut params = vec![
            ("Action".to_owned(), "CreateRole".to_owned()),
            ("Version".to_owned(), "2010-05-08".to_owned()),
            ("RoleName".to_owned(), role.name),
            (
                "AssumeRolePolicyDocument".to_owned(),
                role.trust_policy.text(),
            ),
        ];
        let optional = [
            ("Path", role.path),
            (
                "MaxSessionDuration",
                role.max_session_duration.map(|s| s.to_string()),
            ),
            ("Description", role.description),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                params.push((name.to_owned(), value));
            }
        }
        let xml = self.iam(&params).await?;
        let field = |name: &str| element(&xml, name).ok_or_else(|| Error::missing(name, &xml));
        Ok(CreatedRole {
            name: field("RoleName")?,
            arn: field("Arn")?,
            role_id: field("RoleId")?,
        })
    }

    /// `UpdateAssumeRolePolicy`: replaces a role's trust policy.
    pub async fn update_trust_policy(
        &self,
        role_name: &str,
        trust_policy: impl Into<PolicyDocument>,
    ) -> Result<(), Error> {
        let params = [
            ("Action".to_owned(), "UpdateAssumeRolePolicy".to_owned()),
            ("Version".to_owned(), "2010-05-08".to_owned()),
            ("RoleName".to_owned(), role_name.to_owned()),
            ("PolicyDocument".to_owned(), trust_policy.into().text()),
        ];
        self.iam(&params).await.map(|_| ())
    }

    async fn iam(&self, params: &[(String, String)]) -> Result<String, Error> {
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.query()
            .call("iam", &params, Some(self.admin_credentials()))
            .await
    }
}
