//! The policy model that `parse` produces and `evaluate` reads.

use serde::Serialize;

use super::context::PrincipalKind;
use super::operator::Operator;

/// Which rules a document is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PolicyKind {
    /// A role trust policy: `Principal` required, no `NotPrincipal`, no `Resource`/`NotResource`, only
    /// role-assumption actions, well-formed `Federated` principals.
    Trust,
    /// An identity or session policy: no `Principal`/`NotPrincipal`, `Resource`/`NotResource` required.
    Identity,
}

/// The policy language version (`Version` element).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PolicyVersion {
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
    /// Also what a document without a `Version` element is read as.
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
}

impl PolicyVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2012_10_17 => "2012-10-17",
            Self::V2008_10_17 => "2008-10-17",
        }
    }

    /// Policy variables (`${aws:username}`) exist from 2012-10-17 on; before that `${...}` is literal text.
    pub fn supports_variables(self) -> bool {
        self == Self::V2012_10_17
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDocument {
    pub kind: PolicyKind,
    pub version: PolicyVersion,
    /// True when the document had no `Version` element, so 2008-10-17 applies and policy variables are literal.
    pub version_defaulted: bool,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`; `None` in identity policies.
    pub principal: Option<PrincipalElement>,
    /// `Action` / `NotAction`.
    pub action: PatternElement,
    /// `Resource` / `NotResource`; `None` in trust policies.
    pub resource: Option<PatternElement>,
    /// One entry per (operator, key) pair, in document order. All must hold (AND).
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "Allow",
            Self::Deny => "Deny",
        }
    }
}

/// `Principal` (or `NotPrincipal` when `negated`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalElement {
    pub negated: bool,
    pub principals: PrincipalSet,
}

impl PrincipalElement {
    /// `"Principal"` or `"NotPrincipal"`.
    pub fn element_name(&self) -> &'static str {
        if self.negated {
            "NotPrincipal"
        } else {
            "Principal"
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PrincipalSet {
    /// `"Principal": "*"`: everyone, of every principal type.
    Anyone,
    /// `"Principal": {"Federated": [...], "AWS": ...}`, flattened in document order.
    Listed(Vec<PrincipalEntry>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    pub value: String,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: wildcard patterns, the `Not` form when `negated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternElement {
    pub negated: bool,
    pub patterns: Vec<String>,
}

/// One key tested by one operator: `"StringLike": {"gitlab.example.com:sub": ["a", "b"]}` is one `Condition`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub operator: Operator,
    /// The key as written; matched against the request case-insensitively.
    pub key: String,
    /// The policy values as text. JSON numbers and booleans are kept in their printed form (`10`, `true`),
    /// which is how IAM compares them.
    pub values: Vec<String>,
}
