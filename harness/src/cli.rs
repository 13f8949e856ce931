//! The `fedlab` command line: replay GitLab CI → AWS OIDC federation scenarios against real
//! clients, offline. The binary's `main` is one call to [`main`].

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use tokio::signal::unix::{SignalKind, signal};

use crate::report;
use crate::runner::{Client, Runner, Verdict};
use crate::scenario::ScenarioSource;

/// Process exit codes, nextest-style: a scenario failure is not a setup failure. When both
/// happen in one run, `SETUP_FAILED` wins: a broken environment makes every other verdict
/// suspect.
pub mod exit_codes {
    /// Every scenario passed.
    pub const OK: i32 = 0;
    /// At least one scenario failed: a client or mock-sts did not answer as documented.
    pub const SCENARIO_FAILED: i32 = 100;
    /// A scenario or the environment could not be set up.
    pub const SETUP_FAILED: i32 = 101;
}

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
    /// Run scenarios (default: the catalogue built into this binary) and judge each client.
    Run {
        /// Scenario files, directories, or embedded scenario names; none means the whole
        /// embedded catalogue.
        paths: Vec<PathBuf>,
        /// Client(s) to put through every scenario.
        #[arg(long, value_enum, default_values_t = [ClientArg::Builtin])]
        client: Vec<ClientArg>,
        /// The aws CLI program for `--client aws-cli`.
        #[arg(long, env = "FEDLAB_AWS_CLI", default_value = "aws")]
        aws_cli: PathBuf,
        /// Also write a JUnit XML report here.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// Show mock-sts's explanation for passing scenarios too.
        #[arg(short, long)]
        verbose: bool,
    },
    /// List scenarios (default: the embedded catalogue).
    List { paths: Vec<PathBuf> },
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ClientArg {
    Builtin,
    AwsCli,
}

/// Parses the command line, runs the command, and returns the process exit code.
pub fn main() -> ExitCode {
    // Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org).
    let ansi = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    tracing_subscriber::fmt()
        .with_ansi(ansi)
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
            return ExitCode::from(exit_codes::SETUP_FAILED as u8);
        }
    };
    match runtime.block_on(execute(cli.command)) {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("fedlab: {err:#}");
            ExitCode::from(exit_codes::SETUP_FAILED as u8)
        }
    }
}

fn sources(paths: &[PathBuf]) -> anyhow::Result<Vec<ScenarioSource>> {
    if paths.is_empty() {
        Ok(ScenarioSource::embedded())
    } else {
        Ok(ScenarioSource::resolve(paths)?)
    }
}

async fn execute(command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Run {
            paths,
            client,
            aws_cli,
            junit,
            verbose,
        } => {
            let sources = sources(&paths)?;
            let runner = Runner::new();
            let clients: Vec<Client> = client
                .iter()
                .map(|c| match c {
                    ClientArg::Builtin => Client::builtin(),
                    ClientArg::AwsCli => Client::aws_cli(&aws_cli),
                })
                .collect();
            for client in &clients {
                match client.preflight().await {
                    Ok(Some(version)) => eprintln!("fedlab: client {}: {version}", client.name()),
                    Ok(None) => {}
                    Err(reason) => {
                        eprintln!("fedlab: {reason}");
                        return Ok(exit_codes::SETUP_FAILED);
                    }
                }
            }
            let started = std::time::Instant::now();
            let mut stdout = std::io::stdout();
            let results = runner
                .run_all(&sources, &clients, |result| {
                    report::print_result(&mut stdout, result, verbose);
                    let _ = stdout.flush();
                })
                .await;
            let summary = report::summarize(&results);
            println!(
                "fedlab: {} scenario(s) x {} client(s) in {:.2} s",
                sources.len(),
                clients.len(),
                started.elapsed().as_secs_f64()
            );
            println!("{}", report::summary_line(summary));
            if let Some(path) = junit {
                std::fs::write(&path, report::junit(&results))
                    .with_context(|| format!("failed to write {}", path.display()))?;
            }
            Ok(
                if results
                    .iter()
                    .any(|r| matches!(r.verdict, Verdict::SetupError(_)))
                {
                    exit_codes::SETUP_FAILED
                } else if summary.failed > 0 {
                    exit_codes::SCENARIO_FAILED
                } else {
                    exit_codes::OK
                },
            )
        }
        Command::List { paths } => {
            for source in sources(&paths)? {
                let scenario = source.preview()?;
                println!("{:<48} {}", scenario.name, source.origin);
            }
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
