//! A mock-sts serving on a socket in the current tokio runtime, and what it tells its starter.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::{oneshot, watch};

use crate::config::Config;
use crate::error::Error;
use crate::request_log::LogEntry;
use crate::routes;
use crate::seed::Seed;
use crate::state::Sts;
use crate::{iam, seeding};

/// The one JSON line the `mock-sts` binary prints on stdout when it is ready.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ready {
    /// `http://127.0.0.1:PORT`, the URL to point `AWS_ENDPOINT_URL_STS`/`_IAM` at.
    pub endpoint: String,
    pub listen: String,
    pub account: String,
    pub region: String,
    pub admin_access_key_id: String,
}

/// A running mock-sts; it shuts down when dropped.
pub struct RunningSts {
    pub addr: SocketAddr,
    pub ready: Ready,
    state: Arc<Sts>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl fmt::Debug for RunningSts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningSts")
            .field("addr", &self.addr)
            .field("ready", &self.ready)
            .finish_non_exhaustive()
    }
}

impl RunningSts {
    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> &str {
        &self.ready.endpoint
    }

    /// Every request-log entry still kept (the newest `Config::request_log_capacity`).
    pub fn requests(&self) -> Vec<LogEntry> {
        self.state.log.since(0)
    }

    /// The kept entries with a sequence number greater than `seq`.
    pub fn requests_since(&self, seq: u64) -> Vec<LogEntry> {
        self.state.log.since(seq)
    }

    /// The account's providers and roles in the shape of a [`Seed`], as `GET /-/mock/state`
    /// answers them.
    pub fn iam_state(&self) -> Seed {
        iam::dump(&self.state.iam())
    }

    /// The newest sequence number logged so far; `changed().await` wakes after each new entry.
    /// Several entries logged before the receiver looks are seen as one change, so read them
    /// with [`RunningSts::requests_since`] the last sequence number seen.
    pub fn log_updates(&self) -> watch::Receiver<u64> {
        self.state.log.subscribe()
    }
}

impl Drop for RunningSts {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // The server task may be gone already; then there is nothing left to stop.
            let _ = shutdown.send(());
        }
    }
}

/// Binds `config.listen` (port 0 picks a free port) and serves until the handle is dropped.
pub async fn spawn(config: Config) -> Result<RunningSts, Error> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| Error::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(Error::LocalAddr)?;
    let ready = Ready {
        endpoint: format!("http://{addr}"),
        listen: addr.to_string(),
        account: config.account_id.clone(),
        region: config.region.clone(),
        admin_access_key_id: config.admin_access_key_id.clone(),
    };
    let state = Sts::build(config)?;
    if let Some(seed) = &state.config.seed {
        let filled = seeding::fill_thumbprints(&state, seed).await?;
        seeding::apply(&state, &filled)?;
    }
    let router = routes::router(Arc::clone(&state));
    let (shutdown, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                // A dropped sender means the same as a sent stop.
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
        state,
        shutdown: Some(shutdown),
    })
}
