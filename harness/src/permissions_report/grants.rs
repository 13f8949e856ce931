//! The role's policy statements judged against the calls its sessions made: which calls each
//! statement matched (by the engine's own evaluation), so a grant never used, or an action
//! pattern such as `s3:*` of which only a few actions were used, shows up.
//!
//! Each call is evaluated as mock-sts evaluated it, with the principal, action and resource the
//! log shows and the role keys (`aws:PrincipalArn`, `aws:PrincipalType`); other condition keys
//! are not in the log, so a statement conditioned on them counts as not matching.

use std::collections::BTreeSet;

use mock_sts::policy::{self, Effect, PolicyDocument, PolicyKind, Principal, RequestContext};
use serde::Serialize;

use super::observed::Call;

/// One statement of one of the role's policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// `inline policy NAME` or `managed policy ARN`, as mock-sts's log names it.
    pub policy: String,
    /// The statement's index, as mock-sts's log counts (from 0).
    pub statement: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: String,
    /// The `Action` patterns as written (`NotAction` ones prefixed with `not `).
    pub actions: Vec<String>,
    /// The `Resource` patterns as written (`NotResource` ones prefixed with `not `).
    pub resources: Vec<String>,
    /// The distinct actions of the calls it matched (allowed calls for `Allow`, denied ones for
    /// `Deny`), sorted.
    pub used_actions: Vec<String>,
    /// The action patterns that matched none of those calls.
    pub unused_actions: Vec<String>,
}

impl Grant {
    /// No call matched the statement.
    pub fn never_used(&self) -> bool {
        self.used_actions.is_empty()
    }
}

/// The grants of `role_arn`'s policies in `state`, and notes on the policies that could not be
/// judged.
pub(super) fn judge(
    state: &mock_sts::Seed,
    role_arn: &str,
    allowed: &[Call],
    denied: &[Call],
) -> (Vec<Grant>, Vec<String>) {
    let mut notes = Vec::new();
    let Some(role) = state.roles.iter().find(|role| {
        let path = role.path.as_deref().unwrap_or("/");
        role_arn.ends_with(&format!(":role{path}{}", role.name))
    }) else {
        notes.push(format!("role {role_arn} is not in the saved state"));
        return (Vec::new(), notes);
    };
    let account = role_arn.split(':').nth(4).unwrap_or_default();
    let mut policies: Vec<(String, String)> = role
        .policies
        .iter()
        .map(|p| (format!("inline policy {}", p.name), p.document.to_text()))
        .collect();
    for arn in &role.attached_policies {
        match managed_document(state, account, arn) {
            Some(text) => policies.push((format!("managed policy {arn}"), text)),
            None => notes.push(format!(
                "managed policy {arn}: its document is not in the saved state"
            )),
        }
    }
    let mut grants = Vec::new();
    for (name, text) in policies {
        match policy::parse(&text, PolicyKind::Identity) {
            Ok(document) => grants.extend(statement_grants(
                &name, &document, role_arn, allowed, denied,
            )),
            Err(err) => notes.push(format!("{name} does not parse: {err}")),
        }
    }
    (grants, notes)
}

fn managed_document(state: &mock_sts::Seed, account: &str, arn: &str) -> Option<String> {
    if let Some(text) = mock_sts::aws_managed_policy(arn) {
        return Some(text.to_owned());
    }
    state
        .managed_policies
        .iter()
        .find(|p| {
            let path = p.path.as_deref().unwrap_or("/");
            arn == format!("arn:aws:iam::{account}:policy{path}{}", p.name)
        })
        .map(|p| p.document.to_text())
}

fn statement_grants(
    name: &str,
    document: &PolicyDocument,
    role_arn: &str,
    allowed: &[Call],
    denied: &[Call],
) -> Vec<Grant> {
    let mut used: Vec<BTreeSet<String>> = vec![BTreeSet::new(); document.statements.len()];
    for (calls, effect) in [(allowed, Effect::Allow), (denied, Effect::Deny)] {
        for call in calls {
            let evaluation = policy::evaluate(document, &context(call, role_arn));
            for traced in &evaluation.trace {
                if traced.matched
                    && traced.effect == effect
                    && let Some(set) = used.get_mut(traced.statement)
                {
                    set.insert(call.action.clone());
                }
            }
        }
    }
    document
        .statements
        .iter()
        .zip(used)
        .enumerate()
        .map(|(index, (statement, used))| {
            let patterns = &statement.action.patterns;
            let unused_actions = if statement.action.negated {
                Vec::new()
            } else {
                patterns
                    .iter()
                    .filter(|p| !used.iter().any(|action| policy::action_like(p, action)))
                    .cloned()
                    .collect()
            };
            let written = |negated: bool, patterns: &[String]| -> Vec<String> {
                patterns
                    .iter()
                    .map(|p| {
                        if negated {
                            format!("not {p}")
                        } else {
                            p.clone()
                        }
                    })
                    .collect()
            };
            Grant {
                policy: name.to_owned(),
                statement: index,
                sid: statement.sid.clone().filter(|sid| !sid.is_empty()),
                effect: statement.effect.as_str().to_owned(),
                actions: written(statement.action.negated, patterns),
                resources: statement
                    .resource
                    .as_ref()
                    .map(|r| written(r.negated, &r.patterns))
                    .unwrap_or_default(),
                used_actions: used.into_iter().collect(),
                unused_actions,
            }
        })
        .collect()
}

/// The request context of a logged call: what the log shows of it.
pub(super) fn context(call: &Call, role_arn: &str) -> RequestContext {
    RequestContext::new(Principal::Aws(call.principal_arn.clone()), &call.action)
        .with_resource(&call.resource)
        .with_key("aws:PrincipalArn", [role_arn])
        .with_key("aws:PrincipalType", ["AssumedRole"])
}
