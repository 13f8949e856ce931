//! `fedlab up`: one scenario's federation kept in the foreground for a shell, like a development
//! server: the variables a shell needs in an env file, a log line per answer mock-sts gives, and a
//! token file kept fresh the way a projected token is rotated.

use std::fmt::Write as _;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;

use mock_sts::LogEntry as Request;

use crate::account::set_up;
use crate::expect::describe;
use crate::federation::Federation;
use crate::files::write_atomically;
use crate::job::JobEnvironment;
use crate::scenario::{Placeholders, ScenarioSource};
use crate::token::{IdToken, Token};

/// The one JSON line `fedlab up` prints on stdout when the environment is ready.
#[derive(Debug, Serialize)]
struct UpReady {
    env_file: String,
    sts_endpoint: String,
    issuer: String,
    role_arn: String,
    token_file: String,
    mint_url: String,
    ca_pem: String,
}

/// Removes the env file when `up` ends, however it ends: a stale file sourced after the next
/// start would point a shell at ports nobody listens on.
struct EnvFile(PathBuf);

impl Drop for EnvFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Sets up `source`'s account and token, writes `env_file`, and runs until `shutdown`.
pub(crate) async fn up(
    source: &ScenarioSource,
    env_file: &Path,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let unreachable = Placeholders::unreachable_issuer()?;
    let before_start = Placeholders {
        unreachable_issuer: unreachable.clone(),
        ..Placeholders::dummies()
    };
    let fed = source.render(&before_start)?.federation().start().await?;
    let scenario = source.render(&Placeholders::of(&fed, unreachable))?;
    for problem in set_up(&fed, &scenario).await.map_err(anyhow::Error::msg)? {
        eprintln!("fedlab up: {problem}");
    }
    let request = IdToken::from_mint_request(scenario.token.clone());
    let token = fed.mint(request.clone()).await?;
    if let Some(rotation) = &scenario.gitlab.rotate_signing_key {
        fed.rotate_signing_key(rotation.keep_old).await?;
    }
    fed.set_faults(scenario.gitlab.faults.clone());
    let role_arn = scenario.role_arn(fed.account_id());
    // The aws CLI caches web-identity credentials by role and session name; a per-run session
    // name keeps a restarted `fedlab up` from meeting the previous run's cached credentials.
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut session_name = format!("{}-{started}", scenario.session_name());
    session_name.truncate(64);
    let job = fed.job(&role_arn, &token)?.with_session_name(session_name);

    let _env_file = EnvFile(env_file.to_owned());
    write_atomically(env_file, &env_text(&fed, &job)?)
        .with_context(|| format!("failed to write {}", env_file.display()))?;
    let ready = UpReady {
        env_file: env_file.display().to_string(),
        sts_endpoint: fed.sts_endpoint().to_owned(),
        issuer: fed.issuer().to_owned(),
        role_arn,
        token_file: job.token_file().display().to_string(),
        mint_url: fed.mint_url(),
        ca_pem: fed.ca_pem_file()?.display().to_string(),
    };
    println!("{}", serde_json::to_string(&ready)?);
    eprintln!(
        "fedlab up: scenario {} ready; variables in {} (Ctrl-C to stop)",
        scenario.name,
        env_file.display()
    );
    serve(&fed, &job, &request, token, shutdown).await
}

/// Prints each answer as it happens and re-mints the token before it expires, until `shutdown`.
async fn serve(
    fed: &Federation,
    job: &JobEnvironment,
    request: &IdToken,
    mut token: Token,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    tokio::pin!(shutdown);
    let mut printed = 0;
    let mut refresh = tokio::time::interval(refresh_interval(&token));
    refresh.tick().await;
    loop {
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            new = fed.requests_after(printed) => {
                anyhow::ensure!(!new.is_empty(), "mock-sts stopped");
                for entry in new {
                    printed = entry.seq;
                    eprintln!("{}", log_line(&entry));
                }
            }
            _ = refresh.tick() => {
                token = fed.mint(request.clone()).await?;
                job.write_token(token.as_str())?;
                eprintln!("fedlab up: token refreshed in {}", job.token_file().display());
            }
        }
    }
}

/// At four fifths of the token's lifetime, as Kubernetes refreshes a projected token.
fn refresh_interval(token: &Token) -> Duration {
    let claim = |name| token.claim(name).and_then(serde_json::Value::as_i64);
    let lifetime = match (claim("iat"), claim("exp")) {
        (Some(iat), Some(exp)) if exp > iat => exp - iat,
        _ => 300,
    };
    Duration::from_secs(u64::try_from(lifetime * 4 / 5).unwrap_or(240).max(1))
}

/// `13:02:11 #4 AssumeRoleWithWebIdentity 403 AccessDenied role … (why: …)`, plus what to do
/// when a shell's IAM call was signed with session credentials instead of the admin keys.
fn log_line(entry: &Request) -> String {
    let clock = entry.time.get(11..19).unwrap_or(&entry.time);
    let mut line = format!("{clock} {}", describe(entry));
    if let Some(message) = &entry.message {
        let _ = write!(line, "\n         {message}");
    }
    let iam_denied = entry.code.as_deref() == Some("AccessDenied")
        && entry.action.as_deref() != Some("AssumeRoleWithWebIdentity");
    if iam_denied {
        line.push_str(
            "\n         IAM calls need the admin keys: AWS_ACCESS_KEY_ID=$FEDLAB_ADMIN_ACCESS_KEY_ID \
             AWS_SECRET_ACCESS_KEY=$FEDLAB_ADMIN_SECRET_ACCESS_KEY aws iam …",
        );
    }
    line
}

fn env_text(fed: &Federation, job: &JobEnvironment) -> anyhow::Result<String> {
    let admin = fed.admin_credentials();
    let fedlab = [
        ("FEDLAB_ISSUER", fed.issuer().to_owned()),
        ("FEDLAB_MINT_URL", fed.mint_url()),
        ("FEDLAB_CA_PEM", fed.ca_pem_file()?.display().to_string()),
        ("FEDLAB_THUMBPRINT", fed.thumbprint().to_owned()),
        ("FEDLAB_ADMIN_ACCESS_KEY_ID", admin.access_key_id.clone()),
        (
            "FEDLAB_ADMIN_SECRET_ACCESS_KEY",
            admin.secret_access_key.clone(),
        ),
    ];
    let mut text = String::from(
        "# Written by `fedlab up`; valid while it runs, removed when it stops.\n\
         # Load with: set -a; . ./THIS_FILE; set +a\n",
    );
    let job_vars = job.vars().iter().map(|(k, v)| (k.as_str(), v.clone()));
    for (name, value) in job_vars.chain(fedlab) {
        let _ = writeln!(text, "{name}={value}");
    }
    Ok(text)
}
