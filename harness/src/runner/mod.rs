//! Replays scenarios against clients and judges each client by what mock-sts saw.
//!
//! Every scenario × client gets a federation of its own (a fresh GitLab and a fresh AWS account),
//! so no key cache, session or log bleeds between cases, and cases can run side by side; the
//! signing keys are generated once per process, so starting one costs milliseconds.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::account::set_up;
use crate::federation::Federation;
use crate::judge::{ASSUME, judge, judge_s3};
use crate::scenario::{ClientPlan, Expected, Placeholders, S3Step, Scenario, ScenarioSource};
use crate::token::IdToken;

pub use crate::clients::{Client, ClientOutcome, ClientRequest};
pub use mock_sts::LogEntry as Request;

/// How one client did in one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// The client or mock-sts did not do what the scenario expects.
    Fail(Vec<String>),
    /// The scenario says this client cannot run it, and why. Never counted as passed.
    Skipped(String),
    /// The scenario could not be set up (a broken scenario or environment, not a client failure).
    SetupError(String),
}

/// One scenario × client: the verdict, and the evidence it was reached on.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    pub name: String,
    pub origin: String,
    pub client: String,
    pub elapsed: Duration,
    pub verdict: Verdict,
    /// mock-sts's explanation of its last AssumeRoleWithWebIdentity answer (e.g. which
    /// trust-policy condition failed and why).
    pub detail: Option<String>,
    /// What this client was judged against: the scenario's `expect`, or its `clients` entry's.
    pub expected: Option<Expected>,
    /// What the client reported.
    pub outcome: Option<ClientOutcome>,
    /// What mock-sts saw and answered while the client ran, in order.
    pub requests: Vec<Request>,
    /// What mock-sts saw before: the IAM calls that set up the account.
    pub setup_requests: Vec<Request>,
}

impl ScenarioResult {
    fn new(source: &ScenarioSource, client: &Client) -> Self {
        Self {
            name: source.display_name(),
            origin: source.origin.clone(),
            client: client.name().to_owned(),
            elapsed: Duration::ZERO,
            verdict: Verdict::Pass,
            detail: None,
            expected: None,
            outcome: None,
            requests: Vec::new(),
            setup_requests: Vec::new(),
        }
    }

    /// mock-sts's last AssumeRoleWithWebIdentity answer in the client's run.
    pub fn last_assume(&self) -> Option<&Request> {
        self.requests
            .iter()
            .rev()
            .find(|e| e.action.as_deref() == Some(ASSUME))
    }
}

/// Runs scenarios; one per `fedlab run`.
#[derive(Debug, Clone)]
pub struct Runner {
    jobs: usize,
}

impl Default for Runner {
    fn default() -> Self {
        Self::new()
    }
}

impl Runner {
    /// A runner with as many cases at a time as the machine has cores.
    pub fn new() -> Self {
        Self {
            jobs: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }

    /// At most `jobs` scenario × client runs at a time (at least one).
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// How many cases run at a time.
    pub fn job_count(&self) -> usize {
        self.jobs
    }

    /// Every source with every client; `on_result` sees each result as it finishes, and the
    /// returned results are in source-then-client order, whatever order they finished in.
    pub async fn run_all(
        &self,
        sources: &[ScenarioSource],
        clients: &[Client],
        mut on_result: impl FnMut(&ScenarioResult),
    ) -> Vec<ScenarioResult> {
        if self.jobs > 1 && sources.len() * clients.len() > 1 {
            warm_up().await;
        }
        let slots = Arc::new(Semaphore::new(self.jobs));
        let mut tasks = JoinSet::new();
        let mut index_of = HashMap::new();
        let mut pairs = Vec::with_capacity(sources.len() * clients.len());
        for source in sources {
            for client in clients {
                let index = pairs.len();
                pairs.push((source.clone(), client.clone()));
                let (runner, source, client) = (self.clone(), source.clone(), client.clone());
                let slots = Arc::clone(&slots);
                let task = tasks.spawn(async move {
                    // The semaphore is never closed, so a permit always comes.
                    let _permit = slots.acquire_owned().await;
                    runner.run_one(&source, &client).await
                });
                index_of.insert(task.id(), index);
            }
        }
        let mut results: Vec<Option<ScenarioResult>> = vec![None; pairs.len()];
        while let Some(joined) = tasks.join_next_with_id().await {
            let (index, result) = match joined {
                Ok((id, result)) => (index_of.get(&id).copied(), result),
                Err(err) => {
                    let index = index_of.get(&err.id()).copied();
                    let mut result = match index.and_then(|i| pairs.get(i)) {
                        Some((source, client)) => ScenarioResult::new(source, client),
                        None => continue,
                    };
                    result.verdict = Verdict::SetupError(format!("the run panicked: {err}"));
                    (index, result)
                }
            };
            on_result(&result);
            if let Some(slot) = index.and_then(|i| results.get_mut(i)) {
                *slot = Some(result);
            }
        }
        results.into_iter().flatten().collect()
    }

    /// One source with one client.
    pub async fn run_one(&self, source: &ScenarioSource, client: &Client) -> ScenarioResult {
        let started = Instant::now();
        let mut result = ScenarioResult::new(source, client);
        result.verdict = match attempt(source, client, &mut result).await {
            Ok(verdict) => verdict,
            Err(reason) => Verdict::SetupError(reason),
        };
        result.elapsed = started.elapsed();
        result
    }
}

/// The mocks' keys are generated once per process, on first use. Cases started side by side
/// would each generate them before the first is stored (seconds of CPU for RSA-4096, on every
/// core at once), so one federation starts first; a failure here shows up in the cases.
async fn warm_up() {
    if let Ok(fed) = Federation::start().await {
        let _ = tokio::task::spawn_blocking(move || drop(fed)).await;
    }
}

async fn attempt(
    source: &ScenarioSource,
    client: &Client,
    result: &mut ScenarioResult,
) -> Result<Verdict, String> {
    let preview = source.preview().map_err(|e| e.to_string())?;
    match preview.plan_for(client.name()) {
        ClientPlan::Skip(reason) => return Ok(Verdict::Skipped(reason.to_owned())),
        ClientPlan::Run { expect, .. } => {
            if let Some(reason) = client.cannot_run(&client_request(&preview, expect)) {
                return Ok(Verdict::Skipped(reason));
            }
        }
    }
    // The GitLab side is set up before the federation exists, so only the unreachable issuer
    // is real in this first rendering.
    let unreachable = Placeholders::unreachable_issuer().map_err(|e| e.to_string())?;
    let before_start = Placeholders {
        unreachable_issuer: unreachable.clone(),
        ..Placeholders::dummies()
    };
    let fed = source
        .render(&before_start)
        .map_err(|e| e.to_string())?
        .federation()
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let verdict = judged_run(&fed, source, client, unreachable, result).await;
    // Stopping the mocks waits for their threads; off the async workers, so other cases go on.
    let _ = tokio::task::spawn_blocking(move || drop(fed)).await;
    let problems = verdict?;
    Ok(if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(problems)
    })
}

