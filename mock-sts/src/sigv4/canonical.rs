//! Rebuilding the canonical request and string to sign from what was received.

use aws_lc_rs::digest;
use http::HeaderMap;

use super::error::{SigV4Error, malformed};
use super::types::{ALGORITHM, AuthLocation, ParsedAuth, PathRule, Q_SIGNATURE, Request};

/// The SigV4 canonical request for `req` as `auth` describes it, with the given payload hash.
///
/// Exposed so callers can log it when a signature does not match.
pub(super) fn canonical_request(
    req: &Request,
    auth: &ParsedAuth,
    payload_hash: &str,
    rule: PathRule,
) -> Result<Vec<u8>, SigV4Error> {
    let mut out = Vec::with_capacity(256 + req.path.len() + req.query.map_or(0, str::len));
    out.extend_from_slice(req.method.as_str().as_bytes());
    out.push(b'\n');
    let uri = match rule {
        PathRule::Normalised => canonical_uri(req.path),
        PathRule::S3 => s3_canonical_uri(req.path),
    };
    out.extend_from_slice(uri.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(canonical_query(req.query, auth.location).as_bytes());
    out.push(b'\n');
    for name in &auth.signed_headers {
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        out.extend_from_slice(&canonical_header_value(req.headers, name)?);
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(auth.signed_headers.join(";").as_bytes());
    out.push(b'\n');
    out.extend_from_slice(payload_hash.as_bytes());
    Ok(out)
}

/// `AWS4-HMAC-SHA256\n<amz-date>\n<scope>\n<hex sha256(canonical request)>`.
pub(super) fn string_to_sign(auth: &ParsedAuth, canonical_request: &[u8]) -> String {
    format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        auth.amz_date,
        auth.credential.scope(),
        sha256_hex(canonical_request)
    )
}

/// Non-S3 rule: normalise the still-encoded path, then encode it again (`%` becomes `%25`).
pub(super) fn canonical_uri(raw_path: &str) -> String {
    let normalized = remove_dot_segments(raw_path);
    let mut out = String::with_capacity(normalized.len());
    for &b in normalized.as_bytes() {
        if b == b'/' || is_unreserved(b) {
            out.push(char::from(b));
        } else {
            push_percent(&mut out, b);
        }
    }
    out
}

/// S3 rule: the path is signed as it names the object, encoded once and never normalised
/// (`a/./b` and `a//b` are keys of their own). The received path is decoded and re-encoded, so
/// a client that escaped a character SigV4 leaves bare (or the reverse) still matches.
pub(super) fn s3_canonical_uri(raw_path: &str) -> String {
    let decoded = percent_decode(raw_path);
    let mut out = String::with_capacity(decoded.len() * 3);
    for &b in &decoded {
        if b == b'/' || is_unreserved(b) {
            out.push(char::from(b));
        } else {
            push_percent(&mut out, b);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// `%XX` decoding only (a path's `+` is a plus); invalid escapes are kept literally.
pub(crate) fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = bytes.get(i + 1..i + 3).and_then(hex_byte)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// botocore's `remove_dot_segments`: also drops empty segments (AWS collapses `//`).
pub(super) fn remove_dot_segments(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let lead = if path.starts_with('/') { "/" } else { "" };
    let trail = if path.ends_with('/') && !segments.is_empty() {
        "/"
    } else {
        ""
    };
    format!("{lead}{}{trail}", segments.join("/"))
}

pub(super) fn canonical_query(raw: Option<&str>, location: AuthLocation) -> String {
    let mut pairs: Vec<(String, String)> = decode_query(raw)
        .into_iter()
        // The signature cannot sign itself.
        .filter(|(k, _)| !(location == AuthLocation::Query && k == Q_SIGNATURE.as_bytes()))
        .map(|(k, v)| (uri_encode(&k), uri_encode(&v)))
        .collect();
    pairs.sort();
    let joined: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    joined.join("&")
}

/// All values for `name`, each trimmed with inner whitespace runs collapsed, joined with `,`.
pub(super) fn canonical_header_value(
    headers: &HeaderMap,
    name: &str,
) -> Result<Vec<u8>, SigV4Error> {
    let values: Vec<Vec<u8>> = headers
        .get_all(name)
        .iter()
        .map(|v| trim_all(v.as_bytes()))
        .collect();
    if values.is_empty() {
        return Err(SigV4Error::SignedHeaderMissing {
            name: name.to_owned(),
        });
    }
    Ok(values.join(&b','))
}

pub(super) fn trim_all(value: &[u8]) -> Vec<u8> {
    let words: Vec<&[u8]> = value
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    words.join(&b' ')
}

/// Form-decodes a raw query (`+` is a space, as botocore sends it); empty pieces are skipped.
pub(super) fn decode_query(raw: Option<&str>) -> Vec<(Vec<u8>, Vec<u8>)> {
    raw.unwrap_or_default()
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

pub(super) fn query_value<'q>(query: &'q [(Vec<u8>, Vec<u8>)], name: &str) -> Option<&'q [u8]> {
    query
        .iter()
        .find(|(k, _)| k == name.as_bytes())
        .map(|(_, v)| v.as_slice())
}

pub(super) fn query_string(
    query: &[(Vec<u8>, Vec<u8>)],
    name: &str,
) -> Result<Option<String>, SigV4Error> {
    query_value(query, name)
        .map(|v| {
            String::from_utf8(v.to_vec())
                .map_err(|_| malformed(format!("{name} query parameter is not UTF-8")))
        })
        .transpose()
}

/// Invalid `%` escapes are kept literally, which is what lenient servers do.
fn form_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                if let Some(byte) = bytes.get(i + 1..i + 3).and_then(hex_byte) {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            other => out.push(other),
        }
        i += 1;
    }
    out
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let hi = char::from(*pair.first()?).to_digit(16)?;
    let lo = char::from(*pair.get(1)?).to_digit(16)?;
    u8::try_from(hi * 16 + lo).ok()
}

/// SigV4 URI encoding: RFC 3986 unreserved characters stay, every other byte is `%XX`.
fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            push_percent(&mut out, b);
        }
    }
    out
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

fn push_percent(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 0x0f)]));
}

pub(crate) fn sha256_hex(data: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = digest::digest(&digest::SHA256, data);
    let mut out = String::with_capacity(64);
    for &b in hash.as_ref() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}
