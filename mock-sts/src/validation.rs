//! Model constraints on request parameters, checked the way AWS's front end does: every member in
//! model order, pattern before length, all violations collected into one list.
//!
//! This module only decides which constraints a value breaks. How AWS words a violation lives in
//! the error table (`errors.rs`), which turns the list into one `ValidationError`.

use std::borrow::Cow;

use crate::query::Params;

/// The model's regular expressions, by name. AWS runs them in Java, where the supplementary-plane
/// range `\u10000-\u10FFFF` is broken, so those characters never match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pattern {
    Arn,
    RoleSessionName,
    SessionPolicy,
    /// `[\w+=,.@-]+`: role names, and inline policy names, which the model spells the same.
    RoleName,
    Path,
    PathPrefix,
    Marker,
    RoleDescription,
    TagKey,
    TagValue,
}

impl Pattern {
    fn matches(self, value: &str) -> bool {
        let word = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
        match self {
            Self::Arn => !value.is_empty() && value.chars().all(arn_char),
            Self::RoleSessionName => value.chars().all(word),
            Self::RoleName => !value.is_empty() && value.chars().all(word),
            Self::SessionPolicy => {
                !value.is_empty()
                    && value
                        .chars()
                        .all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}'))
            }
            Self::Path => {
                value == "/"
                    || (value.len() >= 3
                        && value.starts_with('/')
                        && value.ends_with('/')
                        && value.chars().all(|c| matches!(c, '\u{21}'..='\u{7E}')))
            }
            Self::PathPrefix => {
                value.starts_with('/') && value.chars().all(|c| matches!(c, '\u{21}'..='\u{7F}'))
            }
            Self::Marker => {
                !value.is_empty() && value.chars().all(|c| matches!(c, '\u{20}'..='\u{FF}'))
            }
            Self::RoleDescription => value.chars().all(
                |c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{A1}'..='\u{FF}'),
            ),
            Self::TagKey => !value.is_empty() && value.chars().all(tag_char),
            Self::TagValue => value.chars().all(tag_char),
        }
    }
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: letters, separators and numbers of any script, and six marks.
/// Rust's alphabetic and numeric classes stand for `\p{L}` and `\p{N}`; `\p{Z}` is listed.
pub(crate) fn tag_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || is_separator(c) || "_.:/=+-@".contains(c)
}

/// Unicode's separators (`\p{Z}`): the space characters and the line and paragraph separators.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

fn arn_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
}

/// One broken model constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// lowerCamelCase member name, e.g. `roleSessionName`, or a path into a list such as
    /// `tags.1.member.key`.
    pub(crate) member: Cow<'static, str>,
    pub(crate) value: ViolationValue,
    pub(crate) constraint: Constraint,
}

/// What a violation shows of the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ViolationValue {
    /// The member is absent.
    Null,
    /// The member is sensitive, so its value is never shown.
    Sensitive,
    Shown(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Constraint {
    NotNull,
    Pattern(Pattern),
    MinLength(usize),
    MaxLength(usize),
    MinValue(i64),
    MaxValue(i64),
    MaxItems(usize),
}

/// Every violation of one request, in the order AWS reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violations(pub(crate) Vec<Violation>);

/// One string member's model shape.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StringRule {
    pub(crate) param: &'static str,
    pub(crate) member: &'static str,
    pub(crate) required: bool,
    pub(crate) min: usize,
    pub(crate) max: usize,
    pub(crate) pattern: Option<Pattern>,
    pub(crate) sensitive: bool,
}

/// Collects violations across members, then hands them over as one list.
#[derive(Debug, Default)]
pub(crate) struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Checks one string member; returns the value when present.
    pub(crate) fn string<'p>(&mut self, params: &'p Params, rule: StringRule) -> Option<&'p str> {
        let value = params.get(rule.param);
        self.check_string(rule, value);
        value
    }

    pub(crate) fn check_string(&mut self, rule: StringRule, value: Option<&str>) {
        self.check_string_at(Cow::Borrowed(rule.member), rule, value);
    }

    /// Checks one string under another member name, e.g. an element of a list.
    pub(crate) fn check_string_at(
        &mut self,
        member: Cow<'static, str>,
        rule: StringRule,
        value: Option<&str>,
    ) {
        let Some(value) = value else {
            if rule.required {
                self.push(member, ViolationValue::Null, Constraint::NotNull);
            }
            return;
        };
        let shown = || {
            if rule.sensitive {
                ViolationValue::Sensitive
            } else {
                ViolationValue::Shown(value.to_owned())
            }
        };
        if let Some(pattern) = rule.pattern
            && !pattern.matches(value)
        {
            self.push(member.clone(), shown(), Constraint::Pattern(pattern));
        }
        // The model counts Unicode code points, not bytes or UTF-16 units.
        let length = value.chars().count();
        if length < rule.min {
            self.push(member.clone(), shown(), Constraint::MinLength(rule.min));
        }
        if length > rule.max {
            self.push(member, shown(), Constraint::MaxLength(rule.max));
        }
    }

    pub(crate) fn range(&mut self, member: &'static str, value: i64, min: i64, max: i64) {
        if value < min {
            self.push(
                member,
                ViolationValue::Shown(value.to_string()),
                Constraint::MinValue(min),
            );
        }
        if value > max {
            self.push(
                member,
                ViolationValue::Shown(value.to_string()),
                Constraint::MaxValue(max),
            );
        }
    }

    pub(crate) fn max_items(&mut self, member: &'static str, items: &[String], max: usize) {
        if items.len() > max {
            let shown = format!("[{}]", items.join(", "));
            self.push(
                member,
                ViolationValue::Shown(shown),
                Constraint::MaxItems(max),
            );
        }
    }

    fn push(
        &mut self,
        member: impl Into<Cow<'static, str>>,
        value: ViolationValue,
        constraint: Constraint,
    ) {
        self.violations.push(Violation {
            member: member.into(),
            value,
            constraint,
        });
    }

    pub(crate) fn finish(self) -> Result<(), Violations> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(Violations(self.violations))
        }
    }
}

