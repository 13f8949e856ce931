//! S3's SigV4 variant: the path rule of its own, the payload hash the client declared in
//! `x-amz-content-sha256` (S3 checks the body against it afterwards, not the signature), and the
//! chunk signatures of `aws-chunked` uploads, each chained to the one before, as the S3 API
//! reference pages "Signature Calculations for the Authorization Header: Transferring Payload in
//! Multiple Chunks (Chunked Upload)"
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>) and "... Including
//! Trailing Headers" (<https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html>)
//! describe them.

use aws_lc_rs::constant_time;
use time::OffsetDateTime;

use super::canonical::{canonical_request, sha256_hex, string_to_sign};
use super::dates::scope_date_time;
use super::error::SigV4Error;
use super::types::{ParsedAuth, PathRule, Request};
use super::verify::check_time;

const CHUNK_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";
const TRAILER_ALGORITHM: &str = "AWS4-HMAC-SHA256-TRAILER";

/// What S3 shows a client whose signature did not match: the canonical request and the string
/// to sign as the server computed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    pub(crate) canonical_request: String,
    pub(crate) string_to_sign: String,
}

/// Why an S3 signature was refused.
#[derive(Debug)]
pub(crate) enum S3SigError {
    /// Time window, presign expiry or a malformed value.
    Other(SigV4Error),
    Mismatch(Mismatch),
}

impl From<SigV4Error> for S3SigError {
    fn from(err: SigV4Error) -> Self {
        Self::Other(err)
    }
}

/// Verifies the seed signature with `payload_hash` as the canonical request's last line, and
/// returns what verifies the chunks that follow.
pub(crate) fn verify_s3(
    req: &Request,
    auth: &ParsedAuth,
    secret_access_key: &str,
    now: OffsetDateTime,
    payload_hash: &str,
) -> Result<ChunkChain, S3SigError> {
    check_time(auth, auth.signed_at()?, now)?;
    let key = aws_sigv4::sign::v4::generate_signing_key(
        secret_access_key,
        scope_date_time(&auth.credential.date)?,
        &auth.credential.region,
        &auth.credential.service,
    );
    let creq = canonical_request(req, auth, payload_hash, PathRule::S3)?;
    let to_sign = string_to_sign(auth, &creq);
    let expected = aws_sigv4::sign::v4::calculate_signature(key.as_ref(), to_sign.as_bytes());
    if constant_time::verify_slices_are_equal(expected.as_bytes(), auth.signature.as_bytes())
        .is_err()
    {
        return Err(S3SigError::Mismatch(Mismatch {
            canonical_request: String::from_utf8_lossy(&creq).into_owned(),
            string_to_sign: to_sign,
        }));
    }
    Ok(ChunkChain {
        key: key.as_ref().to_vec(),
        amz_date: auth.amz_date.clone(),
        scope: auth.credential.scope(),
        previous: expected,
    })
}

/// The signing key and the previous signature: each chunk signs over the one before it, starting
/// from the request's own (seed) signature.
pub(crate) struct ChunkChain {
    key: Vec<u8>,
    amz_date: String,
    scope: String,
    previous: String,
}

// Hand-written: the signing key is a secret.
impl std::fmt::Debug for ChunkChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkChain")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl ChunkChain {
    /// Checks one chunk's `chunk-signature` and moves the chain on.
    pub(crate) fn verify_chunk(&mut self, data: &[u8], signature: &str) -> bool {
        let to_sign = format!(
            "{CHUNK_ALGORITHM}\n{}\n{}\n{}\n{}\n{}",
            self.amz_date,
            self.scope,
            self.previous,
            sha256_hex(b""),
            sha256_hex(data)
        );
        self.check(&to_sign, signature)
    }

    /// Checks `x-amz-trailer-signature` over the trailing headers (`name:value\n` each).
    pub(crate) fn verify_trailer(&mut self, canonical_trailer: &[u8], signature: &str) -> bool {
        let to_sign = format!(
            "{TRAILER_ALGORITHM}\n{}\n{}\n{}\n{}",
            self.amz_date,
            self.scope,
            self.previous,
            sha256_hex(canonical_trailer)
        );
        self.check(&to_sign, signature)
    }

    fn check(&mut self, to_sign: &str, signature: &str) -> bool {
        let expected = aws_sigv4::sign::v4::calculate_signature(&self.key, to_sign.as_bytes());
        let ok = constant_time::verify_slices_are_equal(expected.as_bytes(), signature.as_bytes())
            .is_ok();
        self.previous = expected;
        ok
    }
}
