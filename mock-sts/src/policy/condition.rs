//! How one (operator, key, values) entry of a `Condition` block is decided against a request.
//!
//! Semantics, from the IAM User Guide pages "IAM JSON policy elements: Condition operators"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>) and
//! "Single-valued vs. multivalued context keys"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>):
//! * values listed for one key are ORed; negated operators are NOR over them (the key must match none);
//! * a key absent from the request makes the condition false, except: negated operators → true,
//!   `...IfExists` → true, `ForAllValues:` → true, and `Null` tests presence itself;
//! * `ForAnyValue:` holds if some request value matches some policy value; `ForAllValues:` if every request
//!   value matches some policy value.

use std::net::IpAddr;

use super::context::RequestContext;
use super::document::{Condition, PolicyVersion};
use super::operator::{BaseOperator, Operator, SetQualifier, Test};
use super::scalar::{self, Cidr, Decimal, Instant};
use super::trace::ConditionTrace;
use super::variables::{self, Unresolved};
use super::wildcard::{self, Token};

/// A policy value made ready for comparison.
enum Prepared {
    Text(String),
    Pattern(Vec<Token>),
    Number(Decimal),
    Date(Instant),
    Range(Cidr),
    /// Not a number / date / IP range: matches no request value. [I]
    Invalid,
}

/// Decides one condition and records why.
///
/// A request key with several values under a plain (unqualified) operator matches if any of its values
/// matches; a negated plain operator is the complement (no request value matches any policy value). [I]
pub(crate) fn evaluate(
    condition: &Condition,
    version: PolicyVersion,
    context: &RequestContext,
) -> ConditionTrace {
    let (result, notes) = decide(condition, version, context);
    ConditionTrace {
        operator: condition.operator.name.clone(),
        key: condition.key.clone(),
        policy_values: condition.values.clone(),
        request_values: context.get(&condition.key).map(<[String]>::to_vec),
        result,
        notes,
    }
}

fn decide(
    condition: &Condition,
    version: PolicyVersion,
    context: &RequestContext,
) -> (bool, Vec<String>) {
    let operator = &condition.operator;
    let request = context.present_values(&condition.key);
    if operator.base == BaseOperator::Null {
        return decide_null(condition, request.is_none());
    }
    let Some(request) = request else {
        return decide_absent(operator);
    };
    let test = operator.base.test();
    let mut prepared = Vec::with_capacity(condition.values.len());
    for raw in &condition.values {
        match prepare(test, raw, version, context) {
            Ok(value) => prepared.push(value),
            Err(Unresolved { variable }) => {
                return (
                    false,
                    vec![format!(
                        "policy variable {variable} has no single value in the request and no default, \
                         so the condition cannot match"
                    )],
                );
            }
        }
    }
    let positive = |value: &String| prepared.iter().any(|policy| holds(test, policy, value));
    let negated = operator.base.is_negated();
    let result = match (operator.qualifier, negated) {
        (None | Some(SetQualifier::ForAnyValue), false) => request.iter().any(positive),
        (None, true) => !request.iter().any(positive),
        (Some(SetQualifier::ForAnyValue), true) => request.iter().any(|value| !positive(value)),
        (Some(SetQualifier::ForAllValues), false) => request.iter().all(positive),
        (Some(SetQualifier::ForAllValues), true) => request.iter().all(|value| !positive(value)),
    };
    let notes = hints(condition, version, test, &prepared, request);
    (result, notes)
}

fn decide_null(condition: &Condition, absent: bool) -> (bool, Vec<String>) {
    // Any value other than true/false never holds. [?]
    let result = condition
        .values
        .iter()
        .any(|value| match value.to_ascii_lowercase().as_str() {
            "true" => absent,
            "false" => !absent,
            _ => false,
        });
    let state = if absent { "absent from" } else { "present in" };
    (result, vec![format!("the key is {state} the request")])
}

fn decide_absent(operator: &Operator) -> (bool, Vec<String>) {
    let (result, why) = if operator.if_exists {
        (true, "...IfExists holds when the key is absent")
    } else {
        match (operator.qualifier, operator.base.is_negated()) {
            (Some(SetQualifier::ForAllValues), _) => {
                (true, "ForAllValues holds when the key is absent or empty")
            }
            (Some(SetQualifier::ForAnyValue), _) => {
                (false, "ForAnyValue fails when the key is absent or empty")
            }
            (None, true) => (true, "a negated operator holds when the key is absent"),
            (None, false) => (
                false,
                "an absent key matches no value, so the condition is false",
            ),
        }
    };
    (
        result,
        vec![format!("the key is absent from the request: {why}")],
    )
}

