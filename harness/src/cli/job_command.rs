//! `fedlab job FILE JOB`: one job of a `.gitlab-ci.yml` run unchanged against the mocks, with the
//! environment GitLab gives it (see [`crate::job_run`] and `docs/job.md`). Exit code: the job's.
//! fedlab's own setup failures use [`exit_codes::SETUP_FAILED`] (101), which a job can exit with
//! too: the line `fedlab job: setup failed` on stderr tells them apart.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use mock_gitlab::RefType;

use super::exit_codes;
use crate::expect::describe;
use crate::federation::Federation;
use crate::gitlab_ci::CiFile;
use crate::job_run::{self, JobAccount, JobOptions, Pipeline};
use crate::permissions_report::SavedRun;
use crate::scenario::{AwsSetup, Placeholders};

#[derive(Debug, Args)]
pub(super) struct JobArgs {
    /// The `.gitlab-ci.yml` (self-contained: `include:` is not followed).
    file: PathBuf,
    /// The job to run, e.g. "assume role".
    job: String,
    /// A CI/CD variable of the project's settings, e.g. `--var ROLE_ARN=arn:aws:iam::…`
    /// (repeatable; wins over the file's `variables:`).
    #[arg(long = "var", value_name = "KEY=VALUE")]
    vars: Vec<String>,
    /// The AWS account: a YAML file shaped like a scenario's `aws:` section (providers, roles
    /// with trust policies, and `policies:` per role); placeholders such as `{{issuer_host}}`.
    #[arg(long, value_name = "FILE")]
    aws: Option<PathBuf>,
    /// The project the pipeline runs for (`project_path`, `CI_PROJECT_PATH`).
    #[arg(long, default_value = "mygroup/myproject")]
    project_path: String,
    /// The branch or tag (`ref`, `CI_COMMIT_REF_NAME`).
    #[arg(long = "ref", default_value = "main")]
    git_ref: String,
    /// Whether `--ref` is a branch or a tag (`ref_type`; `CI_COMMIT_BRANCH` or `CI_COMMIT_TAG`).
    #[arg(long, value_enum, default_value = "branch")]
    ref_type: RefTypeArg,
    /// The ref is protected (`ref_protected`, `CI_COMMIT_REF_PROTECTED`).
    #[arg(long)]
    protected: bool,
    /// The GitLab release, e.g. 16.11 (which still gives jobs without `id_tokens:` the legacy
    /// `CI_JOB_JWT*`). Default: the newest mock-gitlab models.
    #[arg(long, value_name = "X.Y")]
    gitlab_version: Option<String>,
    /// The aws CLI whose directory goes first on the job's `PATH` (default: `FEDLAB_AWS_CLI`,
    /// else `aws` on `PATH`).
    #[arg(long, value_name = "PROGRAM")]
    aws_cli: Option<PathBuf>,
    /// Print the job's variables (`NAME=value`, quoted for a shell) instead of running it.
    #[arg(long)]
    print_env: bool,
    /// After the job, save what mock-sts saw (`{"requests": [...], "state": {...}}`) to FILE,
    /// for `fedlab permissions FILE`.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// After the job, print the least-privilege report of its calls (docs/permissions.md). The
    /// exit code stays the job's.
    #[arg(long)]
    permissions: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RefTypeArg {
    Branch,
    Tag,
}

pub(super) async fn job(args: JobArgs) -> anyhow::Result<i32> {
    match prepare_and_run(args).await {
        Ok(code) => Ok(code),
        Err(err) => {
            eprintln!("fedlab job: setup failed: {err:#}");
            Ok(exit_codes::SETUP_FAILED)
        }
    }
}

async fn prepare_and_run(args: JobArgs) -> anyhow::Result<i32> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let ci = CiFile::parse(&text).with_context(|| args.file.display().to_string())?;
    let job = ci.job(&args.job)?;
    let mut variables = Vec::new();
    for pair in &args.vars {
        let (key, value) = pair
            .split_once('=')
            .with_context(|| format!("--var {pair:?}: expected KEY=VALUE"))?;
        variables.push((key.to_owned(), value.to_owned()));
    }
    let account_text = match &args.aws {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        ),
        None => None,
    };
    // The issuer's CA trust is a start-up setting, so the file is read once before the start.
    let trusted = match &account_text {
        Some(text) => JobAccount::parse(text, &Placeholders::dummies())?.aws,
        None => AwsSetup::default(),
    }
    .trusted_issuer_ca;
    let mut builder = Federation::builder().trusted_issuer_ca(trusted);
    if let Some(version) = &args.gitlab_version {
        builder = builder.gitlab_version(version);
    }
    let fed = builder.start().await?;
    if let Some(text) = &account_text {
        let values = Placeholders::of(&fed, Placeholders::unreachable_issuer()?);
        for note in JobAccount::parse(text, &values)?.apply(&fed).await? {
            eprintln!("fedlab job: {note}");
        }
    }
    let aws_cli = aws_cli(args.aws_cli.clone())?;
    let options = JobOptions {
        pipeline: Pipeline {
            project_path: args.project_path.clone(),
            git_ref: args.git_ref.clone(),
            ref_type: match args.ref_type {
                RefTypeArg::Branch => RefType::Branch,
                RefTypeArg::Tag => RefType::Tag,
            },
            ref_protected: args.protected,
            ..Pipeline::default()
        },
        variables,
        aws_cli,
    };
    let prepared = job_run::prepare(&fed, &job, &options).await?;
    if args.print_env {
        print!("{}", job_run::env_text(prepared.vars()));
        return Ok(exit_codes::OK);
    }
    for ignored in &prepared.job().ignored {
        eprintln!("fedlab job: not modelled, the job runs on this machine: {ignored}");
    }
    let runner = prepared.clone();
    let code = tokio::task::spawn_blocking(move || runner.run()).await??;
    for line in answers(&fed.requests()) {
        eprintln!("fedlab job: mock-sts {line}");
    }
    for refused in fed.proxy_refusals() {
        eprintln!(
            "fedlab job: fedlab's proxy refused {} {}",
            refused.method, refused.destination
        );
    }
    after_the_job(&fed, args.report.as_deref(), args.permissions);
    Ok(code)
}

