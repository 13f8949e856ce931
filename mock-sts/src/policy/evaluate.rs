//! Deciding a request against a parsed document, as the IAM User Guide page "Policy evaluation logic"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>) describes it:
//! default deny; any matching `Deny` wins; otherwise any matching `Allow` allows.

use super::condition;
use super::context::{Principal, PrincipalKind, RequestContext, is_account_id};
use super::document::{
    Effect, PatternElement, PolicyDocument, PolicyVersion, PrincipalElement, PrincipalEntry,
    PrincipalSet, Statement,
};
use super::trace::{Decision, ElementTrace, Evaluation, StatementTrace};
use super::variables;
use super::wildcard;

pub(crate) fn run(document: &PolicyDocument, context: &RequestContext) -> Evaluation {
    let trace: Vec<StatementTrace> = document
        .statements
        .iter()
        .enumerate()
        .map(|(index, statement)| trace_statement(document.version, index, statement, context))
        .collect();
    let first_matching = |effect: Effect| {
        trace
            .iter()
            .find(|statement| statement.matched && statement.effect == effect)
    };
    let decision = if let Some(deny) = first_matching(Effect::Deny) {
        Decision::ExplicitDeny {
            statement: deny.statement,
            sid: deny.sid.clone(),
        }
    } else if let Some(allow) = first_matching(Effect::Allow) {
        Decision::Allow {
            statement: allow.statement,
            sid: allow.sid.clone(),
        }
    } else {
        Decision::ImplicitDeny
    };
    Evaluation { decision, trace }
}

fn trace_statement(
    version: PolicyVersion,
    index: usize,
    statement: &Statement,
    context: &RequestContext,
) -> StatementTrace {
    let principal = statement
        .principal
        .as_ref()
        .map(|element| trace_principal(element, &context.principal));
    let action = trace_action(&statement.action, &context.action);
    let resource = statement
        .resource
        .as_ref()
        .map(|element| trace_resource(element, version, context));
    let conditions: Vec<_> = statement
        .conditions
        .iter()
        .map(|entry| condition::evaluate(entry, version, context))
        .collect();
    let matched = principal.as_ref().is_none_or(|p| p.matched)
        && action.matched
        && resource.as_ref().is_none_or(|r| r.matched)
        && conditions.iter().all(|c| c.result);
    StatementTrace {
        statement: index,
        sid: statement.sid.clone(),
        effect: statement.effect,
        principal,
        action,
        resource,
        conditions,
        matched,
    }
}

fn trace_principal(element: &PrincipalElement, principal: &Principal) -> ElementTrace {
    let (policy_values, matched_by) = match &element.principals {
        PrincipalSet::Anyone => (vec!["*".to_owned()], Some("*".to_owned())),
        PrincipalSet::Listed(entries) => (
            entries.iter().map(describe_entry).collect(),
            entries
                .iter()
                .find(|entry| entry_matches(entry, principal))
                .map(describe_entry),
        ),
    };
    let mut notes = Vec::new();
    if let PrincipalSet::Listed(entries) = &element.principals {
        let near_miss = entries.iter().find(|entry| {
            entry.kind == principal.kind()
                && entry.value != principal.id()
                && (entry.value.starts_with(principal.id())
                    || principal.id().starts_with(&entry.value))
        });
        if matched_by.is_none()
            && let Some(entry) = near_miss
        {
            notes.push(format!(
                "{} principals must match exactly; {:?} and {:?} differ only by a suffix",
                entry.kind.as_str(),
                entry.value,
                principal.id()
            ));
        }
    }
    ElementTrace {
        element: element.element_name(),
        policy_values,
        request_value: Some(format!("{}={}", principal.kind().as_str(), principal.id())),
        matched: matched_by.is_some() != element.negated,
        matched_by,
        notes,
    }
}

fn describe_entry(entry: &PrincipalEntry) -> String {
    format!("{}={}", entry.kind.as_str(), entry.value)
}

/// `{"Federated": ...}`, `{"Service": ...}` and `{"CanonicalUser": ...}` match by exact string equality: no
/// prefix match, no case folding, no wildcards other than a lone `"*"` (IAM: "You cannot use a wildcard to match
/// part of a principal name or ARN").
///
/// A lone `"*"` under a type matches every principal of that type only; `"Principal": "*"` matches everyone.
/// Whether `{"AWS": "*"}` also covers federated web-identity callers is not documented. [?]
///
/// An `AWS` account principal (`123456789012` or `arn:aws:iam::123456789012:root`) matches every principal of
/// that account, which is how a trust policy delegates to an account. [I]
fn entry_matches(entry: &PrincipalEntry, principal: &Principal) -> bool {
    if entry.kind != principal.kind() {
        return false;
    }
    if entry.value == "*" || entry.value == principal.id() {
        return true;
    }
    entry.kind == PrincipalKind::Aws
        && account_of_root(&entry.value).is_some_and(|account| {
            principal.id() == account || account_of_arn(principal.id()) == Some(account)
        })
}

fn account_of_root(value: &str) -> Option<&str> {
    if is_account_id(value) {
        return Some(value);
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", account, "root"] if is_account_id(account) => Some(account),
        _ => None,
    }
}

fn account_of_arn(value: &str) -> Option<&str> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, _, _, account, _] => Some(account),
        _ => None,
    }
}

/// Action names are case-insensitive and take `*`/`?`.
fn trace_action(element: &PatternElement, action: &str) -> ElementTrace {
    let matched_by = element
        .patterns
        .iter()
        .find(|pattern| wildcard::matches_ignoring_case(pattern, action))
        .cloned();
    ElementTrace {
        element: if element.negated {
            "NotAction"
        } else {
            "Action"
        },
        policy_values: element.patterns.clone(),
        request_value: Some(action.to_owned()),
        matched: matched_by.is_some() != element.negated,
        matched_by,
        notes: Vec::new(),
    }
}

/// Resource ARNs are case-sensitive, take `*`/`?` and, from 2012-10-17, policy variables. A pattern whose
/// variable cannot be resolved makes the whole element fail, for `NotResource` too (IAM: the statement is
/// invalid). [I] With no resource in the request, the element is not checked.
fn trace_resource(
    element: &PatternElement,
    version: PolicyVersion,
    context: &RequestContext,
) -> ElementTrace {
    let name = if element.negated {
        "NotResource"
    } else {
        "Resource"
    };
    let mut trace = ElementTrace {
        element: name,
        policy_values: element.patterns.clone(),
        request_value: context.resource.clone(),
        matched_by: None,
        matched: true,
        notes: Vec::new(),
    };
    let Some(resource) = &context.resource else {
        trace.notes.push(format!(
            "the request names no resource, so {name} is not checked"
        ));
        return trace;
    };
    for pattern in &element.patterns {
        match variables::expand(pattern, version, context, true) {
            Err(unresolved) => {
                trace.notes.push(format!(
                    "policy variable {} has no single value in the request, so {name} cannot match",
                    unresolved.variable
                ));
                trace.matched = false;
                return trace;
            }
            Ok(tokens) if trace.matched_by.is_none() && wildcard::matches(&tokens, resource) => {
                trace.matched_by = Some(pattern.clone());
            }
            Ok(_) => {}
        }
    }
    trace.matched = trace.matched_by.is_some() != element.negated;
    trace
}
