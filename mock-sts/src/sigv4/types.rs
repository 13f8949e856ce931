//! The request parts and auth values SigV4 verification works on.

use http::{HeaderMap, Method};
use time::{Duration, OffsetDateTime};

use super::dates::parse_amz_date;
use super::error::SigV4Error;

/// The only algorithm verified here (SigV4A is an ECDSA scheme and out of scope).
pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Allowed distance between the signing time and the server clock.
pub(crate) const MAX_CLOCK_SKEW: Duration = Duration::minutes(15);
/// AWS refuses presigned URLs valid for longer than a week.
pub(crate) const MAX_PRESIGN_EXPIRES_SECS: u64 = 604_800;
/// Payload hash marker for a body the client did not hash.
pub(crate) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

pub(super) const TERMINATOR: &str = "aws4_request";
pub(super) const X_AMZ_DATE: &str = "x-amz-date";
pub(super) const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";
pub(super) const Q_ALGORITHM: &str = "X-Amz-Algorithm";
pub(super) const Q_CREDENTIAL: &str = "X-Amz-Credential";
pub(super) const Q_DATE: &str = "X-Amz-Date";
pub(super) const Q_EXPIRES: &str = "X-Amz-Expires";
pub(super) const Q_SIGNED_HEADERS: &str = "X-Amz-SignedHeaders";
pub(super) const Q_SIGNATURE: &str = "X-Amz-Signature";
pub(super) const Q_SECURITY_TOKEN: &str = "X-Amz-Security-Token";

/// The parts of a received HTTP request that take part in the signature.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub(crate) method: &'a Method,
    /// Raw path as received (still percent-encoded).
    pub(crate) path: &'a str,
    /// Raw query string as received, without the `?`.
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

/// How the path enters the canonical request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathRule {
    /// Every service but S3: normalised, then encoded a second time.
    Normalised,
    /// S3: encoded once, not normalised.
    S3,
}

/// `AKID/yyyymmdd/region/service/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Credential {
    pub(crate) access_key_id: String,
    /// `yyyymmdd`
    pub(crate) date: String,
    pub(crate) region: String,
    pub(crate) service: String,
}

impl Credential {
    /// Credential scope as it appears in the string to sign.
    pub(crate) fn scope(&self) -> String {
        format!(
            "{}/{}/{}/{TERMINATOR}",
            self.date, self.region, self.service
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthLocation {
    /// `Authorization` header.
    Header,
    /// Presigned URL (`X-Amz-*` query parameters).
    Query,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedAuth {
    pub(crate) credential: Credential,
    /// Lowercase, as declared by the client (validated to be sorted and unique).
    pub(crate) signed_headers: Vec<String>,
    /// 64 hex characters, as sent.
    pub(crate) signature: String,
    /// `yyyymmddTHHMMSSZ`
    pub(crate) amz_date: String,
    /// Captured whether or not it was signed: STS accepts a token added after signing.
    pub(crate) security_token: Option<String>,
    pub(crate) location: AuthLocation,
    /// `X-Amz-Expires` in seconds; `Some` exactly for presigned requests.
    pub(crate) expires: Option<u64>,
}

impl ParsedAuth {
    /// The signing time from `amz_date`.
    pub(crate) fn signed_at(&self) -> Result<OffsetDateTime, SigV4Error> {
        parse_amz_date(&self.amz_date)
    }
}
