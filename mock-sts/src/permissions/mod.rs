//! PROVISIONAL: authorising a session's request against its role's permission policies.
//!
//! This stand-in keeps the S3 branch compiling until the real module lands: it evaluates only the
//! role's inline policies (PutRolePolicy), with the assumed-role ARN as principal; an explicit
//! deny wins, and nothing allowed is denied.

use crate::policy::{self, Decision, Principal, RequestContext};
use crate::sessions::Session;
use crate::state::Sts;

/// What is asked: the IAM action (`s3:PutObject`), the resource ARN, and the context keys.
#[derive(Debug, Clone)]
pub(crate) struct AccessRequest<'a> {
    pub(crate) action: &'a str,
    pub(crate) resource: &'a str,
    pub(crate) context_keys: Vec<(String, Vec<String>)>,
}

/// The decision and why, for the request log.
#[derive(Debug, Clone)]
pub(crate) struct Authorization {
    pub(crate) allowed: bool,
    pub(crate) explanation: String,
}

pub(crate) fn authorize(
    sts: &Sts,
    session: &Session,
    request: &AccessRequest<'_>,
) -> Authorization {
    let Some(role_name) = role_name(&session.assumed_role_arn) else {
        return denied(format!(
            "session ARN {} names no role",
            session.assumed_role_arn
        ));
    };
    let Some(role) = sts.iam().role(role_name) else {
        return denied(format!("role {role_name} no longer exists"));
    };
    if role.role_id != session.role_id {
        return denied(format!("role {role_name} was deleted and created again"));
    }
    let mut context = RequestContext::new(
        Principal::Aws(session.assumed_role_arn.clone()),
        request.action,
    )
    .with_resource(request.resource);
    for (key, values) in &request.context_keys {
        context.insert(key.clone(), values.iter().cloned());
    }
    let mut allowed_by = None;
    for (name, inline) in &role.inline_policies {
        match policy::evaluate(&inline.document, &context).decision {
            Decision::ExplicitDeny { statement, .. } => {
                return denied(format!(
                    "explicit deny in inline policy {name} of role {role_name} (statement {statement})"
                ));
            }
            Decision::Allow { statement, .. } => {
                allowed_by.get_or_insert_with(|| (name.clone(), statement));
            }
            Decision::ImplicitDeny => {}
        }
    }
    match allowed_by {
        Some((name, statement)) => Authorization {
            allowed: true,
            explanation: format!(
                "allowed by inline policy {name} of role {role_name} (statement {statement})"
            ),
        },
        None => denied(format!(
            "no policy of role {role_name} allows {} on {}",
            request.action, request.resource
        )),
    }
}

/// `arn:aws:sts::<account>:assumed-role/<role>/<session>` → `<role>`.
fn role_name(assumed_role_arn: &str) -> Option<&str> {
    let (_, rest) = assumed_role_arn.split_once(":assumed-role/")?;
    rest.split_once('/').map(|(role, _)| role)
}

fn denied(explanation: String) -> Authorization {
    Authorization {
        allowed: false,
        explanation,
    }
}
