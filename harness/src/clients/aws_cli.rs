//! The real AWS CLI. By default it is driven the way GitLab jobs drive it: `AWS_ROLE_ARN` and
//! `AWS_WEB_IDENTITY_TOKEN_FILE` in the environment, then `aws sts get-caller-identity`, so the
//! CLI's own credential provider makes the AssumeRoleWithWebIdentity call. With a
//! `duration_seconds` the job calls `aws sts assume-role-with-web-identity` itself, as the GitLab
//! tutorial does, since the provider never sends DurationSeconds.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

use super::ClientOutcome;
use crate::job::JobEnvironment;

const TIMEOUT: Duration = Duration::from_secs(120);

pub(super) async fn run(
    program: &Path,
    job: &JobEnvironment,
    duration_seconds: Option<u32>,
) -> ClientOutcome {
    match duration_seconds {
        None => via_environment(program, job).await,
        Some(duration) => via_direct_call(program, job, duration).await,
    }
}

/// `aws --version`, e.g. `aws-cli/1.45.11 Python/3.11.7 …`.
pub(super) async fn version(program: &Path) -> Result<String, String> {
    let output = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|e| {
            format!(
                "cannot run the aws CLI `{}`: {e} (install it, e.g. `pip install awscli`, or pass --aws-cli PATH)",
                program.display()
            )
        })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(text.trim().to_owned())
    } else {
        Err(format!(
            "`{} --version` failed: {}",
            program.display(),
            text.trim()
        ))
    }
}

async fn via_environment(program: &Path, job: &JobEnvironment) -> ClientOutcome {
    let mut command = base_command(program, job);
    command.args(["sts", "get-caller-identity", "--output", "json"]);
    caller_identity(command).await
}

async fn via_direct_call(program: &Path, job: &JobEnvironment, duration: u32) -> ClientOutcome {
    let var = |name: &str| job.var(name).unwrap_or_default().to_owned();
    // The tutorial's job passes everything on the command line, so the CLI must not also find a
    // web-identity setup in its environment.
    let mut assume = base_command(program, job);
    assume
        .env_remove("AWS_ROLE_ARN")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .args([
            "sts",
            "assume-role-with-web-identity",
            "--role-arn",
            &var("AWS_ROLE_ARN"),
        ])
        .args(["--role-session-name", &var("AWS_ROLE_SESSION_NAME")])
        .arg("--web-identity-token")
        .arg(format!("file://{}", job.token_file().display()))
        .args([
            "--duration-seconds",
            &duration.to_string(),
            "--output",
            "json",
        ]);
    let credentials = match execute(assume).await {
        Ok(stdout) => stdout,
        Err(outcome) => return outcome,
    };
    let field = |name: &str| {
        credentials
            .pointer(&format!("/Credentials/{name}"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let (Some(key), Some(secret), Some(token)) = (
        field("AccessKeyId"),
        field("SecretAccessKey"),
        field("SessionToken"),
    ) else {
        return broken("assume-role-with-web-identity printed no credentials".into());
    };
    let mut identity = base_command(program, job);
    identity
        .env_remove("AWS_ROLE_ARN")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", token)
        .args(["sts", "get-caller-identity", "--output", "json"]);
    caller_identity(identity).await
}

/// The CLI in the job's environment (see [`JobEnvironment::command`]), its output captured and
/// killed if fedlab gives up on it.
fn base_command(program: &Path, job: &JobEnvironment) -> Command {
    let mut command = Command::from(job.command(program));
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

async fn caller_identity(command: Command) -> ClientOutcome {
    match execute(command).await {
        Ok(stdout) => match stdout.get("Arn").and_then(Value::as_str) {
            Some(arn) => ClientOutcome::Credentials {
                caller_arn: arn.to_owned(),
            },
            None => broken(format!("get-caller-identity printed no Arn: {stdout}")),
        },
        Err(outcome) => outcome,
    }
}

/// Runs the CLI; JSON stdout on success, the reported AWS error otherwise.
async fn execute(mut command: Command) -> Result<Value, ClientOutcome> {
    let child = command
        .spawn()
        .map_err(|e| broken(format!("failed to start the aws CLI: {e}")))?;
    let output = tokio::time::timeout(TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| broken(format!("the aws CLI did not finish within {TIMEOUT:?}")))?
        .map_err(|e| broken(format!("failed to run the aws CLI: {e}")))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        return serde_json::from_slice(&output.stdout).map_err(|e| {
            broken(format!(
                "aws printed non-JSON output ({e}); stderr: {stderr}"
            ))
        });
    }
    Err(parse_error(&stderr).unwrap_or_else(|| {
        broken(format!(
            "aws exited with {}: {}",
            output.status,
            stderr.trim()
        ))
    }))
}

/// `An error occurred (Code) when calling the Op operation: Message` — botocore's wording. The
/// message runs to the end of its line and keeps its exact bytes (AWS's double spaces included).
fn parse_error(stderr: &str) -> Option<ClientOutcome> {
    let start = stderr.find("An error occurred (")? + "An error occurred (".len();
    let rest = &stderr[start..];
    let code = &rest[..rest.find(')')?];
    let message_start = rest.find(" operation: ")? + " operation: ".len();
    let message = rest[message_start..].lines().next().unwrap_or_default();
    Some(ClientOutcome::AwsError {
        code: code.to_owned(),
        // botocore prints "Unknown" when the answer has no <Message> element.
        message: (message != "Unknown").then(|| message.to_owned()),
    })
}

fn broken(reason: String) -> ClientOutcome {
    ClientOutcome::Broken { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn botocore_errors_parse_with_exact_message_bytes() {
        let stderr = "\nAn error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements\n";
        assert_eq!(
            parse_error(stderr),
            Some(ClientOutcome::AwsError {
                code: "InvalidIdentityToken".into(),
                message: Some("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements".into()),
            })
        );
        assert_eq!(parse_error("Traceback: boom"), None);
        let no_message = "An error occurred (MalformedInput) when calling the AssumeRoleWithWebIdentity operation: Unknown";
        assert_eq!(
            parse_error(no_message),
            Some(ClientOutcome::AwsError {
                code: "MalformedInput".into(),
                message: None,
            })
        );
    }
}
