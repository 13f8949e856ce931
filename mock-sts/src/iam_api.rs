//! The IAM actions on the wire: authenticate the caller, then run the action against the store.

use crate::auth::{self, Caller};
use crate::errors::AwsError;
use crate::iam;
use crate::outcome::{Facts, Outcome};
use crate::query::Params;
use crate::service::Service;
use crate::sigv4;
use crate::state::Sts;
use crate::xml;

/// IAM's API version, the `Version` every IAM action is called with.
pub(crate) const VERSION: &str = "2010-05-08";

const ACTIONS: &[&str] = &[
    "CreateOpenIDConnectProvider",
    "GetOpenIDConnectProvider",
    "ListOpenIDConnectProviders",
    "DeleteOpenIDConnectProvider",
    "AddClientIDToOpenIDConnectProvider",
    "RemoveClientIDFromOpenIDConnectProvider",
    "UpdateOpenIDConnectProviderThumbprint",
    "TagOpenIDConnectProvider",
    "UntagOpenIDConnectProvider",
    "ListOpenIDConnectProviderTags",
    "CreateRole",
    "GetRole",
    "DeleteRole",
    "UpdateRole",
    "UpdateAssumeRolePolicy",
    "ListRoles",
    "TagRole",
    "UntagRole",
    "ListRoleTags",
    "PutRolePolicy",
    "GetRolePolicy",
    "DeleteRolePolicy",
    "ListRolePolicies",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "ListAttachedRolePolicies",
    "CreatePolicy",
    "GetPolicy",
    "GetPolicyVersion",
    "DeletePolicy",
];

const MANAGED_POLICY_ACTIONS: &[&str] = &[
    "AttachRolePolicy",
    "DetachRolePolicy",
    "ListAttachedRolePolicies",
    "CreatePolicy",
    "GetPolicy",
    "GetPolicyVersion",
    "DeletePolicy",
];

pub(crate) fn is_action(action: &str) -> bool {
    ACTIONS.contains(&action)
}

/// Only the admin keys may call IAM: sessions issued here have no permission policies.
pub(crate) async fn call(
    sts: &Sts,
    action: &str,
    params: &Params,
    request: &sigv4::Request<'_>,
    request_id: &str,
) -> Outcome {
    let authentication = auth::authenticate(sts, request, Service::Iam);
    let mut facts = Facts {
        access_key_id: authentication.access_key_id,
        ..Facts::default()
    };
    let result = match authentication.caller {
        Ok(Caller::Admin) if action == "CreateOpenIDConnectProvider" => {
            create_provider(sts, params, request_id, &mut facts).await
        }
        Ok(Caller::Admin) => run(sts, action, params, request_id),
        Ok(Caller::Session(session)) => Err(AwsError::IamAccessDenied {
            caller_arn: session.assumed_role_arn,
            action: action.to_owned(),
        }),
        Err(err) => Err(err),
    };
    Outcome::new(result, facts)
}

/// Without a ThumbprintList, IAM connects to the provider to compute the thumbprint itself, and
/// refuses the provider when it cannot.
async fn create_provider(
    sts: &Sts,
    params: &Params,
    request_id: &str,
    facts: &mut Facts,
) -> Result<String, AwsError> {
    let account = sts.config.account_id.as_str();
    let mut provider = iam::validate_open_id_connect_provider(&sts.iam(), account, params)?;
    if provider.thumbprints.is_empty() {
        match sts.keys.provider_thumbprint(&provider.url).await {
            Ok(thumbprint) => {
                facts.detail = Some(format!("IAM computed the thumbprint {thumbprint}"));
                provider.thumbprints.push(thumbprint);
            }
            Err(reason) => {
                facts.detail = Some(reason);
                return Err(AwsError::OpenIdIdpCommunicationError);
            }
        }
    }
    let now = sts.config.clock.now();
    iam::insert_open_id_connect_provider(&mut sts.iam_mut(), provider, now)
        .map(|p| iam::provider_created_xml(&p, request_id))
}

fn run(sts: &Sts, action: &str, params: &Params, request_id: &str) -> Result<String, AwsError> {
    if action.contains("OpenIDConnectProvider") {
        provider_action(sts, action, params, request_id)
    } else if MANAGED_POLICY_ACTIONS.contains(&action) {
        policy_action(sts, action, params, request_id)
    } else {
        role_action(sts, action, params, request_id)
    }
}

/// Answers an action that returns nothing but its request ID.
fn empty(action: &str, request_id: &str, result: Result<(), AwsError>) -> Result<String, AwsError> {
    result.map(|()| xml::empty(action, Service::Iam, request_id))
}

