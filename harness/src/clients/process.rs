//! Running a client program in the job's environment: output captured, a time limit, and the
//! one JSON line fedlab's own client programs (the boto3 script, the aws-sdk-rust client) print.

use std::process::{Output, Stdio};
use std::time::Duration;

use serde::Deserialize;
use tokio::process::Command;

use super::ClientOutcome;

/// A client that has not finished by then is reported as hung.
pub(super) const TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `command` with its output captured; a failure to start or a hang is the outcome.
/// `what` names the program in reasons ("the boto3 client").
pub(super) async fn run(mut command: Command, what: &str) -> Result<Output, ClientOutcome> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().map_err(|e| ClientOutcome::Broken {
        reason: format!("failed to start {what}: {e}"),
    })?;
    match tokio::time::timeout(TIMEOUT, child.wait_with_output()).await {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(e)) => Err(ClientOutcome::Broken {
            reason: format!("failed to run {what}: {e}"),
        }),
        Err(_) => Err(ClientOutcome::Broken {
            reason: format!("{what} did not finish within {TIMEOUT:?}"),
        }),
    }
}

/// The line a client program prints: `{"result": "credentials", "caller_arn": …, "s3": [null or
/// "Code", …]}` (`s3` optional),
/// `{"result": "error", "code": …, "message": … or null}` or `{"result": "broken", "reason": …}`.
#[derive(Debug, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
enum Reported {
    Credentials {
        caller_arn: String,
        #[serde(default)]
        s3: Vec<Option<String>>,
    },
    Error {
        code: String,
        message: Option<String>,
    },
    Broken {
        reason: String,
    },
}

/// The outcome a program reported in its last JSON line on stdout; a program that printed none
/// is broken, and its exit status and stderr say why.
pub(super) fn reported_outcome(output: &Output, what: &str) -> ClientOutcome {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let reported = stdout
        .lines()
        .rev()
        .filter(|line| line.trim_start().starts_with('{'))
        .find_map(|line| serde_json::from_str::<Reported>(line).ok());
    match reported {
        Some(Reported::Credentials { caller_arn, s3 }) => {
            ClientOutcome::Credentials { caller_arn, s3 }
        }
        Some(Reported::Error { code, message }) => ClientOutcome::AwsError { code, message },
        Some(Reported::Broken { reason }) => ClientOutcome::Broken { reason },
        None => ClientOutcome::Broken {
            reason: format!(
                "{what} exited with {} without reporting an outcome: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt as _;
    use std::process::ExitStatus;

    use super::*;

    fn output(stdout: &str, stderr: &str) -> Output {
        Output {
            status: ExitStatus::from_raw(0),
            stdout: stdout.as_bytes().to_vec(),
            stderr: stderr.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_last_json_line_is_the_outcome() {
        let printed = "warning: something\n{\"result\": \"error\", \"code\": \"AccessDenied\", \"message\": null}\n";
        assert_eq!(
            reported_outcome(&output(printed, ""), "x"),
            ClientOutcome::AwsError {
                code: "AccessDenied".into(),
                message: None
            }
        );
        let success =
            "{\"result\":\"credentials\",\"caller_arn\":\"arn:aws:sts::1:assumed-role/r/s\"}";
        assert_eq!(
            reported_outcome(&output(success, ""), "x"),
            ClientOutcome::Credentials {
                caller_arn: "arn:aws:sts::1:assumed-role/r/s".into(),
                s3: Vec::new(),
            }
        );
        let with_s3 =
            "{\"result\":\"credentials\",\"caller_arn\":\"a\",\"s3\":[null,\"AccessDenied\"]}";
        assert_eq!(
            reported_outcome(&output(with_s3, ""), "x"),
            ClientOutcome::Credentials {
                caller_arn: "a".into(),
                s3: vec![None, Some("AccessDenied".into())],
            }
        );
    }

    #[test]
    fn a_program_that_reports_nothing_is_broken_and_its_stderr_says_why() {
        match reported_outcome(&output("", "Traceback: boom"), "the boto3 client") {
            ClientOutcome::Broken { reason } => {
                assert!(reason.contains("the boto3 client"), "{reason}");
                assert!(reason.contains("Traceback: boom"), "{reason}");
            }
            other => panic!("expected broken, got {other:?}"),
        }
    }
}
