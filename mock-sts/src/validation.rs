//! Model constraints on request parameters, checked the way AWS's front end does: every member in
//! model order, pattern before length, all violations joined into one ValidationError.

use crate::errors::{AwsError, Constraint, Violation, ViolationValue, patterns};
use crate::query::Params;

/// Character classes behind the model's regular expressions. AWS runs them in Java, where the
/// supplementary-plane range `\u10000-\u10FFFF` is broken, so those characters never match.
#[derive(Debug, Clone, Copy)]
pub enum Pattern {
    Arn,
    RoleSessionName,
    SessionPolicy,
    RoleName,
    Path,
}

impl Pattern {
    fn source(self) -> &'static str {
        match self {
            Self::Arn => patterns::ARN,
            Self::RoleSessionName => patterns::ROLE_SESSION_NAME,
            Self::SessionPolicy => patterns::SESSION_POLICY,
            Self::RoleName => patterns::ROLE_NAME,
            Self::Path => patterns::PATH,
        }
    }

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
        }
    }
}

fn arn_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
}

/// One string member's model shape.
#[derive(Debug, Clone, Copy)]
pub struct StringRule {
    pub param: &'static str,
    pub member: &'static str,
    pub required: bool,
    pub min: usize,
    pub max: usize,
    pub pattern: Option<Pattern>,
    pub sensitive: bool,
}

/// Collects violations across members, then turns them into one error.
#[derive(Debug, Default)]
pub struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks one string member; returns the value when present.
    pub fn string<'p>(&mut self, params: &'p Params, rule: StringRule) -> Option<&'p str> {
        let value = params.get(rule.param);
        self.check_string(rule, value);
        value
    }

    pub fn check_string(&mut self, rule: StringRule, value: Option<&str>) {
        let Some(value) = value else {
            if rule.required {
                self.push(rule.member, ViolationValue::Null, Constraint::NotNull);
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
            self.push(rule.member, shown(), Constraint::Pattern(pattern.source()));
        }
        // The model counts Unicode code points, not bytes or UTF-16 units.
        let length = value.chars().count();
        if length < rule.min {
            self.push(rule.member, shown(), Constraint::MinLength(rule.min));
        }
        if length > rule.max {
            self.push(rule.member, shown(), Constraint::MaxLength(rule.max));
        }
    }

    pub fn range(&mut self, member: &'static str, value: i64, min: i64, max: i64) {
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

    pub fn max_items(&mut self, member: &'static str, items: &[String], max: usize) {
        if items.len() > max {
            let shown = format!("[{}]", items.join(", "));
            self.push(
                member,
                ViolationValue::Shown(shown),
                Constraint::MaxItems(max),
            );
        }
    }

    fn push(&mut self, member: &'static str, value: ViolationValue, constraint: Constraint) {
        self.violations.push(Violation {
            member,
            value,
            constraint,
        });
    }

    pub fn finish(self) -> Result<(), AwsError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(AwsError::Validation(self.violations))
        }
    }
}

/// Parses an integer member as AWS's Coral deserializer does: `+900` and `0900` are fine, an
/// empty value says "missing value for decimal type", anything else non-int32 has no message.
pub fn integer(params: &Params, param: &str) -> Result<Option<i64>, AwsError> {
    match params.get(param) {
        None => Ok(None),
        Some("") => Err(AwsError::MalformedInput { empty: true }),
        Some(text) => text
            .parse::<i32>()
            .map(|n| Some(i64::from(n)))
            .map_err(|_| AwsError::MalformedInput { empty: false }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::web_identity::SESSION_NAME as SESSION;

    fn message(params: &str) -> Option<String> {
        let params = Params::parse(params);
        let mut checker = Checker::new();
        checker.string(&params, SESSION);
        checker.finish().err().and_then(|e| e.message())
    }

    #[test]
    fn pattern_error_comes_before_length_error() {
        assert_eq!(
            message("RoleSessionName=!").as_deref(),
            Some(
                r"2 validation errors detected: Value '!' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*; Value '!' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"
            )
        );
    }

    #[test]
    fn non_ascii_word_characters_fail_the_session_pattern() {
        assert!(message("RoleSessionName=caf%C3%A9").is_some());
        assert_eq!(message("RoleSessionName=GitLabRunner-42-7"), None);
    }

    #[test]
    fn missing_required_member_is_null() {
        assert_eq!(
            message("").as_deref(),
            Some(
                "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"
            )
        );
    }

    #[test]
    fn arn_pattern_rejects_supplementary_plane_characters() {
        assert!(!Pattern::Arn.matches("arn:aws:iam::123456789012:role/\u{1F600}"));
        assert!(Pattern::Arn.matches("arn:aws:iam::123456789012:role/é"));
    }

    #[test]
    fn integers_parse_like_coral() {
        let parse = |text: &str| integer(&Params::parse(&format!("D={text}")), "D");
        assert_eq!(parse("%2B900"), Ok(Some(900)));
        assert_eq!(parse("0900"), Ok(Some(900)));
        assert_eq!(parse("-1"), Ok(Some(-1)));
        assert_eq!(
            parse("900.0"),
            Err(AwsError::MalformedInput { empty: false })
        );
        assert_eq!(
            parse("2147483648"),
            Err(AwsError::MalformedInput { empty: false })
        );
        assert_eq!(parse(""), Err(AwsError::MalformedInput { empty: true }));
    }
}
