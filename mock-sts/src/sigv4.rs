//! SigV4 request-signature verification (server side).
//!
//! A server cannot re-run a client's signer: it must rebuild the canonical request from what it
//! *received*, using the header list the client declared in `SignedHeaders`. [`parse`] extracts
//! the auth values (Authorization header or presigned query), [`verify`] checks the clock and the
//! signature. Key derivation and the final HMAC come from `aws-sigv4`, so only the
//! canonicalisation lives here.
//!
//! Canonicalisation follows what the signers used by the conformance clients do (botocore
//! `SigV4Auth` / `SigV4QueryAuth` and aws-sigv4 with default settings), i.e. the non-S3 rules:
//! dot segments and empty segments are removed from the path, which is then percent-encoded a
//! second time; the query is form-decoded (`+` is a space) and re-encoded.
//!
//! Errors are typed and carry no AWS wire strings; the HTTP layer maps them to STS/IAM errors.

use std::time::SystemTime;

use aws_lc_rs::{constant_time, digest};
use http::{HeaderMap, Method, header::AUTHORIZATION};
use time::{
    Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset, macros::format_description,
};

/// The only algorithm verified here (SigV4A is an ECDSA scheme and out of scope).
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Allowed distance between the signing time and the server clock.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(15);
/// AWS refuses presigned URLs valid for longer than a week.
pub const MAX_PRESIGN_EXPIRES_SECS: u64 = 604_800;
/// Payload hash marker for a body the client did not hash.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

const TERMINATOR: &str = "aws4_request";
const X_AMZ_DATE: &str = "x-amz-date";
const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";
const Q_ALGORITHM: &str = "X-Amz-Algorithm";
const Q_CREDENTIAL: &str = "X-Amz-Credential";
const Q_DATE: &str = "X-Amz-Date";
const Q_EXPIRES: &str = "X-Amz-Expires";
const Q_SIGNED_HEADERS: &str = "X-Amz-SignedHeaders";
const Q_SIGNATURE: &str = "X-Amz-Signature";
const Q_SECURITY_TOKEN: &str = "X-Amz-Security-Token";

/// The parts of a received HTTP request that take part in the signature.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a Method,
    /// Raw path as received (still percent-encoded).
    pub path: &'a str,
    /// Raw query string as received, without the `?`.
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// `AKID/yyyymmdd/region/service/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub access_key_id: String,
    /// `yyyymmdd`
    pub date: String,
    pub region: String,
    pub service: String,
}

