//! Starting mock-gitlab: [`app`] builds the router for an in-process caller, [`spawn`] also
//! binds a socket, generates the TLS chain and serves HTTPS until stopped.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use hyper_util::rt::TokioTimer;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::connections::Tracked;
use crate::error::Error;
use crate::faults::{Fault, FaultSet};
use crate::key_setup;
use crate::keys::KeyRing;
use crate::paths::{JWKS_PATH, MINT_PATH};
use crate::request_log::{IssuerRequest, RequestLog};
use crate::reset;
use crate::routes;
use crate::state::AppState;
use crate::tls::{self, TlsChain};
use crate::version::GitlabVersion;

/// Builds the signing key and the router, without TLS or a socket. The issuer is
/// `external_url`, or `https://localhost:{config.listen.port()}`. Writes no file.
pub fn app(config: Config) -> Result<axum::Router, Error> {
    Ok(routes::router(Arc::new(AppState::from_config(&config)?)))
}

/// The line the `mock-gitlab` binary prints on stdout once it accepts connections.
/// `Deserialize` is there for whoever launches the binary and parses that line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ready {
    /// The issuer URL, as in the tokens' `iss` and the discovery document.
    pub issuer: String,
    /// The bound address, e.g. `127.0.0.1:40123`.
    pub listen: String,
    /// Path of the root CA PEM file. The binary always writes one; a library caller
    /// without `Config::state_dir` gets no file, and then this is the empty string.
    pub ca_pem: String,
    /// Lowercase hex SHA-1 of the top intermediate CA certificate, for an IAM OIDC provider's
    /// `ThumbprintList`.
    pub thumbprint: String,
    /// The JWKS URL.
    pub jwks_uri: String,
    /// The mint API URL (`POST` a [`MintRequest`](crate::MintRequest) there).
    pub mint_url: String,
    /// `kid` of the CI signing key at start (RFC 7638 thumbprint).
    pub kid: String,
    /// The GitLab release the instance imitates, e.g. `"19.2"`.
    pub gitlab_version: GitlabVersion,
    /// `https://127.0.0.1:PORT` (the listen address, or loopback for a wildcard one): the mock's
    /// own routes (`/-/mock/id_tokens`, `/-/mock/faults`, `/-/mock/requests`) without SNI, so
    /// always over the normal chain, whatever TLS faults are set. The leaf certificate names
    /// this IP address.
    pub admin_url: String,
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
    keys: Arc<KeyRing>,
    faults: Arc<FaultSet>,
    requests: Arc<RequestLog>,
    new_certificate_thumbprint: String,
    handle: Handle<SocketAddr>,
    task: Option<tokio::task::JoinHandle<io::Result<()>>>,
}

impl RunningGitlab {
    /// The bound address (the real port when `listen` asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The issuer URL.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `kid` of the CI signing key at start (RFC 7638 thumbprint); a rotation returns the
    /// new one.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// `kid` of the OIDC key, the first key of the JWKS.
    pub fn oidc_kid(&self) -> &str {
        self.keys.oidc_kid()
    }

    /// The GitLab release the instance imitates.
    pub fn gitlab_version(&self) -> GitlabVersion {
        self.ready.gitlab_version
    }

