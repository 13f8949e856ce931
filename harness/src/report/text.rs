//! The terminal's report: one line per scenario × client, and under a failure the trace: what was
//! expected, what mock-sts answered, what the client reported, and mock-sts's explanation.

use std::io::Write;

use super::redact::redact;
use crate::judge::{describe, describe_entry};
use crate::runner::{ScenarioResult, Verdict};

/// Whether to colour the labels: only for a terminal, and never when `NO_COLOR` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    pub(crate) colour: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// `PASS  name [client] 12 ms`, then the trace when there is one to show.
pub(crate) fn print_result(
    out: &mut impl Write,
    result: &ScenarioResult,
    verbose: bool,
    style: Style,
) {
    let (label, colour) = match &result.verdict {
        Verdict::Pass => ("PASS ", "32"),
        Verdict::Fail(_) => ("FAIL ", "31"),
        Verdict::Skipped(_) => ("SKIP ", "33"),
        Verdict::SetupError(_) => ("ERROR", "35"),
    };
    let tail = match &result.verdict {
        Verdict::Skipped(reason) => format!("skipped: {reason}"),
        _ => format!("{} ms", result.elapsed.as_millis()),
    };
    let _ = writeln!(
        out,
        "{} {} [{}] {tail}",
        style.paint(colour, label),
        result.name,
        result.client
    );
    for line in trace(result, verbose) {
        let _ = writeln!(out, "      {line}");
    }
}

/// The evidence behind a verdict, as lines without indentation: nothing for a pass unless
/// `verbose`; for a failure, expected vs actual, every problem, and mock-sts's explanation.
pub(crate) fn trace(result: &ScenarioResult, verbose: bool) -> Vec<String> {
    let mut lines = Vec::new();
    match &result.verdict {
        Verdict::Skipped(_) => return lines,
        Verdict::SetupError(reason) => {
            lines.push(format!("setup: {reason}"));
            return lines;
        }
        Verdict::Pass if !verbose => return lines,
        Verdict::Pass | Verdict::Fail(_) => {}
    }
    if let Some(expected) = &result.expected {
        lines.push(format!("expected  {expected}"));
    }
    let assumes = result
        .requests
        .iter()
        .filter(|e| e.action.as_deref() == Some(crate::judge::ASSUME))
        .count();
    match result.last_assume() {
        Some(last) => {
            let retries = if assumes > 1 {
                format!(" (the last of {assumes} AssumeRoleWithWebIdentity requests)")
            } else {
                String::new()
            };
            lines.push(format!("mock-sts  {}{retries}", describe_entry(last)));
        }
        None => lines.push("mock-sts  received no AssumeRoleWithWebIdentity".to_owned()),
    }
    if let Some(outcome) = &result.outcome {
        lines.push(format!("client    {}", redact(&describe(outcome))));
    }
    if let Verdict::Fail(problems) = &result.verdict {
        lines.extend(problems.iter().map(|problem| format!("- {problem}")));
    }
    if let Some(detail) = &result.detail {
        let mut detail_lines = detail.lines().filter(|l| !l.trim().is_empty());
        if let Some(first) = detail_lines.next() {
            lines.push(format!("why       {first}"));
        }
        lines.extend(detail_lines.map(|line| format!("          {line}")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::{ClientOutcome, Request};
    use crate::scenario::Expected;
    use std::time::Duration;

    fn failed() -> ScenarioResult {
        ScenarioResult {
            name: "wrong-audience".into(),
            origin: "embedded:wrong-audience.yaml".into(),
            client: "builtin".into(),
            elapsed: Duration::from_millis(12),
            verdict: Verdict::Fail(vec!["expected X; mock-sts answered Y".into()]),
            detail: Some("aud \"a\" is not a client ID of the provider\nclients: b".into()),
            expected: Some(Expected::Error {
                code: "InvalidIdentityToken".into(),
                message: Some("Incorrect token audience".into()),
                status: Some(400),
            }),
            outcome: Some(ClientOutcome::AwsError {
                code: "InvalidIdentityToken".into(),
                message: Some("Incorrect token audience".into()),
            }),
            requests: vec![Request {
                action: Some("AssumeRoleWithWebIdentity".into()),
                status: 400,
                code: Some("InvalidIdentityToken".into()),
                message: Some("Incorrect token audience".into()),
                ..Request::default()
            }],
            setup_requests: Vec::new(),
        }
    }

    #[test]
    fn a_failure_shows_expected_actual_problems_and_the_explanation() {
        let mut out = Vec::new();
        print_result(&mut out, &failed(), false, Style { colour: false });
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "FAIL  wrong-audience [builtin] 12 ms\n\
             \x20     expected  error 400 InvalidIdentityToken: \"Incorrect token audience\"\n\
             \x20     mock-sts  400 InvalidIdentityToken: \"Incorrect token audience\"\n\
             \x20     client    InvalidIdentityToken: \"Incorrect token audience\"\n\
             \x20     - expected X; mock-sts answered Y\n\
             \x20     why       aud \"a\" is not a client ID of the provider\n\
             \x20               clients: b\n"
        );
    }

    #[test]
    fn colour_is_only_added_when_asked_for() {
        let mut plain = Vec::new();
        print_result(&mut plain, &failed(), false, Style { colour: false });
        assert!(!plain.contains(&0x1b));
        let mut coloured = Vec::new();
        print_result(&mut coloured, &failed(), false, Style { colour: true });
        assert!(coloured.starts_with(b"\x1b[31mFAIL \x1b[0m"));
    }

    #[test]
    fn a_skip_says_why_and_shows_no_trace() {
        let mut result = failed();
        result.verdict = Verdict::Skipped("botocore validates DurationSeconds".into());
        let mut out = Vec::new();
        print_result(&mut out, &result, true, Style { colour: false });
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "SKIP  wrong-audience [builtin] skipped: botocore validates DurationSeconds\n"
        );
    }
}