impl Credential {
    /// Credential scope as it appears in the string to sign.
    pub fn scope(&self) -> String {
        format!(
            "{}/{}/{}/{TERMINATOR}",
            self.date, self.region, self.service
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthLocation {
    /// `Authorization` header.
    Header,
    /// Presigned URL (`X-Amz-*` query parameters).
    Query,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuth {
    pub credential: Credential,
    /// Lowercase, as declared by the client (validated to be sorted and unique).
    pub signed_headers: Vec<String>,
    /// 64 hex characters, as sent.
    pub signature: String,
    /// `yyyymmddTHHMMSSZ`
    pub amz_date: String,
    /// Captured whether or not it was signed: STS accepts a token added after signing.
    pub security_token: Option<String>,
    pub location: AuthLocation,
    /// `X-Amz-Expires` in seconds; `Some` exactly for presigned requests.
    pub expires: Option<u64>,
}

impl ParsedAuth {
    /// The signing time from `amz_date`.
    pub fn signed_at(&self) -> Result<OffsetDateTime, SigV4Error> {
        parse_amz_date(&self.amz_date)
    }
}

/// Which side of the allowed clock window a request fell on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkewDirection {
    /// Signed more than 15 minutes before `now` (AWS: "Signature expired").
    Past,
    /// Signed more than 15 minutes after `now` (AWS: "Signature not yet current").
    Future,
}

#[derive(Debug, thiserror::Error)]
pub enum SigV4Error {
    /// Auth values present but unusable: missing parts, bad syntax, `host` not signed, both
    /// header and query auth present, a bad `X-Amz-Expires`.
    #[error("malformed SigV4 authentication: {reason}")]
    Malformed { reason: String },
    /// The algorithm is not `AWS4-HMAC-SHA256` (e.g. SigV4A or SigV2).
    #[error("unsupported signing algorithm {algorithm:?}")]
    UnsupportedAlgorithm { algorithm: String },
    /// The date in the credential scope differs from the date part of `X-Amz-Date`.
    #[error("credential scope date {credential_date} does not match X-Amz-Date {amz_date}")]
    CredentialDateMismatch {
        credential_date: String,
        amz_date: String,
    },
    /// A header listed in `SignedHeaders` is absent from the request.
    #[error("signed header {name:?} is not present in the request")]
    SignedHeaderMissing { name: String },
    /// The recomputed signature differs from the one sent.
    #[error("signature does not match")]
    SignatureMismatch,
    /// `X-Amz-Date` is more than 15 minutes away from the server clock. All times are
    /// `yyyymmddTHHMMSSZ`; `window_start` = now - 15 min, `window_end` = now + 15 min.
    #[error("request time {amz_date} outside [{window_start}, {window_end}] (now {now})")]
    RequestExpired {
        amz_date: String,
        now: String,
        window_start: String,
        window_end: String,
        direction: SkewDirection,
    },
    /// Presigned URL used after `X-Amz-Date + X-Amz-Expires`.
    #[error("presigned request signed at {amz_date} expired after {expires}s (now {now})")]
    PresignExpired {
        amz_date: String,
        expires: u64,
        now: String,
    },
}

fn malformed(reason: impl Into<String>) -> SigV4Error {
    SigV4Error::Malformed {
        reason: reason.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// parse

/// Extract SigV4 auth values from a request.
///
/// `Ok(None)` when the request carries no SigV4 auth at all (neither an `Authorization` header
/// nor an `X-Amz-Algorithm` query parameter).
pub fn parse(req: &Request) -> Result<Option<ParsedAuth>, SigV4Error> {
    let query = decode_query(req.query);
    let presign_algorithm = query_value(&query, Q_ALGORITHM);
    let auth = match (req.headers.get(AUTHORIZATION), presign_algorithm) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err(malformed(
                "both an Authorization header and an X-Amz-Algorithm query parameter",
            ));
        }
        (Some(header), None) => parse_header_auth(req.headers, header.as_bytes())?,
        (None, Some(algorithm)) => parse_query_auth(&query, algorithm)?,
    };
    validate(&auth)?;
    Ok(Some(auth))
}

fn parse_header_auth(headers: &HeaderMap, value: &[u8]) -> Result<ParsedAuth, SigV4Error> {
    let value = std::str::from_utf8(value)
        .map_err(|_| malformed("Authorization header is not UTF-8"))?
        .trim();
    let (algorithm, rest) = value
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((value, ""));
    check_header_algorithm(algorithm)?;
    let fields = AuthFields::parse(rest)?;
    let amz_date = header_string(headers, X_AMZ_DATE)?
        .ok_or_else(|| malformed("missing X-Amz-Date header"))?;
    Ok(ParsedAuth {
        credential: parse_credential(fields.credential)?,
        signed_headers: parse_signed_headers(fields.signed_headers)?,
        signature: fields.signature.to_owned(),
        amz_date,
        security_token: header_string(headers, X_AMZ_SECURITY_TOKEN)?,
        location: AuthLocation::Header,
        expires: None,
    })
}

/// Tells an unsupported AWS scheme apart from a header that is not AWS auth at all.
fn check_header_algorithm(algorithm: &str) -> Result<(), SigV4Error> {
    if algorithm == ALGORITHM {
        Ok(())
    } else if algorithm.starts_with("AWS") {
        Err(SigV4Error::UnsupportedAlgorithm {
            algorithm: algorithm.to_owned(),
        })
    } else {
        Err(malformed(format!(
            "Authorization header does not start with {ALGORITHM}"
        )))
    }
}

/// The three `k=v` components of the Authorization header, in any order.
struct AuthFields<'a> {
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

impl<'a> AuthFields<'a> {
    fn parse(rest: &'a str) -> Result<Self, SigV4Error> {
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| malformed(format!("Authorization component {part:?} has no '='")))?;
            let slot = match key.trim() {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                // Unknown components carry nothing we sign over.
                _ => continue,
            };
            if slot.replace(value.trim()).is_some() {
                return Err(malformed(format!(
                    "duplicate Authorization component {key}"
                )));
            }
        }
        let missing: Vec<&str> = [
            ("Credential", credential.is_none()),
            ("SignedHeaders", signed_headers.is_none()),
            ("Signature", signature.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, absent)| absent.then_some(name))
        .collect();
        match (credential, signed_headers, signature) {
            (Some(credential), Some(signed_headers), Some(signature)) => Ok(Self {
                credential,
                signed_headers,
                signature,
            }),
            _ => Err(malformed(format!(
                "Authorization header lacks {}",
                missing.join(", ")
            ))),
        }
    }
}

fn parse_query_auth(
    query: &[(Vec<u8>, Vec<u8>)],
    algorithm: &[u8],
) -> Result<ParsedAuth, SigV4Error> {
    if algorithm != ALGORITHM.as_bytes() {
        return Err(SigV4Error::UnsupportedAlgorithm {
            algorithm: String::from_utf8_lossy(algorithm).into_owned(),
        });
    }
    let required = |name: &str| {
        query_string(query, name)?
            .ok_or_else(|| malformed(format!("missing {name} query parameter")))
    };
    Ok(ParsedAuth {
        credential: parse_credential(&required(Q_CREDENTIAL)?)?,
        signed_headers: parse_signed_headers(&required(Q_SIGNED_HEADERS)?)?,
        signature: required(Q_SIGNATURE)?,
        amz_date: required(Q_DATE)?,
        security_token: query_string(query, Q_SECURITY_TOKEN)?,
        location: AuthLocation::Query,
        expires: Some(parse_expires(&required(Q_EXPIRES)?)?),
    })
}

fn parse_expires(value: &str) -> Result<u64, SigV4Error> {
    let secs = value
        .parse::<u64>()
        .ok()
        .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            malformed(format!(
                "X-Amz-Expires {value:?} is not a number of seconds"
            ))
        })?;
    if secs > MAX_PRESIGN_EXPIRES_SECS {
        return Err(malformed(format!(
            "X-Amz-Expires {secs} exceeds {MAX_PRESIGN_EXPIRES_SECS}"
        )));
    }
    Ok(secs)
}

