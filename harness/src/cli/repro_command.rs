//! `fedlab repro "<error>"`: finds the documented cases that give an error pasted from a job
//! log, replays them offline, and prints for each what caused it and what to change.

use std::path::PathBuf;

use clap::Args;

use super::args::{Choosing, exit_code};
use super::exit_codes;
use crate::repro::{Found, MatchKind, find, parse_pasted};
use crate::runner::{Runner, ScenarioResult, Verdict};
use crate::scenario::{ScenarioSource, Selection};

#[derive(Debug, Args)]
pub(super) struct ReproArgs {
    /// The error as pasted from a job log: a message, a code, or the aws CLI's whole
    /// "An error occurred (CODE) when calling the OP operation: MESSAGE" line.
    error: String,
    /// Where to look: scenario files, directories or names (default: the embedded catalogue).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    clients: Choosing,
}

pub(super) async fn repro(args: ReproArgs) -> anyhow::Result<i32> {
    let sources = if args.paths.is_empty() {
        ScenarioSource::embedded()
    } else {
        match ScenarioSource::resolve(&args.paths)
            .and_then(|sources| Selection::default().apply(sources))
        {
            Ok(sources) => sources,
            Err(err) => {
                eprintln!("fedlab: {err}");
                return Ok(exit_codes::SETUP_FAILED);
            }
        }
    };
    let pasted = parse_pasted(&args.error);
    let found = find(&sources, &pasted);
    let Some(kind) = found.first().map(|f| f.kind) else {
        println!(
            "fedlab repro: no documented case gives {:?}; `fedlab list` shows every case and its answer",
            pasted.text
        );
        return Ok(exit_codes::NOT_FOUND);
    };
    let clients = match args.clients.clients().await {
        Ok(clients) => clients,
        Err(reason) => {
            eprintln!("fedlab: {reason}");
            return Ok(exit_codes::SETUP_FAILED);
        }
    };
    println!(
        "fedlab repro: {} documented case(s) give this, matched by {}; replaying offline…\n",
        found.len(),
        kind.describe()
    );
    let matched: Vec<ScenarioSource> = found.iter().map(|f| f.source.clone()).collect();
    let results = Runner::new().run_all(&matched, &clients, |_| {}).await;
    for case in &found {
        let runs: Vec<&ScenarioResult> = results
            .iter()
            .filter(|r| r.origin == case.source.origin)
            .collect();
        print_case(case, &runs);
    }
    Ok(exit_code(&results))
}

fn print_case(case: &Found, runs: &[&ScenarioResult]) {
    let scenario = &case.scenario;
    println!("{}  ({})", scenario.name, case.source.origin);
    let via = match case.via.as_deref() {
        None => String::new(),
        Some("IAM") => " (IAM, registering the provider)".to_owned(),
        Some(client) => format!(" (with {client})"),
    };
    field("answer", &format!("{}{via}", case.answer));
    if case.kind == MatchKind::Whitespace {
        field(
            "note",
            "the pasted text differs from AWS's message in its whitespace only",
        );
    }
    field("cause", scenario.description.trim());
    for run in runs {
        let explanation = explanation(case, run);
        if let Some(explanation) = explanation {
            field(&format!("mock-sts [{}]", run.client), explanation);
        }
        let verdict = match &run.verdict {
            Verdict::Pass => {
                "reproduced: the servers gave exactly the documented answer".to_owned()
            }
            Verdict::Skipped(reason) => format!("skipped for this client: {reason}"),
            Verdict::Fail(problems) => format!("NOT reproduced: {}", problems.join("; ")),
            Verdict::SetupError(reason) => format!("could not be set up: {reason}"),
        };
        field(
            &format!("replayed [{}]", run.client),
            &format!("{verdict} ({} ms)", run.elapsed.as_millis()),
        );
    }
    match &scenario.fix {
        Some(fix) => field("fix", fix.trim()),
        None => field("fix", "not written down yet; see the source"),
    }
    field("source", scenario.source.trim());
    println!();
}

/// mock-sts's explanation of the matched answer: the IAM call's for a refused provider, the
/// last AssumeRoleWithWebIdentity's otherwise.
fn explanation<'a>(case: &Found, run: &'a ScenarioResult) -> Option<&'a str> {
    if case.via.as_deref() == Some("IAM") {
        let code = case.answer.code();
        return run
            .setup_requests
            .iter()
            .find(|e| e.code.as_deref() == code)
            .and_then(|e| e.detail.as_deref());
    }
    run.detail.as_deref()
}

/// `  label     text`, continuation lines aligned under the text.
fn field(label: &str, text: &str) {
    let mut lines = text.lines();
    println!("  {label:<20} {}", lines.next().unwrap_or_default());
    for line in lines {
        println!("  {:<20} {line}", "");
    }
}
