//! Decides whether a client passed a scenario, from what mock-sts saw and answered (its request
//! log) and what the client reported. A client that fakes success, swallows an error or rewrites
//! AWS's message fails here, because both sides must agree with the expectation.

mod s3;

use crate::clients::ClientOutcome;
use crate::scenario::{Expected, RequestCount};
use mock_sts::LogEntry;

pub(crate) use s3::judge_s3;

pub(crate) const ASSUME: &str = "AssumeRoleWithWebIdentity";
const CALLER_IDENTITY: &str = "GetCallerIdentity";

/// Every way the run differs from the expectation; empty means the client passed. Without an
/// `assume_requests` count, any number of AssumeRoleWithWebIdentity requests from one up is
/// fine and the last answer is the one judged (a client may retry).
pub(crate) fn judge(
    expect: &Expected,
    assume_requests: Option<RequestCount>,
    outcome: &ClientOutcome,
    log: &[LogEntry],
    expected_caller_arn: &str,
) -> Vec<String> {
    let assumes: Vec<&LogEntry> = log
        .iter()
        .filter(|e| e.action.as_deref() == Some(ASSUME))
        .collect();
    let Some(last) = assumes.last() else {
        return vec![format!(
            "mock-sts never received {ASSUME} (the client reported: {})",
            describe(outcome)
        )];
    };
    let mut problems = Vec::new();
    if let Some(count) = assume_requests.filter(|count| !count.allows(assumes.len())) {
        problems.push(format!(
            "expected {count} {ASSUME} request(s); mock-sts received {}",
            assumes.len()
        ));
    }
    match expect {
        Expected::Credentials => {
            match &last.issued_access_key_id {
                Some(key) => {
                    // A client that runs several commands (the aws CLI, once per command) may
                    // assume the role again for each: any of the keys will do.
                    let issued: Vec<&str> = assumes
                        .iter()
                        .filter_map(|e| e.issued_access_key_id.as_deref())
                        .collect();
                    let used = log.iter().any(|e| {
                        e.action.as_deref() == Some(CALLER_IDENTITY)
                            && e.status == 200
                            && e.access_key_id
                                .as_deref()
                                .is_some_and(|k| issued.contains(&k))
                    });
                    if !used {
                        problems.push(format!(
                            "mock-sts issued {key} but no successful {CALLER_IDENTITY} was signed with it"
                        ));
                    }
                }
                None => problems.push(format!(
                    "expected credentials; mock-sts answered {}",
                    describe_entry(last)
                )),
            }
            match outcome {
                ClientOutcome::Credentials { caller_arn, .. }
                    if caller_arn == expected_caller_arn => {}
                // A program reports success by exiting 0; the server side above proves the rest.
                ClientOutcome::Exited { code: Some(0), .. } => {}
                other => problems.push(format!(
                    "expected the client to report caller {expected_caller_arn}; it reported {}",
                    describe(other)
                )),
            }
        }
        Expected::Error {
            code,
            message,
            status,
        } => {
            if let Some(issued) = assumes.iter().find(|e| e.issued_access_key_id.is_some()) {
                problems.push(format!(
                    "expected {code}; mock-sts issued credentials (request {})",
                    issued.request_id
                ));
            }
            let answered_as_expected = last.code.as_deref() == Some(code.as_str())
                && last.message == *message
                && status.is_none_or(|s| s == last.status);
            if !answered_as_expected {
                problems.push(format!(
                    "expected {}{code}{}; mock-sts answered {}",
                    status.map(|s| format!("{s} ")).unwrap_or_default(),
                    describe_message(message.as_deref()),
                    describe_entry(last)
                ));
            }
            let reported_as_answered = match outcome {
                ClientOutcome::AwsError {
                    code: c,
                    message: m,
                } => c == code && m == message,
                // A program reports an error by failing and naming AWS's code.
                ClientOutcome::Exited { code: exit, output } => {
                    *exit != Some(0) && output.contains(code.as_str())
                }
                _ => false,
            };
            if !reported_as_answered {
                problems.push(format!(
                    "expected the client to report {code}{}; it reported {}",
                    describe_message(message.as_deref()),
                    describe(outcome)
                ));
            }
        }
    }
    problems
}

/// `: "the message"`, or ` (no message)` for an answer without a `<Message>` element.
fn describe_message(message: Option<&str>) -> String {
    match message {
        Some(message) => format!(": {message:?}"),
        None => " (no message)".to_owned(),
    }
}

pub(crate) fn describe(outcome: &ClientOutcome) -> String {
    match outcome {
        ClientOutcome::Credentials { caller_arn, .. } => format!("credentials for {caller_arn}"),
        ClientOutcome::AwsError { code, message } => {
            format!("{code}{}", describe_message(message.as_deref()))
        }
        ClientOutcome::Broken { reason } => format!("a failure of its own: {reason}"),
        ClientOutcome::Exited { code, output } => {
            let last = output.trim().lines().last().unwrap_or("no output");
            match code {
                Some(code) => format!("exit code {code} ({last})"),
                None => format!("an end by signal ({last})"),
            }
        }
    }
}

