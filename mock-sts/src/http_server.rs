//! The server loop of both listeners: HTTP/1.1 on hyper, with a deadline for each request's
//! headers (`Config::header_read_timeout`, which also closes a connection idle that long), a cap
//! on their size (`unknowns::MAX_HEADER_BYTES`), the peer's address for the handlers
//! (`ConnectInfo`), TCP_NODELAY, and a graceful stop.
//!
//! axum::serve sets no header-read timeout, so a client that opens a connection and sends nothing
//! (or a byte a minute) would hold it forever. HTTP/1.1 only: AWS's endpoints speak HTTP/2 over
//! TLS alone, and an HTTP/2 connection has no header deadline in hyper.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower_service::Service as _;

use crate::unknowns;

/// How long a stop waits for requests in flight before it leaves their connections behind.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// After an accept error that is not about one connection (out of file descriptors), how long
/// to wait before accepting again, rather than spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` in a task of its own; the sender stops it.
pub(crate) fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    name: &'static str,
) -> oneshot::Sender<()> {
    let (shutdown, stopped) = oneshot::channel::<()>();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        // Both: the first refuses a complete head over the cap, the second stops reading an
        // unfinished one there (each alone lets the other case through).
        .max_header_size(unknowns::MAX_HEADER_BYTES)
        .max_buf_size(unknowns::MAX_HEADER_BYTES)
        // A client that shuts down its sending side after its request still gets the answer.
        .half_close(true);
    tokio::spawn(async move {
        let graceful = GracefulShutdown::new();
        let mut stopped = std::pin::pin!(stopped);
        loop {
            let (tcp, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(err) => {
                        tracing::debug!(%err, "{name}: accept failed");
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                        continue;
                    }
                },
                // A dropped sender means the same as a sent stop.
                _ = &mut stopped => break,
            };
            // An answer leaves in one write, but its client may be waiting on an ACK for its own
            // last small write; without TCP_NODELAY, Nagle's algorithm can hold an exchange for
            // 40 ms.
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(%err, "TCP_NODELAY not set");
            }
            let router = router.clone();
            let service =
                hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    let mut router = router.clone();
                    async move { router.call(request).await }
                });
            let connection = http.serve_connection(TokioIo::new(tcp), service);
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                // A connection ends with an error when its client goes away mid-request or its
                // headers are late; either way there is nobody left to answer.
                if let Err(err) = connection.await {
                    tracing::debug!(%err, %peer, "connection closed");
                }
            });
        }
        // No new connections from here; those open finish their requests in flight.
        drop(listener);
        if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::debug!("{name}: connections still open after the grace period");
        }
    });
    shutdown
}

/// Binds `addr` with a listen backlog deep enough for thousands of clients connecting at once
/// (tokio's `bind` asks for 1,024; the kernel caps the request at `somaxconn`).
pub(crate) fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

const LISTEN_BACKLOG: u32 = 4096;
