//! An offline stand-in for a GitLab instance's CI OIDC issuer: discovery document, JWKS,
//! health check, and a mint API that produces GitLab-shaped CI ID tokens, all served over
//! HTTPS with a generated root -> intermediate -> leaf chain.

pub mod claims;
pub mod config;
pub mod discovery;
pub mod keys;
pub mod mint;
mod paths;
pub mod routes;
mod state;
pub mod tls;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use serde::{Deserialize, Serialize};

pub use config::{Clock, Config, FixedClock, Issuer, SystemClock};

use crate::keys::SigningKey;
use crate::paths::{JWKS_PATH, MINT_PATH};
use crate::state::AppState;

/// Builds the signing key and the router. The issuer is `external_url`, or
/// `https://localhost:{config.listen.port()}`.
pub fn app(config: Config) -> anyhow::Result<axum::Router> {
    Ok(routes::router(build_state(&config)?))
}

fn build_state(config: &Config) -> anyhow::Result<Arc<AppState>> {
    let issuer = config.issuer()?;
    let key = match &config.signing_key_pem {
        Some(pem) => SigningKey::from_pem(pem)?,
        None => SigningKey::generate()?,
    };
    Ok(Arc::new(AppState {
        issuer,
        key,
        clock: config.clock.clone(),
    }))
}

/// The line `mock-gitlab` prints on stdout once it accepts connections. `Deserialize` is
/// there for whoever launches the binary and parses that line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ready {
    pub issuer: String,
    pub listen: String,
    /// Path of the root CA PEM file. The binary always writes one; a library caller
    /// without `Config::state_dir` gets no file, and then this is the empty string.
    pub ca_pem: String,
    pub thumbprint: String,
    pub jwks_uri: String,
    pub mint_url: String,
}

/// A server running on the current tokio runtime. Dropping it stops the server
/// (immediately); [`RunningGitlab::shutdown`] stops it gracefully.
#[derive(Debug)]
pub struct RunningGitlab {
    addr: SocketAddr,
    issuer: String,
    kid: String,
    ca_pem_path: Option<PathBuf>,
    ca_pem: String,
    thumbprint: String,
    ready: Ready,
    handle: Handle<SocketAddr>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl RunningGitlab {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `kid` of the signing key (RFC 7638 thumbprint).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Where `ca.pem` was written: `{state_dir}/ca.pem`, or `None` without a state dir.
    pub fn ca_pem_path(&self) -> Option<&Path> {
        self.ca_pem_path.as_deref()
    }

    /// Root CA certificate PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Lowercase hex SHA-1 of the last certificate served (the intermediate CA).
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    pub fn ready(&self) -> &Ready {
        &self.ready
    }

    /// Issuer URL joined with `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.issuer, path)
    }

    /// Stops accepting, lets in-flight requests finish (up to 5 s), then returns.
    pub async fn shutdown(mut self) {
        self.handle.graceful_shutdown(Some(Duration::from_secs(5)));
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "server stopped with an error"),
                Err(e) => tracing::warn!(error = %e, "server task failed"),
            }
        }
    }
}

impl Drop for RunningGitlab {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

/// Binds `config.listen` (port 0 is fine), generates the key and TLS chain, writes
/// `{state_dir}/ca.pem` when a state dir is set, and serves HTTPS. Returns once the
/// listener accepts connections.
pub async fn spawn(mut config: Config) -> anyhow::Result<RunningGitlab> {
    let listener = std::net::TcpListener::bind(config.listen)
        .with_context(|| format!("binding {}", config.listen))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    // The default issuer embeds the real port, so resolve it before building anything.
    config.listen = addr;
    let issuer = config.issuer()?;

    // RSA key generation takes tens of milliseconds: keep it off the async workers.
    let san_host = issuer.host().to_owned();
    let build_config = config.clone();
    let (state, chain) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let state = build_state(&build_config)?;
        let chain = tls::generate(&[san_host.as_str()])?;
        Ok((state, chain))
    })
    .await
    .context("startup task panicked")??;
    let kid = state.key.kid().to_owned();

    let ca_pem_path = match &config.state_dir {
        Some(dir) => Some(write_ca_pem(dir, &chain.root_pem).await?),
        None => None,
    };

    let handle = Handle::new();
    let server = axum_server::from_tcp_rustls(
        listener,
        RustlsConfig::from_config(chain.server_config.clone()),
    )?
    .handle(handle.clone());
    let app = routes::router(state);
    let task = tokio::spawn(server.serve(app.into_make_service()));

    let mut running = RunningGitlab {
        addr,
        issuer: issuer.url().to_owned(),
        kid,
        ca_pem: chain.root_pem.clone(),
        thumbprint: chain.thumbprint.clone(),
        ready: Ready {
            issuer: issuer.url().to_owned(),
            listen: addr.to_string(),
            ca_pem: ca_pem_path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            thumbprint: chain.thumbprint.clone(),
            jwks_uri: issuer.join(JWKS_PATH),
            mint_url: issuer.join(MINT_PATH),
        },
        ca_pem_path,
        handle: handle.clone(),
        task: Some(task),
    };

    if handle.listening().await.is_none() {
        let err = match running.task.take() {
            Some(task) => match task.await {
                Ok(Err(e)) => anyhow::Error::new(e),
                Ok(Ok(())) => anyhow::anyhow!("server exited before listening"),
                Err(e) => anyhow::Error::new(e),
            },
            None => anyhow::anyhow!("server exited before listening"),
        };
        return Err(err.context("starting HTTPS server"));
    }
    tracing::info!(
        issuer = %running.issuer,
        listen = %addr,
        kid = %running.kid,
        thumbprint = %running.thumbprint,
        "mock-gitlab ready"
    );
    Ok(running)
}

/// Writes `{dir}/ca.pem`, creating `dir` if needed. Write then rename, so a reader
/// (mock-sts in another container) never sees half a file.
async fn write_ca_pem(dir: &Path, pem: &str) -> anyhow::Result<PathBuf> {
    tokio::fs::create_dir_all(dir)
        .await
        .with_context(|| format!("creating state dir {}", dir.display()))?;
    let path = dir.join("ca.pem");
    let partial = dir.join("ca.pem.partial");
    tokio::fs::write(&partial, pem)
        .await
        .with_context(|| format!("writing {}", partial.display()))?;
    tokio::fs::rename(&partial, &path)
        .await
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}
