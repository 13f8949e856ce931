//! IAM policy language: parsing, validation and evaluation (pure, no I/O).
//!
//! `parse` reads a policy document the way IAM does at `CreateRole` (trust policies) or for a session
//! policy, and refuses what IAM refuses with a typed [`PolicyError`]. `evaluate` decides a request the way
//! IAM does for `AssumeRoleWithWebIdentity` and returns an [`Evaluation`] whose trace says, statement by
//! statement and condition by condition, why.
//!
//! Sources: the IAM User Guide pages "IAM JSON policy elements: Condition operators"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>),
//! "Single-valued vs. multivalued context keys"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>),
//! "IAM policy elements: Variables and tags"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>) and "Policy evaluation
//! logic" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>); the
//! order of IAM's validation messages follows moto's `moto/iam/policy_validation.py` (getmoto/moto), which was
//! written against live IAM. `docs/aws-behaviour.md` in this repository summarises what the engine relies on.
//! Choices the sources leave open are marked `[I]` (inferred) or `[?]` (unknown) in the doc comment where they
//! are made.
//!
//! Layout: `document` (the model, conditions included), `parse` (validation phases), `grammar` (the
//! JSON shape of each element), `trust`
//! (trust-policy rules), `operator` (operator names), `condition` (deciding one condition), `variables`
//! (`${...}`), `wildcard` (globs), `scalar` (numbers, dates, IPs), `context` (the request), `evaluate`
//! (decision), `trace` (the why).

mod condition;
mod context;
mod document;
mod error;
mod evaluate;
mod grammar;
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

pub use context::{Principal, PrincipalKind, RequestContext};
pub use document::{
    Condition, Effect, PatternElement, PolicyDocument, PolicyKind, PolicyVersion, PrincipalElement,
    PrincipalEntry, PrincipalSet, Statement,
};
pub use error::PolicyError;
pub use operator::{BaseOperator, Operator, SetQualifier};
pub use trace::{ConditionTrace, Decision, ElementTrace, Evaluation, StatementTrace};

/// Parses and validates a policy document. `PolicyKind::Trust` adds the role-trust-policy rules.
pub fn parse(json: &str, kind: PolicyKind) -> Result<PolicyDocument, PolicyError> {
    parse::document(json, kind)
}

/// IAM's wildcard match (`StringLike`): `*` any run of characters, `?` exactly one, whole string,
/// case-sensitive. Public so tools that reason about patterns match exactly as the engine does.
pub fn string_like(pattern: &str, text: &str) -> bool {
    wildcard::matches(&wildcard::pattern(pattern), text)
}

/// IAM's wildcard match ignoring letter case, as `Action` patterns compare.
pub fn action_like(pattern: &str, action: &str) -> bool {
    wildcard::matches_ignoring_case(pattern, action)
}

/// Decides `context` against `document`: default deny, a matching `Deny` beats any `Allow`.
pub fn evaluate(document: &PolicyDocument, context: &RequestContext) -> Evaluation {
    evaluate::run(document, context)
}
