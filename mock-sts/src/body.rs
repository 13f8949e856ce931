//! Reading a whole request body: at most a given size, within a deadline. Each listener answers
//! what went wrong in its own protocol's words.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Larger than allowed, by its `Content-Length` or once read that far.
    TooLarge,
    /// Not in full before the deadline.
    TimedOut,
    /// Ended or broke off before its declared length (or its chunked framing was bad).
    Incomplete,
}

/// The body, read in full. A declared length over `max` is refused before a byte is read, so a
/// client that waits for `100 Continue` never sends it.
pub(crate) async fn read(
    body: Body,
    headers: &HeaderMap,
    max: usize,
    within: Duration,
) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > max as u64) {
        return Err(BodyError::TooLarge);
    }
    match tokio::time::timeout(within, Limited::new(body, max).collect()).await {
        Err(_elapsed) => Err(BodyError::TimedOut),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(err)) if err.downcast_ref::<LengthLimitError>().is_some() => {
            Err(BodyError::TooLarge)
        }
        Ok(Err(_)) => Err(BodyError::Incomplete),
    }
}

/// Marks an answer as the connection's last: the rest of its body was never read, so the
/// connection cannot carry another request.
pub(crate) fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
