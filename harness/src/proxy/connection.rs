//! One client connection to the proxy: read the request head, then either tunnel a `CONNECT` to
//! an AWS host name into mock-sts or its S3 listener (TLS ended here with fedlab's CA, the
//! plaintext piped byte for byte, so the `Host` a signature covers arrives intact) or refuse it
//! with 403.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use super::ca::ProxyCa;
use super::log::{ProxyLog, ProxyRequest};

/// A client that has not sent its request head by then is not coming.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Request heads to a proxy are a line or two; anything longer is not a proxy request.
const HEAD_LIMIT: usize = 16 * 1024;

/// What every connection needs: where mock-sts and its S3 listener listen, the CA, and the log.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) sts: SocketAddr,
    pub(super) s3: SocketAddr,
    pub(super) ca: ProxyCa,
    pub(super) log: ProxyLog,
}

/// Which listener answers a host name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Upstream {
    Sts,
    S3,
}

/// The AWS host names mock-sts answers: global and regional STS and IAM (mock-sts), and S3 in
/// path style (`s3.amazonaws.com`, `s3.REGION.amazonaws.com`) and virtual-hosted style
/// (`BUCKET.s3.amazonaws.com`, `BUCKET.s3.REGION.amazonaws.com`) (its S3 listener).
pub(super) fn route(host: &str) -> Option<Upstream> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let regional = |service: &str| {
        host.strip_prefix(service)
            .and_then(|rest| rest.strip_suffix(".amazonaws.com"))
            .is_some_and(is_region)
    };
    if host == "sts.amazonaws.com" || host == "iam.amazonaws.com" || regional("sts.") {
        return Some(Upstream::Sts);
    }
    let s3_endpoint = |name: &str| {
        name == "s3.amazonaws.com"
            || name
                .strip_prefix("s3.")
                .and_then(|rest| rest.strip_suffix(".amazonaws.com"))
                .is_some_and(is_region)
    };
    let virtual_hosted = host.split_once(".s3").is_some_and(|(bucket, _)| {
        is_bucket_label(bucket) && s3_endpoint(&host[bucket.len() + 1..])
    });
    (s3_endpoint(&host) || virtual_hosted).then_some(Upstream::S3)
}

/// A bucket name as a host label: lower-case letters, digits, dots and dashes.
fn is_bucket_label(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
}

/// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`: letters, dashes, and a number at the end.
fn is_region(name: &str) -> bool {
    let mut parts = name.split('-');
    let first = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && rest.len() >= 2
        && rest
            .last()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty())
        && rest[..rest.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

pub(super) async fn handle(stream: TcpStream, shared: Arc<Shared>) {
    let mut stream = BufReader::new(stream);
    let Ok(Ok(request_line)) = tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream)).await
    else {
        return;
    };
    let mut words = request_line.split_ascii_whitespace();
    let (method, target) = (
        words.next().unwrap_or_default(),
        words.next().unwrap_or_default(),
    );
    if method.eq_ignore_ascii_case("CONNECT") {
        let (host, port) = split_authority(target);
        if let (Some(upstream), Some(443)) = (route(host), port) {
            shared.log.push(ProxyRequest {
                method: "CONNECT".to_owned(),
                destination: target.to_owned(),
                refused: false,
            });
            tunnel(stream, host, upstream, &shared).await;
            return;
        }
        refuse(&mut stream, &shared, "CONNECT", target.to_owned(), "").await;
        return;
    }
    let destination = plain_destination(target);
    let why = if destination.starts_with("http://") {
        "AWS endpoints are HTTPS; plain HTTP is not forwarded. "
    } else {
        "this is a proxy: send CONNECT host:443. "
    };
    refuse(&mut stream, &shared, method, destination, why).await;
}

/// Reads the head (request line and headers, which a proxy needs no more of) and returns the
/// request line. Bytes after the head (a TLS hello sent early) stay buffered in `stream`.
async fn read_head(stream: &mut BufReader<TcpStream>) -> std::io::Result<String> {
    let mut request_line = String::new();
    let mut total = 0;
    loop {
        let mut line = Vec::new();
        let read = stream.read_until(b'\n', &mut line).await?;
        total += read;
        if read == 0 || total > HEAD_LIMIT {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
        if request_line.is_empty() {
            request_line = String::from_utf8_lossy(&line).trim().to_owned();
        } else if line == b"\r\n" || line == b"\n" {
            return Ok(request_line);
        }
    }
}

/// `host:port` → (`host`, port), IPv6 brackets removed.
fn split_authority(authority: &str) -> (&str, Option<u16>) {
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') => (
            host.trim_start_matches('[').trim_end_matches(']'),
            port.parse().ok(),
        ),
        _ => (authority, None),
    }
}