/// Sets up the account and the job, runs the client, and judges; `Ok` is the list of problems.
async fn judged_run(
    fed: &Federation,
    source: &ScenarioSource,
    client: &Client,
    unreachable: String,
    result: &mut ScenarioResult,
) -> Result<Vec<String>, String> {
    let scenario = source
        .render(&Placeholders::of(fed, unreachable))
        .map_err(|e| e.to_string())?;
    let (expect, assume_requests) = match scenario.plan_for(client.name()) {
        // The preview ran this client, and placeholders never change a plan.
        ClientPlan::Skip(reason) => return Err(format!("skipped only once rendered: {reason}")),
        ClientPlan::Run {
            expect,
            assume_requests,
        } => (expect.clone(), assume_requests),
    };
    result.expected = Some(expect.clone());
    let mut problems = set_up(fed, &scenario).await?;
    let token = fed
        .mint(IdToken::from_mint_request(scenario.token.clone()))
        .await
        .map_err(|e| e.to_string())?;
    let role_arn = scenario.role_arn(fed.account_id());
    if let Some(rotation) = &scenario.gitlab.rotate_signing_key {
        fed.rotate_signing_key(rotation.keep_old)
            .await
            .map_err(|e| e.to_string())?;
    }
    fed.set_faults(scenario.gitlab.faults.clone());
    let job = fed
        .job(&role_arn, &token)
        .map_err(|e| e.to_string())?
        .with_session_name(scenario.session_name());
    let mut content = match &scenario.request.token_file {
        Some(file) => file.content(token.as_str()),
        None => token.as_str().to_owned(),
    };
    if scenario.request.token_file_newline {
        content.push('\n');
    }
    if content != token.as_str() {
        job.write_token(&content).map_err(|e| e.to_string())?;
    }
    result.setup_requests = fed.requests();
    let since = result.setup_requests.last().map_or(0, |e| e.seq);

    let request = client_request(&scenario, &expect);
    let outcome = client.run(&job, &request).await;

    result.requests = fed
        .requests()
        .into_iter()
        .filter(|e| e.seq > since)
        .collect();
    result.detail = result.last_assume().and_then(|e| e.detail.clone());
    let expected_caller = expected_caller_arn(fed, &scenario, &role_arn);
    problems.extend(judge(
        &expect,
        assume_requests,
        &outcome,
        &result.requests,
        &expected_caller,
    ));
    problems.extend(judge_s3(
        s3_steps(&scenario, &expect),
        &outcome,
        &result.requests,
    ));
    // A client that tried to leave the machine is told apart from one AWS refused.
    problems.extend(fed.proxy_refusals().iter().map(|refused| {
        format!(
            "the client tried to reach {} off this machine; fedlab's proxy refused it (only \
             the STS, IAM and S3 host names of AWS are answered, by mock-sts)",
            refused.destination
        )
    }));
    result.outcome = Some(outcome);
    Ok(problems)
}

/// The S3 calls a client makes: the scenario's, when this client is expected to get credentials.
fn s3_steps<'a>(scenario: &'a Scenario, expect: &Expected) -> &'a [S3Step] {
    if *expect == Expected::Credentials {
        &scenario.s3
    } else {
        &[]
    }
}

/// What the scenario asks of a client that is judged against `expect`.
fn client_request(scenario: &Scenario, expect: &Expected) -> ClientRequest {
    let request = &scenario.request;
    ClientRequest {
        duration_seconds: request.duration_seconds,
        params: request.params.0.clone(),
        policy: request.policy.as_ref().map(|p| p.as_str().to_owned()),
        policy_arns: request.policy_arns.clone(),
        s3: s3_steps(scenario, expect)
            .iter()
            .map(S3Step::call)
            .collect(),
    }
}

/// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, the identity the credentials must have.
fn expected_caller_arn(fed: &Federation, scenario: &Scenario, role_arn: &str) -> String {
    let role_name = role_arn.rsplit('/').next().unwrap_or_default();
    format!(
        "arn:aws:sts::{}:assumed-role/{role_name}/{}",
        fed.account_id(),
        scenario.session_name()
    )
}
