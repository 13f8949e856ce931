//! The IAM control plane: OIDC providers and roles, created through the real AWS API.

use std::collections::BTreeMap;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::errors::{AwsError, InvalidInput, MalformedPolicy};
use crate::policy::{self, PolicyDocument, PolicyError, PolicyKind};
use crate::query::Params;
use crate::validation::{Checker, Pattern, StringRule};
use crate::xml::{self, XmlWriter};
use crate::{ids, times};

#[derive(Debug, Clone)]
pub struct Provider {
    pub arn: String,
    /// As registered, with `https://`.
    pub url: String,
    pub client_ids: Vec<String>,
    pub thumbprints: Vec<String>,
    pub created: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub path: String,
    pub arn: String,
    pub role_id: String,
    /// The document exactly as the caller sent it.
    pub trust_policy_text: String,
    pub trust_policy: PolicyDocument,
    pub max_session_duration: i64,
    pub description: Option<String>,
    pub created: OffsetDateTime,
}

/// One account's identities.
#[derive(Debug, Default)]
pub struct Iam {
    // Shared, so a request takes a cheap handle instead of copying a parsed policy.
    providers: BTreeMap<String, Arc<Provider>>,
    /// Keyed by lower-case name: role names are unique case-insensitively.
    roles: BTreeMap<String, Arc<Role>>,
}

/// The IAM quota on trust-policy size (adjustable in AWS; the default here).
const TRUST_POLICY_LIMIT: usize = 2048;

impl Iam {
    /// The provider whose URL (without scheme) is exactly the token's issuer without scheme.
    pub fn provider_for_issuer(&self, issuer: &str) -> Option<Arc<Provider>> {
        self.providers.values().find(|p| p.url == issuer).cloned()
    }

    pub fn role(&self, name: &str) -> Option<Arc<Role>> {
        self.roles.get(&name.to_ascii_lowercase()).cloned()
    }

