//! fedlab's own routes under `/-/mock/`, apart from the emulated AWS API: the request log, the
//! IAM state (in the shape of a seed file), a reset and a health check. They are not AWS
//! endpoints and are not logged.
//!
//! `Config::admin` decides who reaches them: everyone, loopback peers only, or no one. A request
//! that may not is answered as any other path is, by the emulated API, so the routes' existence
//! shows nowhere. The health check is served to everyone: it discloses nothing, and container
//! health checks need it.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};

use crate::admin_access::AdminAccess;
use crate::iam;
use crate::server;
use crate::state::Sts;

/// On `GET /-/mock/requests`: how many requests were logged since the start (the newest sequence
/// number), kept or not. A load test compares it with the number of requests it sent.
pub(crate) const REQUESTS_TOTAL_HEADER: &str = "x-mock-requests-total";

pub(crate) fn routes(sts: &Arc<Sts>) -> Router<Arc<Sts>> {
    let guarded = Router::new()
        .route("/-/mock/requests", get(requests).delete(clear_requests))
        .route("/-/mock/state", get(state))
        .route("/-/mock/reset", post(reset));
    let guarded = match sts.config.admin {
        AdminAccess::On => guarded,
        // `layer`, not `route_layer`: a refused peer must not learn a route exists from a 405.
        AdminAccess::Loopback => {
            guarded.layer(middleware::from_fn_with_state(Arc::clone(sts), admit))
        }
        AdminAccess::Off => Router::new(),
    };
    guarded.route("/-/mock/health", get(health))
}

/// Lets an allowed peer through; anyone else gets the emulated API's answer for the path.
async fn admit(State(sts): State<Arc<Sts>>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    if sts.config.admin.allows(peer) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    server::handle(State(sts), parts.method, parts.uri, parts.headers, body).await
}

#[derive(Debug, serde::Deserialize)]
struct SinceQuery {
    #[serde(default)]
    since: u64,
}

/// `GET /-/mock/requests?since=N`: the entries after `N`, as JSON, and the running total in
/// [`REQUESTS_TOTAL_HEADER`].
async fn requests(State(sts): State<Arc<Sts>>, Query(query): Query<SinceQuery>) -> Response {
    // Read first: an entry pushed in between is then in the list but not the total, never the
    // other way round.
    let total = sts.log.total();
    let mut response = axum::Json(sts.log.since(query.since)).into_response();
    response
        .headers_mut()
        .insert(REQUESTS_TOTAL_HEADER, HeaderValue::from(total));
    response
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
