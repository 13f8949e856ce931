//! The clients fedlab can put through a scenario. Each gets the same job (a role, a token file,
//! the STS endpoint) and reports what it got; mock-sts's log says what really happened.

mod aws_cli;
mod aws_sdk;
mod boto3;
mod builtin;
mod command;
mod process;
mod tools;

use std::path::PathBuf;

use crate::job::JobEnvironment;
use crate::s3_client::{S3Call, S3Reported};

pub use self::tools::{AWS_SDK_CLIENT_BINARY, Tools};

/// The clients `--client` knows by name, in the order `fedlab clients` lists them; any other
/// client is plugged in as `cmd:PROGRAM`.
pub const BUILTIN_CLIENTS: &[&str] = &["builtin", "raw-http", "aws-cli", "boto3", "aws-sdk-rust"];

/// What a scenario asks of the client besides the job's environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientRequest {
    /// `DurationSeconds`: a client then calls AssumeRoleWithWebIdentity itself, as GitLab's
    /// tutorial does (credential providers never send it).
    pub duration_seconds: Option<u32>,
    /// Query parameters sent as they are, added to or replacing the job's own (e.g. a malformed
    /// `DurationSeconds`): only a raw HTTP client can send what SDKs refuse to.
    pub params: Vec<(String, String)>,
    /// `Policy`: a session policy's JSON text. Like a duration, it makes a client call
    /// AssumeRoleWithWebIdentity itself.
    pub policy: Option<String>,
    /// `PolicyArns`: managed policies as session policies.
    pub policy_arns: Vec<String>,
    /// The S3 calls to make with the credentials, in order, after GetCallerIdentity; each is
    /// made whatever the one before got.
    pub s3: Vec<S3Call>,
}

impl ClientRequest {
    /// Whether the job calls AssumeRoleWithWebIdentity itself (as GitLab's tutorial does)
    /// rather than through a credential provider, which never sends these parameters.
    pub fn direct_call(&self) -> bool {
        self.duration_seconds.is_some() || self.policy.is_some() || !self.policy_arns.is_empty()
    }
}

/// What the client says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientOutcome {
    /// It got credentials and GetCallerIdentity with them answered this ARN; `s3` is what each
    /// of the request's S3 calls got, in order.
    Credentials {
        caller_arn: String,
        s3: Vec<S3Reported>,
    },
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

/// A credential client under test: one of [`BUILTIN_CLIENTS`] or a `cmd:PROGRAM`.
#[derive(Debug, Clone)]
pub struct Client {
    name: String,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// fedlab's own Rust client; with `raw` it also sends a scenario's raw parameters.
    Builtin {
        http: reqwest::Client,
        raw: bool,
    },
    AwsCli {
        program: PathBuf,
    },
    Boto3 {
        python: PathBuf,
    },
    /// `None`: not built; preflight says how to build it.
    AwsSdk {
        program: Option<PathBuf>,
    },
    Command {
        program: String,
    },
}

impl Client {
    /// A client by `--client` spec: `builtin`, `raw-http`, `aws-cli`, `boto3`, `aws-sdk-rust`
    /// (programs from `tools`), or `cmd:PROGRAM` (run by `sh -c`). The error lists what exists.
    pub fn parse(spec: &str, tools: &Tools) -> Result<Self, String> {
        if let Some(program) = spec.strip_prefix("cmd:") {
            if program.trim().is_empty() {
                return Err("`cmd:` needs a program, e.g. `cmd:./my-tool.sh`".to_owned());
            }
            return Ok(Self::command(program));
        }
        match spec {
            "builtin" => Ok(Self::builtin()),
            "raw-http" => Ok(Self::raw_http()),
            "aws-cli" => Ok(Self::aws_cli(&tools.aws_cli)),
            "boto3" => Ok(Self::boto3(&tools.python)),
            "aws-sdk-rust" => Ok(Self::aws_sdk_rust(tools.aws_sdk_client.clone())),
            other => Err(format!(
                "unknown client `{other}`: use one of {}, or cmd:PROGRAM",
                BUILTIN_CLIENTS.join(", ")
            )),
        }
    }

    /// fedlab's own client: the calls an SDK's web-identity provider makes, raw Query over
    /// HTTP, SigV4 by aws-sigv4, the token read from the token file as SDKs read it.
    pub fn builtin() -> Self {
        Self::own("builtin", false)
    }

    /// fedlab's own client sending a scenario's raw Query parameters as they are: what SDKs
    /// refuse to send, to reach mock-sts's own validation.
    pub fn raw_http() -> Self {
        Self::own("raw-http", true)
    }

