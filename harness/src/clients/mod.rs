//! The clients fedlab can put through a scenario. Each gets the same job (a role, a token file,
//! the STS endpoint) and reports what it got; mock-sts's log says what really happened.

mod aws_cli;
mod builtin;

use std::path::PathBuf;

use crate::job::JobEnvironment;

/// What a scenario asks of the client besides the job's environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientRequest {
    /// `DurationSeconds`: a client then calls AssumeRoleWithWebIdentity itself, as GitLab's
    /// tutorial does (credential providers never send it).
    pub duration_seconds: Option<u32>,
    /// Query parameters sent as they are, added to or replacing the job's own (e.g. a malformed
    /// `DurationSeconds`): only a raw HTTP client can send what SDKs refuse to.
    pub params: Vec<(String, String)>,
}

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
    /// A program judged only by how it ended and what it printed (a `cmd:` client): success is
    /// exit code 0, an AWS error is a non-zero exit with the error code in its output.
    Exited {
        /// `None` when a signal ended it.
        code: Option<i32>,
        output: String,
    },
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

    /// The name reports and per-client scenario data use: `builtin`, `aws-cli`, ….
    pub fn name(&self) -> &str {
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

    /// Runs the job: get credentials through web identity (with a duration, by an explicit
    /// AssumeRoleWithWebIdentity as GitLab's tutorial does), then GetCallerIdentity.
    pub async fn run(&self, job: &JobEnvironment, request: &ClientRequest) -> ClientOutcome {
        match self {
            Self::Builtin { http } => builtin::run(http, job, request.duration_seconds).await,
            Self::AwsCli { program } => aws_cli::run(program, job, request.duration_seconds).await,
        }
    }
}
