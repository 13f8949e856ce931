//! Closing a client's connection from inside a request handler, for the faults that must look
//! like an unreachable issuer.
//!
//! A status code, however bad, is still an answer. To give a client no answer at all, the
//! connection is closed before the response head is written: every accepted TCP stream is
//! wrapped in a [`Closable`] stream registered under its peer address, and
//! [`Connections::close`] makes that stream fail its next read or write. The response that
//! hyper then tries to send never reaches the socket, and the client sees the connection end
//! (HTTP/1.1: "connection closed before message completed"; HTTP/2: the connection goes away).
//!
//! The same stream closes a connection whose client has sent nothing for the idle limit
//! (`Config::header_read_timeout`): one that never starts its TLS handshake or its first request,
//! or an HTTP/2 connection (which has no header deadline in hyper) gone quiet.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

/// The open connections, by peer address.
#[derive(Debug, Default)]
pub(crate) struct Connections {
    open: Mutex<HashMap<SocketAddr, Arc<AtomicBool>>>,
}

impl Connections {
    /// Marks the connection from `peer` closed. Returns false when no such connection is known,
    /// e.g. for a router from `app()` that some other server runs.
    pub(crate) fn close(&self, peer: SocketAddr) -> bool {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        match open.get(&peer) {
            Some(closed) => {
                closed.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    fn register(&self, peer: SocketAddr) -> Arc<AtomicBool> {
        let closed = Arc::new(AtomicBool::new(false));
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(peer, Arc::clone(&closed));
        closed
    }

    /// Forgets `peer`, unless a newer connection from the same address took its place.
    fn forget(&self, peer: SocketAddr, closed: &Arc<AtomicBool>) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.get(&peer).is_some_and(|c| Arc::ptr_eq(c, closed)) {
            open.remove(&peer);
        }
    }
}

/// An axum-server acceptor, placed under TLS, that registers every accepted TCP stream.
#[derive(Debug, Clone)]
pub(crate) struct Tracked {
    connections: Arc<Connections>,
    idle: Duration,
}

impl Tracked {
    /// `idle`: how long a client may send nothing before its connection is closed.
    pub(crate) fn new(connections: Arc<Connections>, idle: Duration) -> Self {
        Self { connections, idle }
    }
}

impl<S> Accept<TcpStream, S> for Tracked {
    type Stream = Closable;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Closable, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        // As axum-server's default acceptor does: TLS writes a handshake and an answer in
        // several small records, and with Nagle's algorithm on, the client's delayed ACK held
        // each exchange for 40 ms.
        let accepted = stream
            .set_nodelay(true)
            .and_then(|()| stream.peer_addr())
            .map(|peer| {
                let closed = self.connections.register(peer);
                let stream = Closable {
                    inner: stream,
                    peer,
                    closed,
                    connections: Arc::clone(&self.connections),
                    idle: self.idle,
                    silence_ends: Box::pin(tokio::time::sleep(self.idle)),
                };
                (stream, service)
            });
        std::future::ready(accepted)
    }
}

/// A TCP stream that fails every operation once its connection was closed.
#[derive(Debug)]
pub(crate) struct Closable {
    inner: TcpStream,
    peer: SocketAddr,
    closed: Arc<AtomicBool>,
    connections: Arc<Connections>,
    idle: Duration,
    /// When the client's silence ends the connection; every byte read pushes it back.
    silence_ends: Pin<Box<Sleep>>,
}

impl Closable {
    fn check(&self) -> io::Result<()> {
        if self.closed.load(Ordering::SeqCst) {
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "closed by an issuer fault",
            ))
        } else {
            Ok(())
        }
    }
}

impl Drop for Closable {
    fn drop(&mut self) {
        self.connections.forget(self.peer, &self.closed);
    }
}

impl AsyncRead for Closable {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check()?;
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() > before => {
                let later = Instant::now() + this.idle;
                this.silence_ends.as_mut().reset(later);
                Poll::Ready(Ok(()))
            }
            Poll::Pending if this.silence_ends.as_mut().poll(cx).is_ready() => {
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client sent nothing within the idle limit",
                )))
            }
            other => other,
        }
    }
}

impl AsyncWrite for Closable {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
