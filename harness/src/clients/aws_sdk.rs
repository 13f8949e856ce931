//! aws-sdk-rust through `aws-config`'s web-identity provider: the `fedlab-aws-sdk-client`
//! binary (built only with `--features aws-sdk-client`, so the default build stays lean) prints
//! one JSON line fedlab reads as the outcome.

use std::path::Path;

use tokio::process::Command;

use super::ClientOutcome;
use super::process;
use super::tools::AWS_SDK_CLIENT_BINARY;
use crate::job::JobEnvironment;

const WHAT: &str = "the aws-sdk-rust client";

pub(super) async fn run(
    program: &Path,
    job: &JobEnvironment,
    duration_seconds: Option<u32>,
) -> ClientOutcome {
    let mut command = Command::from(job.command(program));
    if let Some(duration) = duration_seconds {
        command.args(["--duration-seconds", &duration.to_string()]);
    }
    match process::run(command, WHAT).await {
        Ok(output) => process::reported_outcome(&output, WHAT),
        Err(outcome) => outcome,
    }
}

/// How to get the binary, for a client asked for without it.
pub(super) fn not_built() -> String {
    format!(
        "the aws-sdk-rust client is not built: run `cargo build --release -p fedlab --features \
         aws-sdk-client` (it puts {AWS_SDK_CLIENT_BINARY} next to fedlab), or set \
         FEDLAB_AWS_SDK_CLIENT=/path/to/{AWS_SDK_CLIENT_BINARY}"
    )
}

/// `fedlab-aws-sdk-client 0.1.0 (aws-sdk-sts 1.x)`.
pub(super) async fn version(program: &Path) -> Result<String, String> {
    let mut command = Command::new(program);
    command.arg("--version");
    let output = process::run(command, WHAT)
        .await
        .map_err(|_| format!("cannot run `{}`; {}", program.display(), not_built()))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(format!(
            "`{} --version` failed: {}",
            program.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
