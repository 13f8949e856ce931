//! A mock-sts serving on a socket in the current tokio runtime, and what it tells its starter.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::{oneshot, watch};

use crate::config::Config;
use crate::error::Error;
use crate::http_server;
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
    let listener = bind(config.listen)?;
    let s3_listener = bind(config.s3_listen)?;
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
    let header_read_timeout = state.config.header_read_timeout;
    let shutdown = vec![
        http_server::serve(
            listener,
            routes::router(Arc::clone(&state)),
            header_read_timeout,
            "mock-sts",
        ),
        http_server::serve(
            s3_listener,
            s3::router(Arc::clone(&state)),
            header_read_timeout,
            "mock-sts S3",
        ),
    ];
    Ok(RunningSts {
        addr,
        s3_addr,
        ready,
        state,
        shutdown,
    })
}

fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, Error> {
    http_server::bind(addr).map_err(|source| Error::Bind { addr, source })
}
