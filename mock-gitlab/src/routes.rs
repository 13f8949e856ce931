//! Router assembly and per-request logging. This is the only module that knows the handler
//! modules; they in turn know only the shared [`AppState`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};

use crate::admin_access::AdminAccess;
use crate::body_guard;
use crate::discovery;
use crate::fault_layer;
use crate::key_routes;
use crate::mint;
use crate::mock_api;
use crate::paths::{DISCOVERY_PATH, FAULTS_PATH, HEALTH_PATH, JWKS_PATH, MINT_PATH, REQUESTS_PATH};
use crate::state::AppState;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let admin = Router::new()
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
        .merge(key_routes::admin_routes());
    let admin = match state.admin {
        AdminAccess::On => admin,
        // `layer`, not `route_layer`: a refused peer must not learn a route exists from a 405.
        AdminAccess::Loopback => {
            admin.layer(middleware::from_fn_with_state(Arc::clone(&state), admit))
        }
        AdminAccess::Off => Router::new(),
    };
    let routes = Router::new()
        .route(DISCOVERY_PATH, get(discovery::provider))
        .route(JWKS_PATH, get(discovery::keys))
        .route(HEALTH_PATH, get(health))
        .merge(key_routes::routes(&state))
        .merge(admin);
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
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            body_guard::read_first,
        ))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Lets an allowed peer through to the mock's own routes; anyone else gets the 404 of an unknown
/// path, so the routes' existence shows nowhere.
async fn admit(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    if state.admin.allows(peer) {
        next.run(request).await
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
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