/// An integer member that AWS's deserializer cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MalformedInteger {
    /// The value was empty, the one case AWS words ("missing value for decimal type").
    pub(crate) empty: bool,
}

/// Parses an integer member as AWS's Coral deserializer does: `+900` and `0900` are fine, an
/// empty value and anything else that is not an int32 are malformed.
pub(crate) fn integer(params: &Params, param: &str) -> Result<Option<i64>, MalformedInteger> {
    match params.get(param) {
        None => Ok(None),
        Some("") => Err(MalformedInteger { empty: true }),
        Some(text) => text
            .parse::<i32>()
            .map(|n| Some(i64::from(n)))
            .map_err(|_| MalformedInteger { empty: false }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SESSION_NAME: StringRule = StringRule {
        param: "RoleSessionName",
        member: "roleSessionName",
        required: true,
        min: 2,
        max: 64,
        pattern: Some(Pattern::RoleSessionName),
        sensitive: false,
    };

    fn constraints(params: &str) -> Vec<Constraint> {
        let params = Params::parse(params);
        let mut checker = Checker::new();
        checker.string(&params, SESSION_NAME);
        match checker.finish() {
            Ok(()) => Vec::new(),
            Err(Violations(violations)) => violations.iter().map(|v| v.constraint).collect(),
        }
    }

    #[test]
    fn a_pattern_violation_comes_before_a_length_violation() {
        assert_eq!(
            constraints("RoleSessionName=!"),
            vec![
                Constraint::Pattern(Pattern::RoleSessionName),
                Constraint::MinLength(2)
            ]
        );
    }

    #[test]
    fn non_ascii_word_characters_fail_the_session_pattern() {
        assert_eq!(
            constraints("RoleSessionName=caf%C3%A9"),
            vec![Constraint::Pattern(Pattern::RoleSessionName)]
        );
        assert_eq!(constraints("RoleSessionName=GitLabRunner-42-7"), vec![]);
    }

    #[test]
    fn a_missing_required_member_is_null() {
        let mut checker = Checker::new();
        checker.string(&Params::parse(""), SESSION_NAME);
        assert_eq!(
            checker.finish(),
            Err(Violations(vec![Violation {
                member: "roleSessionName".into(),
                value: ViolationValue::Null,
                constraint: Constraint::NotNull,
            }]))
        );
    }

    #[test]
    fn sensitive_values_are_never_shown() {
        let rule = StringRule {
            sensitive: true,
            ..SESSION_NAME
        };
        let mut checker = Checker::new();
        checker.check_string(rule, Some("x"));
        let Err(Violations(violations)) = checker.finish() else {
            panic!("a one-character value is too short");
        };
        assert_eq!(violations[0].value, ViolationValue::Sensitive);
    }

    #[test]
    fn the_arn_pattern_rejects_supplementary_plane_characters() {
        assert!(!Pattern::Arn.matches("arn:aws:iam::123456789012:role/\u{1F600}"));
        assert!(Pattern::Arn.matches("arn:aws:iam::123456789012:role/é"));
    }

    #[test]
    fn integers_parse_like_coral() {
        let parse = |text: &str| integer(&Params::parse(&format!("D={text}")), "D");
        assert_eq!(parse("%2B900"), Ok(Some(900)));
        assert_eq!(parse("0900"), Ok(Some(900)));
        assert_eq!(parse("-1"), Ok(Some(-1)));
        assert_eq!(parse("900.0"), Err(MalformedInteger { empty: false }));
        assert_eq!(parse("2147483648"), Err(MalformedInteger { empty: false }));
        assert_eq!(parse(""), Err(MalformedInteger { empty: true }));
    }
}
