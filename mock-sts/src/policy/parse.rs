//! JSON text → [`PolicyDocument`], refusing what IAM refuses, in IAM's order of checks.
//!
//! Phases (the first failing phase decides the error, as in moto's `policy_validation.py`, which was written
//! against live IAM): (1) JSON; (2) grammar of the whole document; (3) legacy parsing; (4) late grammar rules
//! (duplicate `Sid`, missing `Action`/`Resource`, `Principal` placement, action format); (5) trust-policy rules.
//! Phases 2 and 3 are one walk: grammar errors return at once, legacy findings are remembered until the walk
//! ends, so a grammar error later in the document still wins over an earlier legacy finding.

use std::collections::HashSet;

use super::document::{
    Condition, Effect, PatternElement, PolicyDocument, PolicyKind, PolicyVersion, Statement,
};
use super::error::PolicyError;
use super::grammar::{
    Members, condition_values, exclusive, is_well_formed_action, member, only_known,
    pattern_element, principal_element, syntax, unique_names,
};
use super::json::Json;
use super::operator::Operator;
use super::scalar;
use super::trust;

const TOP_LEVEL_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];

const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

pub(crate) fn document(text: &str, kind: PolicyKind) -> Result<PolicyDocument, PolicyError> {
    let Ok(Json::Object(members)) = Json::parse(text) else {
        return Err(PolicyError::InvalidJson);
    };
    let mut parser = Parser {
        kind,
        legacy_failed: false,
        late_error: None,
    };
    let document = parser.document(&members)?;
    if parser.legacy_failed {
        return Err(PolicyError::LegacyParsing);
    }
    parser.late_rules(&document.statements);
    if let Some(error) = parser.late_error {
        return Err(error);
    }
    trust::check(&document)?;
    Ok(document)
}

struct Parser {
    kind: PolicyKind,
    legacy_failed: bool,
    /// The first late grammar finding.
    late_error: Option<PolicyError>,
}

impl Parser {
    fn document(&mut self, members: &Members) -> Result<PolicyDocument, PolicyError> {
        unique_names(members, "the policy")?;
        only_known(members, &TOP_LEVEL_ELEMENTS, "the policy")?;
        let (version, version_defaulted) = match member(members, "Version") {
            None => (PolicyVersion::V2008_10_17, true),
            Some(Json::String(text)) if text == "2012-10-17" => (PolicyVersion::V2012_10_17, false),
            Some(Json::String(text)) if text == "2008-10-17" => (PolicyVersion::V2008_10_17, false),
            Some(_) => {
                self.legacy_failed = true;
                (PolicyVersion::V2008_10_17, false)
            }
        };
        let id = match member(members, "Id") {
            None => None,
            Some(Json::String(text)) => Some(text.clone()),
            Some(other) => {
                return Err(syntax(format!(
                    "Id must be a string, not {}",
                    other.type_name()
                )));
            }
        };
        let statement_objects: Vec<&Members> = match member(members, "Statement") {
            None => return Err(syntax("the policy has no Statement")),
            Some(Json::Object(statement)) => vec![statement.as_slice()],
            Some(Json::Array(items)) if items.is_empty() => {
                return Err(syntax("Statement is an empty array"));
            }
            Some(Json::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Json::Object(statement) => Ok(statement.as_slice()),
                    other => Err(syntax(format!(
                        "each statement must be an object, not {}",
                        other.type_name()
                    ))),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(syntax(format!(
                    "Statement must be an object or an array, not {}",
                    other.type_name()
                )));
            }
        };
        let statements = statement_objects
            .into_iter()
            .enumerate()
            .map(|(index, statement)| self.statement(index, statement))
            .collect::<Result<_, _>>()?;
        Ok(PolicyDocument {
            kind: self.kind,
            version,
            version_defaulted,
            id,
            statements,
        })
    }

    fn statement(&mut self, index: usize, members: &Members) -> Result<Statement, PolicyError> {
        let place = format!("statement {index}");
        unique_names(members, &place)?;
        only_known(members, &STATEMENT_ELEMENTS, &place)?;
        exclusive(members, "Principal", "NotPrincipal", &place)?;
        exclusive(members, "Action", "NotAction", &place)?;
        exclusive(members, "Resource", "NotResource", &place)?;
        let sid = match member(members, "Sid") {
            None => None,
            Some(Json::String(text)) => Some(text.clone()),
            Some(other) => {
                return Err(syntax(format!(
                    "{place}: Sid must be a string, not {}",
                    other.type_name()
                )));
            }
        };
        let effect = self.effect(&place, member(members, "Effect"))?;
        let principal = principal_element(&place, members)?;
        let action =
            pattern_element(&place, members, "Action", "NotAction")?.unwrap_or(PatternElement {
                negated: false,
                patterns: Vec::new(),
            });
        let resource = pattern_element(&place, members, "Resource", "NotResource")?;
        let conditions = match member(members, "Condition") {
            None => Vec::new(),
            Some(block) => self.conditions(&place, block)?,
        };
        Ok(Statement {
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
        })
    }

