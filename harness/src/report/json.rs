//! `--json FILE`: one object per scenario × client with the expectation, what the client and
//! mock-sts did, every request mock-sts saw, and its explanation; a summary on top.

use serde::Serialize;

use super::redact::redact;
use super::summary::{Summary, summarize};
use crate::runner::{ClientOutcome, Request, ScenarioResult, Verdict};
use crate::scenario::Expected;

#[derive(Serialize)]
struct JsonReport<'a> {
    fedlab: &'static str,
    summary: Summary,
    results: Vec<JsonResult<'a>>,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    name: &'a str,
    origin: &'a str,
    client: &'a str,
    /// `passed`, `failed`, `skipped` or `error`.
    status: &'static str,
    elapsed_ms: u128,
    /// Why it failed, was skipped or could not be set up; empty for a pass.
    reasons: Vec<String>,
    expected: Option<&'a Expected>,
    actual: Actual<'a>,
    /// mock-sts's explanation of its last AssumeRoleWithWebIdentity answer.
    detail: Option<&'a str>,
    /// What mock-sts saw while the client ran.
    requests: &'a [Request],
    /// The IAM calls that set up the account.
    setup_requests: &'a [Request],
}

#[derive(Serialize)]
struct Actual<'a> {
    /// mock-sts's last AssumeRoleWithWebIdentity answer.
    sts: Option<StsAnswer<'a>>,
    client: Option<Reported>,
}

#[derive(Serialize)]
struct StsAnswer<'a> {
    status: u16,
    code: Option<&'a str>,
    message: Option<&'a str>,
    credentials_issued: bool,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Reported {
    Credentials {
        caller_arn: String,
        /// Per S3 call: `null` for success, else the error code the client reported.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        s3: Vec<Option<String>>,
    },
    AwsError {
        code: String,
        message: Option<String>,
    },
    Broken {
        reason: String,
    },
    Exited {
        code: Option<i32>,
        output: String,
    },
}

impl From<&ClientOutcome> for Reported {
    fn from(outcome: &ClientOutcome) -> Self {
        match outcome {
            ClientOutcome::Credentials { caller_arn, s3 } => Self::Credentials {
                caller_arn: caller_arn.clone(),
                s3: s3.clone(),
            },
            ClientOutcome::AwsError { code, message } => Self::AwsError {
                code: code.clone(),
                message: message.clone(),
            },
            ClientOutcome::Broken { reason } => Self::Broken {
                reason: redact(reason),
            },
            ClientOutcome::Exited { code, output } => Self::Exited {
                code: *code,
                output: redact(output),
            },
        }
    }
}

fn result(result: &ScenarioResult) -> JsonResult<'_> {
    let (status, reasons) = match &result.verdict {
        Verdict::Pass => ("passed", Vec::new()),
        Verdict::Fail(problems) => ("failed", problems.clone()),
        Verdict::Skipped(reason) => ("skipped", vec![reason.clone()]),
        Verdict::SetupError(reason) => ("error", vec![reason.clone()]),
    };
    JsonResult {
        name: &result.name,
        origin: &result.origin,
        client: &result.client,
        status,
        elapsed_ms: result.elapsed.as_millis(),
        reasons,
        expected: result.expected.as_ref(),
        actual: Actual {
            sts: result.last_assume().map(|entry| StsAnswer {
                status: entry.status,
                code: entry.code.as_deref(),
                message: entry.message.as_deref(),
                credentials_issued: entry.issued_access_key_id.is_some(),
            }),
            client: result.outcome.as_ref().map(Reported::from),
        },
        detail: result.detail.as_deref(),
        requests: &result.requests,
        setup_requests: &result.setup_requests,
    }
}

/// The whole report, pretty-printed.
pub(crate) fn json(results: &[ScenarioResult]) -> String {
    let report = JsonReport {
        fedlab: env!("CARGO_PKG_VERSION"),
        summary: summarize(results),
        results: results.iter().map(result).collect(),
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}
