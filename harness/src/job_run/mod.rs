//! `fedlab job`: one job of a `.gitlab-ci.yml` run unchanged on this machine, with the
//! environment GitLab gives it and AWS replaced by mock-sts.
//!
//! What the job gets (see `docs/job.md`):
//!
//! - each `id_tokens:` entry minted by mock-gitlab as its variable (`aud` as a string, a list or
//!   a `$VARIABLE`, expanded); without `id_tokens:`, on GitLab releases before 17.0, the legacy
//!   `CI_JOB_JWT`, `CI_JOB_JWT_V1` and `CI_JOB_JWT_V2` (from 16.0 GitLab gives a job either its
//!   ID tokens or those, never both);
//! - GitLab's predefined variables, from the same [`Pipeline`] as the tokens' claims;
//! - the file's `variables:`, the job's (after `extends:`), then the CI/CD settings given with
//!   `--var`, in GitLab's order of precedence (a later one wins), each expanded once;
//! - `HOME` and the working directory (`CI_PROJECT_DIR`) fresh and empty, removed afterwards;
//! - `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_{STS,IAM,S3}` pointing at mock-sts, and fedlab's
//!   proxy as `HTTPS_PROXY`/`HTTP_PROXY` (answering the AWS host names itself, refusing every
//!   other destination), so what the job's own `~/.aws/config` or an `--endpoint-url` says
//!   cannot take a client off the machine;
//! - the aws CLI's directory first on `PATH`, behind a wrapper that keeps aws CLI v1 from
//!   fetching URL-looking parameters by itself.

mod account;
mod error;
mod pipeline;
mod shell;

use std::path::{Path, PathBuf};

use mock_gitlab::{Audience, GitlabVersion, TokenKind};

pub use account::JobAccount;
pub use error::JobError;
pub use pipeline::Pipeline;

use crate::federation::Federation;
use crate::gitlab_ci::{CiJob, expand};
use crate::token::IdToken;
use error::io;
use pipeline::JobContext;

/// The first release without the legacy `CI_JOB_JWT*` variables.
const LEGACY_JWT_REMOVED: GitlabVersion = GitlabVersion::new(17, 0);

/// How to run a job: who runs it, the project's CI/CD settings, and the aws CLI.
#[derive(Debug, Clone, Default)]
pub struct JobOptions {
    pub pipeline: Pipeline,
    /// CI/CD variables of the project's settings (`--var KEY=VALUE`), e.g. `ROLE_ARN`.
    pub variables: Vec<(String, String)>,
    /// The aws CLI to put first on `PATH` (behind fedlab's wrapper); `None` leaves `PATH` as it
    /// is.
    pub aws_cli: Option<PathBuf>,
}

/// A job with its environment ready: files written, tokens minted.
#[derive(Debug, Clone)]
pub struct PreparedJob {
    job: CiJob,
    vars: Vec<(String, String)>,
    project_dir: PathBuf,
}

impl PreparedJob {
    /// Every variable the job's shell gets, in order: fedlab's (`HOME`, `PATH`, endpoints),
    /// the predefined ones, the tokens, `variables:` and `--var`, then fedlab's proxy.
    pub fn vars(&self) -> &[(String, String)] {
        &self.vars
    }

    pub fn job(&self) -> &CiJob {
        &self.job
    }

    /// Runs `before_script` and `script`, then `after_script`; returns the job's exit code.
    /// Blocks until the job ends.
    pub fn run(&self) -> Result<i32, JobError> {
        let commands: Vec<String> = self
            .job
            .before_script
            .iter()
            .chain(&self.job.script)
            .cloned()
            .collect();
        let code = shell::run(&shell::script(&commands), &self.vars, &self.project_dir)
            .map_err(io("bash"))?;
        if !self.job.after_script.is_empty() {
            // GitLab runs it whatever the job's outcome, and ignores its exit code.
            let _ = shell::run(
                &shell::script(&self.job.after_script),
                &self.vars,
                &self.project_dir,
            )
            .map_err(io("bash"))?;
        }
        Ok(code)
    }
}

/// An ordered set of variables: setting one that exists replaces its value in place.
#[derive(Debug, Default)]
struct Vars(Vec<(String, String)>);

