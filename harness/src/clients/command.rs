//! `cmd:PROGRAM`: any client, plugged in by command. PROGRAM runs under `sh -c` with only the
//! standard web-identity variables, must get credentials and call GetCallerIdentity with them,
//! and is judged by its exit code and output against what mock-sts saw.

use std::process::Stdio;

use tokio::process::Command;

use super::ClientOutcome;
use super::process::TIMEOUT;
use crate::job::JobEnvironment;

/// What a plugged-in client gets from the job: the variables every AWS SDK reads for web
/// identity, and fedlab's proxy and its CA for clients that ignore the endpoint variables.
/// Nothing else of fedlab's environment (no static keys, profile, config file or `HOME`).
const PASSED: &[&str] = &[
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_SESSION_NAME",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    // Not a credential setting: it keeps a client whose credential chain falls through from
    // asking the instance metadata address, which is off this machine.
    "AWS_EC2_METADATA_DISABLED",
    "AWS_CA_BUNDLE",
    "SSL_CERT_FILE",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The command for `program` in the job's environment, as [`PASSED`] describes; `HOME` is the
/// job's own directory, so no profile or cached credential of the user's is found.
pub(super) fn command(program: &str, job: &JobEnvironment) -> Command {
    let mut command = Command::new("sh");
    command.arg("-c").arg(program).env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    for name in PASSED {
        if let Some(value) = job.var(name) {
            command.env(name, value);
        }
    }
    command
        .env("HOME", job.dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a hung program's children can be ended with it.
        .process_group(0)
        .kill_on_drop(true);
    command
}

pub(super) async fn run(program: &str, job: &JobEnvironment) -> ClientOutcome {
    let child = match command(program, job).spawn() {
        Ok(child) => child,
        Err(err) => {
            return ClientOutcome::Broken {
                reason: format!("failed to start `sh -c {program}`: {err}"),
            };
        }
    };
    let group = child.id();
    match tokio::time::timeout(TIMEOUT, child.wait_with_output()).await {
        Ok(Ok(output)) => ClientOutcome::Exited {
            code: output.status.code(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        },
        Ok(Err(err)) => ClientOutcome::Broken {
            reason: format!("failed to run `{program}`: {err}"),
        },
        Err(_) => {
            if let Some(group) = group {
                kill_group(group);
            }
            ClientOutcome::Broken {
                reason: format!("`{program}` did not finish within {TIMEOUT:?}"),
            }
        }
    }
}

/// Ends the whole process group: `sh` and whatever it started.
fn kill_group(group: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{group}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
