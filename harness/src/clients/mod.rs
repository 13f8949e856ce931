//! The clients fedlab can put through a scenario. Each gets the same job (a role, a token file,
//! the STS endpoint) and reports what it got; mock-sts's log says what really happened.

mod aws_cli;
mod builtin;

use std::path::PathBuf;

/// What a client is asked to do: assume `role_arn` with the token, then call GetCallerIdentity
/// with the credentials it got.
#[derive(Debug, Clone)]
pub struct Job {
    pub endpoint: String,
    pub region: String,
    pub role_arn: String,
    pub session_name: String,
    pub token: String,
    pub token_file: PathBuf,
    pub duration_seconds: Option<u32>,
    /// Scratch space for this job (config files).
    pub work_dir: PathBuf,
}

/// What the client says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientOutcome {
    /// It got credentials and GetCallerIdentity with them answered this ARN.
    Credentials { caller_arn: String },
    /// It reports an AWS error.
    AwsError { code: String, message: String },
    /// It crashed, hung or printed something fedlab cannot read.
    Broken { reason: String },
}

#[derive(Debug, Clone)]
pub enum Client {
    /// fedlab's own Rust client: raw Query calls, SigV4 by aws-sigv4.
    Builtin { http: reqwest::Client },
    /// The real AWS CLI, driven through the web-identity environment variables.
    AwsCli { program: PathBuf },
}

impl Client {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Builtin { .. } => "builtin",
            Self::AwsCli { .. } => "aws-cli",
        }
    }

    /// Checks the client can run at all, so a missing tool is a setup error, not N failures.
    /// Returns the external tool's version, if there is one.
    pub async fn preflight(&self) -> Result<Option<String>, String> {
        match self {
            Self::Builtin { .. } => Ok(None),
            Self::AwsCli { program } => aws_cli::version(program).await.map(Some),
        }
    }

    pub async fn run(&self, job: &Job) -> ClientOutcome {
        match self {
            Self::Builtin { http } => builtin::run(http, job).await,
            Self::AwsCli { program } => aws_cli::run(program, job).await,
        }
    }
}
