//! The real AWS CLI. By default it is driven the way GitLab jobs drive it: `AWS_ROLE_ARN` and
//! `AWS_WEB_IDENTITY_TOKEN_FILE` in the environment, then `aws sts get-caller-identity`, so the
//! CLI's own credential provider makes the AssumeRoleWithWebIdentity call (and again for each
//! `aws s3api` call, as in a job that runs several commands). With a duration or a session
//! policy the job calls `aws sts assume-role-with-web-identity` itself, as the GitLab tutorial
//! does, since the provider never sends them, and exports the keys for what follows.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

use super::{ClientOutcome, ClientRequest};
use crate::job::JobEnvironment;
use crate::s3_client::{S3Call, S3Operation};

const TIMEOUT: Duration = Duration::from_secs(120);

pub(super) async fn run(
    program: &Path,
    job: &JobEnvironment,
    request: &ClientRequest,
) -> ClientOutcome {
    let session = if request.direct_call() {
        match assume_directly(program, job, request).await {
            Ok(keys) => Some(keys),
            Err(outcome) => return outcome,
        }
    } else {
        None
    };
    let mut identity = command(program, job, session.as_ref());
    identity.args(["sts", "get-caller-identity", "--output", "json"]);
    let caller_arn = match execute(identity).await {
        Ok(stdout) => match stdout.get("Arn").and_then(Value::as_str) {
            Some(arn) => arn.to_owned(),
            None => return broken(format!("get-caller-identity printed no Arn: {stdout}")),
        },
        Err(outcome) => return outcome,
    };
    let mut replies = Vec::with_capacity(request.s3.len());
    for (index, call) in request.s3.iter().enumerate() {
        let mut s3 = command(program, job, session.as_ref());
        if let Err(err) = s3_arguments(&mut s3, job, call, index) {
            return broken(format!(
                "failed to prepare {}: {err}",
                call.operation.name()
            ));
        }
        match finish(s3).await {
            Ok(_) => replies.push(None),
            Err(ClientOutcome::AwsError { code, .. }) => replies.push(Some(code)),
            Err(outcome) => return outcome,
        }
    }
    ClientOutcome::Credentials {
        caller_arn,
        s3: replies,
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

/// The session's keys, exported as the tutorial's job exports them.
struct SessionKeys {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
}

/// `aws sts assume-role-with-web-identity`, as GitLab's tutorial calls it (with the request's
/// duration and session policy); the keys it printed.
async fn assume_directly(
    program: &Path,
    job: &JobEnvironment,
    request: &ClientRequest,
) -> Result<SessionKeys, ClientOutcome> {
    let var = |name: &str| job.var(name).unwrap_or_default().to_owned();
    let mut assume = command(program, job, None);
    // The tutorial's job passes everything on the command line, so the CLI must not also find a
    // web-identity setup in its environment.
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
        .args(["--output", "json"]);
    if let Some(duration) = request.duration_seconds {
        assume.args(["--duration-seconds", &duration.to_string()]);
    }
    if let Some(policy) = &request.policy {
        assume.args(["--policy", policy]);
    }
    if !request.policy_arns.is_empty() {
        assume.arg("--policy-arns");
        assume.args(request.policy_arns.iter().map(|arn| format!("arn={arn}")));
    }
    let credentials = execute(assume).await?;
    let field = |name: &str| {
        credentials
            .pointer(&format!("/Credentials/{name}"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match (
        field("AccessKeyId"),
        field("SecretAccessKey"),
        field("SessionToken"),
    ) {
        (Some(access_key_id), Some(secret_access_key), Some(session_token)) => Ok(SessionKeys {
            access_key_id,
            secret_access_key,
            session_token,
        }),
        _ => Err(broken(
            "assume-role-with-web-identity printed no credentials".into(),
        )),
    }
}

/// The CLI in the job's environment; with `session`, signing with those keys instead of
/// getting its own through web identity.
fn command(program: &Path, job: &JobEnvironment, session: Option<&SessionKeys>) -> Command {
    let mut command = base_command(program, job);
    if let Some(keys) = session {
        command
            .env_remove("AWS_ROLE_ARN")
            .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
            .env("AWS_ACCESS_KEY_ID", &keys.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &keys.secret_access_key)
            .env("AWS_SESSION_TOKEN", &keys.session_token);
    }
    command
}

/// `aws s3api …` for one call; a PutObject's body and a GetObject's download are files in the
/// job's directory.
fn s3_arguments(
    command: &mut Command,
    job: &JobEnvironment,
    call: &S3Call,
    index: usize,
) -> std::io::Result<()> {
    let bucket = ["--bucket", call.bucket.as_str()];
    let key = ["--key", call.key.as_str()];
    command.arg("s3api");
    match call.operation {
        S3Operation::CreateBucket => {
            command.arg("create-bucket").args(bucket);
            let region = job.var("AWS_REGION").unwrap_or("us-east-1");
            if region != "us-east-1" {
                command.args([
                    "--create-bucket-configuration".to_owned(),
                    format!("LocationConstraint={region}"),
                ]);
            }
        }
        S3Operation::HeadBucket => {
            command.arg("head-bucket").args(bucket);
        }
        S3Operation::ListBuckets => {
            command.arg("list-buckets");
        }
        S3Operation::DeleteBucket => {
            command.arg("delete-bucket").args(bucket);
        }
        S3Operation::PutObject => {
            let file = job.dir().join(format!("s3-body-{index}"));
            std::fs::write(&file, &call.body)?;
            command.arg("put-object").args(bucket).args(key);
            command.arg("--body").arg(file);
        }
        S3Operation::GetObject => {
            let file = job.dir().join(format!("s3-object-{index}"));
            command.arg("get-object").args(bucket).args(key).arg(file);
        }
        S3Operation::HeadObject => {
            command.arg("head-object").args(bucket).args(key);
        }
        S3Operation::ListObjectsV2 => {
            command.arg("list-objects-v2").args(bucket);
        }
        S3Operation::DeleteObject => {
            command.arg("delete-object").args(bucket).args(key);
        }
    }
    command.args(["--output", "json"]);
    Ok(())
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

/// Runs the CLI; its JSON stdout on success, the reported AWS error otherwise.
async fn execute(command: Command) -> Result<Value, ClientOutcome> {
    let stdout = finish(command).await?;
    serde_json::from_slice(&stdout)
        .map_err(|e| broken(format!("aws printed non-JSON output ({e})")))
}

/// Runs the CLI; its stdout on success, the reported AWS error otherwise.
async fn finish(mut command: Command) -> Result<Vec<u8>, ClientOutcome> {
    let child = command
        .spawn()
        .map_err(|e| broken(format!("failed to start the aws CLI: {e}")))?;
    let output = tokio::time::timeout(TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| broken(format!("the aws CLI did not finish within {TIMEOUT:?}")))?
        .map_err(|e| broken(format!("failed to run the aws CLI: {e}")))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
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
