//! `/-/mock/faults` and `/-/mock/requests`: setting issuer faults and reading what the issuer
//! saw, over HTTP. Test-only routes, not GitLab endpoints, and never subject to faults.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::faults::{self, Fault};
use crate::request_log::IssuerRequest;
use crate::state::AppState;

/// The body of `GET` and `PUT /-/mock/faults`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultList {
    faults: Vec<Fault>,
}

/// `GET /-/mock/faults`: the faults in force.
pub(crate) async fn faults(State(state): State<Arc<AppState>>) -> Json<FaultList> {
    Json(FaultList {
        faults: state.faults.list(),
    })
}

/// `PUT /-/mock/faults` with `{"faults": [...]}`: replaces the set (and restarts the throttle
/// count) and answers with the new set. Any bad body is a JSON 400 that names the problem,
/// which is why this reads bytes rather than axum's `Json`.
pub(crate) async fn set_faults(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let list: FaultList = match serde_json::from_slice(&body) {
        Ok(list) => list,
        Err(e) => return bad_request(format!("invalid faults: {e}")),
    };
    if let Err(reason) = faults::validate(&list.faults) {
        return bad_request(reason);
    }
    state.faults.set(list.faults);
    Json(FaultList {
        faults: state.faults.list(),
    })
    .into_response()
}

/// `DELETE /-/mock/faults`: no faults from now on.
pub(crate) async fn clear_faults(State(state): State<Arc<AppState>>) -> StatusCode {
    state.faults.set(Vec::new());
    StatusCode::NO_CONTENT
}

#[derive(Debug, Deserialize)]
pub(crate) struct SinceQuery {
    #[serde(default)]
    since: u64,
}

/// `GET /-/mock/requests?since=N`: the logged requests after sequence number `N`, oldest first.
pub(crate) async fn requests(
    State(state): State<Arc<AppState>>,
    Query(query): Query<SinceQuery>,
) -> Json<Vec<IssuerRequest>> {
    Json(state.requests.since(query.since))
}

/// `DELETE /-/mock/requests`: forgets the logged requests; sequence numbers keep counting.
pub(crate) async fn clear_requests(State(state): State<Arc<AppState>>) -> StatusCode {
    state.requests.clear();
    StatusCode::NO_CONTENT
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "message": message }))).into_response()
}
