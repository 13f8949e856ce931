//! The HTTP answer of an S3 call (S3's headers, its XML error body, none for HEAD) and its one
//! request-log entry and tracing event.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::context::Record;
use crate::errors::S3Error;
use crate::request_log::LogEntry;
use crate::state::Sts;
use crate::{times, xml};

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Success {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
}

impl Success {
    pub(crate) fn xml(body: String) -> Self {
        Self {
            status: StatusCode::OK,
            headers: vec![("content-type".to_owned(), "application/xml".to_owned())],
            body: Bytes::from(body),
        }
    }

    pub(crate) fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// The request as the answer and the log need it.
#[derive(Debug)]
pub(crate) struct Exchange<'a> {
    pub(crate) method: &'a Method,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) received: OffsetDateTime,
    pub(crate) request_id: String,
}

pub(crate) fn respond(
    sts: &Sts,
    exchange: &Exchange<'_>,
    record: Record,
    result: Result<Success, S3Error>,
) -> Response {
    let host_id = host_id(&exchange.request_id);
    let (mut response, error) = match result {
        Ok(success) => {
            let mut response = Response::new(Body::from(success.body));
            *response.status_mut() = success.status;
            for (name, value) in success.headers {
                insert(response.headers_mut(), &name, &value);
            }
            (response, None)
        }
        Err(err) => {
            // A HEAD answer has no body, so S3 sends none, errors included.
            let body = if *exchange.method == Method::HEAD {
                String::new()
            } else {
                xml::s3_error(&err, &exchange.request_id, &host_id)
            };
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = err.status();
            insert(response.headers_mut(), "content-type", "application/xml");
            if let Some(region) = &record.bucket_region {
                insert(response.headers_mut(), "x-amz-bucket-region", region);
            }
            (response, Some(err))
        }
    };
    let headers = response.headers_mut();
    insert(headers, "x-amz-request-id", &exchange.request_id);
    insert(headers, "x-amz-id-2", &host_id);
    insert(headers, "date", &times::http_date(sts.config.clock.now()));
    insert(headers, "server", "AmazonS3");
    let entry = log_entry(exchange, response.status(), error.as_ref(), record);
    // Neither the detail nor the ARNs name a secret; the session token never reaches the log.
    tracing::info!(
        service = "s3",
        action = entry.action.as_deref().unwrap_or("-"),
        status = entry.status,
        code = entry.code.as_deref().unwrap_or("-"),
        request_id = %entry.request_id,
        principal_arn = entry.principal_arn.as_deref().unwrap_or("-"),
        iam_action = entry.iam_action.as_deref().unwrap_or("-"),
        resource = entry.resource.as_deref().unwrap_or("-"),
        decision = entry.decision.as_deref().unwrap_or("-"),
        detail = entry.detail.as_deref().unwrap_or("-"),
        "request"
    );
    sts.log.push(entry);
    response
}

fn log_entry(
    exchange: &Exchange<'_>,
    status: StatusCode,
    error: Option<&S3Error>,
    record: Record,
) -> LogEntry {
    LogEntry {
        seq: 0,
        time: exchange.received.format(&Rfc3339).unwrap_or_default(),
        method: exchange.method.to_string(),
        action: record.operation.map(str::to_owned),
        status: status.as_u16(),
        code: error.map(|e| e.code().to_owned()),
        message: error.map(S3Error::message),
        confidence: error.map(S3Error::confidence),
        request_id: exchange.request_id.clone(),
        access_key_id: record.access_key_id,
        role_arn: record.role_arn,
        role_session_name: record.role_session_name,
        issued_access_key_id: None,
        detail: record.detail,
        user_agent: exchange
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        service: Some("s3".to_owned()),
        principal_arn: record.principal_arn,
        iam_action: record.iam_action,
        resource: record.resource,
        decision: record.decision.map(str::to_owned),
    }
}

/// S3's `x-amz-request-id`: 16 upper-case hex characters.
pub(crate) fn request_id() -> String {
    crate::ids::request_id()
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(16)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// `x-amz-id-2` / `<HostId>`: an opaque base64 token, derived from the request ID here.
fn host_id(request_id: &str) -> String {
    let digest = crate::sigv4::sha256_hex(request_id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

fn insert(headers: &mut HeaderMap, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        headers.insert(name, value);
    }
}
