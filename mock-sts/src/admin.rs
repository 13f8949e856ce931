//! fedlab's own routes under `/-/mock/`, apart from the emulated AWS API: the request log, the
//! IAM state (in the shape of a seed file), a reset and a health check. They are not AWS
//! endpoints and are not logged.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::routing::{get, post};

use crate::iam;
use crate::request_log::LogEntry;
use crate::state::Sts;

pub(crate) fn routes() -> Router<Arc<Sts>> {
    Router::new()
        .route("/-/mock/requests", get(requests).delete(clear_requests))
        .route("/-/mock/state", get(state))
        .route("/-/mock/reset", post(reset))
        .route("/-/mock/health", get(health))
}

#[derive(Debug, serde::Deserialize)]
struct SinceQuery {
    #[serde(default)]
    since: u64,
}

/// `GET /-/mock/requests?since=N`: the entries after `N`, as JSON.
async fn requests(
    State(sts): State<Arc<Sts>>,
    Query(query): Query<SinceQuery>,
) -> axum::Json<Vec<LogEntry>> {
    axum::Json(sts.log.since(query.since))
}

/// `DELETE /-/mock/requests`: forget the kept entries; sequence numbers keep counting.
async fn clear_requests(State(sts): State<Arc<Sts>>) -> StatusCode {
    sts.log.clear();
    StatusCode::NO_CONTENT
}

/// `GET /-/mock/state`: every provider and role as seed JSON, in a fixed order, so the answer
/// can seed another mock-sts (`mock-sts --seed`) that then answers the same text.
async fn state(State(sts): State<Arc<Sts>>) -> ([(header::HeaderName, &'static str); 1], String) {
    let seed = iam::dump(&sts.iam());
    ([(header::CONTENT_TYPE, "application/json")], seed.to_json())
}

/// `POST /-/mock/reset`: everything back as it was at start (see `Sts::reset`), so one running
/// mock-sts can serve many independent cases.
async fn reset(State(sts): State<Arc<Sts>>) -> StatusCode {
    sts.reset();
    StatusCode::NO_CONTENT
}

async fn health() -> &'static str {
    "ok"
}
