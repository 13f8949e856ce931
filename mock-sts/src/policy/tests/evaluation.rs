//! Evaluation: the decision, and the trace that explains it.

use super::*;

// --- evaluation and trace -----------------------------------------------------------------------------------

#[test]
fn allow_names_the_deciding_statement_and_sid() {
    let document = trust_policy(r#"{"StringLike":{"gitlab.example.com:sub":"project_path:g/*"}}"#);
    let evaluation = evaluate(
        &document,
        &gitlab_context("project_path:g/app:ref_type:branch:ref:main"),
    );
    assert_eq!(
        evaluation.decision,
        Decision::Allow {
            statement: 0,
            sid: Some("GitLab".into())
        }
    );
    assert!(evaluation.decision.is_allow());
    assert!(evaluation.trace[0].matched);
}

#[test]
fn trace_explains_a_literal_star_under_string_equals() {
    let document = trust_policy(
        r#"{"StringEquals":{"gitlab.example.com:sub":"project_path:g/app:ref_type:branch:ref:*"}}"#,
    );
    let evaluation = evaluate(
        &document,
        &gitlab_context("project_path:g/app:ref_type:branch:ref:main"),
    );
    assert_eq!(evaluation.decision, Decision::ImplicitDeny);
    let statement = &evaluation.trace[0];
    assert!(statement.principal.as_ref().unwrap().matched);
    assert!(statement.action.matched);
    let condition = &statement.conditions[0];
    assert!(!condition.result);
    assert_eq!(condition.operator, "StringEquals");
    assert_eq!(
        condition.request_values,
        Some(vec![
            "project_path:g/app:ref_type:branch:ref:main".to_owned()
        ])
    );
    assert!(
        condition
            .notes
            .iter()
            .any(|note| note.contains("StringLike")),
        "{:?}",
        condition.notes
    );
}

#[test]
fn trace_explains_a_case_mismatch() {
    let document =
        trust_policy(r#"{"StringEquals":{"gitlab.example.com:sub":"project_path:MyGroup/app"}}"#);
    let evaluation = evaluate(&document, &gitlab_context("project_path:mygroup/app"));
    let notes = &evaluation.trace[0].conditions[0].notes;
    assert!(
        notes.iter().any(|note| note.contains("letter case")),
        "{notes:?}"
    );
}

#[test]
fn trace_explains_an_absent_key_per_operator_family() {
    let document = trust_policy(
        r#"{"StringNotLike":{"k:a":"x"},"ForAllValues:StringEquals":{"k:b":"x"},"StringEquals":{"k:c":"x"}}"#,
    );
    let evaluation = evaluate(&document, &gitlab_context("s"));
    let conditions = &evaluation.trace[0].conditions;
    assert_eq!(
        conditions.iter().map(|c| c.result).collect::<Vec<_>>(),
        vec![true, true, false]
    );
    assert!(conditions.iter().all(|c| c.request_values.is_none()));
    assert!(conditions[0].notes[0].contains("negated"));
    assert!(conditions[1].notes[0].contains("ForAllValues"));
    assert!(conditions[2].notes[0].contains("absent"));
}

#[test]
fn trace_explains_a_principal_that_is_only_a_prefix() {
    let document = trust_policy("{}");
    let context = RequestContext::new(
        Principal::Federated(format!("{PROVIDER}.evil.test")),
        "sts:AssumeRoleWithWebIdentity",
    );
    let evaluation = evaluate(&document, &context);
    assert_eq!(evaluation.decision, Decision::ImplicitDeny);
    let principal = evaluation.trace[0].principal.as_ref().unwrap();
    assert!(!principal.matched);
    assert!(principal.matched_by.is_none());
    assert!(
        principal.notes[0].contains("exactly"),
        "{:?}",
        principal.notes
    );
}

#[test]
fn trace_explains_that_2008_documents_do_not_substitute_variables() {
    let text = format!(
        r#"{{"Version":"2008-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER}"}},
            "Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"k:v":"${{k:w}}"}}}}}}}}"#
    );
    let document = parse(&text, PolicyKind::Trust).unwrap();
    let context = gitlab_context("s")
        .with_key("k:v", ["x"])
        .with_key("k:w", ["x"]);
    let evaluation = evaluate(&document, &context);
    assert_eq!(evaluation.decision, Decision::ImplicitDeny);
    let notes = &evaluation.trace[0].conditions[0].notes;
    assert!(
        notes.iter().any(|note| note.contains("literal text")),
        "{notes:?}"
    );
}

#[test]
fn every_statement_is_traced_even_after_a_deny() {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Deny","Principal":"*","Action":"*"}},
            {{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}]}}"#
    );
    let evaluation = evaluate(
        &parse(&text, PolicyKind::Trust).unwrap(),
        &gitlab_context("s"),
    );
    assert_eq!(
        evaluation.decision,
        Decision::ExplicitDeny {
            statement: 0,
            sid: None
        }
    );
    assert_eq!(evaluation.trace.len(), 2);
    assert!(evaluation.trace[1].matched);
}