fn prepare(
    test: Test,
    raw: &str,
    version: PolicyVersion,
    context: &RequestContext,
) -> Result<Prepared, Unresolved> {
    Ok(match test {
        Test::Exact | Test::IgnoreCase | Test::Bool => {
            Prepared::Text(variables::expand_text(raw, version, context)?)
        }
        Test::Like | Test::Arn => {
            Prepared::Pattern(variables::expand(raw, version, context, true)?)
        }
        Test::Binary | Test::Null => Prepared::Text(raw.to_owned()),
        Test::Numeric(_) => Decimal::parse(raw).map_or(Prepared::Invalid, Prepared::Number),
        Test::Date(_) => scalar::parse_date(raw).map_or(Prepared::Invalid, Prepared::Date),
        Test::Ip => Cidr::parse(raw).map_or(Prepared::Invalid, Prepared::Range),
    })
}

/// The positive comparison of one request value with one policy value.
fn holds(test: Test, policy: &Prepared, request: &str) -> bool {
    match (test, policy) {
        (Test::Exact | Test::Binary, Prepared::Text(policy)) => policy == request,
        (Test::IgnoreCase, Prepared::Text(policy)) => eq_ignore_case(policy, request),
        (Test::Bool, Prepared::Text(policy)) => policy.eq_ignore_ascii_case(request),
        (Test::Like, Prepared::Pattern(pattern)) => wildcard::matches(pattern, request),
        (Test::Arn, Prepared::Pattern(pattern)) => arn_matches(pattern, request),
        (Test::Numeric(order), Prepared::Number(policy)) => {
            Decimal::parse(request).is_some_and(|request| order.holds(request.cmp(policy)))
        }
        (Test::Date(order), Prepared::Date(policy)) => {
            scalar::parse_date(request).is_some_and(|request| order.holds(request.cmp(policy)))
        }
        (Test::Ip, Prepared::Range(range)) => request
            .parse::<IpAddr>()
            .is_ok_and(|address| range.contains(address)),
        _ => false,
    }
}

/// Per-component ARN match: each of the six colon-separated parts is globbed separately, so a `*` cannot
/// swallow a colon (`arn:aws:s*:*:111122223333:x` does not match an ARN of another account).
///
/// When either side does not have six components, the two are compared as whole strings with wildcards,
/// so `"*"` still matches anything. [?]
fn arn_matches(pattern: &[Token], value: &str) -> bool {
    let pattern_parts = wildcard::arn_components(pattern);
    let value_parts: Vec<&str> = value.splitn(6, ':').collect();
    if pattern_parts.len() == 6 && value_parts.len() == 6 {
        pattern_parts
            .iter()
            .zip(&value_parts)
            .all(|(pattern, value)| wildcard::matches(pattern, value))
    } else {
        wildcard::matches(pattern, value)
    }
}

/// Character-wise case folding in both directions, like Java's `equalsIgnoreCase`. [I]
fn eq_ignore_case(left: &str, right: &str) -> bool {
    left.chars().count() == right.chars().count()
        && left.chars().zip(right.chars()).all(|(l, r)| {
            l == r || l.to_lowercase().eq(r.to_lowercase()) || l.to_uppercase().eq(r.to_uppercase())
        })
}

/// Explanations for the classic mistakes, shown when a user asks why a request was denied.
fn hints(
    condition: &Condition,
    version: PolicyVersion,
    test: Test,
    prepared: &[Prepared],
    request: &[String],
) -> Vec<String> {
    let mut notes = Vec::new();
    let base = condition.operator.base;
    for (raw, value) in condition.values.iter().zip(prepared) {
        if matches!(value, Prepared::Invalid) {
            let expected = match test {
                Test::Numeric(_) => "number",
                Test::Date(_) => "date",
                _ => "IP address or CIDR range",
            };
            notes.push(format!(
                "policy value {raw:?} is not a valid {expected}, so it matches nothing"
            ));
        }
    }
    if matches!(test, Test::Exact | Test::IgnoreCase)
        && condition.values.iter().any(|v| v.contains(['*', '?']))
    {
        notes.push(format!(
            "{} compares '*' and '?' literally; only StringLike/StringNotLike treat them as wildcards",
            base.name()
        ));
    }
    if test == Test::Exact {
        let differs_only_in_case = prepared.iter().any(|policy| {
            matches!(policy, Prepared::Text(policy) if request.iter().any(|r| r != policy && eq_ignore_case(r, policy)))
        });
        if differs_only_in_case {
            notes.push(format!(
                "a request value differs from a policy value only in letter case, and {} is case-sensitive",
                base.name()
            ));
        }
    }
    if base.takes_variables() && condition.values.iter().any(|v| v.contains("${")) {
        if version.supports_variables() {
            notes.push("policy variables were substituted from the request".to_owned());
        } else {
            notes.push(format!(
                "policy Version {} (also the default when Version is missing) leaves ${{...}} as literal text",
                version.as_str()
            ));
        }
    }
    notes
}
