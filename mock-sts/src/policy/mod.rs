//! IAM policy language: parsing, validation and evaluation (pure, no I/O).
//!
//! `parse` reads a policy document the way IAM does at `CreateRole` (trust policies) or for a session
//! policy, and refuses what IAM refuses with a typed [`PolicyError`]. `evaluate` decides a request the way
//! IAM does for `AssumeRoleWithWebIdentity` and returns an [`Evaluation`] whose trace says, statement by
//! statement and condition by condition, why.
//!
//! Spec: shared reference `aws-sts.md` §4.5 (semantics) and §5.3 (validation), and iam-user-guide
//! `reference_policies_elements_condition_operators.md`, `reference_policies_multi-value-conditions.md`,
//! `reference_policies_variables.md`, `reference_policies_evaluation-logic.md`. Choices the sources leave
//! open are marked `[I]` (inferred) or `[?]` (unknown) in the doc comment where they are made.
//!
//! Layout: `document` (model), `parse` (grammar and validation phases), `trust` (trust-policy rules),
//! `operator` (operator names), `condition` (deciding one condition), `variables` (`${...}`), `wildcard` (globs), `scalar` (numbers, dates, IPs),
//! `context` (the request), `evaluate` (decision), `trace` (the why).

mod condition;
mod context;
mod document;
mod error;
mod evaluate;
mod json;
mod operator;
mod parse;
mod scalar;
mod trace;
mod trust;
mod variables;
mod wildcard;

#[cfg(test)]
mod tests;

pub use condition::Condition;
pub use context::{Principal, PrincipalKind, RequestContext};
pub use document::{
    Effect, PatternElement, PolicyDocument, PolicyKind, PolicyVersion, PrincipalElement,
    PrincipalEntry, PrincipalSet, Statement,
};
pub use error::PolicyError;
pub use operator::{BaseOperator, Operator, SetQualifier};
pub use trace::{ConditionTrace, Decision, ElementTrace, Evaluation, StatementTrace};
pub use trust::{ROLE_ASSUMPTION_ACTIONS, is_valid_federated_principal};

/// Parses and validates a policy document. `PolicyKind::Trust` adds the role-trust-policy rules.
pub fn parse(json: &str, kind: PolicyKind) -> Result<PolicyDocument, PolicyError> {
    parse::document(json, kind)
}

/// Decides `context` against `document`: default deny, a matching `Deny` beats any `Allow`.
pub fn evaluate(document: &PolicyDocument, context: &RequestContext) -> Evaluation {
    evaluate::run(document, context)
}
