//! The middleware that applies the HTTP faults to the issuer's public routes and keeps the
//! request log. It sits around the whole router but recognises the issuer's routes by the end
//! of their path, so it also covers an instance under a relative URL root (`/gitlab/...`) and
//! the pre-17.0 `/-/jwks` alias wherever they are served, and it post-processes whatever the
//! handlers answered, so it does not depend on how the documents are built.
//!
//! Per request, in this order: `slow` delays; then the first of `throttle` (429),
//! `*_unavailable` (connection closed), `*_status`, `jwks_redirect` (302) answers instead of the
//! handler; otherwise the handler answers and the body faults rewrite its body.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::fault_bodies;
use crate::faults::{ActiveFaults, Fault};
use crate::paths::{DISCOVERY_PATH, JWKS_PATH, MINT_PATH};
use crate::state::AppState;

/// GitLab's JWKS alias before 17.0 (gitlab-org/gitlab#221031), faulted like the JWKS wherever a
/// profile serves it.
const LEGACY_JWKS_PATH: &str = "/-/jwks";
/// The mock's own routes; faults never apply under it.
const MOCK_ROUTES: &str = "/-/mock/";
/// Far above any JWKS; only a guard against buffering something unbounded.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Which kind of route a path is, as far as faults and the request log care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Discovery,
    Jwks,
    Mint,
    Other,
}

fn classify(path: &str) -> Route {
    if path.ends_with(MINT_PATH) {
        Route::Mint
    } else if path.contains(MOCK_ROUTES) {
        Route::Other
    } else if path.ends_with(DISCOVERY_PATH) {
        Route::Discovery
    } else if path.ends_with(JWKS_PATH) || path.ends_with(LEGACY_JWKS_PATH) {
        Route::Jwks
    } else {
        Route::Other
    }
}

/// Put on a response a fault shaped, for the request's one log event.
#[derive(Debug, Clone, Copy)]
struct Shaped {
    kind: &'static str,
    closed: bool,
}

/// The kind of the fault that shaped `response`, if one did.
pub(crate) fn fault_kind(response: &Response) -> Option<&'static str> {
    response.extensions().get::<Shaped>().map(|s| s.kind)
}

/// The status the client got, or `None` when the connection was closed without an answer.
pub(crate) fn answered_status(response: &Response) -> Option<u16> {
    match response.extensions().get::<Shaped>() {
        Some(shaped) if shaped.closed => None,
        _ => Some(response.status().as_u16()),
    }
}

/// The answer to one request and the fault behind it.
struct Outcome {
    response: Response,
    fault: Option<Fault>,
    closed: bool,
}

impl Outcome {
    fn new(response: Response, fault: Option<Fault>) -> Self {
        Self {
            response,
            fault,
            closed: false,
        }
    }
}

pub(crate) async fn apply(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let route = classify(request.uri().path());
    if route == Route::Other {
        return next.run(request).await;
    }
    let seq = state
        .requests
        .begin(request.method().as_str(), request.uri().path());
    let outcome = match route {
        Route::Discovery | Route::Jwks => shape(&state, route, seq, request, next).await,
        Route::Mint | Route::Other => Outcome::new(next.run(request).await, None),
    };
    let status = (!outcome.closed).then(|| outcome.response.status().as_u16());
    state.requests.complete(seq, status, outcome.fault.clone());
    let mut response = outcome.response;
    if let Some(fault) = &outcome.fault {
        response.extensions_mut().insert(Shaped {
            kind: fault.kind(),
            closed: outcome.closed,
        });
    }
    response
}

async fn shape(state: &AppState, route: Route, seq: u64, request: Request, next: Next) -> Outcome {
    let active = state.faults.current();
    let throttled = active.throttled().cloned();
    let mut delayed_by = None;
    if let Some(fault @ Fault::Slow { ms }) = active
        .faults()
        .iter()
        .find(|f| matches!(f, Fault::Slow { .. }))
    {
        // Recorded before the wait, so the log shows why an answer is still pending.
        state.requests.complete(seq, None, Some(fault.clone()));
        tokio::time::sleep(Duration::from_millis(*ms)).await;
        delayed_by = Some(fault.clone());
    }
    if let Some(fault) = throttled {
        return Outcome::new(throttled_answer(), Some(fault));
    }
    if let Some(fault) = active.faults().iter().find(|f| unavailable(f, route)) {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0);
        if let Some(peer) = peer {
            state.connections.close(peer);
        }
        return Outcome {
            response: unsendable(),
            fault: Some(fault.clone()),
            closed: true,
        };
    }
    if let Some((fault, status)) = active
        .faults()
        .iter()
        .find_map(|f| answers_status(f, route))
    {
        return Outcome::new(status_answer(status), Some(fault.clone()));
    }
    if let Some(fault @ Fault::JwksRedirect { location }) = active
        .faults()
        .iter()
        .find(|f| route == Route::Jwks && matches!(f, Fault::JwksRedirect { .. }))
    {
        return Outcome::new(redirect_answer(location), Some(fault.clone()));
    }
    let response = next.run(request).await;
    rewrite(state, &active, route, response, delayed_by).await
}

fn unavailable(fault: &Fault, route: Route) -> bool {
    matches!(
        (fault, route),
        (Fault::DiscoveryUnavailable, Route::Discovery) | (Fault::JwksUnavailable, Route::Jwks)
    )
}

