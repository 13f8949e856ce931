//! The one call into mock-sts's trust-policy evaluation, kept in one place so it can move to
//! `TrustRequest::evaluate` (which adds `sts:TagSession`/`sts:SetSourceIdentity`) in one edit.

use mock_sts::TrustRequest;
use mock_sts::policy::{self, Evaluation, PolicyDocument};

/// What AWS decides for `request` against `document`, with the trace of why.
pub(crate) fn evaluate(document: &PolicyDocument, request: &TrustRequest) -> Evaluation {
    policy::evaluate(document, &request.context())
}
