//! The Query-protocol front end: one route for both services, dispatching on `Action` and
//! `Version` the way AWS does, with SigV4 for the signed actions.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;

use crate::body::{self, BodyError};
use crate::caller_identity::get_caller_identity;
use crate::errors::AwsError;
use crate::outcome::{Facts, Outcome};
use crate::query::Params;
use crate::respond::{self, Answer, Exchange};
use crate::service::Service;
use crate::state::Sts;
use crate::web_identity::assume_role_with_web_identity;
use crate::{iam_api, ids, sigv4, unknowns};

/// STS's API version.
const STS_VERSION: &str = "2011-06-15";

/// Where AWS sends requests that carry no Action (or a POST without Content-Type).
const NO_ACTION_LOCATION: &str = "https://aws.amazon.com/iam";

pub(crate) async fn handle(
    State(sts): State<Arc<Sts>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let received = sts.config.clock.now();
    let request_id = ids::request_id();
    let read = body::read(
        body,
        &headers,
        unknowns::MAX_QUERY_BODY_BYTES,
        sts.config.body_read_timeout,
    )
    .await;
    let body = match read {
        Ok(body) => body,
        Err(err) => {
            let exchange = Exchange {
                method: &method,
                headers: &headers,
                received,
                request_id,
                action: None,
            };
            let outcome = Outcome::new(Err(unreadable(err)), Facts::default());
            let answer = Answer::Outcome {
                service: Service::Sts,
                outcome,
            };
            return body::closing(respond::respond(&sts, exchange, answer));
        }
    };
    let params = request_params(&method, &uri, &headers, &body);
    let action = params.get("Action").map(str::to_owned);
    let post_without_type = method == Method::POST && !headers.contains_key(header::CONTENT_TYPE);
    let answer = match action.as_deref() {
        Some(action) if !post_without_type => {
            let request = sigv4::Request {
                method: &method,
                path: uri.path(),
                query: uri.query(),
                headers: &headers,
                body: &body,
            };
            let (service, outcome) = dispatch(&sts, action, &params, &request, &request_id).await;
            Answer::Outcome { service, outcome }
        }
        _ => Answer::Redirect {
            location: redirect_location(&method, uri.query()),
        },
    };
    let exchange = Exchange {
        method: &method,
        headers: &headers,
        received,
        request_id,
        action,
    };
    respond::respond(&sts, exchange, answer)
}

/// What a body that could not be read is answered with.
fn unreadable(err: BodyError) -> AwsError {
    match err {
        BodyError::TooLarge => AwsError::RequestEntityTooLarge {
            max: unknowns::MAX_QUERY_BODY_BYTES,
        },
        BodyError::TimedOut => AwsError::RequestTimeout,
        BodyError::Incomplete => AwsError::IncompleteBody,
    }
}

/// Form body (POST with the form content type) first, then the query string; first key wins.
fn request_params(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Params {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let mut params = if *method == Method::POST && is_form {
        Params::parse(std::str::from_utf8(body).unwrap_or_default())
    } else {
        Params::default()
    };
    params.extend(Params::parse(uri.query().unwrap_or_default()));
    params
}

/// AWS redirects a request without an Action to the IAM console page, echoing a GET's query.
fn redirect_location(method: &Method, query: Option<&str>) -> String {
    match query.filter(|q| *method == Method::GET && !q.is_empty()) {
        Some(query) => format!("{NO_ACTION_LOCATION}?{query}"),
        None => NO_ACTION_LOCATION.to_owned(),
    }
}

async fn dispatch(
    sts: &Sts,
    action: &str,
    params: &Params,
    request: &sigv4::Request<'_>,
    request_id: &str,
) -> (Service, Outcome) {
    let version = params.get("Version");
    match (version, action) {
        (Some(STS_VERSION), "AssumeRoleWithWebIdentity") => (
            Service::Sts,
            assume_role_with_web_identity(sts, params, request_id).await,
        ),
        (Some(STS_VERSION), "GetCallerIdentity") => {
            (Service::Sts, get_caller_identity(sts, request, request_id))
        }
        (Some(iam_api::VERSION), action) if iam_api::is_action(action) => (
            Service::Iam,
            iam_api::call(sts, action, params, request, request_id).await,
        ),
        (Some(iam_api::VERSION), _) => (Service::Iam, unknown_action(action, version)),
        _ => (Service::Sts, unknown_action(action, version)),
    }
}

fn unknown_action(action: &str, version: Option<&str>) -> Outcome {
    let error = AwsError::InvalidAction {
        action: action.to_owned(),
        version: version.map(str::to_owned),
    };
    Outcome::new(Err(error), Facts::default())
}
