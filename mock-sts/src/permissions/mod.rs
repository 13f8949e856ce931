//! One authorization decision for every data-plane call a session makes, as the IAM User Guide's
//! "Policy evaluation logic"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>)
//! describes it for a role session in one account, with no SCPs, RCPs, permissions boundaries or
//! resource-based policies:
//!
//! 1. An explicit `Deny` in any identity-based policy of the role (inline or attached managed)
//!    or in any session policy decides: denied.
//! 2. Otherwise the request is allowed only if some identity-based policy allows it **and**, when
//!    the session was issued with session policies (`Policy` and/or `PolicyArns`), some session
//!    policy allows it too ("the resulting session's permissions are the intersection of the
//!    role's identity-based policies and the session policies", "Session policies" in "Policies
//!    and permissions in IAM").
//! 3. Anything else is implicitly denied.
//!
//! The role's policies are read as they are now, so a policy detached after the session was
//! issued no longer applies, as in AWS. `context` builds the request context (the global condition
//! keys of "AWS global condition context keys",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).

mod context;
#[cfg(test)]
mod tests;

pub(crate) use crate::errors::PolicyType;
use crate::iam::{self, IamStore, Role};
use crate::policy::{self, Decision, PolicyDocument, RequestContext};
use crate::sessions::Session;
use crate::state::Sts;

/// One call a session makes: the IAM action, the resource ARN, and the service's own condition
/// keys (e.g. `s3:prefix`), which override the global keys of the same name.
#[derive(Debug, Clone)]
pub(crate) struct AccessRequest<'a> {
    /// E.g. `s3:PutObject`.
    pub(crate) action: &'a str,
    /// E.g. `arn:aws:s3:::bucket/key`.
    pub(crate) resource: &'a str,
    pub(crate) context_keys: Vec<(String, Vec<String>)>,
}

/// The decision, and one line for the request log saying which policy and statement decided, or
/// why nothing allowed the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authorization {
    pub(crate) allowed: bool,
    /// A `Deny` statement decided (S3 then says "with an explicit deny").
    pub(crate) explicit_deny: bool,
    /// The kind of policy that denied, as AWS's access-denied messages name it.
    pub(crate) denied_by: PolicyType,
    pub(crate) explanation: String,
}

impl Authorization {
    fn deny(denied_by: PolicyType, explanation: String) -> Self {
        Self {
            allowed: false,
            explicit_deny: false,
            denied_by,
            explanation,
        }
    }

    fn deny_explicitly(denied_by: PolicyType, explanation: String) -> Self {
        Self {
            explicit_deny: true,
            ..Self::deny(denied_by, explanation)
        }
    }
}

/// A policy that takes part in the decision, with the words the explanation names it by.
struct Named<'p> {
    name: String,
    document: &'p PolicyDocument,
}

pub(crate) fn authorize(
    sts: &Sts,
    session: &Session,
    request: &AccessRequest<'_>,
) -> Authorization {
    let store = sts.iam();
    let Some(role) = store
        .role(&session.scope.role_name)
        .filter(|role| role.role_id == session.role_id)
    else {
        return Authorization::deny(
            PolicyType::IdentityBased,
            format!(
                "implicitly denied: role {} no longer exists",
                session.scope.role_name
            ),
        );
    };
    let context = context::build(sts, session, &role, request);
    let managed: Vec<_> = role
        .attached_policies
        .iter()
        .filter_map(|arn| iam::find_policy(&store, arn))
        .collect();
    let mut identity: Vec<Named<'_>> = role
        .inline_policies
        .iter()
        .map(|(name, policy)| Named {
            name: format!("inline policy {name}"),
            document: &policy.document,
        })
        .collect();
    identity.extend(managed.iter().map(|policy| Named {
        name: format!("managed policy {}", policy.arn),
        document: &policy.document,
    }));
    let session_managed = session_managed(&store, session);
    let mut session_policies: Vec<Named<'_>> = session
        .scope
        .policies
        .inline
        .iter()
        .map(|document| Named {
            name: "the session policy".to_owned(),
            document,
        })
        .collect();
    session_policies.extend(session_managed.iter().map(|policy| Named {
        name: format!("session policy {}", policy.arn),
        document: &policy.document,
    }));
    decide(
        &role,
        &identity,
        session
            .scope
            .policies
            .any()
            .then_some(session_policies.as_slice()),
        &context,
    )
}

/// The managed session policies that still exist; one deleted since counts for nothing.
fn session_managed(
    store: &IamStore,
    session: &Session,
) -> Vec<std::sync::Arc<crate::iam::ManagedPolicy>> {
    session
        .scope
        .policies
        .arns
        .iter()
        .filter_map(|arn| iam::find_policy(store, arn))
        .collect()
}

fn decide(
    role: &Role,
    identity: &[Named<'_>],
    session: Option<&[Named<'_>]>,
    context: &RequestContext,
) -> Authorization {
    let judged = |policies: &[Named<'_>]| -> Vec<(String, Decision)> {
        policies
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    policy::evaluate(p.document, context).decision,
                )
            })
            .collect()
    };
    let identity = judged(identity);
    let session = session.map(judged);
    let all = identity
        .iter()
        .map(|d| (PolicyType::IdentityBased, d))
        .chain(session.iter().flatten().map(|d| (PolicyType::Session, d)));
    for (kind, (name, decision)) in all {
        if let Decision::ExplicitDeny { statement, sid } = decision {
            return Authorization::deny_explicitly(
                kind,
                format!(
                    "explicitly denied by {name} {}",
                    statement_words(*statement, sid.as_deref())
                ),
            );
        }
    }
    let what = format!(
        "{} on {}",
        context.action,
        context.resource.as_deref().unwrap_or("*")
    );
    let Some(by_identity) = first_allow(&identity) else {
        return Authorization::deny(
            PolicyType::IdentityBased,
            format!(
                "implicitly denied: no identity-based policy of role {} allows {what}",
                role.name
            ),
        );
    };
    let explanation = match session.as_deref() {
        None => format!("allowed by {by_identity}"),
        Some(session) => match first_allow(session) {
            Some(by_session) => format!("allowed by {by_identity} and {by_session}"),
            None => {
                return Authorization::deny(
                    PolicyType::Session,
                    format!(
                        "implicitly denied: {by_identity} allows {what}, but no session policy does"
                    ),
                );
            }
        },
    };
    Authorization {
        allowed: true,
        explicit_deny: false,
        denied_by: PolicyType::IdentityBased,
        explanation,
    }
}

fn first_allow(decisions: &[(String, Decision)]) -> Option<String> {
    decisions
        .iter()
        .find_map(|(name, decision)| match decision {
            Decision::Allow { statement, sid } => Some(format!(
                "{name} {}",
                statement_words(*statement, sid.as_deref())
            )),
            _ => None,
        })
}

fn statement_words(statement: usize, sid: Option<&str>) -> String {
    match sid.filter(|sid| !sid.is_empty()) {
        Some(sid) => format!("statement {statement} ({sid})"),
        None => format!("statement {statement}"),
    }
}
