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
    "CreateRole",
    "GetRole",
    "DeleteRole",
    "UpdateAssumeRolePolicy",
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
    let account = sts.config.account_id.as_str();
    let now = sts.config.clock.now();
    match action {
        "GetOpenIDConnectProvider" => iam::get_open_id_connect_provider(&sts.iam(), params)
            .map(|p| iam::provider_xml(&p, request_id)),
        "ListOpenIDConnectProviders" => Ok(iam::providers_xml(sts.iam().providers(), request_id)),
        "DeleteOpenIDConnectProvider" => {
            iam::delete_open_id_connect_provider(&mut sts.iam_mut(), params)
                .map(|()| xml::empty(action, Service::Iam, request_id))
        }
        "CreateRole" => iam::create_role(&mut sts.iam_mut(), account, params, now)
            .map(|r| iam::role_xml(action, &r, request_id)),
        "GetRole" => {
            iam::get_role(&sts.iam(), params).map(|r| iam::role_xml(action, &r, request_id))
        }
        "DeleteRole" => iam::delete_role(&mut sts.iam_mut(), params)
            .map(|()| xml::empty(action, Service::Iam, request_id)),
        "UpdateAssumeRolePolicy" => iam::update_assume_role_policy(&mut sts.iam_mut(), params)
            .map(|()| xml::empty(action, Service::Iam, request_id)),
        _ => Err(AwsError::InvalidAction {
            action: action.to_owned(),
            version: Some(VERSION.to_owned()),
        }),
    }
}
