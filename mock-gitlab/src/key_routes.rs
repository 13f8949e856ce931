//! The routes that depend on the version profile or change the keys: the pre-17.0 JWKS alias
//! `/-/jwks`, `POST /-/mock/keys/rotate`, the admin route that rotates the CI key, and
//! `POST /-/mock/reset`, which undoes rotations (and clears faults and the request log).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use crate::discovery;
use crate::key_setup;
use crate::paths::{KEYS_ROTATE_PATH, LEGACY_JWKS_PATH, RESET_PATH};
use crate::profile::Feature;
use crate::reset;
use crate::state::AppState;

/// The GitLab route, for the router to merge. `/-/jwks` exists only where the profile has it,
/// so from 17.0 it is a 404 like any unknown path.
pub(crate) fn routes(state: &AppState) -> Router<Arc<AppState>> {
    let router = Router::new();
    if state.profile.has(Feature::LegacyJwksPath) {
        return router.route(LEGACY_JWKS_PATH, get(discovery::keys));
    }
    router
}

/// The mock's own routes, for the router to merge with the other admin routes.
pub(crate) fn admin_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(KEYS_ROTATE_PATH, post(rotate))
        .route(RESET_PATH, post(reset))
}

/// `POST /-/mock/keys/rotate` body. An empty body means `{}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RotateRequest {
    /// Keep publishing the replaced key after the current ones; default `false`.
    #[serde(default)]
    keep_old: bool,
}

/// The answer: the new signing kid and every kid the JWKS now publishes, in JWKS order.
#[derive(Debug, Serialize)]
struct RotateResponse {
    kid: String,
    published: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ErrorBody {
    message: String,
}

fn error(status: StatusCode, message: String) -> Response {
    (status, Json(ErrorBody { message })).into_response()
}

/// `e` and its causes, since `Error`'s own message leaves the cause to `source()`.
fn with_sources(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

async fn rotate(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let req = if body.iter().all(u8::is_ascii_whitespace) {
        RotateRequest::default()
    } else {
        match serde_json::from_slice::<RotateRequest>(&body) {
            Ok(req) => req,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("invalid request body: {e}"),
                );
            }
        }
    };
    match key_setup::rotate(&state.keys, req.keep_old).await {
        Ok(rotated) => Json(RotateResponse {
            kid: rotated.kid,
            published: rotated.published,
        })
        .into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, with_sources(&e)),
    }
}

/// `POST /-/mock/reset`: 204 once the instance is as it started (see `reset::reset`).
async fn reset(State(state): State<Arc<AppState>>) -> Response {
    match reset::reset(&state.faults, &state.requests, &state.keys).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, with_sources(&e)),
    }
}
