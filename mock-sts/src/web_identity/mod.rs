//! AssumeRoleWithWebIdentity: unsigned, checked in the order `unknowns::WEB_IDENTITY_CHECK_ORDER`
//! lists, answered as the API reference page describes it
//! (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html>)
//! with the bytes `docs/aws-behaviour.md` cites.
//!
//! `request` reads the parameters, `claims` the token (`session_claims` its session tags and
//! source identity), `session_policy` the session policies, `pipeline` runs the checks, `answer` builds
//! the trust-policy context and the success XML.

mod answer;
mod claims;
mod pipeline;
mod request;
pub(crate) mod session_claims;
mod session_policy;

#[cfg(test)]
mod tests;

use crate::outcome::Outcome;
use crate::query::Params;
use crate::state::Sts;
use crate::unknowns;

pub(crate) async fn assume_role_with_web_identity(
    sts: &Sts,
    params: &Params,
    request_id: &str,
) -> Outcome {
    pipeline::run(sts, params, request_id, unknowns::WEB_IDENTITY_CHECK_ORDER).await
}
