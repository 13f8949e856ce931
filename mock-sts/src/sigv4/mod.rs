//! SigV4 request-signature verification (server side).
//!
//! A server cannot re-run a client's signer: it must rebuild the canonical request from what it
//! *received*, using the header list the client declared in `SignedHeaders`. [`parse`] extracts
//! the auth values (Authorization header or presigned query), [`verify`] checks the clock and the
//! signature. Key derivation and the final HMAC come from `aws-sigv4`, so only the
//! canonicalisation lives here.
//!
//! Canonicalisation follows what the signers used by the conformance clients do (boto/botocore,
//! `botocore/auth.py`, `SigV4Auth` / `SigV4QueryAuth`, and aws-sigv4 with default settings), as
//! the AWS page "Create a signed AWS API request" describes them
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>),
//! i.e. the non-S3 rules:
//! dot segments and empty segments are removed from the path, which is then percent-encoded a
//! second time; the query is form-decoded (`+` is a space) and re-encoded.
//!
//! S3 differs (`s3`): the path is encoded once and not normalised, the payload hash is the one
//! declared in `x-amz-content-sha256`, and chunked uploads carry a signature per chunk.
//!
//! Errors are typed and carry no AWS wire strings; the HTTP layer maps them to STS/IAM errors.

mod canonical;
mod dates;
mod error;
mod parse;
mod s3;
mod types;
mod verify;
// Every verification step on one request, for `fuzz_api`.
mod walk;

#[cfg(test)]
mod tests;

pub(crate) use canonical::{percent_decode, sha256_hex};
pub(crate) use error::{SigV4Error, SkewDirection};
pub(crate) use parse::parse;
pub(crate) use s3::{ChunkChain, S3SigError, verify_s3};
pub(crate) use types::{ParsedAuth, Request, UNSIGNED_PAYLOAD};
pub(crate) use verify::verify;
pub(crate) use walk::{signature as signature_for, walk};
