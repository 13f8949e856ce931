//! How AWS words a `ValidationError`: the count, each violated constraint, and the model
//! patterns as AWS prints them. Part of the error table, kept apart only for its size.

use crate::validation::{Constraint, Pattern, Violation, ViolationValue};

/// `N validation error(s) detected: <violation>; <violation>`.
pub(super) fn validation_message(violations: &[Violation]) -> String {
    let n = violations.len();
    let head = if n == 1 {
        "1 validation error detected: ".to_owned()
    } else {
        format!("{n} validation errors detected: ")
    };
    let body: Vec<String> = violations.iter().map(violation_text).collect();
    head + &body.join("; ")
}

/// `Value '<v>' at '<member>' failed to satisfy constraint: <constraint>`; a null member says
/// `Value null at`, a sensitive one `Value at`.
pub(super) fn violation_text(violation: &Violation) -> String {
    let member = &violation.member;
    let value = match &violation.value {
        ViolationValue::Null => format!("Value null at '{member}'"),
        ViolationValue::Sensitive => format!("Value at '{member}'"),
        ViolationValue::Shown(v) => format!("Value '{v}' at '{member}'"),
    };
    format!(
        "{value} failed to satisfy constraint: {}",
        constraint_text(violation.constraint)
    )
}

pub(super) fn constraint_text(constraint: Constraint) -> String {
    match constraint {
        Constraint::NotNull => "Member must not be null".to_owned(),
        Constraint::Pattern(p) => format!(
            "Member must satisfy regular expression pattern: {}",
            pattern_text(p)
        ),
        Constraint::MinLength(n) => format!("Member must have length greater than or equal to {n}"),
        Constraint::MaxLength(n) | Constraint::MaxItems(n) => {
            format!("Member must have length less than or equal to {n}")
        }
        Constraint::MinValue(n) => format!("Member must have value greater than or equal to {n}"),
        Constraint::MaxValue(n) => format!("Member must have value less than or equal to {n}"),
    }
}

/// The model patterns, spelled as AWS prints them inside ValidationError messages.
fn pattern_text(pattern: Pattern) -> &'static str {
    match pattern {
        Pattern::Arn => {
            r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+"
        }
        Pattern::RoleSessionName => r"[\w+=,.@-]*",
        Pattern::SessionPolicy => r"[\u0009\u000A\u000D\u0020-\u00FF]+",
        Pattern::RoleName => r"[\w+=,.@-]+",
        Pattern::Path => r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
        Pattern::PathPrefix => r"\u002F[\u0021-\u007F]*",
        Pattern::Marker => r"[\u0020-\u00FF]+",
        Pattern::RoleDescription => r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*",
        Pattern::TagKey => r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+",
        Pattern::TagValue => r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*",
    }
}
