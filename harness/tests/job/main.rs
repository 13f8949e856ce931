//! `fedlab job`: the jobs of the documents users follow, run unchanged against the mocks.
//!
//! The tests that run the real aws CLI need it (`FEDLAB_AWS_CLI=/path/to/aws`, or `aws` on
//! `PATH`) and are ignored otherwise: run them with `--include-ignored`, as `.ci/run` does.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::path::{Path, PathBuf};

use base64::Engine as _;
use fedlab::gitlab_ci::CiFile;
use fedlab::job_run::{self, JobAccount, JobOptions, Pipeline, PreparedJob};
use fedlab::mint::RefType;
use fedlab::scenario::Placeholders;
use fedlab::{Federation, Request};
use serde_json::Value;

mod cli;
mod env;
mod network;
mod permissions;
mod runs;

/// The jobs that write the documents' fixed `/tmp/web_identity_token` run one at a time.
static SHARED_TMP_FILE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/jobs")
        .join(name)
}

fn aws_cli() -> PathBuf {
    let program = std::env::var_os("FEDLAB_AWS_CLI").map_or_else(|| "aws".into(), PathBuf::from);
    job_run::find_program(&program).expect("the aws CLI (FEDLAB_AWS_CLI)")
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Sets up the account of `account` (a file in tests/data/jobs) and prepares `job` of `file`.
async fn prepare(
    fed: &Federation,
    file: &str,
    job: &str,
    account: Option<&str>,
    options: JobOptions,
) -> PreparedJob {
    if let Some(account) = account {
        let text = std::fs::read_to_string(data(account)).unwrap();
        let values = Placeholders::of(fed, Placeholders::unreachable_issuer().unwrap());
        JobAccount::parse(&text, &values)
            .unwrap()
            .apply(fed)
            .await
            .unwrap();
    }
    let text = std::fs::read_to_string(data(file)).unwrap();
    let job = CiFile::parse(&text).unwrap().job(job).unwrap();
    job_run::prepare(fed, &job, &options).await.unwrap()
}

fn var<'a>(prepared: &'a PreparedJob, name: &str) -> Option<&'a str> {
    prepared
        .vars()
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn jwt_part(jwt: &str, index: usize) -> Value {
    let part = jwt.split('.').nth(index).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn claims(jwt: &str) -> Value {
    jwt_part(jwt, 1)
}

/// The answers mock-sts gave after the IAM setup, as `(action, status, role)`.
fn calls(requests: &[Request]) -> Vec<(String, u16, Option<String>)> {
    requests
        .iter()
        .filter(|r| {
            !matches!(
                r.action.as_deref(),
                Some("CreateOpenIDConnectProvider" | "CreateRole" | "PutRolePolicy")
            )
        })
        .map(|r| {
            (
                r.action.clone().unwrap_or_default(),
                r.status,
                r.role_arn.clone(),
            )
        })
        .collect()
}
