//! The clients fedlab can put through a scenario. Each gets the same job (a role, a token file,
//! the STS endpoint) and reports what it got; mock-sts's log says what really happened.

mod aws_cli;
mod builtin;

use std::path::PathBuf;

use crate::job::JobEnvironment;

/// What the client says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientOutcome {
    /// It got credentials and GetCallerIdentity with them answered this ARN.
    Credentials { caller_arn: String },
    /// It reports an AWS error; `message` is `None` when the answer had no `<Message>`.
    AwsError {
        code: String,
        message: Option<String>,
    },
    /// It crashed, hung or printed something fedlab cannot read.
    Broken { reason: String },
}

/// A credential client under test.
#[derive(Debug, Clone)]
pub enum Client {
    /// fedlab's own Rust client: raw Query calls, SigV4 by aws-sigv4, the token read from the
    /// token file as an SDK's web-identity provider reads it.
    Builtin { http: reqwest::Client },
    /// The real AWS CLI, driven through the web-identity environment variables.
    AwsCli { program: PathBuf },
}

impl Client {
    /// fedlab's own client.
    pub fn builtin() -> Self {
        // mock-sts answers some requests, as AWS does, with a redirect to aws.amazon.com; no
        // client of fedlab's follows it off the machine.
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self::Builtin { http }
    }

    /// The aws CLI at `program` (`aws` to find it on `PATH`).
    pub fn aws_cli(program: impl Into<PathBuf>) -> Self {
        Self::AwsCli {
            program: program.into(),
        }
    }

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

    /// Runs the job: get credentials through web identity (with `duration_seconds`, by an
    /// explicit AssumeRoleWithWebIdentity as GitLab's tutorial does), then GetCallerIdentity.
    pub async fn run(&self, job: &JobEnvironment, duration_seconds: Option<u32>) -> ClientOutcome {
        match self {
            Self::Builtin { http } => builtin::run(http, job, duration_seconds).await,
            Self::AwsCli { program } => aws_cli::run(program, job, duration_seconds).await,
        }
    }
}