/// `--report` and `--permissions`. The job has run, so a failure here is reported on stderr and
/// leaves the exit code the job's.
fn after_the_job(fed: &Federation, report: Option<&std::path::Path>, permissions: bool) {
    if report.is_none() && !permissions {
        return;
    }
    let saved = SavedRun {
        requests: fed.requests(),
        state: fed.iam_state(),
    };
    if let Some(path) = report
        && let Err(err) = std::fs::write(path, saved.to_json())
    {
        eprintln!("fedlab job: cannot write {}: {err}", path.display());
    }
    if permissions && let Err(err) = super::permissions_command::print(&saved, false) {
        eprintln!("fedlab job: the permissions report failed: {err:#}");
    }
}

/// `--aws-cli`, else `FEDLAB_AWS_CLI`, else `aws` on `PATH`. One named explicitly must exist;
/// without one the job's `PATH` stays as it is.
fn aws_cli(explicit: Option<PathBuf>) -> anyhow::Result<Option<PathBuf>> {
    if let Some(program) = explicit {
        return job_run::find_program(&program)
            .map(Some)
            .with_context(|| format!("--aws-cli {}: no such program", program.display()));
    }
    let found = job_run::find_program(&crate::clients::Tools::from_env().aws_cli);
    if found.is_none() {
        eprintln!("fedlab job: no aws CLI found (FEDLAB_AWS_CLI, or aws on PATH); PATH unchanged");
    }
    Ok(found)
}

/// One line per answer mock-sts gave, a run of identical answers (a client retrying, or
/// following a redirect again and again) folded into one line with its count.
fn answers(requests: &[crate::Request]) -> Vec<String> {
    let mut lines: Vec<(String, usize)> = Vec::new();
    for entry in requests {
        let line = describe(entry);
        let without_seq = |l: &str| l.split_once(' ').map(|(_, rest)| rest.to_owned());
        match lines.last_mut() {
            Some((last, count)) if without_seq(last) == without_seq(&line) => *count += 1,
            _ => lines.push((line, 1)),
        }
    }
    lines
        .into_iter()
        .map(|(line, count)| match count {
            1 => line,
            n => format!("{line} (and {} more like it)", n - 1),
        })
        .collect()
}
