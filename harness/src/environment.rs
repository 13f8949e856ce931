//! The in-process world a scenario runs in: one mock-gitlab for the whole run, a fresh mock-sts
//! per scenario (so no cache, session or log bleeds between cases), IAM set up through the real
//! Query API with the admin keys, exactly as a user would with the aws CLI.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use mock_sts::request_log::LogEntry;

use crate::aws_query::{Keys, QueryClient, QueryError};
use crate::scenario::{AwsSetup, Variables};

/// Loopback only: nothing fedlab starts listens beyond this machine.
const LOOPBACK: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

pub fn admin_keys() -> Keys {
    Keys {
        access_key_id: mock_sts::config::DEFAULT_ADMIN_ACCESS_KEY_ID.to_owned(),
        secret_access_key: mock_sts::config::DEFAULT_ADMIN_SECRET_ACCESS_KEY.to_owned(),
        session_token: None,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("IAM setup failed: {action}: {source}")]
    Iam {
        action: &'static str,
        source: QueryError,
    },
    #[error("minting the ID token failed: {0}")]
    Mint(String),
    #[error("{0}")]
    Other(String),
}

#[derive(Debug)]
pub struct Lab {
    pub gitlab: mock_gitlab::RunningGitlab,
    gitlab_http: reqwest::Client,
    /// Plain HTTP to mock-sts; never a proxy.
    pub sts_http: reqwest::Client,
    work_dir: tempfile::TempDir,
    options: LabOptions,
}

/// Knobs for reproducible runs (tests pin time and keys so snapshots are stable).
#[derive(Debug, Clone, Default)]
pub struct LabOptions {
    /// Unix seconds both mocks treat as "now"; `None` is the system clock.
    pub fixed_time: Option<i64>,
    /// mock-gitlab's signing key (PEM); `None` generates one.
    pub signing_key_pem: Option<String>,
}

/// Per-scenario choices about the AWS side.
#[derive(Debug, Clone, Copy)]
pub struct StageOptions {
    /// Whether mock-gitlab's root CA is one of "AWS's trusted root CAs". When it is not, STS
    /// can only accept the issuer's certificate through the provider's thumbprints.
    pub trust_issuer_ca: bool,
}

impl Default for StageOptions {
    fn default() -> Self {
        Self {
            trust_issuer_ca: true,
        }
    }
}

impl Lab {
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(LabOptions::default()).await
    }

    pub async fn start_with(options: LabOptions) -> anyhow::Result<Self> {
        let work_dir = tempfile::Builder::new()
            .prefix("fedlab-")
            .tempdir()
            .context("failed to create a work directory")?;
        let mut config = mock_gitlab::Config::new(LOOPBACK);
        config.state_dir = Some(work_dir.path().join("gitlab"));
        config.signing_key_pem = options.signing_key_pem.clone();
        if let Some(now) = options.fixed_time {
            config.clock = Arc::new(mock_gitlab::FixedClock(now));
        }
        let gitlab = mock_gitlab::spawn(config)
            .await
            .context("failed to start mock-gitlab")?;
        let ca = reqwest::Certificate::from_pem(gitlab.ca_pem().as_bytes())
            .context("failed to read mock-gitlab's CA")?;
        let gitlab_http = reqwest::Client::builder()
            .tls_certs_only([ca])
            .no_proxy()
            .build()
            .context("failed to build the HTTPS client")?;
        // mock-sts answers some requests, as AWS does, with a redirect to aws.amazon.com; fedlab
        // never follows it off the machine.
        let sts_http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("failed to build the HTTP client")?;
        Ok(Self {
            gitlab,
            gitlab_http,
            sts_http,
            work_dir,
            options,
        })
    }

    pub fn work_dir(&self) -> &Path {
        self.work_dir.path()
    }

    /// A fresh mock-sts for one scenario.
    pub async fn stage(&self, options: StageOptions) -> anyhow::Result<Stage> {
        let mut config = mock_sts::Config::new(LOOPBACK);
        if options.trust_issuer_ca {
            config.trust_ca_pems.push(self.gitlab.ca_pem().to_owned());
        }
        if let Some(now) = self.options.fixed_time {
            config.clock = Arc::new(mock_sts::FixedClock(now));
        }
        let sts = mock_sts::spawn(config)
            .await
            .context("failed to start mock-sts")?;
        let unreachable = unreachable_issuer().await?;
        let issuer = self.gitlab.issuer().to_owned();
        let variables = Variables(
            [
                ("issuer", issuer.clone()),
                ("issuer_host", strip_scheme(&issuer)),
                ("account", sts.ready.account.clone()),
                ("thumbprint", self.gitlab.thumbprint().to_owned()),
                ("unreachable_issuer_host", strip_scheme(&unreachable)),
                ("unreachable_issuer", unreachable),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        );
        let mut query = QueryClient::new(self.sts_http.clone(), sts.endpoint(), &sts.ready.region);
        if let Some(now) = self.options.fixed_time {
            query = query.with_signing_time(now);
        }
        Ok(Stage {
            sts,
            variables,
            query,
            http: self.sts_http.clone(),
        })
    }

    /// Asks mock-gitlab for a token, as a GitLab runner would get one for a job.
    pub async fn mint(&self, request: &serde_json::Value) -> Result<String, SetupError> {
        let response = self
            .gitlab_http
            .post(&self.gitlab.ready().mint_url)
            .json(request)
            .send()
            .await
            .map_err(|e| SetupError::Mint(e.to_string()))?;
        let status = response.status();
        let body: serde_json::Value = response
            .json()
            .await
            .map_err(|e| SetupError::Mint(e.to_string()))?;
        match body.get("token").and_then(serde_json::Value::as_str) {
            Some(token) if status.is_success() => Ok(token.to_owned()),
            _ => Err(SetupError::Mint(format!("HTTP {status}: {body}"))),
        }
    }
}

