//! `fedlab permissions FILE`: the least-privilege report of [`crate::permissions_report`] for a
//! saved run (`fedlab job --report FILE`), as text or JSON.

use std::path::PathBuf;

use clap::Args;

use super::exit_codes;
use crate::permissions_report::{SavedRun, report, text};

#[derive(Debug, Args)]
pub(super) struct PermissionsArgs {
    /// A saved run: `{"requests": [...], "state": {...}}` (`-` reads standard input).
    file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(super) fn run(args: &PermissionsArgs) -> anyhow::Result<i32> {
    let name = args.file.display().to_string();
    let read = if name == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(&args.file)
    };
    let saved = match read
        .map_err(anyhow::Error::from)
        .and_then(|text| SavedRun::from_json(&text).map_err(anyhow::Error::from))
    {
        Ok(saved) => saved,
        Err(err) => {
            eprintln!("fedlab permissions: {name}: {err}");
            return Ok(exit_codes::USAGE);
        }
    };
    print(&saved, args.json)?;
    Ok(exit_codes::OK)
}

/// Prints the report of `saved` to standard output.
pub(super) fn print(saved: &SavedRun, json: bool) -> anyhow::Result<()> {
    let report = report(saved);
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", text(&report));
    }
    Ok(())
}