/// `http://host[:port]` of an absolute-form target; path, query and user info are dropped, as
/// they may carry a signature, a token or a password.
fn plain_destination(target: &str) -> String {
    let Some((scheme, rest)) = target.split_once("://") else {
        return "(no destination)".to_owned();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    format!("{}://{host}", scheme.to_ascii_lowercase())
}

async fn refuse(
    stream: &mut BufReader<TcpStream>,
    shared: &Shared,
    method: &str,
    destination: String,
    why: &str,
) {
    let body = format!(
        "fedlab's proxy refused {method} {destination}: {why}It answers only the AWS endpoints \
         the mocks serve (sts.amazonaws.com:443, sts.REGION.amazonaws.com:443, \
         iam.amazonaws.com:443, s3[.REGION].amazonaws.com:443, BUCKET.s3[.REGION].amazonaws.com:443) \
         and forwards nothing off this machine.\n"
    );
    shared.log.push(ProxyRequest {
        method: method.to_owned(),
        destination,
        refused: true,
    });
    let response = format!(
        "HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.get_mut().write_all(response.as_bytes()).await;
    let _ = stream.get_mut().shutdown().await;
}

async fn tunnel(mut stream: BufReader<TcpStream>, host: &str, upstream: Upstream, shared: &Shared) {
    let config = match shared.ca.server_config(host) {
        Ok(config) => config,
        Err(reason) => {
            tracing::warn!(host, reason, "fedlab proxy: no certificate");
            let _ = stream
                .get_mut()
                .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                .await;
            return;
        }
    };
    let established = b"HTTP/1.1 200 Connection established\r\n\r\n";
    if stream.get_mut().write_all(established).await.is_err() {
        return;
    }
    let mut tls = match TlsAcceptor::from(config).accept(stream).await {
        Ok(tls) => tls,
        Err(err) => {
            // Usually a client that does not trust fedlab's CA: AWS_CA_BUNDLE or SSL_CERT_FILE
            // ignored.
            tracing::warn!(host, %err, "fedlab proxy: TLS handshake failed");
            return;
        }
    };
    let addr = match upstream {
        Upstream::Sts => shared.sts,
        Upstream::S3 => shared.s3,
    };
    let Ok(mut upstream) = TcpStream::connect(addr).await else {
        return;
    };
    let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_aws_host_names_the_mocks_answer_are_served() {
        for host in [
            "sts.amazonaws.com",
            "STS.amazonaws.com.",
            "iam.amazonaws.com",
            "sts.us-east-1.amazonaws.com",
            "sts.us-gov-west-1.amazonaws.com",
        ] {
            assert_eq!(route(host), Some(Upstream::Sts), "{host}");
        }
        for host in [
            "s3.amazonaws.com",
            "s3.eu-west-1.amazonaws.com",
            "my-bucket.s3.amazonaws.com",
            "my.bucket.s3.us-east-1.amazonaws.com",
        ] {
            assert_eq!(route(host), Some(Upstream::S3), "{host}");
        }
        for host in [
            "s3.amazonaws.com.evil.example",
            "my-bucket.s3.evil.example",
            "s3.us-east.amazonaws.com",
            "sts.amazonaws.com.evil.example",
            "evil.example",
            "sts.us-east.amazonaws.com",
            "sts..amazonaws.com",
            "127.0.0.1",
            "169.254.169.254",
        ] {
            assert_eq!(route(host), None, "{host}");
        }
    }

    #[test]
    fn destinations_keep_no_path_query_or_password() {
        assert_eq!(
            plain_destination("http://user:pw@169.254.169.254/latest/api/token?x=1"),
            "http://169.254.169.254"
        );
        assert_eq!(plain_destination("/"), "(no destination)");
        assert_eq!(split_authority("[::1]:443"), ("::1", Some(443)));
        assert_eq!(
            split_authority("example.com:443"),
            ("example.com", Some(443))
        );
        assert_eq!(split_authority("example.com"), ("example.com", None));
    }
}
