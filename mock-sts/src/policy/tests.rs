//! Unit tests for the pieces; the table of AWS behaviours lives in `tests/policy/*.json`.

use super::scalar::{self, Cidr, Decimal};
use super::trust::is_valid_federated_principal;
use super::wildcard::{self, Token};
use super::*;

const PROVIDER: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com";
const SUB: &str = "gitlab.example.com:sub";

fn gitlab_context(sub: &str) -> RequestContext {
    RequestContext::new(
        Principal::Federated(PROVIDER.into()),
        "sts:AssumeRoleWithWebIdentity",
    )
    .with_key(SUB, [sub])
}

fn trust_policy(condition: &str) -> PolicyDocument {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"GitLab","Effect":"Allow",
            "Principal":{{"Federated":"{PROVIDER}"}},"Action":"sts:AssumeRoleWithWebIdentity",
            "Condition":{condition}}}]}}"#
    );
    parse(&text, PolicyKind::Trust).unwrap()
}

// --- wildcard -----------------------------------------------------------------------------------------------

#[test]
fn star_matches_any_run_including_slashes_colons_and_nothing() {
    let pattern = wildcard::pattern("a*z");
    for text in ["az", "a/b:c/z", "a**z"] {
        assert!(wildcard::matches(&pattern, text), "{text}");
    }
    assert!(!wildcard::matches(&pattern, "a/b:c/zz!"));
}

#[test]
fn question_mark_matches_exactly_one_character_even_a_multibyte_one() {
    let pattern = wildcard::pattern("a?c");
    assert!(wildcard::matches(&pattern, "abc"));
    assert!(wildcard::matches(&pattern, "aéc"));
    assert!(!wildcard::matches(&pattern, "ac"));
    assert!(!wildcard::matches(&pattern, "abbc"));
}

#[test]
fn patterns_are_anchored_at_both_ends() {
    let pattern = wildcard::pattern("mid");
    assert!(!wildcard::matches(&pattern, "amid"));
    assert!(!wildcard::matches(&pattern, "mida"));
    assert!(wildcard::matches(&pattern, "mid"));
}

#[test]
fn backtracking_finds_the_right_star_split() {
    assert!(wildcard::matches(&wildcard::pattern("*ab*ab"), "xabyabab"));
    assert!(!wildcard::matches(
        &wildcard::pattern("*ab*abc"),
        "xabyabab"
    ));
}