/// One scenario's mock-sts.
#[derive(Debug)]
pub struct Stage {
    pub sts: mock_sts::RunningSts,
    pub variables: Variables,
    pub query: QueryClient,
    http: reqwest::Client,
}

impl Stage {
    /// Creates the providers and roles through IAM, signed with the admin keys.
    pub async fn apply(&self, setup: &AwsSetup) -> Result<(), SetupError> {
        let keys = admin_keys();
        for provider in &setup.providers {
            let mut params: Vec<(String, String)> = vec![
                ("Action".into(), "CreateOpenIDConnectProvider".into()),
                ("Version".into(), "2010-05-08".into()),
                ("Url".into(), provider.url.clone()),
            ];
            for (i, id) in provider.client_ids.iter().enumerate() {
                params.push((format!("ClientIDList.member.{}", i + 1), id.clone()));
            }
            for (i, thumbprint) in provider.thumbprints.iter().enumerate() {
                params.push((
                    format!("ThumbprintList.member.{}", i + 1),
                    thumbprint.clone(),
                ));
            }
            self.iam("CreateOpenIDConnectProvider", &params, &keys)
                .await?;
        }
        for role in &setup.roles {
            let mut params: Vec<(String, String)> = vec![
                ("Action".into(), "CreateRole".into()),
                ("Version".into(), "2010-05-08".into()),
                ("RoleName".into(), role.name.clone()),
                ("AssumeRolePolicyDocument".into(), role.trust_policy.clone()),
            ];
            if let Some(path) = &role.path {
                params.push(("Path".into(), path.clone()));
            }
            if let Some(max) = role.max_session_duration {
                params.push(("MaxSessionDuration".into(), max.to_string()));
            }
            self.iam("CreateRole", &params, &keys).await?;
        }
        Ok(())
    }

    async fn iam(
        &self,
        action: &'static str,
        params: &[(String, String)],
        keys: &Keys,
    ) -> Result<(), SetupError> {
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.query
            .call("iam", &params, Some(keys))
            .await
            .map(|_| ())
            .map_err(|source| SetupError::Iam { action, source })
    }

    /// Everything mock-sts logged after `since`.
    pub async fn requests_since(&self, since: u64) -> anyhow::Result<Vec<LogEntry>> {
        let url = format!("{}/-/mock/requests?since={since}", self.sts.endpoint());
        self.http
            .get(&url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .with_context(|| format!("failed to read {url}"))?
            .json()
            .await
            .context("failed to parse mock-sts's request log")
    }
}

/// An https URL on a loopback port nobody listens on: connection refused, like an issuer that
/// the public internet (here: STS) cannot reach.
async fn unreachable_issuer() -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind(LOOPBACK)
        .await
        .context("failed to find a free port")?;
    let port = listener.local_addr()?.port();
    drop(listener);
    Ok(format!("https://127.0.0.1:{port}"))
}

fn strip_scheme(url: &str) -> String {
    url.trim_start_matches("https://").to_owned()
}
