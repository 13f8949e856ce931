//! Replays scenarios against clients and judges each client by what mock-sts saw.
//!
//! Every scenario × client gets a federation of its own (a fresh GitLab and a fresh AWS account),
//! so no key cache, session or log bleeds between cases; the signing key is generated once per
//! [`Runner`] so starting one costs milliseconds.

use std::time::{Duration, Instant};

use crate::error::Error;
use crate::federation::Federation;
use crate::iam::{OidcProvider, Role};
use crate::judge::judge;
use crate::scenario::{Placeholders, Scenario, ScenarioSource};
use crate::token::IdToken;

pub use crate::clients::{Client, ClientOutcome, ClientRequest};

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
    pub client: String,
    pub elapsed: Duration,
    pub verdict: Verdict,
    /// mock-sts's explanation of its last AssumeRoleWithWebIdentity answer.
    pub detail: Option<String>,
}

/// Runs scenarios; one per `fedlab run`.
#[derive(Debug, Clone, Default)]
pub struct Runner {}

impl Runner {
    pub fn new() -> Self {
        Self {}
    }

    /// Every source with every client, in order; `on_result` sees each result as it comes.
    pub async fn run_all(
        &self,
        sources: &[ScenarioSource],
        clients: &[Client],
        mut on_result: impl FnMut(&ScenarioResult),
    ) -> Vec<ScenarioResult> {
        let mut results = Vec::with_capacity(sources.len() * clients.len());
        for source in sources {
            for client in clients {
                let result = self.run_one(source, client).await;
                on_result(&result);
                results.push(result);
            }
        }
        results
    }

    pub async fn run_one(&self, source: &ScenarioSource, client: &Client) -> ScenarioResult {
        let started = Instant::now();
        let mut result = ScenarioResult {
            name: source.origin.clone(),
            origin: source.origin.clone(),
            client: client.name().to_owned(),
            elapsed: Duration::ZERO,
            verdict: Verdict::Pass,
            detail: None,
        };
        result.verdict = match self.attempt(source, client, &mut result).await {
            Ok(verdict) => verdict,
            Err(reason) => Verdict::SetupError(reason),
        };
        result.elapsed = started.elapsed();
        result
    }

    async fn attempt(
        &self,
        source: &ScenarioSource,
        client: &Client,
        result: &mut ScenarioResult,
    ) -> Result<Verdict, String> {
        // The GitLab side is set up before the federation exists, so only the unreachable
        // issuer is real in this first rendering.
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
        let scenario = source
            .render(&Placeholders::of(&fed, unreachable))
            .map_err(|e| e.to_string())?;
        result.name = scenario.name.clone();
        let mut problems = set_up(&fed, &scenario).await?;
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
        if scenario.request.token_file_newline {
            job.write_token(&format!("{}\n", token.as_str()))
                .map_err(|e| e.to_string())?;
        }
        let since = fed.requests().last().map_or(0, |e| e.seq);

        let request = ClientRequest {
            duration_seconds: scenario.request.duration_seconds,
            params: Vec::new(),
        };
        let outcome = client.run(&job, &request).await;

        let log: Vec<_> = fed
            .requests()
            .into_iter()
            .filter(|e| e.seq > since)
            .collect();
        result.detail = log
            .iter()
            .rev()
            .find(|e| e.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
            .and_then(|e| e.detail.clone());
        let role_name = role_arn.rsplit('/').next().unwrap_or_default();
        let expected_caller = format!(
            "arn:aws:sts::{}:assumed-role/{role_name}/{}",
            fed.account_id(),
            scenario.session_name()
        );
        problems.extend(judge(&scenario.expect, &outcome, &log, &expected_caller));
        Ok(if problems.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail(problems)
        })
    }
}

/// The scenario's account, created through IAM as a user's tooling would. `Ok` carries the ways
/// IAM answered other than the scenario expects (a judged difference, not a setup failure).
pub(crate) async fn set_up(fed: &Federation, scenario: &Scenario) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    for provider in &scenario.aws.providers {
        let mut spec = OidcProvider::new().url(&provider.url);
        for client_id in &provider.client_ids {
            spec = spec.client_id(client_id);
        }
        for thumbprint in &provider.thumbprints {
            spec = spec.thumbprint(thumbprint);
        }
        let created = fed.create_provider(spec).await;
        match (&provider.expect_error, created) {
            (None, Ok(_)) => {}
            (None, Err(err)) => {
                return Err(format!(
                    "IAM setup failed: CreateOpenIDConnectProvider: {err}"
                ));
            }
            (Some(expected), Err(Error::Aws(answer))) if expected.matches(&answer) => {}
            (Some(expected), other) => problems.push(format!(
                "expected IAM to refuse CreateOpenIDConnectProvider with {} {:?}; it answered {}",
                expected.code,
                expected.message,
                match other {
                    Ok(arn) => format!("with the provider {arn}"),
                    Err(err) => err.to_string(),
                }
            )),
        }
    }
    for role in &scenario.aws.roles {
        let mut spec = Role::new(&role.name, role.trust_policy.as_str());
        if let Some(path) = &role.path {
            spec = spec.path(path);
        }
        if let Some(max) = role.max_session_duration {
            spec = spec.max_session_duration(max);
        }
        fed.create_role(spec)
            .await
            .map_err(|e| format!("IAM setup failed: CreateRole: {e}"))?;
    }
    Ok(problems)
}
