//! The `fedlab` command line: replay GitLab CI → AWS OIDC federation scenarios against real
//! clients, offline. The binary's `main` is one call to [`main`].

mod args;
mod bench_command;
pub mod exit_codes;
mod explain_command;
mod inspect;
mod job_command;
mod lint_command;
mod permissions_command;
mod repro_command;
mod run_command;
mod target_args;

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use tokio::signal::unix::{SignalKind, signal};

use crate::progress::colour_for;
use crate::scenario::ScenarioSource;

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Replay GitLab CI -> AWS OIDC federation scenarios against real clients, offline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run scenarios (default: the catalogue built into this binary) and judge each client by
    /// what mock-sts saw. Exit code 0: all passed (skips allowed); 100: a scenario failed;
    /// 101: setup failed (wins over 100).
    Run(run_command::RunArgs),
    /// List scenarios with the answer each expects; report every file that does not load.
    List(inspect::ListArgs),
    /// Print scenario files as written (embedded ones included).
    Show(inspect::ShowArgs),
    /// Find the documented cases that give an error pasted from a job log, replay them, and
    /// print what caused it and what to change. Exit code 1: no case gives it.
    Repro(repro_command::ReproArgs),
    /// Run one job of a .gitlab-ci.yml unchanged against the mocks, with the environment GitLab
    /// gives it (ID tokens, predefined and CI/CD variables) and only mock-sts to talk to.
    /// Exit code: the job's (fedlab's own setup failures: 101).
    Job(job_command::JobArgs),
    /// Print the JSON Schema of a scenario file (`scenarios/schema.json`).
    Schema,
    /// Evaluate a trust policy offline against the request AWS would build from a token or
    /// claims (decoded, never verified): the decision, the trace, and the change that would let
    /// the request in (docs/explain.md). Exit code 0: allowed; 1: denied; 2: usage or input error.
    Explain(explain_command::ExplainArgs),
    /// Find the pitfalls of a GitLab -> AWS OIDC trust policy file, each with a stable id,
    /// severity, location and one-line fix (docs/lint.md). Exit code 0: no error-severity
    /// finding; 1: at least one; 2: usage error or unreadable file.
    Lint(lint_command::LintArgs),
    /// A least-privilege report of a saved run (`fedlab job --report FILE`): per role the
    /// actions and resources used, the grants never used, and the narrowest policy that would
    /// have sufficed (docs/permissions.md). Exit code 0; 2: unreadable file.
    Permissions(permissions_command::PermissionsArgs),
    /// A load generator: keep-alive connections sending `assume`, `caller-identity`, `jwks`,
    /// `mint` or `s3` requests to the in-process federation (or --endpoint), every answer
    /// checked; prints req/s, latency percentiles and errors by cause (docs/performance.md).
    /// Exit code 0: no error; 1: some answer failed its check; 101: setup failed.
    Bench(bench_command::BenchArgs),
    /// List the built-in clients and the version of the tool each one finds.
    Clients,
    /// Start mock-gitlab and mock-sts for a shell: set up one scenario's account and token,
    /// write the variables to `--env-file`, print each answer mock-sts gives, keep the token
    /// fresh, and run until Ctrl-C.
    Up {
        /// A scenario file, or the name of an embedded scenario.
        #[arg(long, default_value = "id-tokens-aud-sts-succeeds")]
        scenario: String,
        /// Where to write the variables (removed again when `up` stops); load it with
        /// `set -a; . FILE; set +a`.
        #[arg(long, default_value = "fedlab.env")]
        env_file: PathBuf,
    },
}

/// Parses the command line, runs the command, and returns the process exit code.
pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_ansi(colour_for(std::io::stderr().is_terminal()))
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("fedlab: failed to start the async runtime: {err}");
            return exit(exit_codes::SETUP_FAILED);
        }
    };
    match runtime.block_on(execute(cli.command)) {
        Ok(code) => exit(code),
        Err(err) => {
            eprintln!("fedlab: {err:#}");
            exit(exit_codes::SETUP_FAILED)
        }
    }
}

fn exit(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(u8::MAX))
}

async fn execute(command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Run(args) => run_command::run(args).await,
        Command::List(args) => Ok(inspect::list(&args)),
        Command::Show(args) => Ok(inspect::show(&args)),
        Command::Repro(args) => repro_command::repro(args).await,
        Command::Job(args) => job_command::job(args).await,
        Command::Schema => Ok(inspect::schema()),
        Command::Explain(args) => explain_command::run(&args),
        Command::Lint(args) => lint_command::run(&args),
        Command::Permissions(args) => permissions_command::run(&args),
        Command::Bench(args) => bench_command::run(args).await,
        Command::Clients => {
            let tools = crate::clients::Tools::from_env();
            for (name, found) in crate::clients::builtin_clients(&tools).await {
                match found {
                    Ok(Some(version)) => println!("{name:<14} {version}"),
                    Ok(None) => println!("{name:<14} built into fedlab"),
                    Err(reason) => println!("{name:<14} unavailable: {reason}"),
                }
            }
            println!(
                "{:<14} any program: --client 'cmd:./my-tool.sh'",
                "cmd:PROGRAM"
            );
            Ok(exit_codes::OK)
        }
        Command::Up { scenario, env_file } => {
            let source = ScenarioSource::resolve(&[PathBuf::from(&scenario)])?
                .pop()
                .context("no scenario found")?;
            // Registered before the ready line, so a signal sent right after it stops us cleanly.
            let mut terminate = signal(SignalKind::terminate())?;
            let mut interrupt = signal(SignalKind::interrupt())?;
            crate::up::up(&source, &env_file, async move {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = interrupt.recv() => {}
                }
            })
            .await?;
            Ok(exit_codes::OK)
        }
    }
}
