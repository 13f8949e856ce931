//! What AWS answers: the expectations a run is judged against.

use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// An AWS error answer: code, message (`null` for none) and, optionally, status.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AwsAnswer {
    /// The AWS error code, e.g. `OpenIdIdpCommunicationError`.
    pub code: String,
    /// The exact message bytes; `null` when AWS sends no `<Message>` element.
    #[serde(deserialize_with = "required_but_nullable")]
    #[schemars(required, schema_with = "nullable_string")]
    pub message: Option<String>,
    /// The HTTP status, when it matters.
    #[serde(default)]
    pub status: Option<u16>,
}

impl AwsAnswer {
    /// Whether an answer is this one (the status only when one is expected).
    pub fn matches(&self, answer: &crate::error::AwsError) -> bool {
        self.code == answer.code
            && self.message == answer.message
            && self.status.is_none_or(|status| status == answer.status)
    }
}

/// What AWS answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "result", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Expected {
    /// Credentials are issued and work: GetCallerIdentity signed with them succeeds.
    Credentials,
    /// AWS refuses with exactly this code and message (and status, when given). `message` must
    /// be written out; `message: null` means AWS sends no `<Message>` element at all.
    Error {
        /// The AWS error code, e.g. `InvalidIdentityToken`.
        code: String,
        /// The exact message bytes (AWS's double spaces included), or `null` for none.
        #[serde(deserialize_with = "required_but_nullable")]
        #[schemars(required, schema_with = "nullable_string")]
        message: Option<String>,
        /// The HTTP status, when it matters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
    },
}

impl Expected {
    /// The error code, if this expects an error.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Credentials => None,
            Self::Error { code, .. } => Some(code),
        }
    }
}

/// `credentials`, or `error 400 InvalidIdentityToken: "…"`.
impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credentials => f.write_str("credentials"),
            Self::Error {
                code,
                message,
                status,
            } => {
                f.write_str("error ")?;
                if let Some(status) = status {
                    write!(f, "{status} ")?;
                }
                match message {
                    Some(message) => write!(f, "{code}: {message:?}"),
                    None => write!(f, "{code} (no message)"),
                }
            }
        }
    }
}

/// How many AssumeRoleWithWebIdentity requests mock-sts must receive: a number, or
/// `{min: N, max: M}` (either bound may be left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RequestCount {
    /// Exactly this many.
    Exactly(u32),
    /// Within these bounds, inclusive.
    Between(CountRange),
}

/// Inclusive bounds on a number of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountRange {
    /// At least this many (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// At most this many (default: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

impl RequestCount {
    /// Whether `n` requests satisfy this count.
    pub fn allows(self, n: usize) -> bool {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        match self {
            Self::Exactly(exactly) => n == exactly,
            Self::Between(CountRange { min, max }) => {
                n >= min.unwrap_or(1) && max.is_none_or(|max| n <= max)
            }
        }
    }
}

/// `2`, `2 to 5`, `at least 2`.
impl fmt::Display for RequestCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Exactly(n) => write!(f, "{n}"),
            Self::Between(CountRange {
                min,
                max: Some(max),
            }) => {
                write!(f, "{} to {max}", min.unwrap_or(1))
            }
            Self::Between(CountRange { min, max: None }) => {
                write!(f, "at least {}", min.unwrap_or(1))
            }
        }
    }
}

/// A string or `null`, for a field that must be written even when it is `null`.
fn nullable_string(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": ["string", "null"]})
}

/// Serde treats a missing `Option` field as `None`; going through a function makes the field
/// required, so forgetting `message` is a load error rather than "expects no message".
fn required_but_nullable<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(deserializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_counts_allow_what_they_say() {
        assert!(RequestCount::Exactly(2).allows(2));
        assert!(!RequestCount::Exactly(2).allows(3));
        let between = RequestCount::Between(CountRange {
            min: None,
            max: Some(5),
        });
        assert!(between.allows(1) && between.allows(5));
        assert!(!between.allows(0) && !between.allows(6));
        assert_eq!(between.to_string(), "1 to 5");
    }

    #[test]
    fn expectations_read_as_reports_print_them() {
        let error = Expected::Error {
            code: "AccessDenied".into(),
            message: Some("Not authorized".into()),
            status: Some(403),
        };
        assert_eq!(
            error.to_string(),
            r#"error 403 AccessDenied: "Not authorized""#
        );
        assert_eq!(Expected::Credentials.to_string(), "credentials");
    }
}
