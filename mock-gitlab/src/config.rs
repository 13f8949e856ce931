//! Server configuration, the injectable clock and the parsed issuer URL.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::http::Uri;

/// Source of "now" for `iat`/`nbf`/`exp`, injectable so snapshots are stable.
pub trait Clock: Send + Sync + fmt::Debug {
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

#[derive(Clone)]
pub struct Config {
    /// Address to bind, e.g. `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Issuer URL; default `https://localhost:{bound port}`.
    pub external_url: Option<String>,
    /// PKCS#8 or PKCS#1 RSA private key PEM; `None` generates RSA-2048 at start.
    pub signing_key_pem: Option<String>,
    pub clock: Arc<dyn Clock>,
    /// Where `ca.pem` is written. `None` writes no file at all: the root CA is then only
    /// available in memory, from `RunningGitlab::ca_pem`.
    pub state_dir: Option<PathBuf>,
}

impl Config {
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            external_url: None,
            signing_key_pem: None,
            clock: Arc::new(SystemClock),
            state_dir: None,
        }
    }

    /// The issuer this configuration yields once `listen` holds the real port.
    pub fn issuer(&self) -> Result<Issuer, ConfigError> {
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
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid external URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
}

/// The issuer URL plus the pieces the different token kinds derive from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    url: String,
    host: String,
    authority: String,
}

impl Issuer {
    /// Parses `scheme://host[:port][/relative_root]`. A trailing slash is dropped because
    /// GitLab's `Gitlab.config.gitlab.url` never carries one (see docs/gitlab-behaviour.md).
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let invalid = |reason: &str| ConfigError::InvalidUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = url.trim_end_matches('/');
        let uri: Uri =
            trimmed
                .parse()
                .map_err(|e: axum::http::uri::InvalidUri| ConfigError::InvalidUrl {
                    url: url.to_owned(),
                    reason: e.to_string(),
                })?;
        if uri.scheme().is_none() {
            return Err(invalid("missing scheme (expected e.g. https://host)"));
        }
        if uri.query().is_some() {
            return Err(invalid("a query string is not allowed"));
        }
        let authority = uri.authority().ok_or_else(|| invalid("missing host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("user info is not allowed"));
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if host.is_empty() {
            return Err(invalid("missing host"));
        }
        Ok(Self {
            url: trimmed.to_owned(),
            host,
            authority: authority.as_str().to_owned(),
        })
    }

    /// The full issuer URL, e.g. `https://gitlab.example.com`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Host name or IP without port or brackets (used as a TLS SAN).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `host[:port]`, the legacy CI_JOB_JWT issuer form.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The issuer without its scheme, which is how `ci_config_ref_uri` names the instance.
    pub fn without_scheme(&self) -> &str {
        self.url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, rest)| rest)
    }

    /// Issuer URL joined with an absolute path.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_parts() {
        let i = Issuer::parse("https://gitlab.example.com:8443/gitlab/").unwrap();
        assert_eq!(i.url(), "https://gitlab.example.com:8443/gitlab");
        assert_eq!(i.host(), "gitlab.example.com");
        assert_eq!(i.authority(), "gitlab.example.com:8443");
        assert_eq!(i.without_scheme(), "gitlab.example.com:8443/gitlab");
        assert_eq!(
            i.join("/oauth/discovery/keys"),
            "https://gitlab.example.com:8443/gitlab/oauth/discovery/keys"
        );
    }

    #[test]
    fn issuer_rejects_garbage() {
        assert!(Issuer::parse("gitlab.example.com").is_err());
        assert!(Issuer::parse("https://").is_err());
        assert!(Issuer::parse("https://a@b.example").is_err());
        assert!(Issuer::parse("https://h.example/?x=1").is_err());
    }

    #[test]
    fn default_issuer_uses_listen_port() {
        let c = Config::new("127.0.0.1:40123".parse().unwrap());
        assert_eq!(c.issuer().unwrap().url(), "https://localhost:40123");
    }

    #[test]
    fn debug_redacts_key() {
        let mut c = Config::new("127.0.0.1:0".parse().unwrap());
        c.signing_key_pem = Some("-----BEGIN PRIVATE KEY-----secret".into());
        let s = format!("{c:?}");
        assert!(!s.contains("secret"), "{s}");
        assert!(s.contains("<redacted>"));
    }
}
