//! The thumbprint AWS would pin for an issuer: the SHA-1 of the last certificate its TLS server
//! sends (the top intermediate CA), read from a real handshake with a remote mock-gitlab.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::digest;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// A handshake that takes longer than this is an unreachable mock, not a slow one.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Lowercase hex SHA-1 of the last certificate `address` serves to `server_name`, the chain
/// verified against `ca_pem` alone. An IP address as `server_name` sends no SNI, which
/// mock-gitlab answers with its normal chain whatever faults are set.
pub(super) async fn served_thumbprint(
    address: SocketAddr,
    server_name: ServerName<'static>,
    ca_pem: &str,
) -> Result<String, String> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        let cert = cert.map_err(|e| format!("the CA PEM: {e}"))?;
        roots
            .add(cert)
            .map_err(|e| format!("the CA certificate: {e}"))?;
    }
    if roots.is_empty() {
        return Err("the CA PEM holds no certificate".to_owned());
    }
    // Explicit provider: no dependence on (or conflict with) a process-wide default.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let handshake = async {
        let tcp = TcpStream::connect(address)
            .await
            .map_err(|e| format!("connect to {address}: {e}"))?;
        TlsConnector::from(Arc::new(config))
            .connect(server_name, tcp)
            .await
            .map_err(|e| format!("TLS handshake with {address}: {e}"))
    };
    let tls = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake)
        .await
        .map_err(|_| format!("no TLS handshake with {address} within {HANDSHAKE_TIMEOUT:?}"))??;
    let top = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(<[_]>::last)
        .ok_or_else(|| format!("{address} sent no certificate"))?;
    let sha1 = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, top.as_ref());
    Ok(sha1.as_ref().iter().map(|b| format!("{b:02x}")).collect())
}
