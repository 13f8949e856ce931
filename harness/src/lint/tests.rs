//! One policy per rule, linted in-process: the rule fires where it should and not where it
//! should not.

use super::{LintOptions, lint};

/// The tutorial's statement with `condition` as its Condition block.
fn policy(condition: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
        "Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"}},
        "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {condition}}}]}}"#
    )
}

fn ids(text: &str) -> Vec<&'static str> {
    lint(text, &LintOptions::default())
        .findings
        .iter()
        .map(|f| f.id)
        .collect()
}

const AUD: &str = r#""gitlab.example.com:aud": "sts.amazonaws.com""#;

fn sub_like(pattern: &str) -> Vec<&'static str> {
    ids(&policy(&format!(
        r#"{{"StringEquals": {{{AUD}}}, "StringLike": {{"gitlab.example.com:sub": "{pattern}"}}}}"#
    )))
}

#[test]
fn a_wildcard_under_string_equals_is_an_error() {
    let text = policy(&format!(
        r#"{{"StringEquals": {{{AUD}, "gitlab.example.com:sub": "project_path:g/p:ref_type:branch:ref:*"}}}}"#
    ));
    let report = lint(&text, &LintOptions::default());
    assert_eq!(ids(&text), ["wildcard-under-equals"]);
    assert!(report.has_errors());
    assert_eq!(
        report.findings[0].pointer.path,
        "/Statement/0/Condition/StringEquals/gitlab.example.com:sub"
    );
}

#[test]
fn an_escaped_wildcard_under_string_equals_is_literal_on_purpose() {
    let text = policy(&format!(
        r#"{{"StringEquals": {{{AUD}, "gitlab.example.com:sub": "project_path:g/p:ref_type:branch:ref:a${{*}}"}}}}"#
    ));
    assert!(ids(&text).is_empty(), "{:?}", ids(&text));
}

#[test]
fn exact_aud_and_sub_conditions_give_no_finding() {
    let text = policy(&format!(
        r#"{{"StringEquals": {{{AUD}, "gitlab.example.com:sub": "project_path:g/p:ref_type:branch:ref:main"}}}}"#
    ));
    assert!(ids(&text).is_empty());
}

#[test]
fn sub_patterns_are_judged_by_what_they_admit() {
    assert_eq!(
        sub_like("project_path:*:ref_type:branch:ref:main"),
        ["sub-any-project"]
    );
    assert_eq!(
        sub_like("project_path:g*"),
        ["sub-sibling-prefix", "sub-any-ref"]
    );
    assert_eq!(
        sub_like("project_path:g/p*:ref_type:branch:ref:main"),
        ["sub-sibling-prefix"]
    );
    assert_eq!(
        sub_like("project_path:g/p:ref_type:*:ref:main"),
        ["sub-any-ref-type"]
    );
    assert_eq!(
        sub_like("project_path:g/p:ref_type:branch:ref:*"),
        ["sub-any-ref"]
    );
    assert_eq!(
        sub_like("project_path:g/*:ref_type:branch:ref:main"),
        Vec::<&str>::new()
    );
    assert_eq!(
        sub_like("project_path:g/p:ref_type:branch:ref:main"),
        ["like-without-wildcard"]
    );
}

#[test]
fn a_missing_sub_is_an_error_and_a_missing_aud_a_warning() {
    let text = policy(&format!(r#"{{"StringEquals": {{{AUD}}}}}"#));
    assert_eq!(ids(&text), ["missing-sub"]);
    let text = policy(
        r#"{"StringEquals": {"gitlab.example.com:sub": "project_path:g/p:ref_type:branch:ref:main"}}"#,
    );
    let report = lint(&text, &LintOptions::default());
    assert_eq!(ids(&text), ["missing-aud"]);
    assert!(!report.has_errors());
}

#[test]
fn a_negated_condition_on_an_unexposed_claim_restricts_nothing() {
    let text = policy(&format!(
        r#"{{"StringEquals": {{{AUD}, "gitlab.example.com:sub": "project_path:g/p:ref_type:branch:ref:main"}},
            "StringNotEquals": {{"gitlab.example.com:ref_protected": "false"}}}}"#
    ));
    let report = lint(&text, &LintOptions::default());
    assert_eq!(ids(&text), ["unexposed-claim"]);
    assert!(report.findings[0].message.contains("always true"));
}

#[test]
fn keys_of_another_issuer_are_never_in_the_request() {
    let text = policy(
        r#"{"StringEquals": {"gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": "project_path:g/p:ref_type:branch:ref:main"}}"#,
    );
    let found = ids(&text);
    assert!(
        found.contains(&"unexposed-claim") && found.contains(&"missing-sub"),
        "{found:?}"
    );
}

#[test]
fn the_issuer_option_is_checked_against_the_provider() {
    let text = policy(&format!(
        r#"{{"StringEquals": {{{AUD}, "gitlab.example.com:sub": "project_path:g/p:ref_type:branch:ref:main"}}}}"#
    ));
    let options = LintOptions {
        issuer: Some("https://gitlab.example.com".to_owned()),
    };
    assert!(lint(&text, &options).findings.is_empty());
    let other = LintOptions {
        issuer: Some("https://gitlab.com".to_owned()),
    };
    let found: Vec<&str> = lint(&text, &other).findings.iter().map(|f| f.id).collect();
    assert!(found.contains(&"federated-other-issuer"), "{found:?}");
}

#[test]
fn a_document_iam_refuses_carries_iams_message() {
    let report = lint("{", &LintOptions::default());
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].id, "malformed-policy");
    assert!(
        report.findings[0]
            .message
            .contains("MalformedPolicyDocument \"This policy contains invalid Json\"")
    );
}

#[test]
fn every_rule_has_a_distinct_id_documented_in_docs_lint_md() {
    let docs = include_str!("../../../docs/lint.md");
    let mut seen = std::collections::HashSet::new();
    for rule in super::Rule::ALL {
        assert!(seen.insert(rule.id()), "{} twice", rule.id());
        assert!(
            docs.contains(&format!("### `{}`", rule.id())),
            "{} undocumented",
            rule.id()
        );
    }
}
