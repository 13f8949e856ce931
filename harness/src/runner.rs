//! Replays scenarios against clients and collects verdicts.

use std::time::{Duration, Instant};

use crate::clients::{Client, Job};
use crate::environment::{Lab, SetupError, StageOptions};
use crate::judge::judge;
use crate::scenario::ScenarioSource;

#[derive(Debug, Clone)]
pub enum Verdict {
    Pass,
    /// The client or mock-sts did not do what the scenario expects.
    Fail(Vec<String>),
    /// The scenario could not be set up (a broken scenario or environment, not a client failure).
    SetupError(String),
}

#[derive(Debug, Clone)]
pub struct ScenarioResult {
    pub name: String,
    pub origin: String,
    pub client: &'static str,
    pub elapsed: Duration,
    pub verdict: Verdict,
    /// mock-sts's explanation of its last AssumeRoleWithWebIdentity answer.
    pub detail: Option<String>,
}

pub async fn run_all(
    lab: &Lab,
    sources: &[ScenarioSource],
    clients: &[Client],
    mut on_result: impl FnMut(&ScenarioResult),
) -> Vec<ScenarioResult> {
    let mut results = Vec::with_capacity(sources.len() * clients.len());
    for source in sources {
        for client in clients {
            let result = run_one(lab, source, client).await;
            on_result(&result);
            results.push(result);
        }
    }
    results
}

pub async fn run_one(lab: &Lab, source: &ScenarioSource, client: &Client) -> ScenarioResult {
    let started = Instant::now();
    let mut result = ScenarioResult {
        name: source.origin.clone(),
        origin: source.origin.clone(),
        client: client.name(),
        elapsed: Duration::ZERO,
        verdict: Verdict::Pass,
        detail: None,
    };
    match attempt(lab, source, client, &mut result).await {
        Ok(verdict) => result.verdict = verdict,
        Err(err) => result.verdict = Verdict::SetupError(err.to_string()),
    }
    result.elapsed = started.elapsed();
    result
}

async fn attempt(
    lab: &Lab,
    source: &ScenarioSource,
    client: &Client,
    result: &mut ScenarioResult,
) -> Result<Verdict, SetupError> {
    let options = source
        .preview()
        .map(|s| StageOptions {
            trust_issuer_ca: s.aws.trusted_issuer_ca,
        })
        .map_err(|e| SetupError::Other(e.to_string()))?;
    let stage = lab
        .stage(options)
        .await
        .map_err(|e| SetupError::Other(format!("{e:#}")))?;
    let scenario = source
        .render(&stage.variables)
        .map_err(|e| SetupError::Other(e.to_string()))?;
    result.name = scenario.name.clone();
    stage.apply(&scenario.aws).await?;
    let token = lab.mint(&scenario.token).await?;
    let job_dir = lab
        .work_dir()
        .join(format!("{}-{}", scenario.name, client.name()));
    std::fs::create_dir_all(&job_dir)
        .map_err(|e| SetupError::Other(format!("failed to create {}: {e}", job_dir.display())))?;
    let token_file = job_dir.join("token.jwt");
    std::fs::write(&token_file, &token)
        .map_err(|e| SetupError::Other(format!("failed to write {}: {e}", token_file.display())))?;
    let setup_log = stage
        .requests_since(0)
        .await
        .map_err(|e| SetupError::Other(format!("{e:#}")))?;
    let since = setup_log.last().map_or(0, |e| e.seq);

    let account = stage.sts.ready.account.clone();
    let job = Job {
        endpoint: stage.sts.endpoint().to_owned(),
        region: stage.sts.ready.region.clone(),
        role_arn: scenario.role_arn(&account),
        session_name: scenario.session_name().to_owned(),
        token,
        token_file,
        duration_seconds: scenario.request.duration_seconds,
        work_dir: job_dir,
    };
    let outcome = client.run(&job).await;
    let log = stage
        .requests_since(since)
        .await
        .map_err(|e| SetupError::Other(format!("{e:#}")))?;
    result.detail = log
        .iter()
        .rev()
        .find(|e| e.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
        .and_then(|e| e.detail.clone());
    let role_name = job.role_arn.rsplit('/').next().unwrap_or_default();
    let expected_caller = format!(
        "arn:aws:sts::{account}:assumed-role/{role_name}/{}",
        job.session_name
    );
    let problems = judge(&scenario.expect, &outcome, &log, &expected_caller);
    Ok(if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(problems)
    })
}