    pub fn create_open_id_connect_provider(
        &mut self,
        account: &str,
        params: &Params,
        now: OffsetDateTime,
    ) -> Result<Arc<Provider>, AwsError> {
        let client_ids = params.list("ClientIDList");
        let thumbprints = params.list("ThumbprintList");
        let mut checker = Checker::new();
        let url = checker.string(params, URL_RULE);
        for client_id in &client_ids {
            checker.check_string(CLIENT_ID_RULE, Some(client_id));
        }
        for thumbprint in &thumbprints {
            checker.check_string(THUMBPRINT_RULE, Some(thumbprint));
        }
        checker.finish()?;
        let url = url.unwrap_or_default();
        let Some(host_and_path) = url.strip_prefix("https://") else {
            return Err(AwsError::InvalidInput(InvalidInput::ProviderUrlNotHttps));
        };
        if url.contains('?') {
            return Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasQuery));
        }
        if thumbprints.len() > 5 {
            return Err(AwsError::InvalidInput(InvalidInput::TooManyThumbprints));
        }
        let arn = format!("arn:aws:iam::{account}:oidc-provider/{host_and_path}");
        if self.providers.contains_key(&arn) {
            return Err(AwsError::ProviderAlreadyExists {
                url: url.to_owned(),
            });
        }
        let provider = Arc::new(Provider {
            arn: arn.clone(),
            url: url.to_owned(),
            client_ids,
            thumbprints: thumbprints.iter().map(|t| t.to_ascii_lowercase()).collect(),
            created: now,
        });
        self.providers.insert(arn, Arc::clone(&provider));
        Ok(provider)
    }

    pub fn get_open_id_connect_provider(
        &self,
        params: &Params,
    ) -> Result<&Arc<Provider>, AwsError> {
        let arn = self.provider_arn_param(params)?;
        self.providers
            .get(arn)
            .ok_or_else(|| AwsError::NoSuchProvider {
                arn: arn.to_owned(),
            })
    }

    pub fn delete_open_id_connect_provider(&mut self, params: &Params) -> Result<(), AwsError> {
        let arn = self.provider_arn_param(params)?.to_owned();
        self.providers
            .remove(&arn)
            .map(|_| ())
            .ok_or(AwsError::NoSuchProvider { arn })
    }

    fn provider_arn_param<'p>(&self, params: &'p Params) -> Result<&'p str, AwsError> {
        let mut checker = Checker::new();
        let arn = checker.string(params, PROVIDER_ARN_RULE);
        checker.finish()?;
        Ok(arn.unwrap_or_default())
    }

    pub fn providers(&self) -> impl Iterator<Item = &Provider> {
        self.providers.values().map(AsRef::as_ref)
    }

    pub fn create_role(
        &mut self,
        account: &str,
        params: &Params,
        now: OffsetDateTime,
    ) -> Result<Arc<Role>, AwsError> {
        let mut checker = Checker::new();
        let path = checker.string(params, PATH_RULE).unwrap_or("/").to_owned();
        let name = checker
            .string(params, ROLE_NAME_RULE)
            .unwrap_or_default()
            .to_owned();
        let document = checker
            .string(params, TRUST_POLICY_RULE)
            .unwrap_or_default()
            .to_owned();
        let description = checker.string(params, DESCRIPTION_RULE).map(str::to_owned);
        let max_session_duration = crate::validation::integer(params, "MaxSessionDuration")?;
        if let Some(duration) = max_session_duration {
            checker.range("maxSessionDuration", duration, 3600, 43200);
        }
        checker.finish()?;
        let trust_policy = parse_trust_policy(&document)?;
        if self.roles.contains_key(&name.to_ascii_lowercase()) {
            return Err(AwsError::RoleAlreadyExists { name });
        }
        let role = Arc::new(Role {
            arn: format!("arn:aws:iam::{account}:role{path}{name}"),
            name: name.clone(),
            path,
            role_id: ids::role_id(),
            trust_policy_text: document,
            trust_policy,
            max_session_duration: max_session_duration.unwrap_or(3600),
            description,
            created: now,
        });
        self.roles
            .insert(name.to_ascii_lowercase(), Arc::clone(&role));
        Ok(role)
    }

    pub fn get_role(&self, params: &Params) -> Result<Arc<Role>, AwsError> {
        let name = role_name_param(params)?;
        self.role(name).ok_or_else(|| AwsError::NoSuchRole {
            name: name.to_owned(),
        })
    }

    pub fn delete_role(&mut self, params: &Params) -> Result<(), AwsError> {
        let name = role_name_param(params)?;
        self.roles
            .remove(&name.to_ascii_lowercase())
            .map(|_| ())
            .ok_or_else(|| AwsError::NoSuchRole {
                name: name.to_owned(),
            })
    }

    pub fn update_assume_role_policy(&mut self, params: &Params) -> Result<(), AwsError> {
        let mut checker = Checker::new();
        let name = checker
            .string(params, ROLE_NAME_RULE)
            .unwrap_or_default()
            .to_owned();
        let document = checker
            .string(params, POLICY_DOCUMENT_RULE)
            .unwrap_or_default()
            .to_owned();
        checker.finish()?;
        let trust_policy = parse_trust_policy(&document)?;
        let role = self
            .roles
            .get_mut(&name.to_ascii_lowercase())
            .ok_or(AwsError::NoSuchRole { name })?;
        // Requests in flight keep the policy they started with.
        let mut updated = Role::clone(role);
        updated.trust_policy = trust_policy;
        updated.trust_policy_text = document;
        *role = Arc::new(updated);
        Ok(())
    }
}

fn role_name_param(params: &Params) -> Result<&str, AwsError> {
    let mut checker = Checker::new();
    let name = checker.string(params, ROLE_NAME_RULE);
    checker.finish()?;
    Ok(name.unwrap_or_default())
}

/// IAM sizes trust policies without whitespace.
fn parse_trust_policy(document: &str) -> Result<PolicyDocument, AwsError> {
    let size = document.chars().filter(|c| !c.is_whitespace()).count();
    if size > TRUST_POLICY_LIMIT {
        return Err(AwsError::TrustPolicyTooLarge {
            limit: TRUST_POLICY_LIMIT,
        });
    }
    policy::parse(document, PolicyKind::Trust).map_err(|err| {
        AwsError::MalformedPolicyDocument(match err {
            PolicyError::InvalidJson => MalformedPolicy::InvalidJson,
            PolicyError::LegacyParsing => MalformedPolicy::LegacyParsing,
            PolicyError::Syntax { .. } => MalformedPolicy::Syntax,
            PolicyError::ProhibitedResource => MalformedPolicy::ProhibitedResource,
            PolicyError::InvalidTrustAction { .. } => MalformedPolicy::TrustAction,
            PolicyError::InvalidFederatedPrincipal { .. } => MalformedPolicy::FederatedPrincipal,
        })
    })
}

