//! boto3 through its own web-identity provider: `harness/clients/boto3_client.py`, compiled into
//! fedlab and run with `python -c`, prints one JSON line fedlab reads as the outcome.

use std::path::Path;

use tokio::process::Command;

use super::process;
use super::{ClientOutcome, ClientRequest};
use crate::job::JobEnvironment;

const SCRIPT: &str = include_str!("../../clients/boto3_client.py");
const WHAT: &str = "the boto3 client";

pub(super) async fn run(
    python: &Path,
    job: &JobEnvironment,
    request: &ClientRequest,
) -> ClientOutcome {
    let mut command = Command::from(job.command(python));
    // `python -c` sets sys.argv[0] to "-c"; the script's own arguments follow it.
    command.args(["-c", SCRIPT]);
    if request.direct_call() || !request.s3.is_empty() {
        command.args(["--plan", &plan(request).to_string()]);
    }
    match process::run(command, WHAT).await {
        Ok(output) => process::reported_outcome(&output, WHAT),
        Err(outcome) => outcome,
    }
}

/// The script's `--plan`: what the job does besides getting credentials.
fn plan(request: &ClientRequest) -> serde_json::Value {
    let s3: Vec<_> = request
        .s3
        .iter()
        .map(|call| {
            serde_json::json!({
                "operation": call.operation.name(),
                "bucket": call.bucket,
                "key": call.key,
                "body": call.body,
            })
        })
        .collect();
    serde_json::json!({
        "duration_seconds": request.duration_seconds,
        "policy": request.policy,
        "policy_arns": request.policy_arns,
        "s3": s3,
    })
}

/// `boto3/1.40.0 botocore/1.40.0 Python/3.11.7`.
pub(super) async fn version(python: &Path) -> Result<String, String> {
    let probe = "import sys, boto3, botocore; \
                 print(f'boto3/{boto3.__version__} botocore/{botocore.__version__} \
                 Python/{sys.version.split()[0]}')";
    let mut command = Command::new(python);
    command.args(["-c", probe]);
    let output = process::run(command, "python")
        .await
        .map_err(|_| format!("cannot run `{}` (set FEDLAB_PYTHON)", python.display()))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(format!(
            "`{}` has no boto3 (pip install boto3, or set FEDLAB_PYTHON): {}",
            python.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
