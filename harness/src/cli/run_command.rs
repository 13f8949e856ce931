//! `fedlab run`: the selected scenarios × clients, in parallel, reported as text, JSON and JUnit.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use super::args::{Choosing, Selecting, exit_code};
use super::exit_codes;
use super::target_args::Targeting;
use crate::progress::{Progress, colour_for};
use crate::report::{self, Style};
use crate::runner::Runner;

#[derive(Debug, Args)]
pub(super) struct RunArgs {
    #[command(flatten)]
    select: Selecting,
    #[command(flatten)]
    clients: Choosing,
    #[command(flatten)]
    target: Targeting,
    /// How many scenario × client runs at a time (default: the number of cores).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Also write a JUnit XML report here (one test case per scenario × client).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also write a JSON report here: expected and actual answers, every request mock-sts saw,
    /// and its explanations, per scenario × client.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Show the trace (expected, actual, mock-sts's explanation) for passing scenarios too.
    #[arg(short, long)]
    verbose: bool,
}

pub(super) async fn run(args: RunArgs) -> anyhow::Result<i32> {
    let sources = match args.select.sources() {
        Ok(sources) => sources,
        Err(err) => {
            eprintln!("fedlab: {err}");
            return Ok(exit_codes::SETUP_FAILED);
        }
    };
    let clients = match args.clients.clients().await {
        Ok(clients) => clients,
        Err(reason) => {
            eprintln!("fedlab: {reason}");
            return Ok(exit_codes::SETUP_FAILED);
        }
    };
    let target = match args.target.remote() {
        Ok(target) => target,
        Err(err) => {
            eprintln!("fedlab: {err:#}");
            return Ok(exit_codes::SETUP_FAILED);
        }
    };
    let mut runner = Runner::new();
    if let Some(jobs) = args.jobs {
        runner = runner.jobs(jobs.into());
    }
    if let Some(target) = target {
        eprintln!(
            "fedlab: against the mocks at {} and {} ({}), reset before each case",
            target.sts_endpoint, target.issuer, target.gitlab_address
        );
        runner = runner.remote(target);
    }
    let total = sources.len() * clients.len();
    eprintln!(
        "fedlab: {} scenario(s) x {} client(s), {} at a time",
        sources.len(),
        clients.len(),
        runner.job_count()
    );
    let stderr_terminal = std::io::stderr().is_terminal();
    let progress = Progress::new(total, stderr_terminal, colour_for(stderr_terminal));
    let style = Style {
        colour: colour_for(std::io::stdout().is_terminal()),
    };
    let started = Instant::now();
    let results = runner
        .run_all(&sources, &clients, |result| {
            progress.finished(format!("{} [{}]", result.name, result.client), || {
                let mut stdout = std::io::stdout().lock();
                report::print_result(&mut stdout, result, args.verbose, style);
                let _ = stdout.flush();
            });
        })
        .await;
    progress.done();
    let summary = report::summarize(&results);
    println!(
        "fedlab: {} scenario(s) x {} client(s) in {:.2} s with {} job(s)",
        sources.len(),
        clients.len(),
        started.elapsed().as_secs_f64(),
        runner.job_count()
    );
    if summary.errors > 0 {
        println!(
            "fedlab: {} case(s) could not be set up (ERROR above; counted as failed)",
            summary.errors
        );
    }
    println!("{}", report::summary_line(summary));
    if let Some(path) = &args.junit {
        write(path, &report::junit(&results))?;
    }
    if let Some(path) = &args.json {
        write(path, &report::json(&results))?;
    }
    Ok(exit_code(&results))
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("failed to write {}", path.display()))
}
