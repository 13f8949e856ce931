//! Who signed an S3 request and how its body is signed: SigV4 with S3's rules, against the admin
//! keys (the account root) or a session issued by this server.

use http::HeaderMap;

use crate::auth::Caller;
use crate::errors::S3Error;
use crate::sessions::Refusal;
use crate::sigv4::{self, ChunkChain, S3SigError, SigV4Error, UNSIGNED_PAYLOAD};
use crate::state::Sts;
use crate::times;

const CONTENT_SHA256: &str = "x-amz-content-sha256";
const SIGNED_CHUNKS: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
const SIGNED_CHUNKS_TRAILER: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
const UNSIGNED_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/// How the body is covered, from `x-amz-content-sha256`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PayloadMode {
    Unsigned,
    /// The lower-case hex SHA-256 the body must have.
    Signed(String),
    /// `aws-chunked` with a signature per chunk, optionally a signed trailer.
    SignedChunks {
        trailer: bool,
    },
    /// `aws-chunked` without signatures, with a trailing checksum.
    UnsignedTrailer,
}

/// A verified signer.
#[derive(Debug)]
pub(crate) struct Signed {
    pub(crate) caller: Caller,
    /// The region of the credential scope: the regional endpoint the client means.
    pub(crate) region: String,
    pub(crate) payload: PayloadMode,
    pub(crate) chain: ChunkChain,
}

/// The access key named (for the log) and the verdict.
#[derive(Debug)]
pub(crate) struct Authentication {
    pub(crate) access_key_id: Option<String>,
    pub(crate) result: Result<Signed, S3Error>,
}

pub(crate) fn authenticate(sts: &Sts, request: &sigv4::Request<'_>) -> Authentication {
    let auth = match sigv4::parse(request) {
        Ok(Some(auth)) => auth,
        Ok(None) => return refused(None, S3Error::AnonymousAccessDenied),
        Err(_) => return refused(None, S3Error::AuthorizationHeaderMalformed),
    };
    let access_key_id = auth.credential.access_key_id.clone();
    let result = verify(sts, request, &auth);
    Authentication {
        access_key_id: Some(access_key_id),
        result,
    }
}

fn refused(access_key_id: Option<String>, error: S3Error) -> Authentication {
    Authentication {
        access_key_id,
        result: Err(error),
    }
}

fn verify(
    sts: &Sts,
    request: &sigv4::Request<'_>,
    auth: &sigv4::ParsedAuth,
) -> Result<Signed, S3Error> {
    let declared = declared_payload(request.headers, auth)?;
    let payload = payload_mode(&declared)?;
    let access_key_id = auth.credential.access_key_id.clone();
    let now = sts.config.clock.now();
    let (caller, secret) = if access_key_id == sts.config.admin_access_key_id {
        (Caller::Admin, sts.config.admin_secret_access_key.clone())
    } else {
        let token = auth.security_token.as_deref();
        let session = sts
            .sessions
            .check(&access_key_id, token, now)
            .map_err(|refusal| {
                let token = token.unwrap_or_default().to_owned();
                match refusal {
                    Refusal::UnknownKey | Refusal::MissingToken => S3Error::InvalidAccessKeyId {
                        access_key_id: access_key_id.clone(),
                    },
                    Refusal::WrongToken => S3Error::InvalidToken { token },
                    Refusal::Expired => S3Error::ExpiredToken { token },
                }
            })?;
        let secret = session.secret_access_key.clone();
        (Caller::Session(session), secret)
    };
    let chain = sigv4::verify_s3(request, auth, &secret, now, &declared)
        .map_err(|err| signature_error(err, auth, now))?;
    if auth.credential.service != "s3" {
        return Err(S3Error::WrongService {
            service: auth.credential.service.clone(),
        });
    }
    Ok(Signed {
        caller,
        region: auth.credential.region.clone(),
        payload,
        chain,
    })
}

/// Header auth must declare the payload hash; a presigned URL signs `UNSIGNED-PAYLOAD` unless it
/// says otherwise.
fn declared_payload(headers: &HeaderMap, auth: &sigv4::ParsedAuth) -> Result<String, S3Error> {
    match headers.get(CONTENT_SHA256).map(|v| v.to_str()) {
        Some(Ok(value)) => Ok(value.to_owned()),
        Some(Err(_)) => Err(S3Error::InvalidContentSha256),
        None if auth.expires.is_some() => Ok(UNSIGNED_PAYLOAD.to_owned()),
        None => Err(S3Error::MissingContentSha256),
    }
}

fn payload_mode(declared: &str) -> Result<PayloadMode, S3Error> {
    Ok(match declared {
        UNSIGNED_PAYLOAD => PayloadMode::Unsigned,
        SIGNED_CHUNKS => PayloadMode::SignedChunks { trailer: false },
        SIGNED_CHUNKS_TRAILER => PayloadMode::SignedChunks { trailer: true },
        UNSIGNED_TRAILER => PayloadMode::UnsignedTrailer,
        hash if hash.len() == 64
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
        {
            PayloadMode::Signed(hash.to_owned())
        }
        _ => return Err(S3Error::InvalidContentSha256),
    })
}

fn signature_error(
    err: S3SigError,
    auth: &sigv4::ParsedAuth,
    now: time::OffsetDateTime,
) -> S3Error {
    match err {
        S3SigError::Mismatch(mismatch) => S3Error::SignatureDoesNotMatch {
            access_key_id: auth.credential.access_key_id.clone(),
            signature_provided: auth.signature.clone(),
            string_to_sign: mismatch.string_to_sign,
            canonical_request: mismatch.canonical_request,
        },
        S3SigError::Other(SigV4Error::RequestExpired { amz_date, .. }) => {
            S3Error::RequestTimeTooSkewed {
                request_time: amz_date,
                server_time: times::iso8601_millis(now),
            }
        }
        S3SigError::Other(SigV4Error::PresignExpired {
            amz_date, expires, ..
        }) => S3Error::PresignExpired {
            expires: format!("{amz_date}+{expires}s"),
            server_time: times::iso8601_millis(now),
        },
        S3SigError::Other(_) => S3Error::AuthorizationHeaderMalformed,
    }
}
