//! `fedlab up`: the same environment as `fedlab run`, kept in the foreground, with the variables
//! a shell (or a real GitLab job script) needs written to an env file.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;

use crate::environment::{Lab, StageOptions};
use crate::scenario::ScenarioSource;

/// The one JSON line `fedlab up` prints on stdout when the environment is ready.
#[derive(Debug, Serialize)]
pub struct UpReady {
    pub env_file: String,
    pub sts_endpoint: String,
    pub issuer: String,
    pub role_arn: String,
    pub token_file: String,
    pub mint_url: String,
    pub ca_pem: String,
}

/// Sets up `source`'s account and token, writes `env_file`, and runs until interrupted.
pub async fn up(
    source: &ScenarioSource,
    env_file: &Path,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let lab = Lab::start().await?;
    let options = StageOptions {
        trust_issuer_ca: source.preview()?.aws.trusted_issuer_ca,
    };
    let stage = lab.stage(options).await?;
    let scenario = source.render(&stage.variables)?;
    stage.apply(&scenario.aws).await?;
    let token = lab.mint(&scenario.token).await?;
    let dir = lab.work_dir().join("up");
    std::fs::create_dir_all(&dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let token_file = dir.join("token.jwt");
    std::fs::write(&token_file, &token).context("failed to write the token file")?;
    let aws_config = dir.join("aws-config");
    let region = stage.sts.ready.region.clone();
    std::fs::write(
        &aws_config,
        format!("[default]\nregion = {region}\ncli_follow_urlparam = false\n"),
    )
    .context("failed to write the aws config file")?;
    let role_arn = scenario.role_arn(&stage.sts.ready.account);
    // The aws CLI caches web-identity credentials by role and session name; a per-run session
    // name keeps a restarted `fedlab up` from meeting the previous run's cached credentials.
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut session_name = format!("{}-{started}", scenario.session_name());
    session_name.truncate(64);
    let endpoint = stage.sts.endpoint().to_owned();
    let variables: Vec<(&str, String)> = vec![
        ("AWS_ROLE_ARN", role_arn.clone()),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", path_text(&token_file)),
        ("AWS_ROLE_SESSION_NAME", session_name),
        ("AWS_ENDPOINT_URL_STS", endpoint.clone()),
        ("AWS_ENDPOINT_URL_IAM", endpoint.clone()),
        ("AWS_REGION", region.clone()),
        ("AWS_DEFAULT_REGION", region),
        ("AWS_CONFIG_FILE", path_text(&aws_config)),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("FEDLAB_ISSUER", lab.gitlab.issuer().to_owned()),
        ("FEDLAB_MINT_URL", lab.gitlab.ready().mint_url.clone()),
        ("FEDLAB_CA_PEM", path_text(lab.gitlab.ca_pem_path())),
        ("FEDLAB_THUMBPRINT", lab.gitlab.thumbprint().to_owned()),
    ];
    let mut text = String::from(
        "# Written by `fedlab up`; valid while it runs. Load with: set -a; . ./THIS_FILE; set +a\n",
    );
    for (name, value) in &variables {
        let _ = writeln!(text, "{name}={value}");
    }
    std::fs::write(env_file, text)
        .with_context(|| format!("failed to write {}", env_file.display()))?;
    let ready = UpReady {
        env_file: path_text(env_file),
        sts_endpoint: endpoint,
        issuer: lab.gitlab.issuer().to_owned(),
        role_arn,
        token_file: path_text(&token_file),
        mint_url: lab.gitlab.ready().mint_url.clone(),
        ca_pem: path_text(lab.gitlab.ca_pem_path()),
    };
    println!("{}", serde_json::to_string(&ready)?);
    eprintln!(
        "fedlab up: scenario {} ready; variables in {} (Ctrl-C to stop)",
        scenario.name,
        env_file.display()
    );
    shutdown.await;
    Ok(())
}

fn path_text(path: &Path) -> String {
    path.display().to_string()
}