fn answers_status(fault: &Fault, route: Route) -> Option<(&Fault, u16)> {
    match (fault, route) {
        (Fault::DiscoveryStatus { status }, Route::Discovery)
        | (Fault::JwksStatus { status }, Route::Jwks) => Some((fault, *status)),
        _ => None,
    }
}

/// What GitLab's rate limiter (Rack::Attack) answers by default: 429, `Retry later` as plain
/// text, and `Retry-After` ("User and IP rate limits", GitLab administration docs).
fn throttled_answer() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::CONTENT_TYPE, "text/plain"),
            (header::RETRY_AFTER, "60"),
        ],
        "Retry later\n",
    )
        .into_response()
}

/// The chosen status with its reason phrase as plain text. A status set in-process that no
/// server can answer with (see `faults::validate`) becomes 500.
fn status_answer(status: u16) -> Response {
    let code = StatusCode::from_u16(status)
        .ok()
        .filter(|code| !code.is_informational())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = format!(
        "{} {}\n",
        code.as_u16(),
        code.canonical_reason().unwrap_or("Error")
    );
    (
        code,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// `302 Found` to `location` (validated when the fault was set; one that slipped through in-process
/// is answered as a 500 rather than sent malformed).
fn redirect_answer(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, value),
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                ),
            ],
            "302 Found\n",
        )
            .into_response(),
        Err(_) => status_answer(500),
    }
}

/// A response hyper refuses to write. Under `spawn` the connection is already closed and this is
/// never sent; a router from `app()` may run under a server without that connection tracking,
/// and there hyper's HTTP/1.1 encoder rejects the non-numeric Content-Length of a body of
/// unknown length before writing a byte of the head, then closes the connection.
fn unsendable() -> Response {
    let mut response = Response::new(Body::from_stream(Body::empty().into_data_stream()));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("closed"));
    response
}

/// Applies the body faults for `route` to a successful answer. JSON edits go first so that
/// `malformed_jwks`, which breaks the JSON, can combine with them.
async fn rewrite(
    state: &AppState,
    active: &ActiveFaults,
    route: Route,
    response: Response,
    delayed_by: Option<Fault>,
) -> Outcome {
    let edits: Vec<&Fault> = active
        .faults()
        .iter()
        .filter(|f| rewrites(f, route))
        .collect();
    if edits.is_empty() || !response.status().is_success() {
        return Outcome::new(response, delayed_by);
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return Outcome::new(StatusCode::INTERNAL_SERVER_ERROR.into_response(), None);
    };
    // The key tokens are signed with now (after a rotation, the new one).
    let current = state.keys.current();
    let kid = current.kid();
    let mut body = bytes.to_vec();
    let mut applied = None;
    for fault in &edits {
        let edited = match fault {
            Fault::CiKeyMissing => fault_bodies::without_kid(&body, kid),
            Fault::KidMismatch => fault_bodies::with_renamed_kid(&body, kid),
            Fault::DiscoveryIssuerMismatch => fault_bodies::with_mismatched_issuer(&body),
            _ => None,
        };
        if let Some(edited) = edited {
            body = edited;
            applied.get_or_insert((*fault).clone());
        }
    }
    if active.contains(&Fault::MalformedJwks) && route == Route::Jwks {
        body = fault_bodies::truncated(&body);
        applied.get_or_insert(Fault::MalformedJwks);
    }
    // The length changed; hyper sets it again from the new body.
    parts.headers.remove(header::CONTENT_LENGTH);
    let response = Response::from_parts(parts, Body::from(body));
    Outcome::new(response, applied.or(delayed_by))
}

fn rewrites(fault: &Fault, route: Route) -> bool {
    matches!(
        (fault, route),
        (Fault::DiscoveryIssuerMismatch, Route::Discovery)
            | (
                Fault::CiKeyMissing | Fault::KidMismatch | Fault::MalformedJwks,
                Route::Jwks
            )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_routes_are_recognised_under_a_relative_url_root() {
        for (path, route) in [
            ("/.well-known/openid-configuration", Route::Discovery),
            ("/gitlab/.well-known/openid-configuration", Route::Discovery),
            ("/oauth/discovery/keys", Route::Jwks),
            ("/gitlab/oauth/discovery/keys", Route::Jwks),
            ("/-/jwks", Route::Jwks),
            ("/gitlab/-/jwks", Route::Jwks),
            ("/-/mock/id_tokens", Route::Mint),
            ("/gitlab/-/mock/id_tokens", Route::Mint),
        ] {
            assert_eq!(classify(path), route, "{path}");
        }
    }

    #[test]
    fn mock_routes_and_the_health_check_are_never_issuer_routes() {
        for path in [
            "/-/mock/faults",
            "/-/mock/requests",
            "/-/mock/keys/rotate",
            "/-/mock/oauth/discovery/keys",
            "/-/health",
            "/oauth/discovery/keys/extra",
        ] {
            assert_eq!(classify(path), Route::Other, "{path}");
        }
    }

    #[test]
    fn a_status_no_server_can_send_becomes_500() {
        assert_eq!(status_answer(503).status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            status_answer(101).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            status_answer(42).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
