//! Judges a scenario's S3 steps by what mock-sts's S3 listener saw and answered, call by call,
//! and by what the client says each call got: both must agree with the step's expectation.

use mock_sts::LogEntry;

use crate::clients::ClientOutcome;
use crate::s3_client::S3Operation;
use crate::scenario::S3Step;

const S3: &str = "s3";

/// Every way the S3 calls differ from `steps`; empty means they went as expected. Each step is
/// one request (no S3 answer a scenario expects is one a client retries).
pub(crate) fn judge_s3(steps: &[S3Step], outcome: &ClientOutcome, log: &[LogEntry]) -> Vec<String> {
    if steps.is_empty() {
        return Vec::new();
    }
    let seen: Vec<&LogEntry> = log
        .iter()
        .filter(|e| e.service.as_deref() == Some(S3))
        .collect();
    if seen.len() != steps.len() {
        let expected: Vec<&str> = steps.iter().map(|s| s.call.name()).collect();
        let received: Vec<&str> = seen
            .iter()
            .map(|e| e.action.as_deref().unwrap_or("(no operation)"))
            .collect();
        return vec![format!(
            "expected {} S3 request(s) ({}); mock-sts's S3 received {} ({})",
            steps.len(),
            expected.join(", "),
            seen.len(),
            received.join(", ")
        )];
    }
    let reported = match outcome {
        ClientOutcome::Credentials { s3, .. } => Some(s3),
        _ => None,
    };
    let mut problems = Vec::new();
    if let Some(reported) = reported.filter(|r| r.len() != steps.len()) {
        problems.push(format!(
            "the client reported {} S3 answer(s) for {} call(s)",
            reported.len(),
            steps.len()
        ));
    }
    for (index, (step, entry)) in steps.iter().zip(&seen).enumerate() {
        let at = format!("S3 call {} ({})", index + 1, target(step));
        if entry.action.as_deref() != Some(step.call.name()) {
            problems.push(format!(
                "{at}: mock-sts's S3 received {} instead",
                entry
                    .action
                    .as_deref()
                    .unwrap_or("a request it could not name")
            ));
            continue;
        }
        let answered = match &step.expect {
            None => (200..300).contains(&entry.status),
            Some(answer) => {
                entry.code.as_deref() == Some(answer.code.as_str())
                    && entry.message == answer.message
                    && answer.status.is_none_or(|s| s == entry.status)
            }
        };
        if !answered {
            problems.push(format!(
                "{at}: expected {}; S3 answered {}",
                describe_expected(step),
                describe_answer(entry)
            ));
        }
        let client_saw = reported.and_then(|r| r.get(index));
        if let Some(client_saw) = client_saw
            && *client_saw != client_view(step.call, entry)
        {
            problems.push(format!(
                "{at}: S3 answered {}; the client reported {}",
                describe_answer(entry),
                client_saw.as_deref().unwrap_or("success")
            ));
        }
    }
    problems
}

/// What a client can know of an answer: nothing for success, the error code, or for a HEAD
/// (whose error has no body) the status alone, as botocore reports it.
fn client_view(operation: S3Operation, entry: &LogEntry) -> Option<String> {
    if (200..300).contains(&entry.status) {
        return None;
    }
    let head = matches!(operation, S3Operation::HeadBucket | S3Operation::HeadObject);
    match &entry.code {
        Some(code) if !head => Some(code.clone()),
        _ => Some(entry.status.to_string()),
    }
}

fn target(step: &S3Step) -> String {
    let name = step.call.name();
    match (&step.bucket, &step.key) {
        (Some(bucket), Some(key)) => format!("{name} s3://{bucket}/{key}"),
        (Some(bucket), None) => format!("{name} s3://{bucket}"),
        _ => name.to_owned(),
    }
}

fn describe_expected(step: &S3Step) -> String {
    match &step.expect {
        None => "success".to_owned(),
        Some(answer) => format!(
            "{}{}{}",
            answer.status.map(|s| format!("{s} ")).unwrap_or_default(),
            answer.code,
            answer
                .message
                .as_ref()
                .map(|m| format!(": {m:?}"))
                .unwrap_or_default()
        ),
    }
}

fn describe_answer(entry: &LogEntry) -> String {
    match (&entry.code, &entry.message) {
        (Some(code), Some(message)) => format!("{} {code}: {message:?}", entry.status),
        (Some(code), None) => format!("{} {code}", entry.status),
        _ => format!("{} (success)", entry.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::AwsAnswer;

    fn step(call: S3Operation, expect: Option<AwsAnswer>) -> S3Step {
        S3Step {
            call,
            bucket: Some("b".into()),
            key: call.on_object().then(|| "k".to_owned()),
            body: None,
            expect,
        }
    }

    fn denied() -> AwsAnswer {
        AwsAnswer {
            code: "AccessDenied".into(),
            message: Some("Access Denied".into()),
            status: Some(403),
        }
    }

    fn entry(operation: S3Operation, status: u16, code: Option<&str>) -> LogEntry {
        LogEntry {
            service: Some(S3.into()),
            action: Some(operation.name().into()),
            status,
            code: code.map(str::to_owned),
            message: code.map(|_| "Access Denied".to_owned()),
            ..LogEntry::default()
        }
    }

    fn reported(s3: &[Option<&str>]) -> ClientOutcome {
        ClientOutcome::Credentials {
            caller_arn: "arn".into(),
            s3: s3.iter().map(|c| c.map(str::to_owned)).collect(),
        }
    }

    #[test]
    fn calls_answered_and_reported_as_expected_pass() {
        let steps = [
            step(S3Operation::CreateBucket, None),
            step(S3Operation::PutObject, Some(denied())),
            step(S3Operation::HeadObject, Some(denied())),
        ];
        let log = [
            entry(S3Operation::CreateBucket, 200, None),
            entry(S3Operation::PutObject, 403, Some("AccessDenied")),
            entry(S3Operation::HeadObject, 403, Some("AccessDenied")),
        ];
        let outcome = reported(&[None, Some("AccessDenied"), Some("403")]);
        assert_eq!(judge_s3(&steps, &outcome, &log), Vec::<String>::new());
    }

    #[test]
    fn a_call_s3_allowed_where_it_should_deny_fails() {
        let steps = [step(S3Operation::PutObject, Some(denied()))];
        let log = [entry(S3Operation::PutObject, 200, None)];
        let problems = judge_s3(&steps, &reported(&[None]), &log);
        assert_eq!(
            problems,
            [
                "S3 call 1 (PutObject s3://b/k): expected 403 AccessDenied: \"Access Denied\"; S3 answered 200 (success)"
            ]
        );
    }

    #[test]
    fn a_client_that_hides_an_s3_error_fails() {
        let steps = [step(S3Operation::PutObject, Some(denied()))];
        let log = [entry(S3Operation::PutObject, 403, Some("AccessDenied"))];
        let problems = judge_s3(&steps, &reported(&[None]), &log);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("the client reported success"));
    }

    #[test]
    fn a_call_s3_never_received_fails() {
        let steps = [
            step(S3Operation::CreateBucket, None),
            step(S3Operation::PutObject, None),
        ];
        let log = [entry(S3Operation::CreateBucket, 200, None)];
        let problems = judge_s3(&steps, &reported(&[None, None]), &log);
        assert_eq!(
            problems,
            [
                "expected 2 S3 request(s) (CreateBucket, PutObject); mock-sts's S3 received 1 (CreateBucket)"
            ]
        );
    }
}
