//! What an operation hands back: the answer, and the facts the request log records about it.

use crate::errors::AwsError;

/// The result of one AWS operation, before it becomes an HTTP response.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The XML body of a success, or the error to answer with.
    pub(crate) result: Result<String, AwsError>,
    pub(crate) facts: Facts,
}

/// What an operation learned that belongs in the request log.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    pub(crate) role_arn: Option<String>,
    pub(crate) role_session_name: Option<String>,
    /// The access key that signed the request, when it was signed.
    pub(crate) access_key_id: Option<String>,
    /// Credentials this request issued.
    pub(crate) issued_access_key_id: Option<String>,
    /// fedlab's explanation of the decision, e.g. which trust-policy condition failed.
    pub(crate) detail: Option<String>,
}

impl Outcome {
    pub(crate) fn new(result: Result<String, AwsError>, facts: Facts) -> Self {
        Self { result, facts }
    }
}
