//! The outcome of an evaluation and the per-statement record of why: what fedlab prints when a user asks why
//! `AccessDenied` happened.

use std::fmt;

use serde::Serialize;

use super::document::Effect;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// One entry per statement, in document order. Every statement is traced, even after the decision is
    /// known, so the explanation is complete.
    pub trace: Vec<StatementTrace>,
}

/// IAM's three outcomes. `statement` is the index of the deciding statement: the first matching `Deny`, or
/// when there is none, the first matching `Allow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Decision {
    Allow {
        statement: usize,
        sid: Option<String>,
    },
    ExplicitDeny {
        statement: usize,
        sid: Option<String>,
    },
    ImplicitDeny,
}

impl Decision {
    pub fn is_allow(&self) -> bool {
        matches!(self, Self::Allow { .. })
    }

    /// `"Allow"`, `"ExplicitDeny"` or `"ImplicitDeny"`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Allow { .. } => "Allow",
            Self::ExplicitDeny { .. } => "ExplicitDeny",
            Self::ImplicitDeny => "ImplicitDeny",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementTrace {
    pub statement: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// `None` when the statement has no `Principal`/`NotPrincipal` (identity policies).
    pub principal: Option<ElementTrace>,
    pub action: ElementTrace,
    /// `None` when the statement has no `Resource`/`NotResource` (trust policies).
    pub resource: Option<ElementTrace>,
    pub conditions: Vec<ConditionTrace>,
    /// Principal, action, resource and every condition matched: the statement's effect applies.
    pub matched: bool,
}

/// How the request fared against `Principal`, `Action` or `Resource` (or their `Not` forms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementTrace {
    /// `"Principal"`, `"NotAction"`, ...
    pub element: &'static str,
    pub policy_values: Vec<String>,
    /// What the request offered; `None` when it offered nothing to compare (no resource).
    pub request_value: Option<String>,
    /// The first policy value that matched the request value, if any.
    pub matched_by: Option<String>,
    /// Whether the element lets the statement apply (for a `Not` element: nothing matched).
    pub matched: bool,
    pub notes: Vec<String>,
}

/// One (operator, key) test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionTrace {
    pub operator: String,
    pub key: String,
    pub policy_values: Vec<String>,
    /// `None` when the request has no such key.
    pub request_values: Option<Vec<String>>,
    pub result: bool,
    /// Why, in words: absent-key rules, unresolved variables, literal wildcards, case mismatches.
    pub notes: Vec<String>,
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.decision {
            Decision::Allow { statement, sid } => {
                writeln!(
                    f,
                    "Allow: statement {statement}{} allows the request",
                    sid_suffix(sid)
                )?;
            }
            Decision::ExplicitDeny { statement, sid } => {
                writeln!(
                    f,
                    "ExplicitDeny: statement {statement}{} denies the request",
                    sid_suffix(sid)
                )?;
            }
            Decision::ImplicitDeny => {
                writeln!(f, "ImplicitDeny: no Allow statement matched the request")?;
            }
        }
        for statement in &self.trace {
            write!(f, "{statement}")?;
        }
        Ok(())
    }
}

impl fmt::Display for StatementTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.matched {
            "matched"
        } else {
            "did not match"
        };
        writeln!(
            f,
            "statement {}{} ({}): {verdict}",
            self.statement,
            sid_suffix(&self.sid),
            self.effect.as_str()
        )?;
        let elements = [
            self.principal.as_ref(),
            Some(&self.action),
            self.resource.as_ref(),
        ];
        for element in elements.into_iter().flatten() {
            write!(f, "{element}")?;
        }
        for condition in &self.conditions {
            write!(f, "{condition}")?;
        }
        Ok(())
    }
}

impl fmt::Display for ElementTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  {} {}", self.element, yes_no(self.matched))?;
        writeln!(f, "    policy:  {}", quoted_list(&self.policy_values))?;
        match &self.request_value {
            Some(value) => writeln!(f, "    request: {value:?}")?,
            None => writeln!(f, "    request: (none)")?,
        }
        for note in &self.notes {
            writeln!(f, "    note: {note}")?;
        }
        Ok(())
    }
}

impl fmt::Display for ConditionTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  {} {:?} {}",
            self.operator,
            self.key,
            yes_no(self.result)
        )?;
        writeln!(f, "    policy:  {}", quoted_list(&self.policy_values))?;
        match &self.request_values {
            Some(values) => writeln!(f, "    request: {}", quoted_list(values))?,
            None => writeln!(f, "    request: (key absent)")?,
        }
        for note in &self.notes {
            writeln!(f, "    note: {note}")?;
        }
        Ok(())
    }
}

fn sid_suffix(sid: &Option<String>) -> String {
    sid.as_ref()
        .map(|sid| format!(" (Sid {sid:?})"))
        .unwrap_or_default()
}

fn yes_no(matched: bool) -> &'static str {
    if matched { "=> true" } else { "=> false" }
}

fn quoted_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| format!("{value:?}")).collect();
    format!("[{}]", quoted.join(", "))
}