fn parse_credential(value: &str) -> Result<Credential, SigV4Error> {
    let parts: Vec<&str> = value.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts[..] else {
        return Err(malformed(format!(
            "Credential {value:?} is not AKID/date/region/service/{TERMINATOR}"
        )));
    };
    if terminator != TERMINATOR {
        return Err(malformed(format!(
            "Credential terminator is {terminator:?}, not {TERMINATOR}"
        )));
    }
    if [access_key_id, region, service]
        .iter()
        .any(|p| p.is_empty())
    {
        return Err(malformed(format!("Credential {value:?} has an empty part")));
    }
    parse_scope_date(date)?;
    Ok(Credential {
        access_key_id: access_key_id.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
    })
}

/// Canonical header order is the signer's sort order, so an unsorted list cannot have come
/// from a conforming signer.
fn parse_signed_headers(value: &str) -> Result<Vec<String>, SigV4Error> {
    let names: Vec<String> = value.split(';').map(str::to_owned).collect();
    let valid_name = |n: &String| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase() && b != b':')
    };
    if !names.iter().all(valid_name) {
        return Err(malformed(format!(
            "SignedHeaders {value:?} must be lowercase names joined by ';'"
        )));
    }
    if !names.windows(2).all(|w| w[0] < w[1]) {
        return Err(malformed(format!(
            "SignedHeaders {value:?} must be sorted and unique"
        )));
    }
    Ok(names)
}

/// Checks shared by both auth locations.
fn validate(auth: &ParsedAuth) -> Result<(), SigV4Error> {
    if auth.signature.len() != 64 || !auth.signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("Signature is not 64 hex characters"));
    }
    auth.signed_at()?;
    if auth.amz_date.get(..8) != Some(auth.credential.date.as_str()) {
        return Err(SigV4Error::CredentialDateMismatch {
            credential_date: auth.credential.date.clone(),
            amz_date: auth.amz_date.clone(),
        });
    }
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(malformed("'host' must be a signed header"));
    }
    Ok(())
}

fn header_string(headers: &HeaderMap, name: &str) -> Result<Option<String>, SigV4Error> {
    headers
        .get(name)
        .map(|v| {
            v.to_str()
                .map(str::to_owned)
                .map_err(|_| malformed(format!("{name} header is not visible ASCII")))
        })
        .transpose()
}

// ---------------------------------------------------------------------------------------------
// verify

