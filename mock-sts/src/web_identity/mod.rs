//! AssumeRoleWithWebIdentity: unsigned, checked in the order `unknowns::WEB_IDENTITY_CHECK_ORDER`
//! lists, answered as the API reference page describes it
//! (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html>)
//! with the bytes `docs/aws-behaviour.md` cites.
//!
//! `request` reads the parameters, `claims` the token (`session_claims` its session tags and
//! source identity), `session_policy` the session policies, `pipeline` runs the checks, `answer` builds
//! the trust-policy context and the success XML; `token_walk` runs a token through the steps
//! that need no key, for the fuzz targets.

mod answer;
mod claims;
mod pipeline;
mod request;
pub(crate) mod session_claims;
mod session_policy;
// Every token step that needs no key or IAM state, for `fuzz_api`.
mod token_walk;

#[cfg(test)]
mod tests;

use crate::errors::AwsError;
use crate::jwt::Jwt;
use crate::outcome::Outcome;
use crate::query::Params;
use crate::sessions::Session;
use crate::state::Sts;
use crate::unknowns;
use claims::Claims;
pub(crate) use token_walk::walk as walk_token;

pub(crate) async fn assume_role_with_web_identity(
    sts: &Sts,
    params: &Params,
    request_id: &str,
) -> Outcome {
    pipeline::run(sts, params, request_id, unknowns::WEB_IDENTITY_CHECK_ORDER).await
}

/// The parameter checks AssumeRoleWithWebIdentity makes before it reads the token (the model's
/// constraints, the role ARN's shape) and the session policies it reads at issue time: for
/// `fuzz_api`, with the pipeline's own functions.
pub(crate) fn check_params(params: &Params) -> Result<(), AwsError> {
    let validated = request::validate(params)?;
    request::RoleArn::parse(validated.role_arn)?;
    session_policy::read(params, None)?;
    Ok(())
}

/// A success answer's inputs, read once from a token and a session, rendered as `issue` renders
/// them: what the XML micro-benchmark (`bench_api`) repeats.
#[derive(Debug)]
pub(crate) struct SuccessAnswer {
    audience: String,
    session: Session,
    provider_arn: String,
    claims: Claims,
}

impl SuccessAnswer {
    pub(crate) fn new(token: &str, session: Session, provider_arn: &str) -> Result<Self, AwsError> {
        let claims = Claims::read(&Jwt::decode(token)?)?;
        Ok(Self {
            audience: claims.audiences.first().cloned().unwrap_or_default(),
            session,
            provider_arn: provider_arn.to_owned(),
            claims,
        })
    }

    pub(crate) fn render(&self, request_id: &str) -> String {
        answer::success_xml(
            &self.audience,
            &self.session,
            &self.provider_arn,
            &self.claims,
            None,
            request_id,
        )
    }
}
