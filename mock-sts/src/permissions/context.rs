//! The request context a session's call is evaluated in: the action and resource, the global
//! condition keys AWS sets for a role session ("AWS global condition context keys",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>),
//! then the service's own keys.
//!
//! For a role session AWS sets `aws:PrincipalArn` to the **role's** ARN (not the assumed-role
//! ARN), `aws:userid` to `<role ID>:<session name>`, `aws:PrincipalType` to `AssumedRole`, and
//! no `aws:username` (present for IAM users only). `aws:PrincipalTag/<key>` holds the role's
//! tags, a session tag replacing a role tag with the same key ("Passing session tags in AWS
//! STS": "If the session tag key matches a role tag key, the session tag value overrides").
//! `aws:SecureTransport` is `false` and `aws:RequestedRegion` the configured region unless the
//! caller's own keys say otherwise (mock-sts's listener speaks plain HTTP on loopback).

use crate::iam::Role;
use crate::permissions::AccessRequest;
use crate::policy::{Principal, RequestContext};
use crate::sessions::Session;
use crate::state::Sts;
use crate::times;

pub(super) fn build(
    sts: &Sts,
    session: &Session,
    role: &Role,
    request: &AccessRequest<'_>,
) -> RequestContext {
    let now = sts.config.clock.now();
    let account = sts.config.account_id.as_str();
    let mut context = RequestContext::new(
        Principal::Aws(session.assumed_role_arn.clone()),
        request.action,
    )
    .with_resource(request.resource)
    .with_key("aws:PrincipalArn", [session.scope.role_arn.as_str()])
    .with_key("aws:PrincipalAccount", [account])
    .with_key("aws:PrincipalType", ["AssumedRole"])
    .with_key(
        "aws:userid",
        [format!("{}:{}", session.role_id, session.role_session_name)],
    )
    .with_key(
        "aws:FederatedProvider",
        [session.scope.provider_arn.as_str()],
    )
    .with_key("aws:CurrentTime", [times::iso8601(now)])
    .with_key("aws:EpochTime", [now.unix_timestamp().to_string()])
    .with_key("aws:SecureTransport", ["false"])
    .with_key("aws:RequestedRegion", [sts.config.region.as_str()])
    .with_key("aws:ViaAWSService", ["false"]);
    if let Some(identity) = &session.scope.source_identity {
        context.insert("aws:SourceIdentity", [identity.as_str()]);
    }
    for tag in &role.tags {
        context.insert(
            format!("aws:PrincipalTag/{}", tag.key),
            [tag.value.as_str()],
        );
    }
    for (key, value) in &session.scope.tags {
        context.insert(format!("aws:PrincipalTag/{key}"), [value.as_str()]);
    }
    for (key, values) in &request.context_keys {
        context.insert(key.clone(), values.iter().cloned());
    }
    context
}
