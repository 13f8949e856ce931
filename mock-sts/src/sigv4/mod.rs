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

mod canonical;
mod dates;
mod parse;
mod verify;

use std::time::SystemTime;

use aws_lc_rs::{constant_time, digest};
use http::{HeaderMap, Method, header::AUTHORIZATION};
use time::{
    Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset, macros::format_description,
};

pub use canonical::{canonical_request, string_to_sign};
pub use parse::parse;
pub use verify::verify;

use canonical::*;
use dates::*;

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

pub(super) fn malformed(reason: impl Into<String>) -> SigV4Error {
    SigV4Error::Malformed {
        reason: reason.into(),
    }
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
