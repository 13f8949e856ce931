//! The one error type of the public API: why mock-gitlab could not start.

use std::io;
use std::net::SocketAddr;

use crate::issuer::IssuerError;
use crate::keys::KeyError;
use crate::tls::TlsError;

/// Why [`app`](crate::app) or [`spawn`](crate::spawn) failed. Messages are lowercase
/// fragments; the underlying cause, where there is one, is the error's `source()`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listen address could not be bound or prepared for serving.
    #[error("failed to bind {addr}")]
    Bind {
        /// The address from `Config::listen`.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// A [`Config`](crate::Config) field cannot be used.
    #[error("invalid configuration: {reason}")]
    Config {
        /// Which field and why, e.g. `external url "x": missing scheme`.
        reason: String,
    },
    /// The signing key PEM was not a usable RSA private key, or a key could not be generated.
    #[error("failed to load the signing key: {reason}")]
    Key {
        /// What was wrong with the key.
        reason: String,
    },
    /// The certificate chain or the TLS server configuration could not be built.
    #[error("failed to set up TLS: {reason}")]
    Tls {
        /// What rcgen or rustls reported.
        reason: String,
    },
    /// A file or server operation failed.
    #[error("failed to {action}")]
    Io {
        /// What was being done, e.g. `write /state/ca.pem`.
        action: String,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },
}

impl Error {
    pub(crate) fn io(action: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            action: action.into(),
            source,
        }
    }
}

impl From<IssuerError> for Error {
    fn from(e: IssuerError) -> Self {
        Self::Config {
            reason: e.to_string(),
        }
    }
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Self {
        Self::Key {
            reason: e.to_string(),
        }
    }
}

impl From<TlsError> for Error {
    fn from(e: TlsError) -> Self {
        Self::Tls {
            reason: e.to_string(),
        }
    }
}