const URL_RULE: StringRule = StringRule {
    param: "Url",
    member: "url",
    required: true,
    min: 1,
    max: 255,
    pattern: None,
    sensitive: false,
};
const CLIENT_ID_RULE: StringRule = StringRule {
    param: "ClientIDList",
    member: "clientIDList",
    required: false,
    min: 1,
    max: 255,
    pattern: None,
    sensitive: false,
};
const THUMBPRINT_RULE: StringRule = StringRule {
    param: "ThumbprintList",
    member: "thumbprintList",
    required: false,
    min: 40,
    max: 40,
    pattern: None,
    sensitive: false,
};
const PROVIDER_ARN_RULE: StringRule = StringRule {
    param: "OpenIDConnectProviderArn",
    member: "openIDConnectProviderArn",
    required: true,
    min: 20,
    max: 2048,
    pattern: Some(Pattern::Arn),
    sensitive: false,
};
const PATH_RULE: StringRule = StringRule {
    param: "Path",
    member: "path",
    required: false,
    min: 1,
    max: 512,
    pattern: Some(Pattern::Path),
    sensitive: false,
};
const ROLE_NAME_RULE: StringRule = StringRule {
    param: "RoleName",
    member: "roleName",
    required: true,
    min: 1,
    max: 64,
    pattern: Some(Pattern::RoleName),
    sensitive: false,
};
const TRUST_POLICY_RULE: StringRule = StringRule {
    param: "AssumeRolePolicyDocument",
    member: "assumeRolePolicyDocument",
    required: true,
    min: 1,
    max: 131_072,
    pattern: Some(Pattern::SessionPolicy),
    sensitive: false,
};
const POLICY_DOCUMENT_RULE: StringRule = StringRule {
    param: "PolicyDocument",
    member: "policyDocument",
    ..TRUST_POLICY_RULE
};
const DESCRIPTION_RULE: StringRule = StringRule {
    param: "Description",
    member: "description",
    required: false,
    min: 0,
    max: 1000,
    pattern: None,
    sensitive: false,
};

// --- responses ------------------------------------------------------------------------------------

pub fn provider_created_xml(provider: &Provider, request_id: &str) -> String {
    xml::success(
        "CreateOpenIDConnectProvider",
        xml::IAM_NAMESPACE,
        request_id,
        |x| {
            x.leaf("OpenIDConnectProviderArn", &provider.arn);
        },
    )
}

pub fn provider_xml(provider: &Provider, request_id: &str) -> String {
    xml::success(
        "GetOpenIDConnectProvider",
        xml::IAM_NAMESPACE,
        request_id,
        |x| {
            x.open("ClientIDList");
            for client_id in &provider.client_ids {
                x.leaf("member", client_id);
            }
            x.close("ClientIDList").open("ThumbprintList");
            for thumbprint in &provider.thumbprints {
                x.leaf("member", thumbprint);
            }
            x.close("ThumbprintList")
                .leaf("CreateDate", &times::iso8601_millis(provider.created))
                .leaf("Url", provider.url.trim_start_matches("https://"));
        },
    )
}

pub fn providers_xml<'a>(
    providers: impl Iterator<Item = &'a Provider>,
    request_id: &str,
) -> String {
    xml::success(
        "ListOpenIDConnectProviders",
        xml::IAM_NAMESPACE,
        request_id,
        |x| {
            x.open("OpenIDConnectProviderList");
            for provider in providers {
                x.open("member").leaf("Arn", &provider.arn).close("member");
            }
            x.close("OpenIDConnectProviderList");
        },
    )
}

pub fn role_xml(action: &str, role: &Role, request_id: &str) -> String {
    xml::success(action, xml::IAM_NAMESPACE, request_id, |x| {
        x.open("Role");
        write_role(x, role);
        x.close("Role");
    })
}

fn write_role(x: &mut XmlWriter, role: &Role) {
    x.leaf("Path", &role.path)
        .leaf("Arn", &role.arn)
        .leaf("RoleName", &role.name)
        // botocore URL-decodes policy documents in IAM responses, as IAM percent-encodes them.
        .leaf(
            "AssumeRolePolicyDocument",
            &percent_encode(&role.trust_policy_text),
        )
        .leaf("CreateDate", &times::iso8601_millis(role.created))
        .leaf("RoleId", &role.role_id);
    if let Some(description) = &role.description {
        x.leaf("Description", description);
    }
    x.leaf("MaxSessionDuration", &role.max_session_duration.to_string());
}

pub fn empty_xml(action: &str, request_id: &str) -> String {
    let response = format!("{action}Response");
    let mut x = XmlWriter::new();
    x.open_root(&response, xml::IAM_NAMESPACE)
        .open("ResponseMetadata")
        .leaf("RequestId", request_id)
        .close("ResponseMetadata")
        .close(&response);
    x.finish()
}

/// RFC 3986 percent-encoding (space as `%20`, since botocore decodes with `unquote`, not `unquote_plus`).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_uses_percent_20_for_spaces() {
        assert_eq!(
            percent_encode(r#"{"a": "b/c"}"#),
            "%7B%22a%22%3A%20%22b%2Fc%22%7D"
        );
    }
}
