//! Data-driven IAM policy cases: every `tests/policy/*.json` file is an array of groups.
//!
//! ```text
//! [{ "description": "...",
//!    "policy": { ...policy document... } | "raw policy text (for invalid JSON, duplicate keys)",
//!    "kind": "Trust" | "Identity",                       // default Trust
//!    "error": "InvalidJson" | "LegacyParsing" | "Syntax" | "ProhibitedResource"
//!             | "InvalidTrustAction" | "InvalidFederatedPrincipal",   // the policy must be refused so
//!    "error_detail": "...",                              // InvalidTrustAction action / federated value
//!    "tests": [{ "description": "...",
//!                "context": { "principal": {"Federated": "..."},   // default: the gitlab.example.com provider
//!                             "action": "...",                     // default sts:AssumeRoleWithWebIdentity
//!                             "resource": "...",                   // default none
//!                             "keys": {"k": ["v", ...] | "v"} },
//!                "decision": "Allow" | "ExplicitDeny" | "ImplicitDeny",
//!                "statement": 0 }] }]                    // optional: index of the deciding statement
//! ```
//! A group without `error` must parse. A group with `error` cannot evaluate anything, so it must
//! carry no `tests`: such cases would never run, and the runner fails on them rather than skip
//! them silently. All failures are collected and reported together.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use mock_sts::policy::{self, Decision, PolicyError, PolicyKind, Principal, RequestContext};
use serde::Deserialize;

const DEFAULT_PROVIDER: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com";
const DEFAULT_ACTION: &str = "sts:AssumeRoleWithWebIdentity";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    description: String,
    policy: serde_json::Value,
    #[serde(default)]
    kind: Kind,
    error: Option<String>,
    error_detail: Option<String>,
    #[serde(default)]
    tests: Vec<Case>,
}

#[derive(Deserialize, Default, Clone, Copy)]
enum Kind {
    #[default]
    Trust,
    Identity,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    #[serde(default)]
    context: Context,
    decision: String,
    statement: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Context {
    principal: Option<BTreeMap<String, String>>,
    action: Option<String>,
    resource: Option<String>,
    #[serde(default)]
    keys: BTreeMap<String, OneOrMany>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[test]
fn policy_data_files_hold() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/policy");
    let mut files: Vec<PathBuf> = fs::read_dir(&directory)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no policy data files in {}",
        directory.display()
    );

    let mut failures = Vec::new();
    let (mut n_groups, mut n_cases) = (0, 0);
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        let groups: Vec<Group> = serde_json::from_str(&text).unwrap_or_else(|error| {
            panic!("{} is not a list of policy groups: {error}", file.display())
        });
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        for group in &groups {
            n_groups += 1;
            n_cases += group.tests.len();
            run_group(&file_name, group, &mut failures);
        }
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
    let text = match &group.policy {
        serde_json::Value::String(raw) => raw.clone(),
        document => document.to_string(),
    };
    let kind = match group.kind {
        Kind::Trust => PolicyKind::Trust,
        Kind::Identity => PolicyKind::Identity,
    };
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

fn describe(error: &PolicyError) -> (&'static str, Option<&str>) {
    match error {
        PolicyError::InvalidJson => ("InvalidJson", None),
        PolicyError::LegacyParsing => ("LegacyParsing", None),
        PolicyError::Syntax { reason } => ("Syntax", Some(reason)),
        PolicyError::ProhibitedResource => ("ProhibitedResource", None),
        PolicyError::InvalidTrustAction { action } => ("InvalidTrustAction", Some(action)),
        PolicyError::InvalidFederatedPrincipal { value } => {
            ("InvalidFederatedPrincipal", Some(value))
        }
    }
}

fn build_context(spec: &Context) -> RequestContext {
    let principal = match &spec.principal {
        None => Principal::Federated(DEFAULT_PROVIDER.to_owned()),
        Some(map) => {
            let Some((kind, id)) = map.iter().next() else {
                panic!("a context principal needs one member");
            };
            match kind.as_str() {
                "AWS" => Principal::Aws(id.clone()),
                "Federated" => Principal::Federated(id.clone()),
                "Service" => Principal::Service(id.clone()),
                "CanonicalUser" => Principal::CanonicalUser(id.clone()),
                other => panic!("unknown principal type {other}"),
            }
        }
    };
    let mut context =
        RequestContext::new(principal, spec.action.as_deref().unwrap_or(DEFAULT_ACTION));
    context.resource = spec.resource.clone();
    for (key, values) in &spec.keys {
        match values {
            OneOrMany::One(value) => context.insert(key.as_str(), [value.as_str()]),
            OneOrMany::Many(values) => {
                context.insert(key.as_str(), values.iter().map(String::as_str))
            }
        };
    }
    context
}

#[test]
fn a_group_that_expects_an_error_and_carries_cases_fails() {
    let group: Group = serde_json::from_value(serde_json::json!({
        "description": "refused, yet with cases",
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
