//! What a successful AssumeRoleWithWebIdentity sees and says: the request context its trust
//! policy is evaluated against, and the XML it answers with.

use time::OffsetDateTime;

use crate::iam::Provider;
use crate::policy::{Principal, RequestContext};
use crate::service::Service;
use crate::sessions::Session;
use crate::times;
use crate::web_identity::claims::Claims;
use crate::xml;

const ACTION: &str = "sts:AssumeRoleWithWebIdentity";

/// The keys a trust policy can test for a self-managed OIDC issuer: `<provider>:aud` and
/// `<provider>:sub`, named after the provider URL without its scheme, and the global keys of the
/// call. Other claims (GitLab's `project_path`, `ref`, …) are not condition keys, so a condition
/// on them sees an absent key (the IAM User Guide page "Available keys for AWS OIDC federation",
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>).
pub(super) fn trust_context(
    provider: &Provider,
    claims: &Claims,
    session_name: &str,
    now: OffsetDateTime,
    region: &str,
) -> RequestContext {
    let prefix = provider.url.trim_start_matches("https://");
    let mut context = RequestContext::new(Principal::Federated(provider.arn.clone()), ACTION);
    context.insert(format!("{prefix}:aud"), claims.audiences.iter().cloned());
    context.insert(format!("{prefix}:sub"), [claims.subject.clone()]);
    context.insert("aws:FederatedProvider", [provider.arn.clone()]);
    context.insert("sts:RoleSessionName", [session_name]);
    context.insert("aws:CurrentTime", [times::iso8601(now)]);
    context.insert("aws:EpochTime", [now.unix_timestamp().to_string()]);
    context.insert("aws:RequestedRegion", [region]);
    context
}

/// The element order live STS sends (recorded in smithy-lang/smithy-rs,
/// `aws/rust-runtime/aws-config/test-data/default-credential-provider-chain/web_identity_token_env/http-traffic.json`).
pub(super) fn success_xml(
    audience: &str,
    session: &Session,
    provider: &Provider,
    subject: &str,
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
            .leaf("Provider", &provider.arn)
            .open("Credentials")
            .leaf("AccessKeyId", &session.access_key_id)
            .leaf("SecretAccessKey", &session.secret_access_key)
            .leaf("SessionToken", &session.session_token)
            .leaf("Expiration", &times::iso8601(session.expiration))
            .close("Credentials")
            .leaf("SubjectFromWebIdentityToken", subject);
    })
}
