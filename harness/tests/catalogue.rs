//! The scenario catalogue, data-driven: one test per file under `scenarios/` (subdirectories
//! included), each replayed with fedlab's builtin client, as `fedlab run` does. A file that does
//! not load is a failing test naming its line; a case the scenario skips for the builtin client
//! is reported as ignored, never as passed.
//!
//! `cargo test -p fedlab --test catalogue -- wrong-audience` runs one case.

use std::path::Path;

use fedlab::runner::{Client, Runner, ScenarioResult, Verdict};
use fedlab::scenario::{ClientPlan, ScenarioSource};
use libtest_mimic::{Arguments, Failed, Trial};

const CLIENT: &str = "builtin";

fn main() -> std::process::ExitCode {
    let arguments = Arguments::from_args();
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let trials = match ScenarioSource::load(&[directory]) {
        Ok(sources) => sources.into_iter().map(trial).collect(),
        Err(err) => vec![Trial::test("the scenarios directory loads", move || {
            Err(Failed::from(err.to_string()))
        })],
    };
    libtest_mimic::run(&arguments, trials).exit_code()
}

fn trial(source: ScenarioSource) -> Trial {
    let name = source.display_name();
    let skip = source
        .preview()
        .ok()
        .and_then(|scenario| match scenario.plan_for(CLIENT) {
            ClientPlan::Skip(reason) => Some(reason.to_owned()),
            // Staged on a container only: docker/catalogue.sh runs these.
            ClientPlan::Run { .. } if scenario.gitlab.outage.is_some() => {
                Some("a real outage of the issuer's container".to_owned())
            }
            ClientPlan::Run { .. } => None,
        });
    let ignored = skip.is_some();
    Trial::test(name, move || replay(&source, skip.as_deref()))
        .with_kind(CLIENT)
        .with_ignored_flag(ignored)
}

fn replay(source: &ScenarioSource, skip: Option<&str>) -> Result<(), Failed> {
    if let Some(reason) = skip {
        // Run only under --include-ignored: there is nothing the builtin client can send.
        println!("skipped by the scenario for {CLIENT}: {reason}");
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failed::from(format!("no async runtime: {e}")))?;
    let result = runtime.block_on(Runner::new().run_one(source, &Client::builtin()));
    match &result.verdict {
        Verdict::Pass => Ok(()),
        Verdict::Skipped(reason) => Err(Failed::from(format!(
            "skipped although the preview ran it: {reason}"
        ))),
        Verdict::Fail(problems) => Err(Failed::from(explain(&result, problems))),
        Verdict::SetupError(reason) => Err(Failed::from(format!("setup failed: {reason}"))),
    }
}

/// The same evidence `fedlab run` prints: expected, every problem, mock-sts's explanation.
fn explain(result: &ScenarioResult, problems: &[String]) -> String {
    let mut text = String::new();
    if let Some(expected) = &result.expected {
        text.push_str(&format!("expected {expected}\n"));
    }
    for problem in problems {
        text.push_str(&format!("- {problem}\n"));
    }
    if let Some(detail) = &result.detail {
        text.push_str(&format!("mock-sts: {detail}\n"));
    }
    text
}
