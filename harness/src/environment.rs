//! The in-process world a scenario runs in: one mock-gitlab for the whole run, a fresh mock-sts
//! per scenario (so no cache, session or log bleeds between cases), IAM set up through the real
//! Query API with the admin keys, exactly as a user would with the aws CLI.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

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
}

impl Lab {
    pub async fn start() -> anyhow::Result<Self> {
        let work_dir = tempfile::Builder::new()
            .prefix("fedlab-")
            .tempdir()
            .context("failed to create a work directory")?;
        let mut config = mock_gitlab::Config::new(LOOPBACK);
        config.state_dir = Some(work_dir.path().join("gitlab"));
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
        let sts_http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .context("failed to build the HTTP client")?;
        Ok(Self {
            gitlab,
            gitlab_http,
            sts_http,
            work_dir,
        })
    }

    pub fn work_dir(&self) -> &Path {
        self.work_dir.path()
    }

    /// A fresh mock-sts that treats mock-gitlab's root CA as one of AWS's trusted roots.
    pub async fn stage(&self) -> anyhow::Result<Stage> {
        let mut config = mock_sts::Config::new(LOOPBACK);
        config.trust_ca_pems.push(self.gitlab.ca_pem().to_owned());
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
        let query = QueryClient::new(self.sts_http.clone(), sts.endpoint(), &sts.ready.region);
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

    pub fn token_file(&self, name: &str, token: &str) -> Result<PathBuf, SetupError> {
        let path = self.work_dir().join(format!("{name}.jwt"));
        std::fs::write(&path, token)
            .map_err(|e| SetupError::Other(format!("failed to write {}: {e}", path.display())))?;
        Ok(path)
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
