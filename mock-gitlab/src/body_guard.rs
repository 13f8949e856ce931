//! Every request's body, read before any handler sees it: at most [`MAX_BODY_BYTES`], within
//! `Config::body_read_timeout`. Too large is `413`, too slow `408`, cut short `400`, each with the
//! mock's `{"message": …}` body, and the connection is closed (the rest of the body was never
//! read). The mock's bodies are small, so reading them whole up front costs nothing.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use serde_json::json;

use crate::config::MAX_BODY_BYTES;
use crate::state::AppState;

pub(crate) async fn read_first(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    // Refused before a byte is read, so a client waiting for `100 Continue` sends nothing.
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    let within = state.body_read_timeout;
    let read = tokio::time::timeout(within, Limited::new(body, MAX_BODY_BYTES).collect()).await;
    match read {
        Ok(Ok(collected)) => {
            let request = Request::from_parts(parts, Body::from(collected.to_bytes()));
            next.run(request).await
        }
        Ok(Err(err)) if err.downcast_ref::<LengthLimitError>().is_some() => too_large(),
        Ok(Err(_)) => refuse(
            StatusCode::BAD_REQUEST,
            "the request body ended before its declared length".to_owned(),
        ),
        Err(_elapsed) => refuse(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body did not arrive within {} s",
                within.as_secs()
            ),
        ),
    }
}

fn too_large() -> Response {
    refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
    )
}

fn refuse(status: StatusCode, message: String) -> Response {
    let mut response = (status, Json(json!({ "message": message }))).into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
