//! Replays scenarios against clients and judges each client by what mock-sts saw.
//!
//! Every scenario × client gets a federation of its own (a fresh GitLab and a fresh AWS account),
//! so no key cache, session or log bleeds between cases, and cases can run side by side; the
//! signing keys are generated once per process, so starting one costs milliseconds.
//!
//! Against mocks that already run ([`Runner::remote`]) there is one federation for the run: cases
//! go one at a time, both mocks reset before each, and a scenario that needs mocks started
//! differently is skipped with the reason (`expressible`).

mod case;
mod expressible;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::federation::Federation;
use crate::judge::ASSUME;
use crate::remote::RemoteMocks;
use crate::scenario::{Expected, ScenarioSource};

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
    /// Mocks that already run, instead of a federation per case.
    target: Option<RemoteMocks>,
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
            target: None,
        }
    }

    /// Runs against mocks that already run (docker-compose's, say) instead of starting a
    /// federation per case: one case at a time, both mocks reset before each, and judged the same
    /// way, from mock-sts's log read over HTTP. A scenario that needs mocks started otherwise (a
    /// GitLab release, a pinned clock, …) is skipped with the reason, never passed.
    pub fn remote(mut self, target: RemoteMocks) -> Self {
        self.target = Some(target);
        self
    }

    /// At most `jobs` scenario × client runs at a time (at least one).
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// How many cases run at a time: one against remote mocks, which every case shares.
    pub fn job_count(&self) -> usize {
        if self.target.is_some() { 1 } else { self.jobs }
    }

    /// Every source with every client; `on_result` sees each result as it finishes, and the
    /// returned results are in source-then-client order, whatever order they finished in.
    pub async fn run_all(
        &self,
        sources: &[ScenarioSource],
        clients: &[Client],
        mut on_result: impl FnMut(&ScenarioResult),
    ) -> Vec<ScenarioResult> {
        if let Some(target) = &self.target {
            return run_remote(target, sources, clients, on_result).await;
        }
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
        if let Some(target) = &self.target {
            let (sources, clients) = (std::slice::from_ref(source), std::slice::from_ref(client));
            let mut results = run_remote(target, sources, clients, |_| {}).await;
            return match results.pop() {
                Some(result) => result,
                // One source and one client always give one result.
                None => {
                    let mut result = ScenarioResult::new(source, client);
                    result.verdict = Verdict::SetupError("the case did not run".to_owned());
                    result
                }
            };
        }
        let started = Instant::now();
        let mut result = ScenarioResult::new(source, client);
        let verdict = case::attempt(source, client, &mut result, None).await;
        finished(result, verdict, started)
    }
}

/// Every source with every client against `target`, in order, through one federation.
async fn run_remote(
    target: &RemoteMocks,
    sources: &[ScenarioSource],
    clients: &[Client],
    mut on_result: impl FnMut(&ScenarioResult),
) -> Vec<ScenarioResult> {
    let fed = Federation::connect(target.clone())
        .await
        .map_err(|e| format!("cannot reach the target's mocks: {e}"));
    let mut results = Vec::with_capacity(sources.len() * clients.len());
    for source in sources {
        for client in clients {
            let started = Instant::now();
            let mut result = ScenarioResult::new(source, client);
            let verdict = match &fed {
                Ok(fed) => {
                    let remote = Some((fed, target));
                    case::attempt(source, client, &mut result, remote).await
                }
                Err(reason) => Err(reason.clone()),
            };
            let result = finished(result, verdict, started);
            on_result(&result);
            results.push(result);
        }
    }
    if let Ok(fed) = fed {
        // Dropping it stops its runtime, which waits for threads; off the async workers.
        let _ = tokio::task::spawn_blocking(move || drop(fed)).await;
    }
    results
}

/// `result` with the verdict an attempt reached (a setup error when it failed) and the time it
/// took since `started`.
fn finished(
    mut result: ScenarioResult,
    verdict: Result<Verdict, String>,
    started: Instant,
) -> ScenarioResult {
    result.verdict = verdict.unwrap_or_else(Verdict::SetupError);
    result.elapsed = started.elapsed();
    result
}

/// The mocks' keys are generated once per process, on first use. Cases started side by side
/// would each generate them before the first is stored (seconds of CPU for RSA-4096, on every
/// core at once), so one federation starts first; a failure here shows up in the cases.
async fn warm_up() {
    if let Ok(fed) = Federation::start().await {
        let _ = tokio::task::spawn_blocking(move || drop(fed)).await;
    }
}
