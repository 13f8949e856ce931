//! The clock window and the signature comparison.

use aws_lc_rs::constant_time;
use time::{Duration, OffsetDateTime, UtcOffset};

use super::canonical::{canonical_request, sha256_hex, string_to_sign};
use super::dates::{format_amz_date, scope_date_time};
use super::error::{SigV4Error, SkewDirection, malformed};
use super::types::{AuthLocation, MAX_CLOCK_SKEW, ParsedAuth, PathRule, Request, UNSIGNED_PAYLOAD};

/// Verify `auth` (from [`parse`] on the same request) against `secret_access_key`.
///
/// `now` is the server clock. Any region and service in the scope are accepted; whether the
/// service fits the action is the caller's decision. Presigned URLs are checked against
/// `X-Amz-Expires` only; STS's extra 15-minute cap, if wanted, is the caller's
/// (see [`ParsedAuth::signed_at`]).
pub(crate) fn verify(
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
        let creq = canonical_request(req, auth, &payload_hash, PathRule::Normalised)?;
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

pub(super) fn check_time(
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