impl Vars {
    fn set(&mut self, name: &str, value: String) {
        match self.0.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value,
            None => self.0.push((name.to_owned(), value)),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Writes the job's directories, mints its tokens and assembles its environment.
pub async fn prepare(
    fed: &Federation,
    job: &CiJob,
    options: &JobOptions,
) -> Result<PreparedJob, JobError> {
    let dir = fed.new_job_dir()?;
    let home = dir.join("home");
    let builds = dir.join("builds");
    let project_dir = builds.join(&options.pipeline.project_path);
    for made in [&home, &project_dir] {
        std::fs::create_dir_all(made).map_err(io(made.display().to_string()))?;
    }
    let mut vars = Vars::default();
    vars.set("HOME", home.display().to_string());
    vars.set(
        "PATH",
        job_path(&dir, options.aws_cli.as_deref(), fed.region())?,
    );
    for (name, value) in fed.endpoint_vars() {
        vars.set(&name, value);
    }
    vars.set("AWS_EC2_METADATA_DISABLED", "true".to_owned());

    let version: GitlabVersion = fed
        .gitlab_version()
        .parse()
        .map_err(|e: mock_gitlab::Error| JobError::Version(e.to_string()))?;
    let context = JobContext {
        server_url: fed.issuer(),
        gitlab_version: version,
        job_name: &job.name,
        stage: &job.stage,
        builds_dir: &builds,
        project_dir: &project_dir,
    };
    for (name, value) in options.pipeline.predefined_variables(&context) {
        vars.set(&name, value);
    }

    // The file's and the settings' variables, each expanded once against all of them as
    // written (GitLab's precedence: a setting beats the job's `variables:`, which beat the
    // file's).
    let defined: Vec<(String, String, bool)> = job
        .global_variables
        .iter()
        .chain(&job.variables)
        .map(|v| (v.name.clone(), v.value.clone(), v.expand))
        .chain(
            options
                .variables
                .iter()
                .map(|(k, v)| (k.clone(), v.clone(), true)),
        )
        .collect();
    let mut written = Vars(vars.0.clone());
    for (name, value, _) in &defined {
        written.set(name, value.clone());
    }
    let expanded = |text: &str| expand(text, |name| written.get(name));

    for (name, value) in jwt_variables(fed, job, options, version, &expanded).await? {
        vars.set(&name, value);
    }
    for (name, value, expand) in &defined {
        let value = if *expand {
            expanded(value)
        } else {
            value.clone()
        };
        vars.set(name, value);
    }
    for (name, value) in fed.proxy_vars()? {
        vars.set(&name, value);
    }
    Ok(PreparedJob {
        job: job.clone(),
        vars: vars.0,
        project_dir,
    })
}

/// The job's ID tokens, or the legacy JWTs where the release still has them.
async fn jwt_variables(
    fed: &Federation,
    job: &CiJob,
    options: &JobOptions,
    version: GitlabVersion,
    expanded: &impl Fn(&str) -> String,
) -> Result<Vec<(String, String)>, JobError> {
    let pipeline = &options.pipeline;
    let mint = |kind, aud| fed.mint(IdToken::from_mint_request(pipeline.mint_request(kind, aud)));
    let mut out = Vec::new();
    if job.id_tokens.is_empty() {
        if version < LEGACY_JWT_REMOVED {
            let v1 = mint(TokenKind::CiJobJwt, None).await?;
            let v2 = mint(TokenKind::CiJobJwtV2, None).await?;
            out.push(("CI_JOB_JWT".to_owned(), v1.as_str().to_owned()));
            out.push(("CI_JOB_JWT_V1".to_owned(), v1.as_str().to_owned()));
            out.push(("CI_JOB_JWT_V2".to_owned(), v2.as_str().to_owned()));
        }
        return Ok(out);
    }
    for spec in &job.id_tokens {
        let auds: Vec<String> = spec.aud.iter().map(|a| expanded(a)).collect();
        let aud = match (spec.aud_is_list, auds.as_slice()) {
            (false, [one]) => Audience::One(one.clone()),
            _ => Audience::Many(auds),
        };
        let token = mint(TokenKind::IdToken, Some(aud)).await?;
        out.push((spec.name.clone(), token.as_str().to_owned()));
    }
    Ok(out)
}

/// fedlab's wrapper directory, then the aws CLI's directory, then this process's `PATH`.
fn job_path(dir: &Path, aws_cli: Option<&Path>, region: &str) -> Result<String, JobError> {
    let inherited = std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".to_owned());
    let Some(aws) = aws_cli else {
        return Ok(inherited);
    };
    let wrapper = shell::write_aws_wrapper(dir, aws, region).map_err(io("the aws CLI wrapper"))?;
    let aws_dir = aws.parent().unwrap_or(Path::new("/"));
    Ok(format!(
        "{}:{}:{inherited}",
        wrapper.display(),
        aws_dir.display()
    ))
}

/// `program` as an absolute path: as given when it names a file, else the first match on
/// `PATH`.
pub fn find_program(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 {
        // Absolute but not canonical: a symlinked `aws` keeps its own directory on `PATH`.
        return std::path::absolute(program).ok().filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// `NAME=value` lines a shell can source (values quoted when needed).
pub fn env_text(vars: &[(String, String)]) -> String {
    vars.iter()
        .map(|(name, value)| format!("{name}={}\n", shell::quote(value)))
        .collect()
}