    /// Replaces the CI signing key with a new one of the same algorithm, as
    /// `POST /-/mock/keys/rotate` does, and returns its `kid`. With `keep_old` the replaced key
    /// stays in the JWKS after the current keys; without it only the current keys stay. With a
    /// state dir the new key is written to `ci-key.pem` there.
    pub async fn rotate_signing_key(&self, keep_old: bool) -> Result<String, Error> {
        Ok(key_setup::rotate(&self.keys, keep_old).await?.kid)
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

    /// What the binary prints as its ready line.
    pub fn ready(&self) -> &Ready {
        &self.ready
    }

    /// [`Ready::admin_url`]: where the mock's own routes are served without SNI.
    pub fn admin_url(&self) -> &str {
        &self.ready.admin_url
    }

    /// Replaces the issuer faults in force (and restarts the `throttle` count), as
    /// `PUT /-/mock/faults` does. A status outside 200 to 599, which the HTTP API would reject,
    /// is answered as 500.
    pub fn set_faults(&self, faults: Vec<Fault>) {
        self.faults.set(faults);
    }

    /// The issuer faults in force.
    pub fn faults(&self) -> Vec<Fault> {
        self.faults.list()
    }

    /// The thumbprint clients see while [`Fault::NewCertificate`] is set.
    pub fn new_certificate_thumbprint(&self) -> &str {
        &self.new_certificate_thumbprint
    }

    /// The discovery, JWKS and mint requests kept in the log, oldest first.
    pub fn requests(&self) -> Vec<IssuerRequest> {
        self.requests.since(0)
    }

    /// Empties the request log, as `DELETE /-/mock/requests` does; sequence numbers go on.
    pub fn clear_requests(&self) {
        self.requests.clear();
    }

    /// Puts the instance back as it started, as `POST /-/mock/reset` does: no faults, an empty
    /// request log (sequence numbers go on), and the CI key it started with, rotations undone.
    pub async fn reset(&self) -> Result<(), Error> {
        reset::reset(&self.faults, &self.requests, &self.keys).await
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

/// Binds `config.listen` (port 0 is fine), generates the keys and TLS chain, writes
/// `{state_dir}/ca.pem` when a state dir is set (and the keys it generated, reusing keys it
/// finds there), and serves HTTPS. Returns once the listener accepts connections.
pub async fn spawn(mut config: Config) -> Result<RunningGitlab, Error> {
    let listener = bind(config.listen)?;
    let addr = listener.local_addr().map_err(|source| Error::Bind {
        addr: config.listen,
        source,
    })?;
    // The default issuer embeds the real port, so resolve it before building anything.
    config.listen = addr;
    let issuer = config.issuer()?;
    let admin = tls::admin_address(addr);
    let names = tls::leaf_names(issuer.host(), admin.ip());
    let (state, chain) = prepare(config.clone(), names).await?;
    let ca_pem_path = match &config.state_dir {
        Some(dir) => Some(write_ca_pem(dir, &chain.root_pem).await?),
        None => None,
    };

    let handle = Handle::new();
    let state = Arc::new(state);
    let tls_config = chain.server_config(Arc::clone(&state.faults), issuer.host())?;
    let idle = config.header_read_timeout;
    let mut server = axum_server::from_tcp_rustls(listener, RustlsConfig::from_config(tls_config))
        .map_err(|e| Error::io("start the HTTPS server", e))?
        // Under TLS, so a fault can close a connection before any byte of an answer, and a
        // connection that sends nothing (not even its TLS handshake or its first request) is
        // closed once idle that long.
        .map(|tls| tls.acceptor(Tracked::new(Arc::clone(&state.connections), idle)))
        .handle(handle.clone());
    // axum-server sets no timer, so hyper would wait for a request's headers forever.
    server
        .http_builder()
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    let kid = state.keys.current().kid().to_owned();
    let gitlab_version = state.profile.version();
    let keys = Arc::clone(&state.keys);
    let (faults, requests) = (Arc::clone(&state.faults), Arc::clone(&state.requests));
    let app = routes::router(state);
    // The peer address lets a fault find the connection to close.
    let task = tokio::spawn(server.serve(app.into_make_service_with_connect_info::<SocketAddr>()));

    let thumbprint = chain.thumbprint();
    let new_certificate_thumbprint = chain.renewed_thumbprint();
    // Built before waiting, so that dropping this future mid-wait still stops the server.
    let mut running = RunningGitlab {
        addr,
        issuer: issuer.url().to_owned(),
        kid: kid.clone(),
        ca_pem: chain.root_pem,
        thumbprint: thumbprint.clone(),
        ready: Ready {
            issuer: issuer.url().to_owned(),
            listen: addr.to_string(),
            ca_pem: ca_pem_path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            thumbprint,
            jwks_uri: issuer.join(JWKS_PATH),
            mint_url: issuer.join(MINT_PATH),
            kid,
            gitlab_version,
            admin_url: format!("https://{admin}"),
        },
        keys,
        faults,
        requests,
        new_certificate_thumbprint,
        ca_pem_path,
        handle: handle.clone(),
        task: Some(task),
    };
    if handle.listening().await.is_none() {
        return Err(startup_failure(running.task.take()).await);
    }
    tracing::info!(
        issuer = %running.issuer,
        listen = %addr,
        kid = %running.kid,
        gitlab_version = %running.ready.gitlab_version,
        thumbprint = %running.thumbprint,
        "mock-gitlab ready"
    );
    Ok(running)
}

fn bind(addr: SocketAddr) -> Result<std::net::TcpListener, Error> {
    let bind_error = |source| Error::Bind { addr, source };
    let listener = std::net::TcpListener::bind(addr).map_err(bind_error)?;
    listener.set_nonblocking(true).map_err(bind_error)?;
    Ok(listener)
}

/// Loads or generates the keys (keeping them in the state dir, if any), and loads (from the
/// state dir) or generates the TLS chain for the leaf's `san_names`. RSA key generation takes up
/// to hundreds of milliseconds, so it runs off the async workers.
async fn prepare(config: Config, san_names: Vec<String>) -> Result<(AppState, TlsChain), Error> {
    let config = key_setup::resolve_pems(config).await?;
    let task = tokio::task::spawn_blocking(move || -> Result<_, Error> {
        let state = AppState::from_config(&config)?;
        if let (Some(dir), Some(pem)) = (&config.state_dir, &config.signing_key_pem) {
            state.keys.persist_rotations_to(dir.clone(), pem.clone());
        }
        let chain = tls::prepare(config.state_dir.as_deref(), &san_names)?;
        Ok((state, chain))
    });
    match task.await {
        Ok(result) => result,
        // A panic is a bug; let it surface as one rather than as a startup error.
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(Error::io(
            "prepare the signing key and certificates",
            io::Error::other(e),
        )),
    }
}

/// Writes `{dir}/ca.pem`, creating `dir` if needed. Write then rename, so a reader
/// (mock-sts in another container) never sees half a file.
async fn write_ca_pem(dir: &Path, pem: &str) -> Result<PathBuf, Error> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| Error::io(format!("create state dir {}", dir.display()), e))?;
    let path = dir.join("ca.pem");
    let partial = dir.join("ca.pem.partial");
    tokio::fs::write(&partial, pem)
        .await
        .map_err(|e| Error::io(format!("write {}", partial.display()), e))?;
    tokio::fs::rename(&partial, &path)
        .await
        .map_err(|e| Error::io(format!("write {}", path.display()), e))?;
    Ok(path)
}

/// Why the server task ended before it was listening.
async fn startup_failure(task: Option<tokio::task::JoinHandle<io::Result<()>>>) -> Error {
    let source = match task {
        Some(task) => match task.await {
            Ok(Err(e)) => e,
            Ok(Ok(())) => io::Error::other("server exited before listening"),
            Err(e) => io::Error::other(e),
        },
        None => io::Error::other("server exited before listening"),
    };
    Error::io("start the HTTPS server", source)
}
