//! fedlab's own routes under `/-/mock/`, apart from the emulated AWS API: the request log and a
//! health check. They are not AWS endpoints and are not logged.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;

use crate::request_log::LogEntry;
use crate::state::Sts;

pub(crate) fn routes() -> Router<Arc<Sts>> {
    Router::new()
        .route("/-/mock/requests", get(requests).delete(clear_requests))
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

async fn health() -> &'static str {
    "ok"
}
