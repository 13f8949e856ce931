//! wiremock-style expectations on what mock-sts saw, verified when the federation is dropped.

use std::fmt::{self, Write as _};
use std::ops::{Range, RangeFrom, RangeInclusive, RangeTo, RangeToInclusive};

use mock_sts::LogEntry as Request;

/// How many matching requests an expectation allows. Built from a number or a range:
/// `1`, `1..`, `..=3`, `2..4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    min: u64,
    /// Inclusive; `None` is unbounded.
    max: Option<u64>,
}

impl Times {
    fn contains(self, n: u64) -> bool {
        n >= self.min && self.max.is_none_or(|max| n <= max)
    }
}

impl From<u64> for Times {
    fn from(n: u64) -> Self {
        Self {
            min: n,
            max: Some(n),
        }
    }
}

impl From<RangeInclusive<u64>> for Times {
    fn from(range: RangeInclusive<u64>) -> Self {
        Self {
            min: *range.start(),
            max: Some(*range.end()),
        }
    }
}

impl From<Range<u64>> for Times {
    fn from(range: Range<u64>) -> Self {
        Self {
            min: range.start,
            max: Some(range.end.saturating_sub(1)),
        }
    }
}

impl From<RangeFrom<u64>> for Times {
    fn from(range: RangeFrom<u64>) -> Self {
        Self {
            min: range.start,
            max: None,
        }
    }
}

impl From<RangeTo<u64>> for Times {
    fn from(range: RangeTo<u64>) -> Self {
        Self {
            min: 0,
            max: Some(range.end.saturating_sub(1)),
        }
    }
}

impl From<RangeToInclusive<u64>> for Times {
    fn from(range: RangeToInclusive<u64>) -> Self {
        Self {
            min: 0,
            max: Some(range.end),
        }
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.min, self.max) {
            (min, Some(max)) if min == max => write!(f, "exactly {min}"),
            (0, Some(max)) => write!(f, "at most {max}"),
            (min, None) => write!(f, "at least {min}"),
            (min, Some(max)) => write!(f, "between {min} and {max}"),
        }
    }
}

/// "mock-sts must see this many requests like this", checked against its request log.
///
/// ```
/// use fedlab::Expectation;
/// let one_assume = Expectation::action("AssumeRoleWithWebIdentity")
///     .role_arn("arn:aws:iam::123456789012:role/gitlab-ci")
///     .status(200)
///     .times(1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "an expectation does nothing until passed to `Federation::expect`"]
pub struct Expectation {
    action: String,
    role_arn: Option<String>,
    status: Option<u16>,
    code: Option<String>,
    times: Times,
}

impl Expectation {
    /// Requests for this Query action (`AssumeRoleWithWebIdentity`, `GetCallerIdentity`,
    /// `CreateRole`, …). Without `times`, at least one.
    pub fn action(action: impl Into<String>) -> Self {
        Self {
            action: action.into(),
            role_arn: None,
            status: None,
            code: None,
            times: Times::from(1..),
        }
    }

    /// Only requests naming this `RoleArn`.
    pub fn role_arn(mut self, role_arn: impl Into<String>) -> Self {
        self.role_arn = Some(role_arn.into());
        self
    }

    /// Only requests mock-sts answered with this HTTP status.
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Only requests mock-sts refused with this AWS error code.
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// How many matching requests are allowed: `1`, `0`, `1..`, `..=2`.
    pub fn times(mut self, times: impl Into<Times>) -> Self {
        self.times = times.into();
        self
    }

    fn matches(&self, request: &Request) -> bool {
        request.action.as_deref() == Some(self.action.as_str())
            && self
                .role_arn
                .as_ref()
                .is_none_or(|arn| request.role_arn.as_ref() == Some(arn))
            && self.status.is_none_or(|status| request.status == status)
            && self
                .code
                .as_ref()
                .is_none_or(|code| request.code.as_ref() == Some(code))
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.times, self.action)?;
        if let Some(arn) = &self.role_arn {
            write!(f, " for role {arn}")?;
        }
        match (&self.status, &self.code) {
            (Some(status), Some(code)) => write!(f, " answered {status} {code}"),
            (Some(status), None) => write!(f, " answered {status}"),
            (None, Some(code)) => write!(f, " answered {code}"),
            (None, None) => Ok(()),
        }
    }
}

