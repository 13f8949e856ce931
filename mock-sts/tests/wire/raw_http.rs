//! HTTP/1.1 by hand over a TCP socket, for what a client library will not do: send headers
//! slowly, stop in the middle of a body, shut down its sending side, hold thousands of
//! connections at once.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::support::Answer;

/// Longer than any test needs; only there so a server that never answers fails the test instead
/// of hanging it.
pub(crate) const NO_HANG: Duration = Duration::from_secs(60);

/// Connects to `http://HOST:PORT` (an endpoint as the ready line gives it).
pub(crate) async fn connect(endpoint: &str) -> TcpStream {
    let address = endpoint.trim_start_matches("http://");
    let stream = TcpStream::connect(address).await.expect("connects");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    stream
}

/// Sends `bytes` in full.
pub(crate) async fn send(stream: &mut TcpStream, bytes: &[u8]) {
    stream.write_all(bytes).await.expect("sends");
}

/// Everything the server sends until it closes the connection (or resets it, which ends the
/// read the same way); `None` if it sent nothing within [`NO_HANG`].
pub(crate) async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let reading = async {
        let mut chunk = [0_u8; 16 * 1024];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(NO_HANG, reading)
        .await
        .expect("the server closes the connection instead of holding it");
    received
}

/// The answer in `bytes` (head and body), as the wire tests' helpers read answers.
pub(crate) fn parse(bytes: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete answer in {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {status_line:?}"));
    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':').expect("a header line");
        headers.append(
            HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
            HeaderValue::from_str(value.trim()).unwrap(),
        );
    }
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// A POST of a form to `/`, its head only, declaring `length` bytes of body.
pub(crate) fn form_head(host: &str, length: usize) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: {length}\r\n\r\n"
    )
}
