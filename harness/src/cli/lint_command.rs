//! `fedlab lint FILE`: the findings of [`crate::lint`] as text or JSON, exit 1 on an error.

use std::path::PathBuf;

use clap::Args;

use super::exit_codes;
use crate::lint::{LintOptions, lint, text};

#[derive(Debug, Args)]
pub(super) struct LintArgs {
    /// The trust policy JSON file (`-` reads standard input).
    file: PathBuf,
    /// The GitLab issuer URL or host the role is for; default: the policy's Federated provider.
    #[arg(long)]
    issuer: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(super) fn run(args: &LintArgs) -> anyhow::Result<i32> {
    let name = args.file.display().to_string();
    let read = if name == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(&args.file)
    };
    let policy = match read {
        Ok(policy) => policy,
        Err(err) => {
            eprintln!("fedlab lint: cannot read {name}: {err}");
            return Ok(exit_codes::USAGE);
        }
    };
    let report = lint(
        &policy,
        &LintOptions {
            issuer: args.issuer.clone(),
        },
    );
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", text(&report, &name));
    }
    Ok(if report.has_errors() {
        exit_codes::LINT_ERRORS
    } else {
        exit_codes::OK
    })
}