/// Verify `auth` (from [`parse`] on the same request) against `secret_access_key`.
///
/// `now` is the server clock. Any region and service in the scope are accepted; whether the
/// service fits the action is the caller's decision. Presigned URLs are checked against
/// `X-Amz-Expires` only; STS's extra 15-minute cap, if wanted, is the caller's
/// (see [`ParsedAuth::signed_at`]).
pub fn verify(
    req: &Request,
    auth: &ParsedAuth,
    secret_access_key: &str,
    now: OffsetDateTime,
) -> Result<(), SigV4Error> {
    check_time(auth, auth.signed_at()?, now)?;
    let key = aws_sigv4::sign::v4::generate_signing_key(
        secret_access_key,
        scope_date_time(&auth.credential.date)?,
        &auth.credential.region,
        &auth.credential.service,
    );
    for payload_hash in payload_hash_candidates(req, auth) {
        let creq = canonical_request(req, auth, &payload_hash)?;
        let expected = aws_sigv4::sign::v4::calculate_signature(
            key.as_ref(),
            string_to_sign(auth, &creq).as_bytes(),
        );
        if constant_time::verify_slices_are_equal(expected.as_bytes(), auth.signature.as_bytes())
            .is_ok()
        {
            return Ok(());
        }
    }
    Err(SigV4Error::SignatureMismatch)
}

fn check_time(
    auth: &ParsedAuth,
    signed_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), SigV4Error> {
    // AWS reports whole seconds; sub-second noise must not push a boundary case over.
    let now = now
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(now);
    let too_old = signed_at < now - MAX_CLOCK_SKEW;
    let too_new = signed_at > now + MAX_CLOCK_SKEW;
    match auth.location {
        AuthLocation::Header if too_old => Err(skew_error(auth, now, SkewDirection::Past)),
        _ if too_new => Err(skew_error(auth, now, SkewDirection::Future)),
        AuthLocation::Query => check_presign_expiry(auth, signed_at, now),
        AuthLocation::Header => Ok(()),
    }
}

fn skew_error(auth: &ParsedAuth, now: OffsetDateTime, direction: SkewDirection) -> SigV4Error {
    SigV4Error::RequestExpired {
        amz_date: auth.amz_date.clone(),
        now: format_amz_date(now),
        window_start: format_amz_date(now - MAX_CLOCK_SKEW),
        window_end: format_amz_date(now + MAX_CLOCK_SKEW),
        direction,
    }
}

fn check_presign_expiry(
    auth: &ParsedAuth,
    signed_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), SigV4Error> {
    let expires = auth
        .expires
        .ok_or_else(|| malformed("presigned request without X-Amz-Expires"))?;
    // parse() caps expires at a week, so the conversion cannot fail for parsed input.
    let lifetime = Duration::seconds(i64::try_from(expires).unwrap_or(i64::MAX));
    if now > signed_at.saturating_add(lifetime) {
        return Err(SigV4Error::PresignExpired {
            amz_date: auth.amz_date.clone(),
            expires,
            now: format_amz_date(now),
        });
    }
    Ok(())
}

/// Payload hashes the client may have signed with.
///
/// Header auth: always the hash of the received body, even when `x-amz-content-sha256` declares
/// something else. STS answers an altered payload or `UNSIGNED-PAYLOAD` with a signature
/// mismatch, which is what a client that signed a declared hash then gets. Presigned: botocore
/// and the Go SDK hash the (empty) body, S3-style signers use `UNSIGNED-PAYLOAD`; both are
/// accepted.
fn payload_hash_candidates(req: &Request, auth: &ParsedAuth) -> Vec<String> {
    let body_hash = sha256_hex(req.body);
    match auth.location {
        AuthLocation::Query => vec![body_hash, UNSIGNED_PAYLOAD.to_owned()],
        AuthLocation::Header => vec![body_hash],
    }
}

/// The SigV4 canonical request for `req` as `auth` describes it, with the given payload hash.
///
/// Exposed so callers can log it when a signature does not match.
pub fn canonical_request(
    req: &Request,
    auth: &ParsedAuth,
    payload_hash: &str,
) -> Result<Vec<u8>, SigV4Error> {
    let mut out = Vec::with_capacity(256 + req.path.len() + req.query.map_or(0, str::len));
    out.extend_from_slice(req.method.as_str().as_bytes());
    out.push(b'\n');
    out.extend_from_slice(canonical_uri(req.path).as_bytes());
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
pub fn string_to_sign(auth: &ParsedAuth, canonical_request: &[u8]) -> String {
    format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        auth.amz_date,
        auth.credential.scope(),
        sha256_hex(canonical_request)
    )
}

