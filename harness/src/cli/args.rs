//! The options several commands share: which scenarios, and which clients.

use std::path::PathBuf;

use clap::Args;

use super::exit_codes;
use crate::clients::Tools;
use crate::runner::{Client, ScenarioResult, Verdict};
use crate::scenario::{Partition, ScenarioError, ScenarioSource, Selection};

#[derive(Debug, Args)]
pub(super) struct Selecting {
    /// Scenario files, directories (searched with their subdirectories), or names of embedded
    /// scenarios; none means the whole catalogue built into this binary.
    pub(super) paths: Vec<PathBuf>,
    /// Only scenarios whose name matches PATTERN: a glob with `*` and `?`, or else any part of
    /// the name. Repeat it to take scenarios matching any of them.
    #[arg(long, value_name = "PATTERN")]
    pub(super) filter: Vec<String>,
    /// Only shard K of N (1 <= K <= N), by name order, e.g. `--partition
    /// $CI_NODE_INDEX/$CI_NODE_TOTAL` under GitLab's `parallel: N`.
    #[arg(long, value_name = "K/N")]
    pub(super) partition: Option<Partition>,
}

impl Selecting {
    /// The selected sources: an empty directory, an empty selection or two scenarios with one
    /// name are errors.
    pub(super) fn sources(&self) -> Result<Vec<ScenarioSource>, ScenarioError> {
        let sources = if self.paths.is_empty() {
            ScenarioSource::embedded()
        } else {
            ScenarioSource::resolve(&self.paths)?
        };
        if sources.is_empty() {
            return Err(ScenarioError::Empty {
                place: "the embedded catalogue".to_owned(),
            });
        }
        Selection {
            filters: self.filter.clone(),
            partition: self.partition,
        }
        .apply(sources)
    }
}

#[derive(Debug, Args)]
pub(super) struct Choosing {
    /// The client(s) to put through every scenario: `builtin`, `raw-http`, `aws-cli`, `boto3`,
    /// `aws-sdk-rust`, or `cmd:PROGRAM` (any program, run by `sh -c`). Repeat it for several
    /// (a program may contain commas, so there is no comma list).
    #[arg(long, value_name = "CLIENT", default_value = "builtin")]
    pub(super) client: Vec<String>,
    /// The aws CLI program for `--client aws-cli`.
    #[arg(long, env = "FEDLAB_AWS_CLI", default_value = "aws")]
    pub(super) aws_cli: PathBuf,
}

impl Choosing {
    /// The clients, each checked to be runnable: an unknown name, a client given twice or a
    /// missing tool is a setup error, not a failure of every scenario.
    pub(super) async fn clients(&self) -> Result<Vec<Client>, String> {
        let mut clients: Vec<Client> = Vec::new();
        for spec in &self.client {
            let client = self.parse(spec.trim())?;
            if clients.iter().any(|c| c.name() == client.name()) {
                return Err(format!("client {} is given twice", client.name()));
            }
            if let Some(version) = client.preflight().await? {
                eprintln!("fedlab: client {}: {version}", client.name());
            }
            clients.push(client);
        }
        Ok(clients)
    }

    fn parse(&self, spec: &str) -> Result<Client, String> {
        let tools = Tools {
            aws_cli: self.aws_cli.clone(),
            ..Tools::from_env()
        };
        Client::parse(spec, &tools)
    }
}

/// The exit code a set of results calls for: setup errors win over failures.
pub(super) fn exit_code(results: &[ScenarioResult]) -> i32 {
    if results
        .iter()
        .any(|r| matches!(r.verdict, Verdict::SetupError(_)))
    {
        exit_codes::SETUP_FAILED
    } else if results
        .iter()
        .any(|r| matches!(r.verdict, Verdict::Fail(_)))
    {
        exit_codes::SCENARIO_FAILED
    } else {
        exit_codes::OK
    }
}
