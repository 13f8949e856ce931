//! What a successful AssumeRoleWithWebIdentity sees and says: the request context its trust
//! policy is evaluated against, and the XML it answers with.

use time::OffsetDateTime;

use crate::iam::Provider;
use crate::service::Service;
use crate::sessions::Session;
use crate::times;
use crate::trust_request::TrustRequest;
use crate::unknowns;
use crate::web_identity::claims::Claims;
use crate::xml;

/// What this call takes into the trust policy's evaluation (see [`TrustRequest`]).
pub(super) fn trust_request(
    provider: &Provider,
    claims: &Claims,
    session_name: &str,
    now: OffsetDateTime,
    region: &str,
) -> TrustRequest {
    TrustRequest {
        provider_arn: provider.arn.clone(),
        provider_host: provider.url.trim_start_matches("https://").to_owned(),
        audiences: claims.audiences.clone(),
        subject: claims.subject.clone(),
        session_name: session_name.to_owned(),
        now,
        region: region.to_owned(),
        session_tags: claims.session_tags.clone(),
        source_identity: claims.source_identity.clone(),
    }
}

/// The element order live STS sends (recorded in smithy-lang/smithy-rs,
/// `aws/rust-runtime/aws-config/test-data/default-credential-provider-chain/web_identity_token_env/http-traffic.json`);
/// `SourceIdentity`, which that recording lacks, goes where `unknowns::SOURCE_IDENTITY_BEFORE_SUBJECT`
/// says; `PackedPolicySize`, present when session policies or tags were passed, right after
/// `Credentials`.
pub(super) fn success_xml(
    audience: &str,
    session: &Session,
    provider_arn: &str,
    claims: &Claims,
    packed_policy_size: Option<usize>,
    request_id: &str,
) -> String {
    xml::success("AssumeRoleWithWebIdentity", Service::Sts, request_id, |x| {
        x.leaf("Audience", audience)
            .open("AssumedRoleUser")
            .leaf(
                "AssumedRoleId",
                &format!("{}:{}", session.role_id, session.role_session_name),
            )
            .leaf("Arn", &session.assumed_role_arn)
            .close("AssumedRoleUser")
            .leaf("Provider", provider_arn)
            .open("Credentials")
            .leaf("AccessKeyId", &session.access_key_id)
            .leaf("SecretAccessKey", &session.secret_access_key)
            .leaf("SessionToken", &session.session_token)
            .leaf("Expiration", &times::iso8601(session.expiration))
            .close("Credentials");
        // After Credentials, before SourceIdentity (the reference order; live position unseen).
        if let Some(percent) = packed_policy_size {
            x.leaf("PackedPolicySize", &percent.to_string());
        }
        let source_identity = claims.source_identity.as_deref();
        if let Some(source_identity) =
            source_identity.filter(|_| unknowns::SOURCE_IDENTITY_BEFORE_SUBJECT)
        {
            x.leaf("SourceIdentity", source_identity);
        }
        x.leaf("SubjectFromWebIdentityToken", &claims.subject);
        if let Some(source_identity) =
            source_identity.filter(|_| !unknowns::SOURCE_IDENTITY_BEFORE_SUBJECT)
        {
            x.leaf("SourceIdentity", source_identity);
        }
    })
}
