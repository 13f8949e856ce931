//! Rules on a web-identity statement's `Condition` block: which keys it tests, with which
//! operators, and what its `sub` patterns let through.
//!
//! For a self-managed GitLab issuer AWS exposes `<host>:aud` and `<host>:sub` only (IAM User Guide,
//! "Available keys for AWS OIDC federation"); GitLab's other claims reach a policy through `sub`.

use mock_sts::policy::{BaseOperator, Condition, SetQualifier, Statement};

use super::model::{Finding, Rule};
use super::source::Source;
use super::sub_pattern::{self, has_wildcard};

/// Prefixes of the global condition keys (`aws:CurrentTime`, `sts:RoleSessionName`).
const GLOBAL_PREFIXES: [&str; 2] = ["aws", "sts"];

/// Keys AWS documents for the `gitlab.com` provider only (GitLab docs "Configure OpenID Connect
/// in AWS to retrieve temporary credentials"); every other issuer has `aud` and `sub` only.
const GITLAB_COM_KEYS: [&str; 8] = [
    "namespace_id",
    "project_id",
    "user_id",
    "user_login",
    "user_email",
    "user_access_level",
    "ref_protected",
    "pipeline_source",
];

/// A condition key split into the issuer prefix and the claim: `gitlab.example.com` and `sub`.
/// `None` for global keys.
fn claim_key(key: &str) -> Option<(&str, &str)> {
    let (prefix, claim) = key.rsplit_once(':')?;
    let global = GLOBAL_PREFIXES
        .iter()
        .any(|g| g.eq_ignore_ascii_case(prefix));
    (!global).then_some((prefix, claim))
}

/// Whether `key` is the issuer's `claim` key (the issuer's own prefix, or any when it is unknown).
fn is_issuer_claim(key: &str, claim: &str, issuer_host: Option<&str>) -> bool {
    claim_key(key).is_some_and(|(prefix, name)| {
        name.eq_ignore_ascii_case(claim)
            && issuer_host.is_none_or(|host| prefix.eq_ignore_ascii_case(host))
    })
}

fn is_positive_string_test(condition: &Condition) -> bool {
    matches!(
        condition.operator.base,
        BaseOperator::StringEquals
            | BaseOperator::StringEqualsIgnoreCase
            | BaseOperator::StringLike
    ) && condition.operator.qualifier != Some(SetQualifier::ForAllValues)
}

pub(crate) fn check(
    index: usize,
    statement: &Statement,
    source: &Source,
    issuer_host: Option<&str>,
    findings: &mut Vec<Finding>,
) {
    let sid = statement.sid.as_deref();
    let tests = |claim: &str| {
        statement
            .conditions
            .iter()
            .any(|c| is_positive_string_test(c) && is_issuer_claim(&c.key, claim, issuer_host))
    };
    let host = issuer_host.unwrap_or("HOST");
    if !tests("sub") {
        findings.push(Finding::new(
            Rule::MissingSub,
            source.pointer(index, sid, &["Condition"]),
            "no condition on the sub claim: a job of any project on this GitLab instance can assume the role".to_owned(),
            format!("add \"StringEquals\": {{\"{host}:sub\": \"project_path:mygroup/myproject:ref_type:branch:ref:main\"}}"),
        ));
    }
    if !tests("aud") {
        findings.push(Finding::new(
            Rule::MissingAud,
            source.pointer(index, sid, &["Condition"]),
            "no condition on the aud claim: a token minted for any audience the provider lists is accepted".to_owned(),
            format!("add \"StringEquals\": {{\"{host}:aud\": \"sts.amazonaws.com\"}} (the aud of the job's id_tokens)"),
        ));
    }
    for condition in &statement.conditions {
        let pointer =
            || source.condition_pointer(index, sid, &condition.operator.name, &condition.key);
        operator_fit(condition, &pointer, findings);
        exposed(condition, issuer_host, &pointer, findings);
        if condition.operator.base == BaseOperator::StringLike
            && condition.operator.qualifier != Some(SetQualifier::ForAllValues)
            && is_issuer_claim(&condition.key, "sub", issuer_host)
        {
            for value in &condition.values {
                sub_value(condition, value, &pointer, findings);
            }
        }
    }
}

/// `StringEquals` with a wildcard, `StringLike` without one.
fn operator_fit(
    condition: &Condition,
    pointer: &dyn Fn() -> super::model::Pointer,
    findings: &mut Vec<Finding>,
) {
    let wildcards: Vec<&String> = condition
        .values
        .iter()
        .filter(|v| has_wildcard(&v.replace("${*}", "").replace("${?}", "")))
        .collect();
    let like = match condition.operator.base {
        BaseOperator::StringEquals | BaseOperator::StringEqualsIgnoreCase => "StringLike",
        BaseOperator::StringNotEquals | BaseOperator::StringNotEqualsIgnoreCase => "StringNotLike",
        BaseOperator::StringLike | BaseOperator::StringNotLike => {
            if wildcards.is_empty() {
                let equals = condition.operator.name.replace("Like", "Equals");
                findings.push(Finding::new(
                    Rule::LikeWithoutWildcard,
                    pointer(),
                    format!(
                        "{} on {:?} has no wildcard in its values",
                        condition.operator.name, condition.key
                    ),
                    format!("write {equals}, which says the value is matched exactly"),
                ));
            }
            return;
        }
        _ => return,
    };
    if let Some(value) = wildcards.first() {
        let name = &condition.operator.name;
        findings.push(Finding::new(
            Rule::WildcardUnderEquals,
            pointer(),
            format!("{value:?} contains a wildcard, but under {name} `*` and `?` are literal characters, so no token matches it"),
            format!("write \"StringLike\": {{\"{}\": {value:?}}} (or drop the wildcard)", condition.key)
                .replace("StringLike", like),
        ));
    }
}

