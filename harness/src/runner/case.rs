//! One scenario × client: setting up the account and the job, running the client, judging it.

use super::expressible;
use super::{Client, ClientRequest, ScenarioResult, Verdict};
use crate::account::set_up;
use crate::federation::Federation;
use crate::judge::{judge, judge_s3};
use crate::outage::IssuerContainer;
use crate::remote::RemoteMocks;
use crate::scenario::{
    ClientPlan, Expected, Outage, Placeholders, S3Step, Scenario, ScenarioSource,
};
use crate::token::IdToken;

/// One case: in a federation of its own, started for it from the scenario's settings, or in
/// `remote`'s, over mocks that already run.
pub(super) async fn attempt(
    source: &ScenarioSource,
    client: &Client,
    result: &mut ScenarioResult,
    remote: Option<(&Federation, &RemoteMocks)>,
) -> Result<Verdict, String> {
    let preview = source.preview().map_err(|e| e.to_string())?;
    if let Some(skipped) = client_skip(&preview, client) {
        return Ok(skipped);
    }
    match remote {
        Some((fed, target)) => in_remote(fed, target, &preview, source, client, result).await,
        None => in_fresh(source, client, result).await,
    }
}

async fn in_fresh(
    source: &ScenarioSource,
    client: &Client,
    result: &mut ScenarioResult,
) -> Result<Verdict, String> {
    if source
        .preview()
        .map_err(|e| e.to_string())?
        .gitlab
        .outage
        .is_some()
    {
        return Ok(Verdict::Skipped(
            "the scenario cuts the issuer off for real, which only mocks in containers can \
             stage: fedlab run --target compose --gitlab-container NAME"
                .to_owned(),
        ));
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
    let verdict = judged_run(&fed, None, source, client, unreachable, result).await;
    // Stopping the mocks waits for their threads; off the async workers, so other cases go on.
    let _ = tokio::task::spawn_blocking(move || drop(fed)).await;
    Ok(verdict_of(verdict?))
}

/// Over mocks that already run (`target`): skipped when the scenario asks for what they were not
/// started with, else both mocks are reset and the faults the scenario wants at setup set, as a
/// fresh start would have them.
async fn in_remote(
    fed: &Federation,
    target: &RemoteMocks,
    preview: &Scenario,
    source: &ScenarioSource,
    client: &Client,
    result: &mut ScenarioResult,
) -> Result<Verdict, String> {
    if let Some(reason) = expressible::cannot_express(preview, target) {
        return Ok(Verdict::Skipped(reason));
    }
    fed.reset()
        .await
        .map_err(|e| format!("resetting the target's mocks failed: {e}"))?;
    fed.try_set_faults(preview.gitlab.faults_at_setup.clone())
        .map_err(|e| format!("setting the issuer faults at setup failed: {e}"))?;
    let unreachable = Placeholders::unreachable_issuer().map_err(|e| e.to_string())?;
    let problems = judged_run(fed, Some(target), source, client, unreachable, result).await?;
    Ok(verdict_of(problems))
}

/// Why this client does not run this scenario, when the scenario or the client says so.
fn client_skip(preview: &Scenario, client: &Client) -> Option<Verdict> {
    match preview.plan_for(client.name()) {
        ClientPlan::Skip(reason) => Some(Verdict::Skipped(reason.to_owned())),
        ClientPlan::Run { expect, .. } => client
            .cannot_run(&client_request(preview, expect))
            .map(Verdict::Skipped),
    }
}

fn verdict_of(problems: Vec<String>) -> Verdict {
    if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(problems)
    }
}

/// Sets up the account and the job, runs the client, and judges; `Ok` is the list of problems.
async fn judged_run(
    fed: &Federation,
    target: Option<&RemoteMocks>,
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
    fed.try_set_faults(scenario.gitlab.faults.clone())
        .map_err(|e| format!("setting the issuer faults failed: {e}"))?;
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
    let outage = stage_outage(&scenario, target).await?;
    let outcome = client.run(&job, &request).await;
    if let Some((issuer, outage)) = outage {
        issuer
            .end(outage)
            .await
            .map_err(|e| format!("the issuer did not come back after the outage: {e}"))?;
    }

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

/// Cuts the issuer's container off as the scenario says, when it says so (only remote targets
/// with a container get this far; the others skip such scenarios).
async fn stage_outage(
    scenario: &Scenario,
    target: Option<&RemoteMocks>,
) -> Result<Option<(IssuerContainer, Outage)>, String> {
    let (Some(outage), Some(container)) = (
        scenario.gitlab.outage,
        target.and_then(|t| t.issuer_container.as_deref()),
    ) else {
        return Ok(None);
    };
    let issuer = IssuerContainer::inspect(container)
        .await
        .map_err(|e| e.to_string())?;
    issuer
        .begin(outage)
        .await
        .map_err(|e| format!("staging the outage failed: {e}"))?;
    Ok(Some((issuer, outage)))
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
