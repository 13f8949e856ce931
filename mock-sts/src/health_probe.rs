//! The probe behind `mock-sts healthcheck`: one `GET /-/mock/health` to a given address, so a
//! container's `HEALTHCHECK` needs neither a shell nor curl in a `FROM scratch` image.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// The route `admin.rs` serves and the answer it gives while the server runs.
const HEALTH_PATH: &str = "/-/mock/health";
const HEALTHY_BODY: &str = "ok";

/// Long enough for a loaded machine, short enough that a container health check (which Docker
/// runs with its own timeout, 30 s by default) reports a hung server quickly.
pub const HEALTHCHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Why a probe found no healthy mock-sts. Each message and each of its sources is one line; the
/// binary prints them together.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HealthError {
    /// Port 0 means "any free port" to the server; a probe cannot guess which one it got.
    #[error("{address} names port 0; give the port mock-sts listens on")]
    PortZero { address: SocketAddr },
    #[error("GET {url}")]
    Unreachable {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("GET {url}: no answer within {timeout:?}")]
    Timeout { url: String, timeout: Duration },
    #[error("GET {url}: HTTP {status} {body:?}, expected HTTP 200 \"ok\"")]
    Unexpected {
        url: String,
        status: u16,
        body: String,
    },
}

/// Succeeds when the mock-sts at `address` answers its health route with 200 `ok` within
/// `timeout`. A wildcard address (`0.0.0.0:8080`, as a server listening on every interface is
/// configured) is probed on loopback. Never uses a proxy.
pub async fn probe(address: SocketAddr, timeout: Duration) -> Result<(), HealthError> {
    if address.port() == 0 {
        return Err(HealthError::PortZero { address });
    }
    let url = format!("http://{}{HEALTH_PATH}", on_loopback_if_wildcard(address));
    let unreachable = |source| HealthError::Unreachable {
        url: url.clone(),
        source,
    };
    let client = reqwest::Client::builder()
        // No TLS here, but reqwest's default verifier fails to build without system roots,
        // which a `FROM scratch` image does not have.
        .tls_certs_only([])
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(unreachable)?;
    let answer = async {
        let response = client.get(&url).send().await?;
        let status = response.status().as_u16();
        Ok::<_, reqwest::Error>((status, response.text().await?))
    };
    let (status, body) = tokio::time::timeout(timeout, answer)
        .await
        .map_err(|_| HealthError::Timeout {
            url: url.clone(),
            timeout,
        })?
        .map_err(unreachable)?;
    if status == 200 && body == HEALTHY_BODY {
        return Ok(());
    }
    // Only the start of an unexpected body: enough to recognise another server, and one line.
    let body = body.chars().take(80).collect();
    Err(HealthError::Unexpected { url, status, body })
}

fn on_loopback_if_wildcard(address: SocketAddr) -> SocketAddr {
    let ip = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, address.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_address_is_probed_on_loopback() {
        let v4: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let v6: SocketAddr = "[::]:8080".parse().unwrap();
        let other: SocketAddr = "10.1.2.3:8080".parse().unwrap();
        assert_eq!(on_loopback_if_wildcard(v4).to_string(), "127.0.0.1:8080");
        assert_eq!(on_loopback_if_wildcard(v6).to_string(), "[::1]:8080");
        assert_eq!(on_loopback_if_wildcard(other), other);
    }

    #[tokio::test]
    async fn port_zero_is_refused_before_any_connection() {
        let err = probe("127.0.0.1:0".parse().unwrap(), HEALTHCHECK_TIMEOUT)
            .await
            .unwrap_err();
        assert!(matches!(err, HealthError::PortZero { .. }), "{err}");
    }
}
