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

use super::{ClientOutcome, Job};

const TIMEOUT: Duration = Duration::from_secs(120);

pub async fn run(program: &Path, job: &Job) -> ClientOutcome {
    let config = job.work_dir.join("aws-config");
    // aws CLI v1 fetches any parameter that looks like a URL unless told not to.
    let config_text = format!(
        "[default]\nregion = {}\ncli_follow_urlparam = false\n",
        job.region
    );
    if let Err(err) = std::fs::write(&config, config_text) {
        return broken(format!("failed to write {}: {err}", config.display()));
    }
    match job.duration_seconds {
        None => via_environment(program, job, &config).await,
        Some(duration) => via_direct_call(program, job, &config, duration).await,
    }
}

/// `aws --version`, e.g. `aws-cli/1.45.11 Python/3.11.7 …`.
pub async fn version(program: &Path) -> Result<String, String> {
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

async fn via_environment(program: &Path, job: &Job, config: &Path) -> ClientOutcome {
    let mut command = base_command(program, job, config);
    command
        .env("AWS_ROLE_ARN", &job.role_arn)
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &job.token_file)
        .env("AWS_ROLE_SESSION_NAME", &job.session_name)
        .args(["sts", "get-caller-identity", "--output", "json"]);
    caller_identity(command).await
}

async fn via_direct_call(program: &Path, job: &Job, config: &Path, duration: u32) -> ClientOutcome {
    let mut assume = base_command(program, job, config);
    assume
        .args([
            "sts",
            "assume-role-with-web-identity",
            "--role-arn",
            &job.role_arn,
        ])
        .args(["--role-session-name", &job.session_name])
        .arg("--web-identity-token")
        .arg(format!("file://{}", job.token_file.display()))
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
    let mut identity = base_command(program, job, config);
    identity
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", token)
        .args(["sts", "get-caller-identity", "--output", "json"]);
    caller_identity(identity).await
}

/// The CLI with nothing of the caller's AWS setup: every `AWS_*` variable removed (static keys
/// would win over web identity), a config file of our own, no shared credentials, no IMDS, and a
/// HOME of its own: the CLI caches web-identity credentials in `~/.aws/cli/cache` keyed by role
/// and session name, not by token, and would otherwise reuse another run's credentials.
fn base_command(program: &Path, job: &Job, config: &Path) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    command
        .env("HOME", &job.work_dir)
        .env("AWS_CONFIG_FILE", config)
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            job.work_dir.join("no-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_STS", &job.endpoint)
        .env("AWS_REGION", &job.region)
        .env("AWS_DEFAULT_REGION", &job.region)
        .env("AWS_PAGER", "")
        .stdin(Stdio::null())
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
        message: message.to_owned(),
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
                message: "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements".into(),
            })
        );
        assert_eq!(parse_error("Traceback: boom"), None);
    }
}
