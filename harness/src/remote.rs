//! Mocks that run elsewhere — the containers of `docker-compose.yml`, or a `mock-gitlab` and a
//! `mock-sts` started by hand — and what [`Federation::connect`](crate::Federation::connect) needs
//! to reach them. docs/targets.md says how the catalogue runs against them.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use mock_gitlab::{GitlabVersion, SigningAlgorithm};

use crate::credentials::Credentials;
use crate::error::Error;

/// docker-compose.yml's mock-sts, published on loopback.
pub const COMPOSE_STS_ENDPOINT: &str = "http://127.0.0.1:8080";
/// docker-compose.yml's mock-sts S3 listener, published on loopback.
pub const COMPOSE_S3_ENDPOINT: &str = "http://127.0.0.1:9000";
/// docker-compose.yml's mock-gitlab issuer: a name only the compose network resolves.
pub const COMPOSE_ISSUER: &str = "https://gitlab.example.com:8443";
/// Where docker-compose.yml publishes mock-gitlab on this machine.
pub const COMPOSE_GITLAB_ADDRESS: SocketAddr =
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8443);

/// A mock-gitlab and a mock-sts already running, reached by URL instead of owned.
///
/// fedlab never looks a name up in DNS: mock-sts's endpoints must name an IP address (or
/// `localhost`), and the issuer's host name is pinned to [`RemoteMocks::gitlab_address`]. Both
/// mocks must be ones this fedlab can reset (`POST /-/mock/reset`).
#[derive(Debug, Clone)]
pub struct RemoteMocks {
    /// mock-sts's STS and IAM endpoint, e.g. `http://127.0.0.1:8080`.
    pub sts_endpoint: String,
    /// mock-sts's S3 endpoint (path-style), e.g. `http://127.0.0.1:9000`.
    pub s3_endpoint: String,
    /// mock-gitlab's issuer URL, as tokens carry it and mock-sts reaches it, e.g.
    /// `https://gitlab.example.com:8443`.
    pub issuer: String,
    /// Where this machine connects to reach mock-gitlab, e.g. `127.0.0.1:8443`. Its mock routes
    /// (minting, faults, the request log, reset) are asked at `https://ADDRESS` without SNI, as
    /// mock-gitlab's admin URL, so the certificate must name this address (it names loopback).
    pub gitlab_address: SocketAddr,
    /// mock-gitlab's root CA certificate (PEM), the one certificate trusted for it: in
    /// docker-compose, `/state/ca.pem` of the `gitlab` container.
    pub ca_pem: String,
    /// The keys mock-sts accepts for IAM (its `--admin-access-key-id` and
    /// `--admin-secret-access-key`).
    pub admin: Credentials,
    /// mock-sts's account (its `--account`).
    pub account_id: String,
    /// mock-sts's region (its `--region`).
    pub region: String,
    /// The GitLab release mock-gitlab imitates (its `--gitlab-version`; newest when not given).
    pub gitlab_version: GitlabVersion,
    /// mock-gitlab's CI key algorithm (its `--signing-algorithm`).
    pub signing_algorithm: SigningAlgorithm,
    /// Whether mock-sts trusts mock-gitlab's CA as one of "AWS's trusted root CAs" (its
    /// `--trust-ca`, as docker-compose.yml sets it).
    pub trusts_issuer_ca: bool,
    /// mock-gitlab's container (name or ID), when it runs in one: scenarios with a
    /// `gitlab.outage` cut it off from mock-sts for real (`docker network disconnect`, `docker
    /// pause`, `docker stop`). Without it they are skipped.
    pub issuer_container: Option<String>,
}