#[test]
fn pathological_patterns_finish_quickly() {
    let pattern = wildcard::pattern(&"*a".repeat(200));
    let text = "a".repeat(2000) + "b";
    let started = std::time::Instant::now();
    assert!(!wildcard::matches(&pattern, &text));
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn literal_tokens_keep_star_and_question_mark() {
    assert_eq!(
        wildcard::literal("*?"),
        vec![Token::Char('*'), Token::Char('?')]
    );
    assert!(!wildcard::matches(&wildcard::literal("a*"), "ab"));
}

#[test]
fn actions_match_ignoring_case_on_both_sides() {
    assert!(wildcard::matches_ignoring_case(
        "STS:AssumeRole*",
        "sts:assumerolewithwebidentity"
    ));
    assert!(!wildcard::matches_ignoring_case(
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML"
    ));
}

#[test]
fn arn_components_split_at_the_first_five_colons_only() {
    let tokens = wildcard::literal("arn:aws:s3:::b:c:d");
    let parts = wildcard::arn_components(&tokens);
    assert_eq!(parts.len(), 6);
    assert_eq!(parts[5], wildcard::literal("b:c:d").as_slice());
    assert_eq!(wildcard::arn_components(&wildcard::literal("*")).len(), 1);
}

// --- scalars ------------------------------------------------------------------------------------------------

#[test]
fn decimals_compare_numerically_and_exactly() {
    let number = |text| Decimal::parse(text).unwrap();
    assert!(number("9") < number("10"));
    assert!(number("-10") < number("-9"));
    assert!(number("0.05") < number("0.5"));
    assert!(number("0.5") < number("0.51"));
    assert_eq!(number("10"), number("010.000"));
    assert_eq!(number("-0"), number("0"));
    assert!(number("123456789012345678901234567890") > number("123456789012345678901234567889"));
    for bad in ["", "-", ".", "1e5", " 1", "0x10", "1.2.3", "NaN"] {
        assert!(Decimal::parse(bad).is_none(), "{bad:?}");
    }
}

#[test]
fn dates_parse_iso8601_profiles_and_epoch_seconds() {
    let new_year = Some((1_767_225_600, 0));
    assert_eq!(scalar::parse_date("2026-01-01T00:00:00Z"), new_year);
    assert_eq!(scalar::parse_date("2026-01-01"), new_year);
    assert_eq!(scalar::parse_date("2026-01"), new_year);
    // Digits alone are epoch seconds, even when they look like a year (IAM's legacy parser, per moto).
    assert_eq!(scalar::parse_date("2026"), Some((2026, 0)));
    assert_eq!(scalar::parse_date("2026-01-01T00:00Z"), new_year);
    assert_eq!(scalar::parse_date("2026-01-01t01:30:00+01:30"), new_year);
    assert_eq!(scalar::parse_date("2025-12-31T19:00:00-05:00"), new_year);
    assert_eq!(scalar::parse_date("1767225600"), new_year);
    assert_eq!(
        scalar::parse_date("1970-01-01T00:00:00.25Z"),
        Some((0, 250_000_000))
    );
    assert_eq!(scalar::parse_date("2000-03-01"), Some((951_868_800, 0)));
}

#[test]
fn malformed_dates_are_refused() {
    for bad in [
        "",
        "tomorrow",
        "2026-13-01",
        "2026-01-32",
        "2026-01-01T24:00:00Z",
        "2026-01-01T10:60Z",
        "2026-01-01T10:00:00.Z",
        "26-01-01",
        "2026-01-01-01",
        "1.5",
    ] {
        assert_eq!(scalar::parse_date(bad), None, "{bad:?}");
    }
}

#[test]
fn cidr_ranges_contain_their_addresses() {
    let range = Cidr::parse("203.0.113.0/24").unwrap();
    assert!(range.contains("203.0.113.255".parse().unwrap()));
    assert!(!range.contains("203.0.114.0".parse().unwrap()));
    assert!(!range.contains("::1".parse().unwrap()));
    assert!(
        Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap())
    );
    assert!(
        Cidr::parse("2001:DB8::/32")
            .unwrap()
            .contains("2001:db8:ffff::1".parse().unwrap())
    );
    assert!(
        Cidr::parse("10.0.0.1")
            .unwrap()
            .contains("10.0.0.1".parse().unwrap())
    );
    assert!(
        !Cidr::parse("10.0.0.1")
            .unwrap()
            .contains("10.0.0.2".parse().unwrap())
    );
    for bad in ["10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "::1/129", "host"] {
        assert!(Cidr::parse(bad).is_none(), "{bad:?}");
    }
}

// --- request context ----------------------------------------------------------------------------------------

#[test]
fn context_keys_are_case_insensitive_and_values_keep_case() {
    let mut context = RequestContext::new(
        Principal::Federated(PROVIDER.into()),
        "sts:AssumeRoleWithWebIdentity",
    );
    context.insert("GitLab.Example.com:SUB", vec!["Project_Path:X"]);
    assert_eq!(
        context.get("gitlab.example.com:sub"),
        Some(&["Project_Path:X".to_owned()][..])
    );
    context.insert("gitlab.example.com:sub", vec!["second"]);
    assert_eq!(context.get(SUB).map(<[String]>::len), Some(1));
    assert_eq!(
        context.remove("GITLAB.EXAMPLE.COM:SUB"),
        Some(vec!["second".to_owned()])
    );
    assert_eq!(context.get(SUB), None);
}

#[test]
fn context_serializes_keys_by_their_inserted_names() {
    let context = gitlab_context("project_path:a/b").with_key("AUD", ["x", "y"]);
    let json = serde_json::to_value(&context).unwrap();
    assert_eq!(json["keys"]["AUD"], serde_json::json!(["x", "y"]));
    assert_eq!(json["principal"]["Federated"], PROVIDER);
    assert_eq!(context.keys().count(), 2);
}

// --- parsing --------------------------------------------------------------------------------------------------