    /// `Allow`/`Deny` exactly; the right word in the wrong case passes the grammar but fails legacy parsing.
    fn effect(&mut self, place: &str, value: Option<&Json>) -> Result<Effect, PolicyError> {
        match value {
            None => Err(syntax(format!("{place} has no Effect"))),
            Some(Json::String(text)) => match text.as_str() {
                "Allow" => Ok(Effect::Allow),
                "Deny" => Ok(Effect::Deny),
                other if other.eq_ignore_ascii_case("allow") => {
                    self.legacy_failed = true;
                    Ok(Effect::Allow)
                }
                other if other.eq_ignore_ascii_case("deny") => {
                    self.legacy_failed = true;
                    Ok(Effect::Deny)
                }
                other => Err(syntax(format!(
                    "{place}: Effect must be Allow or Deny, not {other:?}"
                ))),
            },
            Some(other) => Err(syntax(format!(
                "{place}: Effect must be a string, not {}",
                other.type_name()
            ))),
        }
    }

    fn conditions(&mut self, place: &str, block: &Json) -> Result<Vec<Condition>, PolicyError> {
        let Json::Object(operators) = block else {
            return Err(syntax(format!(
                "{place}: Condition must be an object, not {}",
                block.type_name()
            )));
        };
        unique_names(operators, &format!("{place}: Condition"))?;
        let mut conditions = Vec::new();
        for (operator_name, keys) in operators {
            let operator = Operator::parse(operator_name)
                .map_err(|reason| syntax(format!("{place}: {reason}")))?;
            let Json::Object(keys) = keys else {
                return Err(syntax(format!(
                    "{place}: {operator_name} must map condition keys to values, not {}",
                    keys.type_name()
                )));
            };
            // Key names are case-insensitive, so `aud` and `AUD` under one operator are the same key twice
            // (Access Analyzer: "Duplicate keys with different case").
            let mut seen = HashSet::new();
            for (key, values) in keys {
                if !seen.insert(key.to_lowercase()) {
                    return Err(syntax(format!(
                        "{place}: {operator_name} names the condition key {key:?} twice (key names ignore case)"
                    )));
                }
                let values =
                    condition_values(values, &format!("{place}: {operator_name} {key:?}"))?;
                if operator.base.is_date()
                    && values
                        .iter()
                        .any(|value| scalar::parse_date(value).is_none())
                {
                    self.legacy_failed = true;
                }
                conditions.push(Condition {
                    operator: operator.clone(),
                    key: key.clone(),
                    values,
                });
            }
        }
        Ok(conditions)
    }

    /// Rules IAM applies after legacy parsing, each over all statements before the next (moto's order).
    fn late_rules(&mut self, statements: &[Statement]) {
        let mut sids = HashSet::new();
        for statement in statements {
            if let Some(sid) = statement.sid.as_deref().filter(|sid| !sid.is_empty())
                && !sids.insert(sid)
            {
                self.late(format!("Sid {sid:?} is used by more than one statement"));
            }
        }
        for (index, statement) in statements.iter().enumerate() {
            if statement.action.patterns.is_empty() {
                self.late(format!("statement {index} has no Action or NotAction"));
            }
        }
        // A principal is reported before a missing resource: IAM answered PutRolePolicy with a
        // trust policy (a Principal, no Resource) "Policy document should not specify a
        // principal." (hashicorp/terraform#13449).
        for (index, statement) in statements.iter().enumerate() {
            match (self.kind, &statement.principal) {
                (PolicyKind::Trust, None) => {
                    self.late(format!("statement {index} has no Principal"))
                }
                // Access Analyzer: "Role trust policies do not support NotPrincipal". [?] (message unknown)
                (PolicyKind::Trust, Some(principal)) if principal.negated => {
                    self.late(format!(
                        "statement {index}: role trust policies do not support NotPrincipal"
                    ));
                }
                (PolicyKind::Identity, Some(_)) => {
                    self.late_error(PolicyError::PrincipalInIdentityPolicy { statement: index })
                }
                _ => {}
            }
        }
        for (index, statement) in statements.iter().enumerate() {
            let has_resource = statement
                .resource
                .as_ref()
                .is_some_and(|r| !r.patterns.is_empty());
            if self.kind == PolicyKind::Identity && !has_resource {
                self.late_error(PolicyError::MissingResource { statement: index });
            }
        }
        for statement in statements {
            for action in &statement.action.patterns {
                if !is_well_formed_action(action) {
                    self.late(format!(
                        "action {action:?} must be \"*\" or \"<vendor>:<action>\""
                    ));
                }
            }
        }
    }

    fn late(&mut self, reason: String) {
        self.late_error(PolicyError::Syntax { reason });
    }

    fn late_error(&mut self, error: PolicyError) {
        self.late_error.get_or_insert(error);
    }
}
