//! Everything `mixed` needs before the clock starts: GitLab's tutorial account on the mocks
//! (in-process, or running elsewhere and reset first), a pool of valid tokens and one of each
//! refused kind, and long sessions for GetCallerIdentity.

use std::sync::atomic::AtomicU64;
use std::time::{Duration, SystemTime};

use super::mixed::{Mixed, Session, tamper};
use super::options::{BenchError, BenchOptions};
use super::plan::Plan;
use super::setup::{
    AUDIENCE, Prepared, ROLE_NAME, SESSION_SECONDS, TOKEN_POOL, http_client, setup, token_lifetime,
    tutorial_account,
};
use super::sign::identity;
use crate::{AssumeRoleWithWebIdentity, Federation, IdToken};

/// The audience of the tokens minted for someone else.
const OTHER_AUDIENCE: &str = "https://other.fedlab.test";
/// Sessions GetCallerIdentity signs with, in turn.
const SESSIONS: usize = 8;
/// How long ago the expired token expired: well past STS's five minutes of leeway.
const EXPIRED_AGO: Duration = Duration::from_secs(3600);

pub(super) async fn prepare(options: &BenchOptions) -> Result<Prepared, BenchError> {
    let (fed, target) = match &options.mocks {
        None => (Federation::start().await?, "in-process".to_owned()),
        Some(mocks) => {
            let fed = Federation::connect(mocks.clone()).await?;
            // An earlier run's provider and role would make this run's IAM calls fail.
            fed.reset().await?;
            (fed, mocks.sts_endpoint.clone())
        }
    };
    let role = tutorial_account(&fed).await?;
    let lifetime = token_lifetime(options);
    let token = |audience: &str| {
        IdToken::new(audience)
            .project_path("mygroup/myproject")
            .expires_in(lifetime)
    };
    let mut valid = Vec::new();
    for _ in 0..TOKEN_POOL {
        valid.push(fed.mint(token(AUDIENCE)).await?);
    }
    let first = valid
        .first()
        .ok_or_else(|| setup("no token was minted".to_owned()))?;
    let wrong_audience = fed.mint(token(OTHER_AUDIENCE)).await?;
    let expired = fed
        .mint(token(AUDIENCE).claim("exp", expired_at()?))
        .await?;
    let assumed_role_prefix = format!(
        "arn:aws:sts::{}:assumed-role/{ROLE_NAME}/",
        fed.account_id()
    );
    let mut sessions = Vec::new();
    for i in 0..SESSIONS {
        let name = format!("mixed-session-{i}");
        let call = AssumeRoleWithWebIdentity::new(&role.arn, first)
            .session_name(&name)
            .duration_seconds(SESSION_SECONDS);
        let assumed = fed.assume_role_with_web_identity(call).await?;
        sessions.push(Session {
            identity: identity(&assumed.credentials),
            arn: format!("{assumed_role_prefix}{name}"),
        });
    }
    let sts = fed.sts_endpoint().trim_end_matches('/').to_owned();
    let mixed = Mixed {
        url: format!("{sts}/"),
        role_arn: role.arn.clone(),
        assumed_role_prefix,
        tampered_token: tamper(first.as_str()),
        valid_tokens: valid.iter().map(|t| t.as_str().to_owned()).collect(),
        wrong_audience_token: wrong_audience.as_str().to_owned(),
        expired_token: expired.as_str().to_owned(),
        sessions,
        region: fed.region().to_owned(),
        next: AtomicU64::new(0),
    };
    Ok(Prepared {
        plan: Plan::Mixed(Box::new(mixed)),
        client: http_client(options.connections, None)?,
        target,
        counter_url: Some(format!("{sts}/-/mock/requests?since={}", u64::MAX)),
        federation: Some(fed),
    })
}

/// Unix seconds an hour ago.
fn expired_at() -> Result<i64, BenchError> {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|e| setup(format!("the clock is before 1970: {e}")))?;
    let then = now.saturating_sub(EXPIRED_AGO).as_secs();
    i64::try_from(then).map_err(|e| setup(format!("the clock: {e}")))
}