#[test]
fn parse_builds_the_model() {
    let document = trust_policy(r#"{"ForAnyValue:StringLikeIfExists":{"k:v":["a*",5,true]}}"#);
    assert_eq!(document.version, PolicyVersion::V2012_10_17);
    assert!(!document.version_defaulted);
    let statement = &document.statements[0];
    assert_eq!(statement.sid.as_deref(), Some("GitLab"));
    assert_eq!(statement.effect, Effect::Allow);
    assert_eq!(
        statement.principal,
        Some(PrincipalElement {
            negated: false,
            principals: PrincipalSet::Listed(vec![PrincipalEntry {
                kind: PrincipalKind::Federated,
                value: PROVIDER.into()
            }])
        })
    );
    let condition = &statement.conditions[0];
    assert_eq!(
        condition.operator.qualifier,
        Some(SetQualifier::ForAnyValue)
    );
    assert_eq!(condition.operator.base, BaseOperator::StringLike);
    assert!(condition.operator.if_exists);
    assert_eq!(condition.values, vec!["a*", "5", "true"]);
}

#[test]
fn a_missing_version_defaults_to_2008() {
    let text = format!(
        r#"{{"Statement":{{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER}"}},"Action":"sts:*"}}}}"#
    );
    let document = parse(&text, PolicyKind::Trust).unwrap();
    assert_eq!(document.version, PolicyVersion::V2008_10_17);
    assert!(document.version_defaulted);
    assert!(!document.version.supports_variables());
}

#[test]
fn every_operator_name_round_trips() {
    for base in [
        BaseOperator::StringEquals,
        BaseOperator::ArnNotLike,
        BaseOperator::Null,
        BaseOperator::NotIpAddress,
    ] {
        let operator = Operator::parse(base.name()).unwrap();
        assert_eq!(operator.base, base);
    }
    assert!(Operator::parse("ForAllValues:NumericLessThanEqualsIfExists").is_ok());
    assert!(Operator::parse("IfExists").is_err());
    assert!(Operator::parse("StringEqualsIfExistsIfExists").is_err());
}

#[test]
fn each_error_variant_comes_from_a_concrete_document() {
    let statement = |extra: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER}"}},
                "Action":"sts:AssumeRoleWithWebIdentity"{extra}}}]}}"#
        )
    };
    assert_eq!(parse("{", PolicyKind::Trust), Err(PolicyError::InvalidJson));
    assert_eq!(
        parse(
            &statement("").replace("2012-10-17", "2013-01-01"),
            PolicyKind::Trust
        ),
        Err(PolicyError::LegacyParsing)
    );
    assert!(matches!(
        parse(&statement(r#","Condition":{"StringEquals":{"a:b":"x","A:B":"y"}}"#), PolicyKind::Trust),
        Err(PolicyError::Syntax { reason }) if reason.contains("twice")
    ));
    assert_eq!(
        parse(&statement(r#","Resource":"*""#), PolicyKind::Trust),
        Err(PolicyError::ProhibitedResource)
    );
    assert_eq!(
        parse(
            &statement("").replace("sts:AssumeRoleWithWebIdentity", "sts:GetFederationToken"),
            PolicyKind::Trust
        ),
        Err(PolicyError::InvalidTrustAction {
            action: "sts:GetFederationToken".into()
        })
    );
    let bad_provider = "arn:aws:iam::123456789012:oidc/gitlab.example.com";
    assert_eq!(
        parse(
            &statement("").replace(PROVIDER, bad_provider),
            PolicyKind::Trust
        ),
        Err(PolicyError::InvalidFederatedPrincipal {
            value: bad_provider.into()
        })
    );
}

#[test]
fn the_same_document_passes_as_identity_but_not_as_trust_and_vice_versa() {
    let identity =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    assert!(parse(identity, PolicyKind::Identity).is_ok());
    assert!(matches!(
        parse(identity, PolicyKind::Trust),
        Err(PolicyError::Syntax { reason }) if reason.contains("Principal")
    ));
}

#[test]
fn error_messages_are_fedlab_prose_not_aws_wire_text() {
    let message = PolicyError::InvalidTrustAction {
        action: "s3:*".into(),
    }
    .to_string();
    assert!(message.contains("s3:*"));
    assert!(!message.contains("Trust Policy statement actions can only be"));
    assert_eq!(
        PolicyError::InvalidJson.to_string(),
        "policy is not a JSON object"
    );
}

#[test]
fn federated_principal_shapes() {
    for good in [
        PROVIDER,
        "arn:aws:iam::123456789012:oidc-provider/localhost:8443/path",
        "arn:aws-cn:iam::123456789012:saml-provider/ADFS",
        "accounts.google.com",
    ] {
        assert!(is_valid_federated_principal(good), "{good}");
    }
    for bad in [
        "",
        "localhost",
        "gitlab..example.com",
        "arn:aws:iam::123456789012:oidc-provider",
        "arn:aws:sts::123456789012:oidc-provider/x",
        "arn:aws:iam:us-east-1:123456789012:oidc-provider/x",
        "arn:gcp:iam::123456789012:oidc-provider/x",
    ] {
        assert!(!is_valid_federated_principal(bad), "{bad}");
    }
}

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
