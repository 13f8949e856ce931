//! The fuzz targets' request format: HTTP/1-like text, several requests separated by a line
//! `%%%`.
//!
//! ```text
//! PUT /bucket/key?x-id=PutObject HTTP/1.1
//! host: 127.0.0.1:9000
//! x-amz-date: 20231114T221320Z
//!
//! body bytes, up to the separator line or the end
//! ```
//!
//! A request line, header or value the HTTP layer would refuse (`http`'s own parsers decide)
//! leaves the request or the header out, since the server never sees such a request.

use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};

use crate::s3::walk::Received;

const SEPARATOR: &[u8] = b"\n%%%\n";
/// More would only make each run slower; the store's interesting states need few requests.
const MAX_REQUESTS: usize = 8;

pub(super) fn requests(input: &[u8]) -> Vec<Received> {
    split(input, SEPARATOR)
        .take(MAX_REQUESTS)
        .filter_map(request)
        .collect()
}

fn request(text: &[u8]) -> Option<Received> {
    let (head, body) = match find(text, b"\n\n").or_else(|| find(text, b"\r\n\r\n")) {
        Some((at, len)) => (&text[..at], &text[at + len..]),
        None => (text, &[][..]),
    };
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line));
    let mut start = lines.next()?.split(|&b| b == b' ');
    let method = Method::from_bytes(start.next()?).ok()?;
    let uri = Uri::try_from(start.next()?).ok()?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some((name, value)) = find(line, b":").map(|(at, _)| (&line[..at], &line[at + 1..]))
        else {
            continue;
        };
        let value = value.trim_ascii();
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            headers.append(name, value);
        }
    }
    Some(Received {
        method,
        uri,
        headers,
        body: body.to_vec(),
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<(usize, usize)> {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| (at, needle.len()))
}

fn split<'a>(mut input: &'a [u8], separator: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    std::iter::from_fn(move || {
        if input.is_empty() {
            return None;
        }
        match find(input, separator) {
            Some((at, len)) => {
                let piece = &input[..at];
                input = &input[at + len..];
                Some(piece)
            }
            None => Some(std::mem::take(&mut input)),
        }
    })
}
