//! The one place an answer becomes an HTTP response: AWS's body and headers, one request-log
//! entry and one tracing event per request.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::errors::AwsError;
use crate::outcome::{Facts, Outcome};
use crate::request_log::LogEntry;
use crate::service::Service;
use crate::state::Sts;
use crate::{times, xml};

/// What a request is answered with.
#[derive(Debug)]
pub(crate) enum Answer {
    /// An operation ran (or the action is unknown to its service).
    Outcome { service: Service, outcome: Outcome },
    /// No action to run: AWS redirects to its console.
    Redirect { location: String },
}

/// The parts of a request the response and the log need.
#[derive(Debug)]
pub(crate) struct Exchange<'a> {
    pub(crate) method: &'a Method,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) received: OffsetDateTime,
    pub(crate) request_id: String,
    pub(crate) action: Option<String>,
}

pub(crate) fn respond(sts: &Sts, exchange: Exchange<'_>, answer: Answer) -> Response {
    let (response, error, facts) = match answer {
        Answer::Outcome { service, outcome } => {
            let (status, body, error) = match outcome.result {
                Ok(body) => (StatusCode::OK, body, None),
                Err(err) => (
                    err.status(),
                    xml::error(&err, service, &exchange.request_id),
                    Some(err),
                ),
            };
            let mut response = (status, body).into_response();
            set_aws_headers(sts, &mut response, &exchange, service);
            (response, error, outcome.facts)
        }
        Answer::Redirect { location } => (redirect(&location), None, Facts::default()),
    };
    let entry = log_entry(&exchange, &response, error.as_ref(), facts);
    // The detail and the ARNs name no secret: tokens, secrets and session tokens never reach them.
    tracing::info!(
        action = entry.action.as_deref().unwrap_or("-"),
        status = entry.status,
        code = entry.code.as_deref().unwrap_or("-"),
        request_id = %entry.request_id,
        role_arn = entry.role_arn.as_deref().unwrap_or("-"),
        detail = entry.detail.as_deref().unwrap_or("-"),
        "request"
    );
    sts.log.push(entry);
    response
}

fn log_entry(
    exchange: &Exchange<'_>,
    response: &Response,
    error: Option<&AwsError>,
    facts: Facts,
) -> LogEntry {
    LogEntry {
        seq: 0,
        time: exchange.received.format(&Rfc3339).unwrap_or_default(),
        method: exchange.method.to_string(),
        action: exchange.action.clone(),
        status: response.status().as_u16(),
        code: error.map(|e| e.code().to_owned()),
        message: error.and_then(AwsError::message),
        confidence: error.map(AwsError::confidence),
        request_id: exchange.request_id.clone(),
        access_key_id: facts.access_key_id,
        role_arn: facts.role_arn,
        role_session_name: facts.role_session_name,
        issued_access_key_id: facts.issued_access_key_id,
        detail: facts.detail,
        user_agent: exchange
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ..LogEntry::default()
    }
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn set_aws_headers(sts: &Sts, response: &mut Response, exchange: &Exchange<'_>, service: Service) {
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set("x-amzn-requestid", exchange.request_id.clone());
    set("content-type", "text/xml".to_owned());
    set("date", times::http_date(sts.config.clock.now()));
    if service == Service::Sts {
        // Newer STS responses carry `1:<region>:S:<millis>:R:<8 characters>`, base64-encoded.
        let millis = exchange.received.unix_timestamp_nanos() / 1_000_000;
        let suffix: String = exchange
            .request_id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        let extended = format!("1:{}:S:{millis}:R:{suffix}", sts.config.region);
        set(
            "x-amz-sts-extended-request-id",
            base64::engine::general_purpose::STANDARD.encode(extended),
        );
    }
}
