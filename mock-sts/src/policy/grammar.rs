//! The JSON shapes IAM's policy grammar accepts, one element at a time. `parse` walks a document
//! with these and decides the order in which their findings count.

use std::collections::HashSet;

use super::context::PrincipalKind;
use super::document::{PatternElement, PrincipalElement, PrincipalEntry, PrincipalSet};
use super::error::PolicyError;
use super::json::Json;

/// The members of a JSON object, in document order, duplicates kept.
pub(super) type Members = [(String, Json)];

pub(super) fn syntax(reason: impl Into<String>) -> PolicyError {
    PolicyError::syntax(reason)
}

pub(super) fn member<'a>(members: &'a Members, name: &str) -> Option<&'a Json> {
    members
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// JSON allows repeated member names; IAM's grammar does not, and silently keeping one would change meaning. [I]
pub(super) fn unique_names(members: &Members, place: &str) -> Result<(), PolicyError> {
    let mut seen = HashSet::new();
    for (name, _) in members {
        if !seen.insert(name.as_str()) {
            return Err(syntax(format!("{place} has the member {name:?} twice")));
        }
    }
    Ok(())
}

pub(super) fn only_known(
    members: &Members,
    known: &[&str],
    place: &str,
) -> Result<(), PolicyError> {
    match members
        .iter()
        .find(|(name, _)| !known.contains(&name.as_str()))
    {
        Some((name, _)) => Err(syntax(format!("{place} has an unknown element {name:?}"))),
        None => Ok(()),
    }
}

pub(super) fn exclusive(
    members: &Members,
    one: &str,
    other: &str,
    place: &str,
) -> Result<(), PolicyError> {
    if member(members, one).is_some() && member(members, other).is_some() {
        return Err(syntax(format!("{place} has both {one} and {other}")));
    }
    Ok(())
}

/// A string, or an array of strings (possibly empty: emptiness is a late rule).
pub(super) fn strings(value: &Json, what: &str) -> Result<Vec<String>, PolicyError> {
    match value {
        Json::String(text) => Ok(vec![text.clone()]),
        Json::Array(items) => items
            .iter()
            .map(|item| match item {
                Json::String(text) => Ok(text.clone()),
                other => Err(syntax(format!(
                    "{what} must hold strings, not {}",
                    other.type_name()
                ))),
            })
            .collect(),
        other => Err(syntax(format!(
            "{what} must be a string or an array of strings, not {}",
            other.type_name()
        ))),
    }
}

/// Condition values: a string, number or boolean, or an array of those (possibly empty), kept as text.
pub(super) fn condition_values(value: &Json, what: &str) -> Result<Vec<String>, PolicyError> {
    let scalar = |item: &Json| match item {
        Json::String(text) | Json::Number(text) => Ok(text.clone()),
        Json::Bool(flag) => Ok(flag.to_string()),
        other => Err(syntax(format!(
            "{what} must hold strings, numbers or booleans, not {}",
            other.type_name()
        ))),
    };
    match value {
        Json::Array(items) => items.iter().map(scalar).collect(),
        other => Ok(vec![scalar(other)?]),
    }
}

pub(super) fn principal_element(
    place: &str,
    members: &Members,
) -> Result<Option<PrincipalElement>, PolicyError> {
    let (negated, value) = match (
        member(members, "Principal"),
        member(members, "NotPrincipal"),
    ) {
        (Some(value), _) => (false, value),
        (None, Some(value)) => (true, value),
        (None, None) => return Ok(None),
    };
    let name = if negated { "NotPrincipal" } else { "Principal" };
    let principals = match value {
        Json::String(text) if text == "*" => PrincipalSet::Anyone,
        Json::Object(types) if types.is_empty() => {
            return Err(syntax(format!("{place}: {name} is an empty object")));
        }
        Json::Object(types) => {
            unique_names(types, &format!("{place}: {name}"))?;
            let mut entries = Vec::new();
            for (type_name, values) in types {
                let kind = PrincipalKind::from_policy_name(type_name).ok_or_else(|| {
                    syntax(format!("{place}: unknown principal type {type_name:?}"))
                })?;
                let values = strings(values, &format!("{place}: {name} {type_name}"))?;
                if values.is_empty() {
                    return Err(syntax(format!(
                        "{place}: {name} {type_name} is an empty array"
                    )));
                }
                entries.extend(
                    values
                        .into_iter()
                        .map(|value| PrincipalEntry { kind, value }),
                );
            }
            PrincipalSet::Listed(entries)
        }
        other => {
            return Err(syntax(format!(
                "{place}: {name} must be \"*\" or an object, not {}",
                match other {
                    Json::String(text) => format!("{text:?}"),
                    other => other.type_name().to_owned(),
                }
            )));
        }
    };
    Ok(Some(PrincipalElement {
        negated,
        principals,
    }))
}

pub(super) fn pattern_element(
    place: &str,
    members: &Members,
    name: &str,
    negated_name: &str,
) -> Result<Option<PatternElement>, PolicyError> {
    let (negated, value, element) = match (member(members, name), member(members, negated_name)) {
        (Some(value), _) => (false, value, name),
        (None, Some(value)) => (true, value, negated_name),
        (None, None) => return Ok(None),
    };
    let patterns = strings(value, &format!("{place}: {element}"))?;
    Ok(Some(PatternElement { negated, patterns }))
}

/// `*`, or `vendor:action` with exactly one colon and a vendor of letters, digits, `-` and `.` (or `*`).
/// Mirrors IAM's "Actions/Conditions must be prefaced by a vendor" and "can contain only one colon" checks.
pub(super) fn is_well_formed_action(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    match action.split_once(':') {
        Some((vendor, name)) => {
            !name.contains(':')
                && (vendor == "*"
                    || (!vendor.is_empty()
                        && vendor
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')))
        }
        None => false,
    }
}