impl RemoteMocks {
    /// docker-compose.yml's mocks as it starts them: mock-sts on `127.0.0.1:8080` (S3 on
    /// `127.0.0.1:9000`) with the default account, region and admin keys, trusting mock-gitlab's
    /// CA; mock-gitlab as `https://gitlab.example.com:8443` on `127.0.0.1:8443`, newest release,
    /// RS256. `ca_pem` is mock-gitlab's CA: `docker cp "$(docker-compose ps -q gitlab)":/state/ca.pem .`
    pub fn compose(ca_pem: impl Into<String>) -> Self {
        Self {
            sts_endpoint: COMPOSE_STS_ENDPOINT.to_owned(),
            s3_endpoint: COMPOSE_S3_ENDPOINT.to_owned(),
            issuer: COMPOSE_ISSUER.to_owned(),
            gitlab_address: COMPOSE_GITLAB_ADDRESS,
            ca_pem: ca_pem.into(),
            admin: Credentials {
                access_key_id: mock_sts::DEFAULT_ADMIN_ACCESS_KEY_ID.to_owned(),
                secret_access_key: mock_sts::DEFAULT_ADMIN_SECRET_ACCESS_KEY.to_owned(),
                session_token: None,
                expiration: None,
            },
            account_id: mock_sts::DEFAULT_ACCOUNT_ID.to_owned(),
            region: mock_sts::DEFAULT_REGION.to_owned(),
            gitlab_version: GitlabVersion::NEWEST,
            signing_algorithm: SigningAlgorithm::Rs256,
            trusts_issuer_ca: true,
            issuer_container: None,
        }
    }

    /// The issuer's host name (and port) as mock-sts and tokens see it: `gitlab.example.com:8443`.
    pub(crate) fn issuer_authority(&self) -> Result<&str, Error> {
        let rest = self
            .issuer
            .strip_prefix("https://")
            .ok_or_else(|| invalid("the issuer", &self.issuer, "it is not an https:// URL"))?;
        Ok(rest.split('/').next().unwrap_or(rest))
    }

    /// The issuer's host name alone, for SNI and the pinned resolution.
    pub(crate) fn issuer_name(&self) -> Result<&str, Error> {
        let host = self.issuer_authority()?;
        Ok(match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        })
    }

    /// The path under which mock-gitlab serves (GitLab under a relative URL root), `""` mostly.
    pub(crate) fn issuer_root(&self) -> Result<&str, Error> {
        let host = self.issuer_authority()?;
        let rest = self
            .issuer
            .strip_prefix("https://")
            .and_then(|rest| rest.strip_prefix(host))
            .unwrap_or_default();
        Ok(rest.trim_end_matches('/'))
    }
}

/// `http://IP:PORT` (or `http://localhost:PORT`) as the socket address it names, for fedlab's
/// proxy, which forwards there. Anything else would need a DNS lookup, which fedlab never does.
pub(crate) fn loopback_or_ip(what: &'static str, endpoint: &str) -> Result<SocketAddr, Error> {
    let authority = endpoint
        .strip_prefix("http://")
        .ok_or_else(|| invalid(what, endpoint, "it is not an http:// URL"))?
        .trim_end_matches('/');
    if authority.contains('/') {
        return Err(invalid(what, endpoint, "it has a path"));
    }
    let authority = match authority.strip_prefix("localhost:") {
        Some(port) => format!("127.0.0.1:{port}"),
        None => authority.to_owned(),
    };
    authority.parse().map_err(|_| {
        invalid(
            what,
            endpoint,
            "it must name an IP address and a port (fedlab never looks a name up)",
        )
    })
}

fn invalid(what: &'static str, value: &str, why: &str) -> Error {
    Error::Start {
        what,
        reason: format!("{value:?}: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_names_an_ip_address_or_localhost_and_a_port() {
        let at = |url| loopback_or_ip("mock-sts", url).map_err(|e| e.to_string());
        assert_eq!(
            at("http://127.0.0.1:8080"),
            Ok("127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(
            at("http://localhost:9000/"),
            Ok("127.0.0.1:9000".parse().unwrap())
        );
        for refused in [
            "https://127.0.0.1:8080",
            "http://sts.example.com:80",
            "http://127.0.0.1",
        ] {
            assert!(at(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_issuer_splits_into_name_host_and_root() {
        let mut remote = RemoteMocks::compose("");
        assert_eq!(
            remote.issuer_authority().unwrap(),
            "gitlab.example.com:8443"
        );
        assert_eq!(remote.issuer_name().unwrap(), "gitlab.example.com");
        assert_eq!(remote.issuer_root().unwrap(), "");
        remote.issuer = "https://gitlab.example.com/gitlab".to_owned();
        assert_eq!(remote.issuer_name().unwrap(), "gitlab.example.com");
        assert_eq!(remote.issuer_root().unwrap(), "/gitlab");
        remote.issuer = "http://gitlab.example.com".to_owned();
        assert!(remote.issuer_authority().is_err());
    }
}
