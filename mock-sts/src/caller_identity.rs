//! GetCallerIdentity: who signed the request (the account root for the admin keys, the assumed
//! role for a session), in the shape of the API reference page "GetCallerIdentity"
//! (<https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>).

use crate::auth::{self, Caller};
use crate::outcome::{Facts, Outcome};
use crate::service::Service;
use crate::sigv4;
use crate::state::Sts;
use crate::xml;

pub(crate) fn get_caller_identity(
    sts: &Sts,
    request: &sigv4::Request<'_>,
    request_id: &str,
) -> Outcome {
    let authentication = auth::authenticate(sts, request, Service::Sts);
    let facts = Facts {
        access_key_id: authentication.access_key_id,
        ..Facts::default()
    };
    let result = authentication
        .caller
        .map(|caller| identity_xml(sts, &caller, request_id));
    Outcome::new(result, facts)
}

fn identity_xml(sts: &Sts, caller: &Caller, request_id: &str) -> String {
    let account = &sts.config.account_id;
    let (arn, user_id) = match caller {
        Caller::Admin => (format!("arn:aws:iam::{account}:root"), account.clone()),
        Caller::Session(session) => (
            session.assumed_role_arn.clone(),
            format!("{}:{}", session.role_id, session.role_session_name),
        ),
    };
    xml::success("GetCallerIdentity", Service::Sts, request_id, |x| {
        x.leaf("Arn", &arn)
            .leaf("UserId", &user_id)
            .leaf("Account", account);
    })
}
