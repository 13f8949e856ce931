//! fedlab's HTTP(S) proxy: the guarantee that no client leaves the machine.
//!
//! Every job gets `HTTPS_PROXY`/`HTTP_PROXY` pointing here (with `NO_PROXY` for loopback, so
//! clients that honour `AWS_ENDPOINT_URL_STS` go straight to mock-sts). A client that ignores the
//! endpoint variables (aws CLI v2 before 2.13, older SDKs) asks the proxy for
//! `CONNECT sts.amazonaws.com:443`; the proxy answers it itself, with a certificate from
//! fedlab's own CA, and pipes the request into mock-sts (S3 host names into its S3 listener). Any other destination gets 403, is
//! recorded, and is never connected to.

mod ca;
mod connection;
mod log;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::{AbortHandle, JoinSet};

pub use self::log::ProxyRequest;

/// The running proxy; it stops (with every tunnel it holds open) when dropped.
#[derive(Debug)]
pub(crate) struct RunningProxy {
    url: String,
    shared: Arc<connection::Shared>,
    accept: AbortHandle,
}

impl RunningProxy {
    /// Starts the proxy on an ephemeral loopback port, forwarding the STS and IAM host names to
    /// mock-sts at `sts` and the S3 host names to its S3 listener at `s3`. Must be called on the
    /// runtime the proxy should live on.
    pub(crate) async fn start(sts: SocketAddr, s3: SocketAddr) -> Result<Self, String> {
        let listener = TcpListener::bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0))
            .await
            .map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let shared = Arc::new(connection::Shared {
            sts,
            s3,
            ca: ca::ProxyCa::generate()?,
            log: log::ProxyLog::default(),
        });
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared))).abort_handle();
        Ok(Self {
            url: format!("http://{addr}"),
            shared,
            accept,
        })
    }

    /// `http://127.0.0.1:PORT`, the value of `HTTPS_PROXY` and `HTTP_PROXY`.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The CA certificate (PEM) the proxy's certificates chain to.
    pub(crate) fn ca_pem(&self) -> &str {
        self.shared.ca.pem()
    }

    /// Every request the proxy got, oldest first.
    pub(crate) fn requests(&self) -> Vec<ProxyRequest> {
        self.shared.log.entries()
    }

    /// Forgets the requests so far (a federation's reset).
    pub(crate) fn clear_requests(&self) {
        self.shared.log.clear();
    }
}

impl Drop for RunningProxy {
    fn drop(&mut self) {
        // The accept task owns the connections' JoinSet, so aborting it ends them all.
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<connection::Shared>) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        match listener.accept().await {
            Ok((stream, _)) => {
                connections.spawn(connection::handle(stream, Arc::clone(&shared)));
            }
            Err(err) => {
                tracing::warn!(%err, "fedlab proxy: accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}
