//! Why mock-sts could not start. Request-time failures are AWS answers (`errors.rs`), not these.

use std::net::SocketAddr;

/// A failure to build or start a mock-sts; each message reads after "failed to …" phrasing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An entry of `Config::trust_ca_pems` (numbered from 1) is not valid PEM.
    #[error("failed to read trusted CA PEM number {index}")]
    TrustedCaPem {
        index: usize,
        #[source]
        source: rustls_pki_types::pem::Error,
    },
    /// A certificate of a trusted CA PEM cannot serve as a root.
    #[error("failed to add a certificate of trusted CA PEM number {index}")]
    TrustedCaCertificate {
        index: usize,
        #[source]
        source: rustls::Error,
    },
    /// An empty or truncated CA file would silently trust nothing, so it is refused.
    #[error("failed to trust CA PEM number {index}: it contains no certificate")]
    EmptyTrustedCaPem { index: usize },
    #[error("failed to bind {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// A seed entry IAM refuses (the message is IAM's code and message), or a provider without
    /// thumbprints seeded where nothing can connect to it.
    #[error("failed to seed {entry}: {message}")]
    Seed { entry: String, message: String },
    #[error("failed to read the bound address")]
    LocalAddr(#[source] std::io::Error),
}
