//! Why a request's SigV4 authentication was refused. The HTTP layer maps these to STS and IAM
//! errors; nothing here spells an AWS wire string.

/// Which side of the allowed clock window a request fell on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SkewDirection {
    /// Signed more than 15 minutes before `now` (AWS: "Signature expired").
    Past,
    /// Signed more than 15 minutes after `now` (AWS: "Signature not yet current").
    Future,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum SigV4Error {
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
