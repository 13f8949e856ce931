//! The probe behind `mock-gitlab healthcheck`: one HTTPS `GET /-/health`, as a relying party
//! would make it. It trusts only the CA in the state dir, sends the issuer's host name through
//! SNI and checks the certificate against it, but connects to a given address and never asks
//! DNS. A container's `HEALTHCHECK` then needs neither a shell nor curl in a `FROM scratch` image.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::issuer::Issuer;
use crate::paths::HEALTH_PATH;
use crate::pki_store::ROOT_CERT;
use crate::tls::admin_address;

/// Long enough for a loaded machine, short enough that a container health check (which Docker
/// runs with its own timeout, 30 s by default) reports a hung server quickly.
pub const HEALTHCHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// What to probe: where the server listens, the issuer it serves, and its state dir.
#[derive(Debug, Clone)]
pub struct HealthProbe {
    /// The server's address; a wildcard one (`0.0.0.0:8443`) is probed on loopback.
    pub address: SocketAddr,
    /// The issuer URL (the server's `--external-url`): its host is the TLS server name, and its
    /// relative root, if any, prefixes `/-/health`.
    pub external_url: String,
    /// The server's state dir, whose `ca.pem` is the only CA trusted.
    pub state_dir: PathBuf,
    /// How long the whole exchange may take.
    pub timeout: Duration,
}

/// Why a probe found no healthy mock-gitlab. Each message and each of its sources is one line;
/// the binary prints them together.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HealthError {
    /// Port 0 means "any free port" to the server; a probe cannot guess which one it got.
    #[error("{address} names port 0; give the port mock-gitlab listens on")]
    PortZero { address: SocketAddr },
    #[error("external url {url:?}: {reason}")]
    ExternalUrl { url: String, reason: String },
    /// The server writes `ca.pem` before it accepts connections, so a missing file usually means
    /// the server has not started yet or uses another state dir.
    #[error("failed to read the CA {}", path.display())]
    CaUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the CA {} is not a PEM certificate", path.display())]
    CaInvalid {
        path: PathBuf,
        #[source]
        source: reqwest::Error,
    },
    #[error("GET {url} at {address}")]
    Unreachable {
        url: String,
        address: SocketAddr,
        #[source]
        source: reqwest::Error,
    },
    #[error("GET {url} at {address}: no answer within {timeout:?}")]
    Timeout {
        url: String,
        address: SocketAddr,
        timeout: Duration,
    },
    #[error("GET {url} at {address}: HTTP {status}, expected HTTP 200")]
    Unexpected {
        url: String,
        address: SocketAddr,
        status: u16,
    },
}

/// Succeeds when the mock-gitlab at `probe.address` answers `/-/health` with 200 over TLS that
/// verifies against the state dir's CA for the issuer's host name.
pub async fn probe(probe: &HealthProbe) -> Result<(), HealthError> {
    if probe.address.port() == 0 {
        return Err(HealthError::PortZero {
            address: probe.address,
        });
    }
    let issuer = Issuer::parse(&probe.external_url).map_err(|e| HealthError::ExternalUrl {
        url: probe.external_url.clone(),
        reason: e.reason().to_owned(),
    })?;
    let address = admin_address(probe.address);
    let ca = read_ca(&probe.state_dir)?;
    let host = issuer.host();
    // The port is the address's: reqwest takes the port of a `resolve` override from the URL.
    let port = address.port();
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let url = format!("https://{authority}{}{HEALTH_PATH}", issuer.relative_root());
    let unreachable = |source| HealthError::Unreachable {
        url: url.clone(),
        address,
        source,
    };
    let client = reqwest::Client::builder()
        .tls_certs_only([ca])
        .resolve(host, address)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(unreachable)?;
    let status = tokio::time::timeout(probe.timeout, client.get(&url).send())
        .await
        .map_err(|_| HealthError::Timeout {
            url: url.clone(),
            address,
            timeout: probe.timeout,
        })?
        .map_err(unreachable)?
        .status()
        .as_u16();
    match status {
        200 => Ok(()),
        status => Err(HealthError::Unexpected {
            url,
            address,
            status,
        }),
    }
}

fn read_ca(state_dir: &Path) -> Result<reqwest::Certificate, HealthError> {
    let path = state_dir.join(ROOT_CERT);
    match std::fs::read(&path) {
        Ok(pem) => reqwest::Certificate::from_pem(&pem)
            .map_err(|source| HealthError::CaInvalid { path, source }),
        Err(source) => Err(HealthError::CaUnreadable { path, source }),
    }
}