/// Non-S3 rule: normalise the still-encoded path, then encode it again (`%` becomes `%25`).
fn canonical_uri(raw_path: &str) -> String {
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

/// botocore's `remove_dot_segments`: also drops empty segments (AWS collapses `//`).
fn remove_dot_segments(path: &str) -> String {
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

fn canonical_query(raw: Option<&str>, location: AuthLocation) -> String {
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
fn canonical_header_value(headers: &HeaderMap, name: &str) -> Result<Vec<u8>, SigV4Error> {
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

fn trim_all(value: &[u8]) -> Vec<u8> {
    let words: Vec<&[u8]> = value
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    words.join(&b' ')
}

// ---------------------------------------------------------------------------------------------
// encoding helpers

/// Form-decodes a raw query (`+` is a space, as botocore sends it); empty pieces are skipped.
fn decode_query(raw: Option<&str>) -> Vec<(Vec<u8>, Vec<u8>)> {
    raw.unwrap_or_default()
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

fn query_value<'q>(query: &'q [(Vec<u8>, Vec<u8>)], name: &str) -> Option<&'q [u8]> {
    query
        .iter()
        .find(|(k, _)| k == name.as_bytes())
        .map(|(_, v)| v.as_slice())
}

fn query_string(query: &[(Vec<u8>, Vec<u8>)], name: &str) -> Result<Option<String>, SigV4Error> {
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

fn sha256_hex(data: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = digest::digest(&digest::SHA256, data);
    let mut out = String::with_capacity(64);
    for &b in hash.as_ref() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// dates

fn parse_amz_date(value: &str) -> Result<OffsetDateTime, SigV4Error> {
    let bad = || malformed(format!("X-Amz-Date {value:?} is not yyyymmddTHHMMSSZ"));
    // `[year]` alone would also accept a sign or extra digits.
    let shape_ok = value.len() == 16
        && value.bytes().enumerate().all(|(i, b)| match i {
            8 => b == b'T',
            15 => b == b'Z',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(bad());
    }
    PrimitiveDateTime::parse(
        value,
        format_description!("[year][month][day]T[hour][minute][second]Z"),
    )
    .map(PrimitiveDateTime::assume_utc)
    .map_err(|_| bad())
}

fn parse_scope_date(value: &str) -> Result<Date, SigV4Error> {
    let bad = || malformed(format!("Credential date {value:?} is not yyyymmdd"));
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Date::parse(value, format_description!("[year][month][day]")).map_err(|_| bad())
}

/// aws-sigv4 takes the scope date as a point in time and formats its UTC day.
fn scope_date_time(date: &str) -> Result<SystemTime, SigV4Error> {
    Ok(SystemTime::from(
        parse_scope_date(date)?.midnight().assume_utc(),
    ))
}

fn format_amz_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_follow_botocore() {
        assert_eq!(remove_dot_segments(""), "/");
        assert_eq!(remove_dot_segments("/"), "/");
        assert_eq!(remove_dot_segments("//a//b/"), "/a/b/");
        assert_eq!(remove_dot_segments("/a/./b/../c"), "/a/c");
        assert_eq!(remove_dot_segments("/../.."), "/");
    }

    #[test]
    fn uri_is_double_encoded() {
        assert_eq!(canonical_uri("/a%20b/c~d"), "/a%2520b/c~d");
        assert_eq!(canonical_uri(""), "/");
    }

    #[test]
    fn query_is_form_decoded_then_sigv4_encoded() {
        assert_eq!(
            canonical_query(
                Some("b=a+b%20c&a=x:y/z=1&a=%e2%82%ac&flag"),
                AuthLocation::Header
            ),
            "a=%E2%82%AC&a=x%3Ay%2Fz%3D1&b=a%20b%20c&flag="
        );
        assert_eq!(
            canonical_query(Some("p=%zz"), AuthLocation::Header),
            "p=%25zz"
        );
    }

    #[test]
    fn trim_all_collapses_runs() {
        assert_eq!(trim_all(b"  a   b \t c  "), b"a b c".to_vec());
    }

    #[test]
    fn amz_date_shape_is_strict() {
        assert!(parse_amz_date("20150830T123600Z").is_ok());
        assert!(parse_amz_date("+2015830T123600Z").is_err());
        assert!(parse_amz_date("20150830T123600").is_err());
        assert!(parse_amz_date("20151330T123600Z").is_err());
        assert_eq!(
            format_amz_date(parse_amz_date("20150830T123600Z").unwrap()),
            "20150830T123600Z"
        );
    }
}
