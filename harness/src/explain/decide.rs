//! The one call into mock-sts's trust-policy evaluation: every action AWS evaluates for the call
//! (`sts:AssumeRoleWithWebIdentity`, and `sts:TagSession` / `sts:SetSourceIdentity` when the
//! token carries session tags or a source identity), exactly as mock-sts decides it.

use mock_sts::TrustRequest;
use mock_sts::policy::{self, Evaluation, PolicyDocument};

/// What AWS decides for `request` against `document`: the evaluation of the first action the
/// policy refuses, or of AssumeRoleWithWebIdentity when it allows every action.
pub(crate) fn evaluate(document: &PolicyDocument, request: &TrustRequest) -> Evaluation {
    let evaluation = request.evaluate(document);
    let index = evaluation
        .actions
        .iter()
        .position(|action| !action.evaluation.decision.is_allow())
        .unwrap_or(0);
    // The list always holds AssumeRoleWithWebIdentity; the fallback only keeps this total.
    match evaluation.actions.into_iter().nth(index) {
        Some(action) => action.evaluation,
        None => policy::evaluate(document, &request.context()),
    }
}
