//! What one S3 call works with, and the authorisation step every call takes, recorded for the
//! request log.

use http::HeaderMap;

use super::S3;
use super::address::Target;
use super::auth::Signed;
use crate::auth::Caller;
use crate::errors::{Denial, PolicyType, S3Error};
use crate::permissions::{self, AccessRequest};

/// What the request log records about an S3 call.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub(crate) operation: Option<&'static str>,
    pub(crate) access_key_id: Option<String>,
    pub(crate) principal_arn: Option<String>,
    pub(crate) role_arn: Option<String>,
    pub(crate) role_session_name: Option<String>,
    pub(crate) iam_action: Option<String>,
    pub(crate) resource: Option<String>,
    pub(crate) decision: Option<&'static str>,
    pub(crate) detail: Option<String>,
    /// The bucket's region, sent back as `x-amz-bucket-region` when the client asked another.
    pub(crate) bucket_region: Option<String>,
}

pub(crate) struct Context<'a> {
    pub(crate) s3: &'a S3,
    pub(crate) signed: Signed,
    pub(crate) target: &'a Target,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) query: Option<&'a str>,
    pub(crate) record: &'a mut Record,
}

impl Context<'_> {
    pub(crate) fn bucket(&self) -> &str {
        self.target.bucket.as_deref().unwrap_or_default()
    }

    pub(crate) fn key(&self) -> &str {
        self.target.key.as_deref().unwrap_or_default()
    }

    /// Authorises `action` on `resource` for the signer (the admin keys are the account root,
    /// allowed everything) and records the decision and why.
    pub(crate) fn authorize(
        &mut self,
        action: &str,
        resource: &str,
        context_keys: Vec<(String, Vec<String>)>,
    ) -> Result<(), S3Error> {
        self.record.iam_action = Some(action.to_owned());
        self.record.resource = Some(resource.to_owned());
        let (allowed, explicit, policy_type, explanation, principal_arn) = match &self.signed.caller
        {
            Caller::Admin => (
                true,
                false,
                PolicyType::IdentityBased,
                "the account root (admin keys) is allowed every action".to_owned(),
                root_arn(&self.s3.sts.config.account_id),
            ),
            Caller::Session(session) => {
                let request = AccessRequest {
                    action,
                    resource,
                    context_keys,
                };
                let decision = permissions::authorize(&self.s3.sts, session, &request);
                (
                    decision.allowed,
                    decision.explicit_deny,
                    decision.denied_by,
                    decision.explanation,
                    session.assumed_role_arn.clone(),
                )
            }
        };
        self.record.decision = Some(if allowed { "allow" } else { "deny" });
        self.record.detail = Some(explanation.clone());
        if allowed {
            return Ok(());
        }
        Err(S3Error::AccessDenied(Denial {
            principal_arn,
            action: action.to_owned(),
            resource: (resource != "*").then(|| resource.to_owned()),
            explicit,
            policy_type,
        }))
    }

    /// The bucket must be in the region the client signed for; otherwise S3 names the right one
    /// (`AuthorizationHeaderMalformed` with `<Region>`), which the SDKs follow.
    pub(crate) fn check_region(&mut self, bucket_region: &str) -> Result<(), S3Error> {
        if self.signed.region == bucket_region {
            return Ok(());
        }
        self.record.bucket_region = Some(bucket_region.to_owned());
        Err(S3Error::WrongRegion {
            region: self.signed.region.clone(),
            expected: bucket_region.to_owned(),
        })
    }
}

pub(crate) fn root_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}