#[test]
fn display_reads_as_an_explanation() {
    let document = trust_policy(
        r#"{"StringEquals":{"gitlab.example.com:sub":"project_path:g/app:ref_type:branch:ref:main"}}"#,
    );
    let text = evaluate(
        &document,
        &gitlab_context("project_path:g/app:ref_type:branch:ref:dev"),
    )
    .to_string();
    assert!(text.starts_with("ImplicitDeny"), "{text}");
    assert!(
        text.contains(r#"statement 0 (Sid "GitLab") (Allow): did not match"#),
        "{text}"
    );
    assert!(
        text.contains(r#"StringEquals "gitlab.example.com:sub" => false"#),
        "{text}"
    );
    assert!(
        text.contains("project_path:g/app:ref_type:branch:ref:dev"),
        "{text}"
    );
}

#[test]
fn evaluation_serializes_for_machine_readable_explain_output() {
    let document = trust_policy(r#"{"StringEquals":{"gitlab.example.com:sub":"x"}}"#);
    let json = serde_json::to_value(evaluate(&document, &gitlab_context("x"))).unwrap();
    assert_eq!(json["decision"]["Allow"]["statement"], 0);
    assert_eq!(json["trace"][0]["conditions"][0]["result"], true);
    assert_eq!(json["trace"][0]["effect"], "Allow");
    assert_eq!(json["trace"][0]["principal"]["element"], "Principal");
}

#[test]
fn variable_defaults_allow_quotes_and_do_not_recurse() {
    let document = trust_policy(r#"{"StringEquals":{"k:v":"${k:missing, 'it''s ${k:w}'}"}}"#);
    let context = gitlab_context("s")
        .with_key("k:v", ["it's ${k:w}"])
        .with_key("k:w", ["x"]);
    assert!(evaluate(&document, &context).decision.is_allow());
}

#[test]
fn an_unclosed_variable_is_literal_text() {
    let document = trust_policy(r#"{"StringLike":{"k:v":"a${b*"}}"#);
    assert!(
        evaluate(&document, &gitlab_context("s").with_key("k:v", ["a${bcd"]))
            .decision
            .is_allow()
    );
    assert!(
        !evaluate(&document, &gitlab_context("s").with_key("k:v", ["a$bcd"]))
            .decision
            .is_allow()
    );
}

#[test]
fn a_key_inserted_without_values_counts_as_absent() {
    let document =
        trust_policy(r#"{"StringNotEquals":{"k:v":"x"},"ForAnyValue:StringEquals":{"k:w":"x"}}"#);
    let context = gitlab_context("s")
        .with_key("k:v", Vec::<String>::new())
        .with_key("k:w", Vec::<String>::new());
    let conditions = &evaluate(&document, &context).trace[0].conditions;
    assert!(conditions[0].result, "negated operator on an empty key");
    assert!(!conditions[1].result, "ForAnyValue on an empty key");
    assert_eq!(conditions[0].request_values, Some(vec![]));
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    let text = format!(
        r#"{{"Statement":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert_eq!(
        parse(&text, PolicyKind::Trust),
        Err(PolicyError::InvalidJson)
    );
}
