//! What IAM checks before it changes anything, and the changes themselves: each action validates
//! its parameters against the model (botocore's `botocore/data/iam/2010-05-08/service-2.json`),
//! then applies IAM's own rules (the IAM User Guide page "Create an OpenID Connect (OIDC) identity
//! provider in IAM", <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html>,
//! and "IAM and AWS STS quotas", <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).

use std::sync::Arc;

use time::OffsetDateTime;

use crate::errors::{AwsError, InvalidInput, MalformedPolicy};
use crate::iam::store::{IamStore, Provider, Role};
use crate::policy::{self, PolicyDocument, PolicyError, PolicyKind};
use crate::query::Params;
use crate::validation::{self, Checker, Pattern, StringRule};
use crate::{ids, unknowns};

/// The IAM quota on trust-policy size (adjustable in AWS; the default here).
const TRUST_POLICY_LIMIT: usize = 2048;
/// IAM accepts at most five thumbprints per provider.
const MAX_THUMBPRINTS: usize = 5;

/// A CreateOpenIDConnectProvider request IAM has accepted, not yet stored.
#[derive(Debug)]
pub(crate) struct NewProvider {
    pub(crate) url: String,
    arn: String,
    client_ids: Vec<String>,
    /// Empty when the caller gave none: IAM then computes one from the provider's chain.
    pub(crate) thumbprints: Vec<String>,
}

/// CreateOpenIDConnectProvider's checks, in IAM's order: the model constraints, the URL rules,
/// the thumbprint count, then whether the provider exists.
pub(crate) fn validate_open_id_connect_provider(
    store: &IamStore,
    account: &str,
    params: &Params,
) -> Result<NewProvider, AwsError> {
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
    let host_and_path = check_provider_url(url, unknowns::ALLOW_PROVIDER_URL_PORT)?;
    if thumbprints.len() > MAX_THUMBPRINTS {
        return Err(AwsError::InvalidInput(InvalidInput::TooManyThumbprints));
    }
    let arn = format!("arn:aws:iam::{account}:oidc-provider/{host_and_path}");
    if store.provider(&arn).is_some() {
        return Err(AwsError::ProviderAlreadyExists {
            url: url.to_owned(),
        });
    }
    Ok(NewProvider {
        url: url.to_owned(),
        arn,
        client_ids,
        thumbprints: thumbprints.iter().map(|t| t.to_ascii_lowercase()).collect(),
    })
}

/// Stores a validated provider (checking again that no request created it in the meantime).
pub(crate) fn insert_open_id_connect_provider(
    store: &mut IamStore,
    new: NewProvider,
    now: OffsetDateTime,
) -> Result<Arc<Provider>, AwsError> {
    if store.provider(&new.arn).is_some() {
        return Err(AwsError::ProviderAlreadyExists { url: new.url });
    }
    let provider = Arc::new(Provider {
        arn: new.arn,
        url: new.url,
        client_ids: new.client_ids,
        thumbprints: new.thumbprints,
        created: now,
    });
    store.insert_provider(Arc::clone(&provider));
    Ok(provider)
}

/// The URL without its scheme, if IAM would register it: https, no query, and a port only when
/// `allow_port` says so.
fn check_provider_url(url: &str, allow_port: bool) -> Result<&str, AwsError> {
    let Some(host_and_path) = url.strip_prefix("https://") else {
        return Err(AwsError::InvalidInput(InvalidInput::ProviderUrlNotHttps));
    };
    if url.contains('?') {
        return Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasQuery));
    }
    if !allow_port && has_port(host_and_path) {
        return Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasPort));
    }
    Ok(host_and_path)
}

/// Whether `host[:port][/path]` names a port; an IPv6 host's colons sit inside brackets.
fn has_port(host_and_path: &str) -> bool {
    let authority = host_and_path.split('/').next().unwrap_or_default();
    let host_end = authority.rfind(']').map_or(0, |at| at + 1);
    authority[host_end..].contains(':')
}

pub(crate) fn get_open_id_connect_provider(
    store: &IamStore,
    params: &Params,
) -> Result<Arc<Provider>, AwsError> {
    let arn = provider_arn_param(params)?;
    store.provider(arn).ok_or_else(|| AwsError::NoSuchProvider {
        arn: arn.to_owned(),
    })
}

