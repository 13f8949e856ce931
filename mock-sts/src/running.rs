//! A mock-sts serving on a socket in the current tokio runtime, and what it tells its starter.

use axum::serve::ListenerExt as _;
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
use crate::{iam, s3, seeding};

/// The one JSON line the `mock-sts` binary prints on stdout when it is ready.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ready {
    /// `http://127.0.0.1:PORT`, the URL to point `AWS_ENDPOINT_URL_STS`/`_IAM` at.
    pub endpoint: String,
    pub listen: String,
    /// `http://127.0.0.1:PORT` of the S3 listener, for `AWS_ENDPOINT_URL_S3` (path-style).
    #[serde(default)]
    pub s3_endpoint: String,
    pub account: String,
    pub region: String,
    pub admin_access_key_id: String,
}

/// A running mock-sts; it shuts down when dropped.
pub struct RunningSts {
    pub addr: SocketAddr,
    /// Where the S3 listener serves.
    pub s3_addr: SocketAddr,
    pub ready: Ready,
    state: Arc<Sts>,
    /// One per listener.
    shutdown: Vec<oneshot::Sender<()>>,
}

impl fmt::Debug for RunningSts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningSts")
            .field("addr", &self.addr)
            .field("s3_addr", &self.s3_addr)
            .field("ready", &self.ready)
            .finish_non_exhaustive()
    }
}

impl RunningSts {
    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> &str {
        &self.ready.endpoint
    }

    /// `http://127.0.0.1:PORT` of the S3 listener.
    pub fn s3_endpoint(&self) -> &str {
        &self.ready.s3_endpoint
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

    /// Puts the instance back as it started, as `POST /-/mock/reset` does: the seeded account (or
    /// an empty one), no sessions, no cached issuer keys, no buckets, and an empty request log
    /// whose sequence numbers go on.
    pub fn reset(&self) {
        self.state.reset();
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
        for shutdown in self.shutdown.drain(..) {
            // The server task may be gone already; then there is nothing left to stop.
            let _ = shutdown.send(());
        }
    }
}

/// Binds `config.listen` and `config.s3_listen` (port 0 picks a free port) and serves both until
/// the handle is dropped.
pub async fn spawn(config: Config) -> Result<RunningSts, Error> {
    let listener = bind(config.listen).await?;
    let s3_listener = bind(config.s3_listen).await?;
    let addr = listener.local_addr().map_err(Error::LocalAddr)?;
    let s3_addr = s3_listener.local_addr().map_err(Error::LocalAddr)?;
    let ready = Ready {
        endpoint: format!("http://{addr}"),
        listen: addr.to_string(),
        s3_endpoint: format!("http://{s3_addr}"),
        account: config.account_id.clone(),
        region: config.region.clone(),
        admin_access_key_id: config.admin_access_key_id.clone(),
    };
    let state = Sts::build(config)?;
    if let Some(seed) = &state.config.seed {
        let filled = seeding::fill_thumbprints(&state, seed).await?;
        seeding::apply(&state, &filled)?;
    }
    state.mark_start();
    let shutdown = vec![
        serve(listener, routes::router(Arc::clone(&state)), "mock-sts"),
        serve(s3_listener, s3::router(Arc::clone(&state)), "mock-sts S3"),
    ];
    Ok(RunningSts {
        addr,
        s3_addr,
        ready,
        state,
        shutdown,
    })
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, Error> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })
}

/// Serves `router` on `listener` in a task of its own; the sender stops it.
fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    name: &'static str,
) -> oneshot::Sender<()> {
    let (shutdown, stopped) = oneshot::channel::<()>();
    // An answer leaves in one write, but its client may be waiting on an ACK for its own last
    // small write; without TCP_NODELAY, Nagle's algorithm can hold an exchange for 40 ms.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(%err, "TCP_NODELAY not set");
        }
    });
    tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                // A dropped sender means the same as a sent stop.
                let _ = stopped.await;
            })
            .await;
        if let Err(err) = served {
            tracing::error!(%err, "{name} stopped");
        }
    });
    shutdown
}
