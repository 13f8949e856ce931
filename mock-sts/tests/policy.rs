//! Data-driven IAM policy cases: every `tests/policy/*.json` file is an array of groups, in the format
//! described in `tests/policy/table.rs`. Each case is checked against its expected decision, and each group
//! and case must name its source.
//!
//! A group without `error` must parse. A group with `error` cannot evaluate anything, so it must
//! carry no `tests`: such cases would never run, and the runner fails on them rather than skip
//! them silently. All failures are collected and reported together.

#[path = "policy/table.rs"]
mod table;

use mock_sts::policy::{self, Decision, PolicyError};

use table::{Group, build_context, source_problem};

#[test]
fn policy_data_files_hold() {
    let all = table::load_all();
    let mut failures = Vec::new();
    let (mut n_groups, mut n_cases) = (0, 0);
    let mut files = std::collections::BTreeSet::new();
    for (file_name, group) in &all {
        files.insert(file_name.as_str());
        n_groups += 1;
        n_cases += group.tests.len();
        check_sources(file_name, group, &mut failures);
        run_group(file_name, group, &mut failures);
    }
    eprintln!(
        "policy data: {} files, {n_groups} groups, {n_cases} cases",
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} policy data failure(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn run_group(file: &str, group: &Group, failures: &mut Vec<String>) {
    let text = group.policy_text();
    let kind = group.policy_kind();
    let where_ = format!("{file}: {}", group.description);
    if let Some(expected) = &group.error
        && !group.tests.is_empty()
    {
        failures.push(format!(
            "{where_}: expects {expected}, so its {} case(s) cannot run; drop them or the error",
            group.tests.len()
        ));
    }
    let parsed = policy::parse(&text, kind);
    match (&group.error, parsed) {
        (Some(expected), Ok(_)) => failures.push(format!("{where_}: parsed, expected {expected}")),
        (Some(expected), Err(error)) => {
            let (variant, detail) = describe(&error);
            // Syntax reasons are prose, so a detail only has to occur in them; other details are exact.
            let detail_ok = match (group.error_detail.as_deref(), detail) {
                (None, _) => true,
                (Some(want), Some(got)) if variant == "Syntax" => got.contains(want),
                (Some(want), Some(got)) => got == want,
                (Some(_), None) => false,
            };
            if variant != expected || !detail_ok {
                failures.push(format!(
                    "{where_}: expected {expected} {:?}, got {error:?}",
                    group.error_detail
                ));
            }
        }
        (None, Err(error)) => failures.push(format!("{where_}: refused with {error:?}")),
        (None, Ok(document)) => {
            for case in &group.tests {
                let context = build_context(&case.context);
                let evaluation = policy::evaluate(&document, &context);
                let statement = match &evaluation.decision {
                    Decision::Allow { statement, .. }
                    | Decision::ExplicitDeny { statement, .. } => Some(*statement),
                    Decision::ImplicitDeny => None,
                };
                let decision_ok = evaluation.decision.name() == case.decision;
                let statement_ok = case.statement.is_none() || case.statement == statement;
                if !decision_ok || !statement_ok {
                    failures.push(format!(
                        "{where_} / {}: expected {} (statement {:?}), got\n{evaluation}",
                        case.description, case.decision, case.statement
                    ));
                }
            }
        }
    }
}

/// Every group names its source; a case may override it with its own.
fn check_sources(file: &str, group: &Group, failures: &mut Vec<String>) {
    let where_ = format!("{file}: {}", group.description);
    if let Some(problem) = source_problem(&group.source) {
        failures.push(format!("{where_}: source {problem}: {:?}", group.source));
    }
    for case in &group.tests {
        if let Some(source) = &case.source
            && let Some(problem) = source_problem(source)
        {
            failures.push(format!(
                "{where_} / {}: source {problem}: {source:?}",
                case.description
            ));
        }
    }
}

fn describe(error: &PolicyError) -> (&'static str, Option<&str>) {
    match error {
        PolicyError::InvalidJson => ("InvalidJson", None),
        PolicyError::MissingResource { .. } => ("MissingResource", None),
        PolicyError::PrincipalInIdentityPolicy { .. } => ("PrincipalInIdentityPolicy", None),
        PolicyError::LegacyParsing => ("LegacyParsing", None),
        PolicyError::Syntax { reason } => ("Syntax", Some(reason)),
        PolicyError::ProhibitedResource => ("ProhibitedResource", None),
        PolicyError::InvalidTrustAction { action } => ("InvalidTrustAction", Some(action)),
        PolicyError::InvalidFederatedPrincipal { value } => {
            ("InvalidFederatedPrincipal", Some(value))
        }
    }
}

#[test]
fn a_group_that_expects_an_error_and_carries_cases_fails() {
    let group: Group = serde_json::from_value(serde_json::json!({
        "description": "refused, yet with cases",
        "source": "synthetic: the runner's own rule, see https://example.com/not-a-real-page",
        "policy": "not json",
        "error": "InvalidJson",
        "tests": [{"description": "never runs", "decision": "Allow"}]
    }))
    .unwrap();
    let mut failures = Vec::new();
    run_group("inline", &group, &mut failures);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains("cannot run"), "{failures:?}");
}

#[test]
fn a_group_without_a_source_is_refused_by_the_format() {
    let missing = serde_json::from_value::<Group>(serde_json::json!({
        "description": "no source",
        "policy": {"Version": "2012-10-17", "Statement": []}
    }));
    let error = missing
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    assert!(error.contains("missing field `source`"), "{error}");
}

#[test]
fn a_source_must_carry_a_url_and_a_synthetic_one_must_say_why() {
    assert!(source_problem("").is_some());
    assert!(source_problem("IAM User Guide, Condition operators").is_some());
    assert!(source_problem("synthetic:https://docs.aws.amazon.com/x").is_some());
    assert!(source_problem("synthetic: https://docs.aws.amazon.com/x").is_some());
    assert!(
        source_problem(
            "synthetic: the absent-key rule, applied to every operator; IAM User Guide, \"Condition \
             operators\", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
        )
        .is_none()
    );
    assert!(
        source_problem(
            "GitLab docs, \"Configure OpenID Connect in AWS\", https://docs.gitlab.com/ci/cloud_services/aws/"
        )
        .is_none()
    );
}
