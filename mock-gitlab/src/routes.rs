//! Router assembly and per-request logging. This is the only module that knows the handler
//! modules; they in turn know only the shared [`AppState`].

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use crate::discovery;
use crate::fault_layer;
use crate::key_routes;
use crate::mint;
use crate::mock_api;
use crate::paths::{DISCOVERY_PATH, FAULTS_PATH, HEALTH_PATH, JWKS_PATH, MINT_PATH, REQUESTS_PATH};
use crate::state::AppState;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let routes = Router::new()
        .route(DISCOVERY_PATH, get(discovery::provider))
        .route(JWKS_PATH, get(discovery::keys))
        .route(HEALTH_PATH, get(health))
        .route(MINT_PATH, post(mint::mint))
        .route(
            FAULTS_PATH,
            get(mock_api::faults)
                .put(mock_api::set_faults)
                .delete(mock_api::clear_faults),
        )
        .route(
            REQUESTS_PATH,
            get(mock_api::requests).delete(mock_api::clear_requests),
        )
        .merge(key_routes::routes(&state));
    // GitLab under a relative URL root (`https://host/gitlab`) serves every path below it,
    // which is where the discovery document's URLs point.
    let routes = match state.issuer.relative_root() {
        "" => routes,
        root => Router::new().nest(root, routes),
    };
    routes
        // Inside the logging layer, so the one event per request shows what the faults made of it.
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            fault_layer::apply,
        ))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// GitLab's `HealthController#index` renders exactly this as text/plain.
async fn health() -> &'static str {
    "GitLab OK"
}

/// The single event per request. Only method, path (no query), status and the fault that
/// shaped the answer are logged, so tokens and keys cannot leak through it. A connection a
/// fault closed has no status.
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    tracing::info!(
        %method,
        %path,
        status = fault_layer::answered_status(&response),
        fault = fault_layer::fault_kind(&response),
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}