/// A claim AWS does not expose, or a key of another issuer: the key is never in the request.
fn exposed(
    condition: &Condition,
    issuer_host: Option<&str>,
    pointer: &dyn Fn() -> super::model::Pointer,
    findings: &mut Vec<Finding>,
) {
    let Some((prefix, claim)) = claim_key(&condition.key) else {
        return;
    };
    let other_issuer = issuer_host.is_some_and(|host| !prefix.eq_ignore_ascii_case(host));
    let exposed_claim = ["aud", "sub"].iter().any(|c| c.eq_ignore_ascii_case(claim))
        || (prefix.eq_ignore_ascii_case("gitlab.com")
            && GITLAB_COM_KEYS
                .iter()
                .any(|c| c.eq_ignore_ascii_case(claim)));
    if !other_issuer && exposed_claim {
        return;
    }
    let operator = &condition.operator;
    let always_true = operator.if_exists
        || operator.base == BaseOperator::Null
        || operator.qualifier == Some(SetQualifier::ForAllValues)
        || matches!(
            operator.base,
            BaseOperator::StringNotEquals
                | BaseOperator::StringNotEqualsIgnoreCase
                | BaseOperator::StringNotLike
                | BaseOperator::NumericNotEquals
                | BaseOperator::DateNotEquals
                | BaseOperator::ArnNotEquals
                | BaseOperator::ArnNotLike
                | BaseOperator::NotIpAddress
        );
    let outcome = if always_true {
        "the condition is always true and restricts nothing"
    } else {
        "the condition is always false and the statement never matches"
    };
    let (message, fix) = match issuer_host {
        Some(host) if other_issuer => (
            format!(
                "{:?} is a key of {prefix:?}, but the request's keys are named after the issuer {host:?}: {outcome}",
                condition.key
            ),
            format!("name the key after the issuer: \"{host}:{claim}\""),
        ),
        _ => (
            format!(
                "AWS does not expose the {claim:?} claim of this issuer as a condition key (only aud and sub): {outcome}"
            ),
            format!(
                "test {claim} through sub, e.g. \"StringLike\": {{\"{prefix}:sub\": \"project_path:mygroup/myproject:*\"}}"
            ),
        ),
    };
    findings.push(Finding::new(Rule::UnexposedClaim, pointer(), message, fix));
}

fn sub_value(
    condition: &Condition,
    value: &str,
    pointer: &dyn Fn() -> super::model::Pointer,
    findings: &mut Vec<Finding>,
) {
    let Some(admits) = sub_pattern::analyse(value) else {
        return;
    };
    let key = &condition.key;
    if admits.any_project {
        findings.push(Finding::new(
            Rule::SubAnyProject,
            pointer(),
            format!("{value:?} matches the subject of any project on the instance"),
            format!("name the project: \"{key}\": \"project_path:mygroup/myproject:ref_type:branch:ref:main\""),
        ));
    }
    if let Some(prefix) = &admits.sibling_prefix {
        let (sibling, fix) = if prefix.contains('/') {
            (
                format!("project_path:{prefix}-evil"),
                format!(
                    "name the project exactly: \"project_path:{prefix}:ref_type:branch:ref:main\""
                ),
            )
        } else {
            (
                format!("project_path:{prefix}-evil/project"),
                format!("end the group at its slash: \"project_path:{prefix}/*\""),
            )
        };
        findings.push(Finding::new(
            Rule::SubSiblingPrefix,
            pointer(),
            format!("{value:?} also matches {sibling:?}: the wildcard after {prefix:?} reaches sibling groups and projects"),
            fix,
        ));
    }
    if admits.any_ref_type {
        findings.push(Finding::new(
            Rule::SubAnyRefType,
            pointer(),
            format!("{value:?} admits both ref types: a tag with the branch's name (anyone who can push a tag) matches too"),
            "name the ref type: \":ref_type:branch:ref:NAME\" (or :ref_type:tag: for tags)".to_owned(),
        ));
    }
    if let Some(reference) = &admits.ref_wildcard {
        findings.push(Finding::new(
            Rule::SubAnyRef,
            pointer(),
            format!("{value:?} admits any ref matching {reference:?}: anyone who can push such a branch or tag can assume the role"),
            "if only protected refs should get in, name them: \":ref_type:branch:ref:main\"".to_owned(),
        ));
    }
}