pub(crate) fn describe_entry(entry: &LogEntry) -> String {
    match (&entry.code, &entry.message) {
        (Some(code), Some(message)) => format!("{} {code}: {message:?}", entry.status),
        (Some(code), None) => format!("{} {code} (no message)", entry.status),
        _ => format!("{} with credentials", entry.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:sts::123456789012:assumed-role/r/fedlab";

    fn assume_ok(key: &str) -> LogEntry {
        LogEntry {
            action: Some(ASSUME.into()),
            status: 200,
            issued_access_key_id: Some(key.into()),
            ..LogEntry::default()
        }
    }

    fn caller(key: &str) -> LogEntry {
        LogEntry {
            action: Some(CALLER_IDENTITY.into()),
            status: 200,
            access_key_id: Some(key.into()),
            ..LogEntry::default()
        }
    }

    fn denied() -> LogEntry {
        LogEntry {
            action: Some(ASSUME.into()),
            status: 403,
            code: Some("AccessDenied".into()),
            message: Some("Not authorized to perform sts:AssumeRoleWithWebIdentity".into()),
            ..LogEntry::default()
        }
    }

    fn expect_denied() -> Expected {
        Expected::Error {
            code: "AccessDenied".into(),
            message: Some("Not authorized to perform sts:AssumeRoleWithWebIdentity".into()),
            status: Some(403),
        }
    }

    fn credentials() -> ClientOutcome {
        ClientOutcome::Credentials {
            caller_arn: ARN.into(),
            s3: Vec::new(),
        }
    }

    #[test]
    fn a_client_that_assumed_and_used_the_credentials_passes() {
        let log = [assume_ok("ASIA1"), caller("ASIA1")];
        assert!(judge(&Expected::Credentials, None, &credentials(), &log, ARN).is_empty());
    }

    #[test]
    fn a_client_that_claims_success_without_calling_sts_fails() {
        let problems = judge(&Expected::Credentials, None, &credentials(), &[], ARN);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("never received"), "{problems:?}");
    }

    #[test]
    fn a_client_that_never_uses_the_issued_credentials_fails() {
        let log = [assume_ok("ASIA1"), caller("AKIAIOSFODNN7EXAMPLE")];
        let problems = judge(&Expected::Credentials, None, &credentials(), &log, ARN);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("no successful GetCallerIdentity")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_client_that_swallows_an_error_fails() {
        let problems = judge(&expect_denied(), None, &credentials(), &[denied()], ARN);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("expected the client to report AccessDenied")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_client_that_rewrites_the_message_fails() {
        let reworded = ClientOutcome::AwsError {
            code: "AccessDenied".into(),
            message: Some("Not authorized to perform sts:AssumeRoleWithWebIdentity.".into()),
        };
        assert_eq!(
            judge(&expect_denied(), None, &reworded, &[denied()], ARN).len(),
            1
        );
    }

    #[test]
    fn the_server_answer_must_match_too() {
        let reported = ClientOutcome::AwsError {
            code: "AccessDenied".into(),
            message: Some("Not authorized to perform sts:AssumeRoleWithWebIdentity".into()),
        };
        assert!(judge(&expect_denied(), None, &reported, &[denied()], ARN).is_empty());
        let wrong_status = Expected::Error {
            code: "AccessDenied".into(),
            message: Some("Not authorized to perform sts:AssumeRoleWithWebIdentity".into()),
            status: Some(400),
        };
        assert_eq!(
            judge(&wrong_status, None, &reported, &[denied()], ARN).len(),
            1
        );
    }

    #[test]
    fn an_answer_without_a_message_must_be_reported_without_one() {
        let expect = Expected::Error {
            code: "MalformedInput".into(),
            message: None,
            status: Some(400),
        };
        let answered = LogEntry {
            action: Some(ASSUME.into()),
            status: 400,
            code: Some("MalformedInput".into()),
            ..LogEntry::default()
        };
        let reported = |message: Option<&str>| ClientOutcome::AwsError {
            code: "MalformedInput".into(),
            message: message.map(str::to_owned),
        };
        assert!(
            judge(
                &expect,
                None,
                &reported(None),
                std::slice::from_ref(&answered),
                ARN
            )
            .is_empty()
        );
        let problems = judge(&expect, None, &reported(Some("")), &[answered], ARN);
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn a_program_passes_by_exit_code_only_when_the_server_agrees() {
        let exited = |code: i32, output: &str| ClientOutcome::Exited {
            code: Some(code),
            output: output.into(),
        };
        let log = [assume_ok("ASIA1"), caller("ASIA1")];
        assert!(judge(&Expected::Credentials, None, &exited(0, ""), &log, ARN).is_empty());
        assert_eq!(
            judge(&Expected::Credentials, None, &exited(0, ""), &[], ARN).len(),
            1
        );
        assert_eq!(
            judge(&Expected::Credentials, None, &exited(1, ""), &log, ARN).len(),
            1
        );
        let refused = exited(255, "An error occurred (AccessDenied) when calling …");
        assert!(judge(&expect_denied(), None, &refused, &[denied()], ARN).is_empty());
        assert_eq!(
            judge(
                &expect_denied(),
                None,
                &exited(0, "AccessDenied"),
                &[denied()],
                ARN
            )
            .len(),
            1
        );
        assert_eq!(
            judge(
                &expect_denied(),
                None,
                &exited(1, "denied"),
                &[denied()],
                ARN
            )
            .len(),
            1
        );
    }

    #[test]
    fn a_client_that_retries_more_than_the_scenario_allows_fails() {
        let log = [denied(), denied(), denied()];
        let reported = ClientOutcome::AwsError {
            code: "AccessDenied".into(),
            message: Some("Not authorized to perform sts:AssumeRoleWithWebIdentity".into()),
        };
        let at_most_two = RequestCount::Between(crate::scenario::CountRange {
            min: None,
            max: Some(2),
        });
        let problems = judge(&expect_denied(), Some(at_most_two), &reported, &log, ARN);
        assert_eq!(
            problems,
            ["expected 1 to 2 AssumeRoleWithWebIdentity request(s); mock-sts received 3"]
        );
        assert!(
            judge(
                &expect_denied(),
                Some(RequestCount::Exactly(3)),
                &reported,
                &log,
                ARN
            )
            .is_empty()
        );
    }
}