fn provider_action(
    sts: &Sts,
    action: &str,
    params: &Params,
    request_id: &str,
) -> Result<String, AwsError> {
    match action {
        "GetOpenIDConnectProvider" => iam::get_open_id_connect_provider(&sts.iam(), params)
            .map(|p| iam::provider_xml(&p, request_id)),
        "ListOpenIDConnectProviders" => Ok(iam::providers_xml(sts.iam().providers(), request_id)),
        "ListOpenIDConnectProviderTags" => iam::list_provider_tags(&sts.iam(), params)
            .map(|page| iam::tags_xml(action, &page, request_id)),
        _ => {
            let mut store = sts.iam_mut();
            let result = match action {
                "DeleteOpenIDConnectProvider" => {
                    iam::delete_open_id_connect_provider(&mut store, params)
                }
                "AddClientIDToOpenIDConnectProvider" => iam::add_client_id(&mut store, params),
                "RemoveClientIDFromOpenIDConnectProvider" => {
                    iam::remove_client_id(&mut store, params)
                }
                "UpdateOpenIDConnectProviderThumbprint" => {
                    iam::update_thumbprint(&mut store, params)
                }
                "TagOpenIDConnectProvider" => iam::tag_provider(&mut store, params),
                "UntagOpenIDConnectProvider" => iam::untag_provider(&mut store, params),
                _ => return Err(unknown(action)),
            };
            empty(action, request_id, result)
        }
    }
}

fn role_action(
    sts: &Sts,
    action: &str,
    params: &Params,
    request_id: &str,
) -> Result<String, AwsError> {
    let account = sts.config.account_id.as_str();
    let now = sts.config.clock.now();
    match action {
        "CreateRole" => iam::create_role(&mut sts.iam_mut(), account, params, now)
            .map(|r| iam::role_xml(action, &r, request_id)),
        "GetRole" => {
            iam::get_role(&sts.iam(), params).map(|r| iam::role_xml(action, &r, request_id))
        }
        "ListRoles" => {
            iam::list_roles(&sts.iam(), params).map(|page| iam::roles_xml(&page, request_id))
        }
        "ListRoleTags" => iam::list_role_tags(&sts.iam(), params)
            .map(|page| iam::tags_xml(action, &page, request_id)),
        "ListRolePolicies" => iam::list_role_policies(&sts.iam(), params)
            .map(|page| iam::role_policies_xml(&page, request_id)),
        "GetRolePolicy" => iam::get_role_policy(&sts.iam(), params)
            .map(|(role, name, text)| iam::role_policy_xml(&role, &name, &text, request_id)),
        // UpdateRole's answer has an (empty) result element, unlike the other updates.
        "UpdateRole" => iam::update_role(&mut sts.iam_mut(), params)
            .map(|()| xml::empty_result(action, Service::Iam, request_id)),
        _ => {
            let mut store = sts.iam_mut();
            let result = match action {
                "DeleteRole" => iam::delete_role(&mut store, params),
                "UpdateAssumeRolePolicy" => iam::update_assume_role_policy(&mut store, params),
                "TagRole" => iam::tag_role(&mut store, params),
                "UntagRole" => iam::untag_role(&mut store, params),
                "PutRolePolicy" => iam::put_role_policy(&mut store, params),
                "DeleteRolePolicy" => iam::delete_role_policy(&mut store, params),
                _ => return Err(unknown(action)),
            };
            empty(action, request_id, result)
        }
    }
}

/// The managed-policy actions (inline role policies go through `role_action`).
fn policy_action(
    sts: &Sts,
    action: &str,
    params: &Params,
    request_id: &str,
) -> Result<String, AwsError> {
    let account = sts.config.account_id.as_str();
    let now = sts.config.clock.now();
    match action {
        "CreatePolicy" => iam::create_policy(&mut sts.iam_mut(), account, params, now)
            .map(|p| iam::policy_xml(action, &p, 0, request_id)),
        "GetPolicy" => iam::get_policy(&sts.iam(), params)
            .map(|(p, count)| iam::policy_xml(action, &p, count, request_id)),
        "GetPolicyVersion" => iam::get_policy_version(&sts.iam(), params)
            .map(|p| iam::policy_version_xml(&p, request_id)),
        "ListAttachedRolePolicies" => iam::list_attached_role_policies(&sts.iam(), params)
            .map(|page| iam::attached_policies_xml(&page, request_id)),
        "DeletePolicy" => empty(
            action,
            request_id,
            iam::delete_policy(&mut sts.iam_mut(), params),
        ),
        "AttachRolePolicy" => empty(
            action,
            request_id,
            iam::attach_role_policy(&mut sts.iam_mut(), params),
        ),
        "DetachRolePolicy" => empty(
            action,
            request_id,
            iam::detach_role_policy(&mut sts.iam_mut(), params),
        ),
        _ => Err(unknown(action)),
    }
}

fn unknown(action: &str) -> AwsError {
    AwsError::InvalidAction {
        action: action.to_owned(),
        version: Some(VERSION.to_owned()),
    }
}
