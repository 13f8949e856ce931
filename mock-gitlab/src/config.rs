//! Server configuration and the injectable clock.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::admin_access::AdminAccess;
use crate::faults::Fault;
use crate::issuer::{Issuer, IssuerError};
use crate::keys::SigningAlgorithm;
use crate::version::GitlabVersion;

/// Source of "now" for `iat`/`nbf`/`exp`, injectable so snapshots are stable.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time in Unix seconds.
    fn now_unix(&self) -> i64;
}

/// Wall-clock time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }
}

/// A clock frozen at the given Unix second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_unix(&self) -> i64 {
        self.0
    }
}

/// How long a client has to send a request's headers, and how long a connection may go without
/// sending a byte (before its first request, and idle between requests) before it is closed. 30 s
/// is hyper's own default for the first.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a client has to send a request's whole body once its headers are in; past it the
/// answer is `408` with a JSON message, and the connection is closed.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest request body read, in bytes; a larger one is answered `413` with a JSON message
/// without being read further. The mock's bodies (a mint request, a fault list) are a few hundred
/// bytes; GitLab's own limits sit in front of it in nginx and Workhorse.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How to run mock-gitlab. Start from [`Config::new`] and set fields; the struct is
/// `non_exhaustive` so later options (version profiles, keys, faults) can join it without
/// breaking callers.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Address to bind, e.g. `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Issuer URL; default `https://localhost:{bound port}`.
    pub external_url: Option<String>,
    /// The CI signing key (GitLab's `ci_jwt_signing_key`), which signs every token: a PKCS#8
    /// or PKCS#1 RSA private key PEM, or with [`SigningAlgorithm::Es256`] a PKCS#8 P-256 PEM.
    /// `None` uses `{state_dir}/ci-key.pem` under `spawn` when there is one, else generates
    /// a key (RSA-2048, or P-256 for ES256) and, under `spawn` with a state dir, stores it there.
    pub signing_key_pem: Option<String>,
    /// Source of `iat`; default [`SystemClock`].
    pub clock: Arc<dyn Clock>,
    /// Where `ca.pem` is written. `None` writes no file at all: the root CA is then only
    /// available in memory, from `RunningGitlab::ca_pem`. With a state dir, the CA and the
    /// served chain (keys included) are kept there too and reused on the next start while they
    /// are still valid for the issuer's host, so the CA and the thumbprint survive a restart.
    pub state_dir: Option<PathBuf>,
    /// The GitLab release to imitate; `None` is [`GitlabVersion::NEWEST`]. Releases outside
    /// [`GitlabVersion::OLDEST`]..=[`GitlabVersion::NEWEST`] are refused at start.
    pub gitlab_version: Option<GitlabVersion>,
    /// GitLab's OIDC key (`openid_connect_signing_key`), published first in the JWKS and
    /// never used to sign: a PKCS#8 or PKCS#1 RSA private key PEM. `None` works as for
    /// `signing_key_pem` (file `oidc-key.pem`, RSA-4096). Generating RSA-4096 takes hundreds of
    /// milliseconds, and [`app`](crate::app) does it on the calling thread: a caller that starts
    /// many instances should make the key once with
    /// [`generate_key_pem`](crate::generate_key_pem) and pass it here.
    pub oidc_key_pem: Option<String>,
    /// The CI key's algorithm; default RS256, as GitLab. ES256 is a mock extension.
    pub signing_algorithm: SigningAlgorithm,
    /// GitLab 18.1's `ci_id_tokens.issuer_url`: the `iss` of ID tokens, while the discovery
    /// document keeps the instance URL. Refused at start for releases before 18.1.
    pub id_tokens_issuer_url: Option<String>,
    /// Issuer faults in force from the start; default none. See [`Fault`].
    pub faults: Vec<Fault>,
    /// See [`DEFAULT_HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
    /// See [`DEFAULT_BODY_READ_TIMEOUT`].
    pub body_read_timeout: Duration,
    /// Who may reach the mock's own routes (`/-/mock/…`); default everyone.
    pub admin: AdminAccess,
}

impl Config {
    /// Defaults for everything but the listen address.
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            external_url: None,
            signing_key_pem: None,
            clock: Arc::new(SystemClock),
            state_dir: None,
            gitlab_version: None,
            oidc_key_pem: None,
            signing_algorithm: SigningAlgorithm::Rs256,
            id_tokens_issuer_url: None,
            faults: Vec::new(),
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            admin: AdminAccess::On,
        }
    }

    /// The issuer this configuration yields once `listen` holds the real port.
    pub(crate) fn issuer(&self) -> Result<Issuer, IssuerError> {
        match &self.external_url {
            Some(url) => Issuer::parse(url),
            None => Issuer::parse(&format!("https://localhost:{}", self.listen.port())),
        }
    }
}

// Hand-written so the private key never reaches a log line through `{:?}`.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("external_url", &self.external_url)
            .field(
                "signing_key_pem",
                &self.signing_key_pem.as_ref().map(|_| "<redacted>"),
            )
            .field("clock", &self.clock)
            .field("state_dir", &self.state_dir)
            .field("gitlab_version", &self.gitlab_version)
            .field(
                "oidc_key_pem",
                &self.oidc_key_pem.as_ref().map(|_| "<redacted>"),
            )
            .field("signing_algorithm", &self.signing_algorithm)
            .field("id_tokens_issuer_url", &self.id_tokens_issuer_url)
            .field("faults", &self.faults)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("admin", &self.admin)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_issuer_uses_listen_port() {
        let c = Config::new("127.0.0.1:40123".parse().unwrap());
        assert_eq!(c.issuer().unwrap().url(), "https://localhost:40123");
    }

    #[test]
    fn debug_redacts_key() {
        let mut c = Config::new("127.0.0.1:0".parse().unwrap());
        c.signing_key_pem = Some("-----BEGIN PRIVATE KEY-----secret".into());
        c.oidc_key_pem = Some("-----BEGIN PRIVATE KEY-----hidden".into());
        let s = format!("{c:?}");
        assert!(!s.contains("secret"), "{s}");
        assert!(!s.contains("hidden"), "{s}");
        assert!(s.contains("<redacted>"));
    }
}