    fn own(name: &str, raw: bool) -> Self {
        // mock-sts answers some requests, as AWS does, with a redirect to aws.amazon.com; no
        // client of fedlab's follows it off the machine.
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            name: name.to_owned(),
            kind: Kind::Builtin { http, raw },
        }
    }

    /// The aws CLI at `program` (`aws` to find it on `PATH`), v1 or v2.
    pub fn aws_cli(program: impl Into<PathBuf>) -> Self {
        Self {
            name: "aws-cli".to_owned(),
            kind: Kind::AwsCli {
                program: program.into(),
            },
        }
    }

    /// boto3's own web-identity provider, in the Python at `python`.
    pub fn boto3(python: impl Into<PathBuf>) -> Self {
        Self {
            name: "boto3".to_owned(),
            kind: Kind::Boto3 {
                python: python.into(),
            },
        }
    }

    /// aws-config's web-identity provider and aws-sdk-sts, in the `fedlab-aws-sdk-client` binary
    /// at `program` (`None` when it was not built: preflight then says how to build it).
    pub fn aws_sdk_rust(program: Option<PathBuf>) -> Self {
        Self {
            name: "aws-sdk-rust".to_owned(),
            kind: Kind::AwsSdk { program },
        }
    }

    /// Any program, run by `sh -c` in the job's standard environment, judged by its exit code
    /// and output; its name in reports is `cmd:PROGRAM`.
    pub fn command(program: impl Into<String>) -> Self {
        let program = program.into();
        Self {
            name: format!("cmd:{program}"),
            kind: Kind::Command { program },
        }
    }

    /// The name reports and per-client scenario data use: `builtin`, `aws-cli`, `cmd:…`, ….
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Checks the client can run at all, so a missing tool is a setup error, not N failures.
    /// Returns the external tool's version, if there is one.
    pub async fn preflight(&self) -> Result<Option<String>, String> {
        match &self.kind {
            Kind::Builtin { .. } | Kind::Command { .. } => Ok(None),
            Kind::AwsCli { program } => aws_cli::version(program).await.map(Some),
            Kind::Boto3 { python } => boto3::version(python).await.map(Some),
            Kind::AwsSdk { program: None } => Err(aws_sdk::not_built()),
            Kind::AwsSdk {
                program: Some(program),
            } => aws_sdk::version(program).await.map(Some),
        }
    }

    /// Why this client cannot make what `request` asks for, if it cannot: the run is then
    /// reported as skipped with this reason, never as passed.
    pub fn cannot_run(&self, request: &ClientRequest) -> Option<String> {
        let session_policy = request.policy.is_some() || !request.policy_arns.is_empty();
        match &self.kind {
            Kind::Builtin { .. } | Kind::AwsCli { .. } | Kind::Boto3 { .. } => None,
            Kind::AwsSdk { .. } if !request.s3.is_empty() => Some(
                "fedlab's aws-sdk-rust client is built with aws-sdk-sts only; it makes no S3 calls"
                    .to_owned(),
            ),
            Kind::AwsSdk { .. } if session_policy => Some(
                "fedlab's aws-sdk-rust client gets credentials from aws-config's web-identity provider, which sends no session policy"
                    .to_owned(),
            ),
            Kind::Command { .. } if !request.s3.is_empty() || session_policy => Some(
                "a `cmd:` program is handed the job's environment only: it is told no S3 calls and no session policy"
                    .to_owned(),
            ),
            Kind::AwsSdk { .. } | Kind::Command { .. } => None,
        }
    }

    /// Runs the job: get credentials through web identity (with a duration, by an explicit
    /// AssumeRoleWithWebIdentity as GitLab's tutorial does), then GetCallerIdentity.
    pub async fn run(&self, job: &JobEnvironment, request: &ClientRequest) -> ClientOutcome {
        let duration = request.duration_seconds;
        match &self.kind {
            Kind::Builtin { http, raw } => builtin::run(http, job, request, *raw).await,
            Kind::AwsCli { program } => aws_cli::run(program, job, request).await,
            Kind::Boto3 { python } => boto3::run(python, job, request).await,
            Kind::AwsSdk { program: None } => ClientOutcome::Broken {
                reason: aws_sdk::not_built(),
            },
            Kind::AwsSdk {
                program: Some(program),
            } => aws_sdk::run(program, job, duration).await,
            Kind::Command { program } => command::run(program, job).await,
        }
    }
}

/// Every built-in client with what its preflight finds: the tool's version (`None` for fedlab's
/// own), or why it cannot run. What `fedlab clients` prints.
pub async fn builtin_clients(tools: &Tools) -> Vec<(String, Result<Option<String>, String>)> {
    let mut found = Vec::with_capacity(BUILTIN_CLIENTS.len());
    for name in BUILTIN_CLIENTS {
        let status = match Client::parse(name, tools) {
            Ok(client) => client.preflight().await,
            Err(reason) => Err(reason),
        };
        found.push(((*name).to_owned(), status));
    }
    found
}
