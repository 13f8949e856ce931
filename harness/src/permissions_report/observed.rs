//! The authorised calls of the request log, per role: entries that carry an IAM action, a
//! resource, a decision and the role of the session that made them (the account root's calls
//! have no role and are left out).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Request;

/// One call as authorisation saw it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Call {
    pub(super) action: String,
    pub(super) resource: String,
    /// The assumed-role ARN, the principal policies were evaluated for.
    pub(super) principal_arn: String,
}

/// An action on a resource and how many times the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Use {
    pub action: String,
    pub resource: String,
    pub count: usize,
}

#[derive(Debug, Default)]
pub(super) struct RoleCalls {
    pub(super) allowed: Vec<Call>,
    pub(super) denied: Vec<Call>,
}

/// The log's authorised calls by role ARN, in log order within a role.
pub(super) fn by_role(requests: &[Request]) -> BTreeMap<String, RoleCalls> {
    let mut roles: BTreeMap<String, RoleCalls> = BTreeMap::new();
    for entry in requests {
        let (Some(role), Some(action), Some(resource), Some(decision), Some(principal)) = (
            &entry.role_arn,
            &entry.iam_action,
            &entry.resource,
            &entry.decision,
            &entry.principal_arn,
        ) else {
            continue;
        };
        let call = Call {
            action: action.clone(),
            resource: resource.clone(),
            principal_arn: principal.clone(),
        };
        let calls = roles.entry(role.clone()).or_default();
        match decision.as_str() {
            "allow" => calls.allowed.push(call),
            _ => calls.denied.push(call),
        }
    }
    roles
}

/// Calls counted by (action, resource), sorted by action then resource.
pub(super) fn grouped(calls: &[Call]) -> Vec<Use> {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for call in calls {
        *counts
            .entry((call.action.as_str(), call.resource.as_str()))
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((action, resource), count)| Use {
            action: action.to_owned(),
            resource: resource.to_owned(),
            count,
        })
        .collect()
}