pub(crate) fn delete_open_id_connect_provider(
    store: &mut IamStore,
    params: &Params,
) -> Result<(), AwsError> {
    let arn = provider_arn_param(params)?;
    store
        .remove_provider(arn)
        .map(drop)
        .ok_or_else(|| AwsError::NoSuchProvider {
            arn: arn.to_owned(),
        })
}

fn provider_arn_param(params: &Params) -> Result<&str, AwsError> {
    let mut checker = Checker::new();
    let arn = checker.string(params, PROVIDER_ARN_RULE);
    checker.finish()?;
    Ok(arn.unwrap_or_default())
}

pub(crate) fn create_role(
    store: &mut IamStore,
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
    let max_session_duration = validation::integer(params, "MaxSessionDuration")?;
    if let Some(duration) = max_session_duration {
        checker.range("maxSessionDuration", duration, 3600, 43200);
    }
    checker.finish()?;
    let trust_policy = parse_trust_policy(&document)?;
    if store.role(&name).is_some() {
        return Err(AwsError::RoleAlreadyExists { name });
    }
    let role = Arc::new(Role {
        arn: format!("arn:aws:iam::{account}:role{path}{name}"),
        name,
        path,
        role_id: ids::role_id()?,
        trust_policy_text: document,
        trust_policy,
        max_session_duration: max_session_duration.unwrap_or(3600),
        description,
        created: now,
    });
    store.put_role(Arc::clone(&role));
    Ok(role)
}

pub(crate) fn get_role(store: &IamStore, params: &Params) -> Result<Arc<Role>, AwsError> {
    let name = role_name_param(params)?;
    store.role(name).ok_or_else(|| AwsError::NoSuchRole {
        name: name.to_owned(),
    })
}

pub(crate) fn delete_role(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let name = role_name_param(params)?;
    store
        .remove_role(name)
        .map(drop)
        .ok_or_else(|| AwsError::NoSuchRole {
            name: name.to_owned(),
        })
}

pub(crate) fn update_assume_role_policy(
    store: &mut IamStore,
    params: &Params,
) -> Result<(), AwsError> {
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
    let role = store.role(&name).ok_or(AwsError::NoSuchRole { name })?;
    // A new version replaces the shared one, so requests in flight keep the policy they started with.
    let mut updated = Role::clone(&role);
    updated.trust_policy = trust_policy;
    updated.trust_policy_text = document;
    store.put_role(Arc::new(updated));
    Ok(())
}

fn role_name_param(params: &Params) -> Result<&str, AwsError> {
    let mut checker = Checker::new();
    let name = checker.string(params, ROLE_NAME_RULE);
    checker.finish()?;
    Ok(name.unwrap_or_default())
}

/// IAM sizes trust policies without whitespace, then parses them with the trust-policy rules.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_url_with_a_port_is_refused_when_ports_are_not_allowed() {
        assert_eq!(
            check_provider_url("https://localhost:8443", false),
            Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasPort))
        );
        assert_eq!(
            check_provider_url("https://[::1]:8443/gitlab", false),
            Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasPort))
        );
        assert_eq!(
            check_provider_url("https://gitlab.example.com/a:b", false),
            Ok("gitlab.example.com/a:b")
        );
        assert_eq!(check_provider_url("https://[::1]/x", false), Ok("[::1]/x"));
    }

    #[test]
    fn a_provider_url_with_a_port_is_registered_when_ports_are_allowed() {
        assert_eq!(
            check_provider_url("https://localhost:8443", true),
            Ok("localhost:8443")
        );
    }

    #[test]
    fn create_open_id_connect_provider_reads_the_port_choice_from_unknowns() {
        let store = IamStore::default();
        let params = Params::parse(
            "Url=https%3A%2F%2Flocalhost%3A8443&ClientIDList.member.1=sts.amazonaws.com",
        );
        let created = validate_open_id_connect_provider(&store, "123456789012", &params);
        assert_eq!(created.is_ok(), unknowns::ALLOW_PROVIDER_URL_PORT);
    }

    #[test]
    fn provider_urls_must_be_https_without_a_query() {
        assert_eq!(
            check_provider_url("http://gitlab.example.com", true),
            Err(AwsError::InvalidInput(InvalidInput::ProviderUrlNotHttps))
        );
        assert_eq!(
            check_provider_url("https://gitlab.example.com?x=1", true),
            Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasQuery))
        );
    }
}
