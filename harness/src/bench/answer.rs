//! Sending a request and reading its answer: a failure by class (no answer, a 5xx, a wrong
//! answer) and cause, shared by every workload.

use aws_smithy_runtime_api::client::identity::Identity;

use super::sign::{Service, sign_request};
use crate::aws_query::element;

pub(super) const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// Why an answer does not count as a success: an AWS code with its status (`403
/// AccessDenied`), another status, a transport failure, or a 200 that a client could not use.
/// The text names a cause, never a value of one request, so that one cause is one count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Failure {
    pub(super) class: FailureClass,
    pub(super) text: String,
}

/// The three ways a request can fail, counted apart in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FailureClass {
    /// No answer: the connection failed, timed out or broke off.
    Transport,
    /// A 5xx answer.
    ServerError,
    /// An answer that is not the one this request should get.
    Mismatch,
}

impl Failure {
    pub(super) fn mismatch(text: impl Into<String>) -> Self {
        Self {
            class: FailureClass::Mismatch,
            text: text.into(),
        }
    }

    /// An answer with this status and body, and not the expected one.
    pub(super) fn answered(status: u16, body: &str, context: &str) -> Self {
        let text = match element(body, "Code") {
            Some(code) => format!("{context}{status} {code}"),
            None => format!("{context}HTTP {status}"),
        };
        let class = if status >= 500 {
            FailureClass::ServerError
        } else {
            FailureClass::Mismatch
        };
        Self { class, text }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Signs, sends and expects a 200; the body on success.
pub(super) async fn send_signed(
    http: &reqwest::Client,
    request: Result<http::Request<Vec<u8>>, http::Error>,
    identity: &Identity,
    service: Service,
    region: &str,
) -> Result<String, Failure> {
    let request = signed(request, identity, service, region)?;
    expect_200(http.execute(request).await).await
}

/// Signs `request` as of now, ready to send.
pub(super) fn signed(
    request: Result<http::Request<Vec<u8>>, http::Error>,
    identity: &Identity,
    service: Service,
    region: &str,
) -> Result<reqwest::Request, Failure> {
    let mut request = request.map_err(|e| Failure::mismatch(format!("request not built: {e}")))?;
    sign_request(&mut request, identity, service, region).map_err(Failure::mismatch)?;
    reqwest::Request::try_from(request.map(reqwest::Body::from))
        .map_err(|e| Failure::mismatch(format!("request not built: {e}")))
}

/// The body of a 200; otherwise the failure, named by AWS's `<Code>` when the body has one.
pub(super) async fn expect_200(
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<String, Failure> {
    let (status, text) = read_answer(response).await?;
    if status == 200 {
        return Ok(text);
    }
    Err(Failure::answered(status, &text, ""))
}

/// The status and body of an answer, whatever the status.
pub(super) async fn read_answer(
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<(u16, String), Failure> {
    let response = response.map_err(|e| transport(&e))?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(|e| transport(&e))?;
    Ok((status, text))
}

/// A transport failure by kind, not by its full text, so that one cause is one count.
fn transport(err: &reqwest::Error) -> Failure {
    let kind = if err.is_connect() {
        "connect"
    } else if err.is_timeout() {
        "timeout"
    } else if err.is_body() || err.is_decode() {
        "body"
    } else {
        "request"
    };
    Failure {
        class: FailureClass::Transport,
        text: format!("transport: {kind}"),
    }
}
