//! A received request taken through everything SigV4 verification does with it: the auth values,
//! the canonical request under both path rules, the string to sign, and both verifications at the
//! request's own signing time (so the clock window passes and the HMAC runs). For `fuzz_api`,
//! which runs it on arbitrary requests; each step is the verifier's own function.

use std::hint::black_box;

use time::OffsetDateTime;

use super::canonical::{canonical_request, sha256_hex, string_to_sign};
use super::dates::scope_date_time;
use super::error::SigV4Error;
use super::parse::parse;
use super::s3::verify_s3;
use super::types::{ParsedAuth, PathRule, Request, UNSIGNED_PAYLOAD};
use super::verify::verify;

/// A server clock: 2023-11-14T22:13:20Z.
const NOW: i64 = 1_700_000_000;

/// Whether the request carried SigV4 auth values that parse.
pub(crate) fn walk(req: &Request<'_>, secret_access_key: &str) -> bool {
    let Ok(Some(auth)) = parse(req) else {
        return false;
    };
    let payload_hash = sha256_hex(req.body);
    for rule in [PathRule::Normalised, PathRule::S3] {
        if let Ok(creq) = canonical_request(req, &auth, &payload_hash, rule) {
            black_box(string_to_sign(&auth, &creq));
        }
    }
    // The server's clock is a real time; the request's signing time is anything it says. At its
    // own signing time the clock window passes and the signature is computed.
    let server = OffsetDateTime::from_unix_timestamp(NOW).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let at_signing = auth
        .signed_at()
        .ok()
        .filter(|at| (1970..=9000).contains(&at.year()));
    for now in std::iter::once(server).chain(at_signing) {
        let _ = black_box(verify(req, &auth, secret_access_key, now));
        let _ = black_box(verify_s3(
            req,
            &auth,
            secret_access_key,
            now,
            UNSIGNED_PAYLOAD,
        ));
    }
    true
}

/// The signature `secret_access_key` gives `string_to_sign` in `auth`'s scope: what a client
/// holding the key would have sent. Lets a fuzz target get past the signature to what follows.
pub(crate) fn signature(
    auth_scope: &ParsedAuth,
    secret_access_key: &str,
    string_to_sign: &str,
) -> Result<String, SigV4Error> {
    let key = aws_sigv4::sign::v4::generate_signing_key(
        secret_access_key,
        scope_date_time(&auth_scope.credential.date)?,
        &auth_scope.credential.region,
        &auth_scope.credential.service,
    );
    Ok(aws_sigv4::sign::v4::calculate_signature(
        key.as_ref(),
        string_to_sign.as_bytes(),
    ))
}
