//! `fedlab list`, `fedlab show` and `fedlab schema`: the catalogue as a reader sees it.

use std::path::PathBuf;

use clap::Args;

use super::args::Selecting;
use super::exit_codes;
use crate::scenario::{ClientPlan, Placeholders, ScenarioSource, schema_json};

#[derive(Debug, Args)]
pub(super) struct ListArgs {
    #[command(flatten)]
    select: Selecting,
}

/// Every selected scenario with the answer it expects and its per-client differences; every
/// file that does not load is reported (on stderr), not only the first.
pub(super) fn list(args: &ListArgs) -> i32 {
    let sources = match args.select.sources() {
        Ok(sources) => sources,
        Err(err) => {
            eprintln!("fedlab: {err}");
            return exit_codes::SETUP_FAILED;
        }
    };
    let mut broken = 0;
    for source in &sources {
        // Shown with its placeholders, when they sit where YAML allows braces.
        let shown = source.render(&Placeholders::as_written());
        let scenario = match shown.or_else(|_| source.preview()) {
            Ok(scenario) => scenario,
            Err(err) => {
                broken += 1;
                eprintln!("fedlab: {err}");
                continue;
            }
        };
        println!("{:<48} {}", scenario.name, scenario.expect);
        for client in scenario.clients.keys() {
            let note = match scenario.plan_for(client) {
                ClientPlan::Skip(reason) => format!("skipped: {reason}"),
                ClientPlan::Run {
                    expect,
                    assume_requests,
                } => {
                    let count = assume_requests
                        .map(|count| format!(" after {count} AssumeRoleWithWebIdentity request(s)"))
                        .unwrap_or_default();
                    format!("{expect}{count}")
                }
            };
            println!("{:<48} {client}: {note}", "");
        }
    }
    let loaded = sources.len() - broken;
    if broken > 0 {
        eprintln!(
            "fedlab: {broken} of {} scenario file(s) do not load",
            sources.len()
        );
        return exit_codes::SETUP_FAILED;
    }
    eprintln!("fedlab: {loaded} scenario(s)");
    exit_codes::OK
}

#[derive(Debug, Args)]
pub(super) struct ShowArgs {
    /// Scenario names (embedded or in the catalogue), or files.
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
}

/// Prints each scenario's file as it is written, under a comment naming where it comes from.
pub(super) fn show(args: &ShowArgs) -> i32 {
    match ScenarioSource::resolve(&args.scenarios) {
        Ok(sources) => {
            for (i, source) in sources.iter().enumerate() {
                if i > 0 {
                    println!();
                }
                println!("# {}", source.origin);
                print!("{}", source.text);
                if !source.text.ends_with('\n') {
                    println!();
                }
            }
            exit_codes::OK
        }
        Err(err) => {
            eprintln!("fedlab: {err}");
            exit_codes::SETUP_FAILED
        }
    }
}

/// The JSON Schema of a scenario file, as `scenarios/schema.json` holds it.
pub(super) fn schema() -> i32 {
    print!("{}", schema_json());
    exit_codes::OK
}
