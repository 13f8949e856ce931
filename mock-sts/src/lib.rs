//! mock-sts: an offline AWS STS + IAM that answers AssumeRoleWithWebIdentity exactly as AWS does.
//!
//! One endpoint speaks the AWS Query protocol for both services (dispatching on `Action` and
//! `Version`), as `aws --endpoint-url` and `AWS_ENDPOINT_URL_STS`/`_IAM` expect. Admin routes for
//! fedlab live under `/-/mock/`, apart from the emulated API.

mod auth;
pub mod clock;
pub mod config;
pub mod errors;
mod iam;
mod ids;
mod jwt;
mod oidc;
pub mod policy;
mod query;
pub mod request_log;
mod server;
mod sessions;
pub mod sigv4;
mod times;
pub mod unknowns;
mod validation;
mod web_identity;
mod xml;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use axum::Router;
use axum::routing::{any, get};
use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

pub use clock::{Clock, FixedClock, SystemClock};
pub use config::Config;
pub use oidc::thumbprint;

/// The one JSON line `mock-sts` prints on stdout when it is ready.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ready {
    pub endpoint: String,
    pub listen: String,
    pub account: String,
    pub region: String,
    pub admin_access_key_id: String,
}

/// Builds the router. `config.listen` only matters to `spawn`.
pub fn app(config: Config) -> anyhow::Result<Router> {
    let mut roots = RootCertStore::empty();
    for pem in &config.trust_ca_pems {
        let before = roots.len();
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.context("failed to read a trusted CA certificate")?;
            roots
                .add(cert)
                .context("failed to add a trusted CA certificate")?;
        }
        // An empty or truncated file would silently trust nothing; refuse it instead.
        anyhow::ensure!(
            roots.len() > before,
            "a trusted CA PEM contains no certificate"
        );
    }
    let sts = Arc::new(server::Sts::new(config, oidc::KeyFetcher::new(roots)));
    Ok(Router::new()
        .route(
            "/-/mock/requests",
            get(server::requests).delete(server::clear_requests),
        )
        .route("/-/mock/health", get(|| async { "ok" }))
        .fallback(any(server::handle))
        .with_state(sts))
}

/// A running mock-sts; shuts down when dropped.
#[derive(Debug)]
pub struct RunningSts {
    pub addr: SocketAddr,
    pub ready: Ready,
    shutdown: Option<oneshot::Sender<()>>,
}

impl RunningSts {
    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> &str {
        &self.ready.endpoint
    }
}

impl Drop for RunningSts {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Binds `config.listen` (port 0 picks a free port) and serves until the handle is dropped.
pub async fn spawn(config: Config) -> anyhow::Result<RunningSts> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("failed to bind {}", config.listen))?;
    let addr = listener
        .local_addr()
        .context("failed to read the bound address")?;
    let ready = Ready {
        endpoint: format!("http://{addr}"),
        listen: addr.to_string(),
        account: config.account_id.clone(),
        region: config.region.clone(),
        admin_access_key_id: config.admin_access_key_id.clone(),
    };
    let router = app(config)?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(err) = served {
            tracing::error!(%err, "mock-sts stopped");
        }
    });
    Ok(RunningSts {
        addr,
        ready,
        shutdown: Some(shutdown),
    })
}