/// The expectations that did not hold, and what mock-sts saw instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{report}")]
pub struct UnmetExpectations {
    report: String,
}

/// Checks `expectations` against the `requests` mock-sts answered.
pub(crate) fn check(
    expectations: &[Expectation],
    requests: &[Request],
) -> Result<(), UnmetExpectations> {
    let unmet: Vec<(&Expectation, Vec<&Request>)> = expectations
        .iter()
        .filter_map(|expectation| {
            let seen: Vec<&Request> = requests.iter().filter(|r| expectation.matches(r)).collect();
            let count = u64::try_from(seen.len()).unwrap_or(u64::MAX);
            (!expectation.times.contains(count)).then_some((expectation, seen))
        })
        .collect();
    if unmet.is_empty() {
        return Ok(());
    }
    Err(UnmetExpectations {
        report: report(&unmet, requests),
    })
}

fn report(unmet: &[(&Expectation, Vec<&Request>)], requests: &[Request]) -> String {
    let mut text = format!(
        "fedlab: {} expectation{} not met",
        unmet.len(),
        if unmet.len() == 1 { "" } else { "s" }
    );
    for (expectation, seen) in unmet {
        let _ = write!(
            text,
            "\n  expected {expectation}; mock-sts saw {}",
            seen.len()
        );
        for request in seen {
            let _ = write!(text, "\n    {}", describe(request));
        }
    }
    let _ = write!(text, "\n  every request mock-sts answered:");
    if requests.is_empty() {
        text.push_str(" none");
    }
    for request in requests {
        let _ = write!(text, "\n    {}", describe(request));
    }
    text
}

/// `#3 AssumeRoleWithWebIdentity 403 AccessDenied role arn:… (why: …)`
pub(crate) fn describe(request: &Request) -> String {
    let mut line = format!(
        "#{} {} {}",
        request.seq,
        request.action.as_deref().unwrap_or("(no Action)"),
        request.status
    );
    if let Some(code) = &request.code {
        let _ = write!(line, " {code}");
    }
    if let Some(arn) = &request.role_arn {
        let _ = write!(line, " role {arn}");
    }
    if let Some(detail) = request.detail.as_ref().filter(|_| request.code.is_some()) {
        let first = detail.lines().next().unwrap_or_default();
        let _ = write!(line, " (why: {first})");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_like_english_and_bound_counts() {
        assert_eq!(Times::from(1).to_string(), "exactly 1");
        assert_eq!(Times::from(1..).to_string(), "at least 1");
        assert_eq!(Times::from(..=3).to_string(), "at most 3");
        assert_eq!(Times::from(2..4).to_string(), "between 2 and 3");
        assert!(Times::from(2..4).contains(3) && !Times::from(2..4).contains(4));
        assert!(Times::from(..1).contains(0) && !Times::from(..1).contains(1));
    }

    #[test]
    fn an_expectation_matches_on_every_field_it_names() {
        let request = Request {
            action: Some("AssumeRoleWithWebIdentity".into()),
            status: 403,
            code: Some("AccessDenied".into()),
            role_arn: Some("arn:r".into()),
            ..Request::default()
        };
        let base = Expectation::action("AssumeRoleWithWebIdentity");
        assert!(base.clone().role_arn("arn:r").status(403).matches(&request));
        assert!(base.clone().code("AccessDenied").matches(&request));
        assert!(!base.clone().role_arn("arn:other").matches(&request));
        assert!(!base.status(200).matches(&request));
        assert!(!Expectation::action("GetCallerIdentity").matches(&request));
    }
}
