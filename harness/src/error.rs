//! What can go wrong when a test drives the federation.

use std::fmt;
use std::path::PathBuf;

/// An error answer from mock-sts, as AWS sends it: `<ErrorResponse><Error><Code>…`.
///
/// This is what a test usually asserts on when it expects a refusal, e.g.
/// `assert_eq!(err.code, "AccessDenied")`. `message` is `None` when AWS sends no `<Message>`
/// element at all (`MalformedInput` does that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// The HTTP status, e.g. 403.
    pub status: u16,
    /// The `<Code>` element, e.g. `InvalidIdentityToken`.
    pub code: String,
    /// The `<Message>` element, byte for byte (AWS's double spaces included).
    pub message: Option<String>,
    /// The `<RequestId>` element, which also names the request in [`crate::Request::request_id`].
    pub request_id: Option<String>,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.code)?;
        match &self.message {
            Some(message) => write!(f, ": {message}"),
            None => f.write_str(" (no message)"),
        }
    }
}

/// Every way a federation call can fail.
///
/// An answer AWS would give is [`Error::Aws`]; everything else means the test environment itself
/// is broken (a port that cannot be bound, a token the mock issuer refuses to mint).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// mock-sts answered with an AWS error.
    #[error("AWS answered {0}")]
    Aws(AwsError),
    /// A mock could not be started.
    #[error("failed to start {what}: {reason}")]
    Start { what: &'static str, reason: String },
    /// mock-gitlab refused to mint the token (its mint API answers 400 with a reason).
    #[error("mock-gitlab refused to mint the token: {0}")]
    Mint(String),
    /// The request never got an answer.
    #[error("request to {endpoint} failed: {reason}")]
    Transport { endpoint: String, reason: String },
    /// An answer that is neither AWS's success shape nor its error shape.
    #[error("unexpected answer (HTTP {status}): {body}")]
    Unexpected { status: u16, body: String },
    /// A job file could not be written.
    #[error("failed to write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    /// The AWS error answer, when that is what this is.
    pub fn aws(&self) -> Option<&AwsError> {
        match self {
            Self::Aws(err) => Some(err),
            _ => None,
        }
    }

    /// A 200 answer without an element a successful answer always has.
    pub(crate) fn missing(element: &str, body: &str) -> Self {
        Self::Unexpected {
            status: 200,
            body: format!("no <{element}> in: {body}"),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
