//! Properties of the policy engine, checked through its public API (`policy::parse` + `policy::evaluate`) on
//! random inputs: the `StringLike` wildcard matcher against a reference written here, operator negation on
//! present keys, `...IfExists`, `ForAllValues:` / `ForAnyValue:` and `Null` on absent keys.
//!
//! The rules, from the IAM User Guide: "IAM JSON policy elements: Condition operators"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>):
//! `*` and `?` are wildcards under `StringLike`, matching is case-sensitive, an absent key makes a condition
//! false except for negated operators, `...IfExists` and `Null`; "Single-valued vs. multivalued context keys"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>):
//! `ForAllValues` holds and `ForAnyValue` fails on an absent key. A negated operator without a set qualifier
//! on a multivalued key is the complement of the positive one: AWS gives no example, the engine marks the
//! reading `[I]` (`mock-sts/src/policy/condition.rs`), and these properties pin it.

use mock_sts::policy::{self, Decision, PolicyKind, Principal, RequestContext};
use proptest::prelude::*;

const PROVIDER: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com";
const KEY: &str = "k:v";

/// Every base operator, as (positive, negated) pairs where one exists.
const BASES: [&str; 27] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// The string operators and their negations.
const STRING_PAIRS: [(&str, &str); 3] = [
    ("StringEquals", "StringNotEquals"),
    ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"),
    ("StringLike", "StringNotLike"),
];

/// Whether one condition `operator: {KEY: policy_values}` holds for a request whose KEY has `request`
/// (`None`: absent).
fn holds(operator: &str, policy_values: &[String], request: Option<&[String]>) -> bool {
    let text = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {operator: {KEY: policy_values}},
        }]
    })
    .to_string();
    let document = policy::parse(&text, PolicyKind::Trust)
        .unwrap_or_else(|error| panic!("{text} is refused: {error:?}"));
    let mut context = RequestContext::new(
        Principal::Federated(PROVIDER.to_owned()),
        "sts:AssumeRoleWithWebIdentity",
    );
    if let Some(values) = request {
        context.insert(KEY, values.iter().map(String::as_str));
    }
    match policy::evaluate(&document, &context).decision {
        Decision::Allow { .. } => true,
        Decision::ImplicitDeny => false,
        other => panic!("an Allow-only policy decided {other:?}"),
    }
}

/// The reference glob: dynamic programming over characters, `*` any run, `?` one character.
fn reference_glob(pattern: &str, text: &str) -> bool {
    let (pattern, text): (Vec<char>, Vec<char>) =
        (pattern.chars().collect(), text.chars().collect());
    // matched[j]: pattern[..i] matches text[..j], for the current i.
    let mut matched = vec![false; text.len() + 1];
    matched[0] = true;
    for token in &pattern {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            next[j] = match token {
                '*' => matched[j] || (j > 0 && next[j - 1]),
                '?' => j > 0 && matched[j - 1],
                c => j > 0 && matched[j - 1] && text[j - 1] == *c,
            };
        }
        matched = next;
    }
    matched[text.len()]
}

/// Short strings over an alphabet that exercises the matcher: wildcards, `/`, `:`, letter case, a multibyte
/// character. Request values may hold `*` and `?` too, which are then plain characters.
fn glob_text() -> impl Strategy<Value = String> {
    "[abA/:é*?]{0,6}"
}

fn plain_text() -> impl Strategy<Value = String> {
    "[abA/:é]{0,6}"
}

fn values(max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(glob_text(), 1..=max)
}

/// Well-formed policy values of each non-string family, so every operator parses (IAM refuses a Date
/// condition value that is not a date) and comparisons sometimes succeed.
fn family_values(base: &str) -> &'static [&'static str] {
    match base {
        b if b.starts_with("Numeric") => &["1", "2.5", "-3"],
        b if b.starts_with("Date") => &["2026-01-01T00:00:00Z", "1767225600"],
        "Bool" => &["true", "false"],
        "BinaryEquals" => &["QUJD", "QUJE"],
        b if b.contains("IpAddress") => &["10.0.0.0/8", "10.1.2.3", "::1/128"],
        _ => &[
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:iam::123456789012:role/ci",
        ],
    }
}

/// Every typed value, for requests.
const TYPED_VALUES: [&str; 13] = [
    "1",
    "2.5",
    "-3",
    "2026-01-01T00:00:00Z",
    "1767225600",
    "true",
    "false",
    "QUJD",
    "10.0.0.0/8",
    "10.1.2.3",
    "::1",
    "arn:aws:iam::123456789012:role/*",
    "arn:aws:iam::123456789012:role/ci",
];

/// A base operator (not Null) with policy values it accepts.
fn operator_with_values() -> impl Strategy<Value = (&'static str, Vec<String>)> {
    (0..BASES.len() - 1).prop_flat_map(|index| {
        let base = BASES[index];
        let values = if !base.starts_with("String") {
            prop::sample::subsequence(family_values(base).to_vec(), 1..=2)
                .prop_map(|values| values.into_iter().map(str::to_owned).collect())
                .boxed()
        } else {
            values(2).boxed()
        };
        (Just(base), values)
    })
}

/// Request values: random text and well-formed typed values.
fn request_values() -> impl Strategy<Value = Vec<String>> {
    let value = prop_oneof![
        glob_text(),
        prop::sample::select(TYPED_VALUES.to_vec()).prop_map(str::to_owned),
    ];
    prop::collection::vec(value, 1..=3)
}

fn one(value: &str) -> Vec<String> {
    vec![value.to_owned()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn string_like_agrees_with_a_reference_glob(pattern in glob_text(), text in glob_text()) {
        prop_assert_eq!(
            holds("StringLike", &one(&pattern), Some(&one(&text))),
            reference_glob(&pattern, &text),
            "pattern {:?} text {:?}", pattern, text
        );
    }

    #[test]
    fn a_star_matches_any_run_including_the_empty_one_and_slashes(
        head in plain_text(), run in glob_text(), tail in plain_text()
    ) {
        let pattern = format!("{head}*{tail}");
        let text = format!("{head}{run}{tail}");
        prop_assert!(holds("StringLike", &one(&pattern), Some(&one(&text))), "{} vs {}", pattern, text);
    }

    #[test]
    fn question_marks_match_exactly_that_many_characters(count in 0usize..5, text in glob_text()) {
        let pattern = "?".repeat(count);
        prop_assert_eq!(
            holds("StringLike", &one(&pattern), Some(&one(&text))),
            text.chars().count() == count
        );
    }

    #[test]
    fn a_pattern_without_wildcards_matches_only_itself_case_sensitively(
        pattern in plain_text(), text in plain_text()
    ) {
        prop_assert_eq!(holds("StringLike", &one(&pattern), Some(&one(&text))), pattern == text);
        let upper = pattern.to_uppercase();
        prop_assert_eq!(holds("StringLike", &one(&pattern), Some(&one(&upper))), pattern == upper);
    }

    #[test]
    fn a_negated_string_operator_is_the_complement_on_present_keys(
        pair in 0..STRING_PAIRS.len(), policy_values in values(3), request in values(3)
    ) {
        let (positive, negated) = STRING_PAIRS[pair];
        prop_assert_eq!(
            holds(negated, &policy_values, Some(&request)),
            !holds(positive, &policy_values, Some(&request))
        );
    }

    #[test]
    fn a_negated_set_operator_is_the_complement_of_the_dual_positive_one_on_present_keys(
        pair in 0..STRING_PAIRS.len(), policy_values in values(3), request in values(3)
    ) {
        // "every value matches none" is "not (some value matches some)", and the other way round.
        let (positive, negated) = STRING_PAIRS[pair];
        prop_assert_eq!(
            holds(&format!("ForAllValues:{negated}"), &policy_values, Some(&request)),
            !holds(&format!("ForAnyValue:{positive}"), &policy_values, Some(&request))
        );
        prop_assert_eq!(
            holds(&format!("ForAnyValue:{negated}"), &policy_values, Some(&request)),
            !holds(&format!("ForAllValues:{positive}"), &policy_values, Some(&request))
        );
    }

    #[test]
    fn if_exists_equals_the_operator_on_present_keys_and_holds_on_absent_ones(
        (base, policy_values) in operator_with_values(), request in request_values()
    ) {
        let if_exists = format!("{base}IfExists");
        prop_assert_eq!(
            holds(&if_exists, &policy_values, Some(&request)),
            holds(base, &policy_values, Some(&request))
        );
        prop_assert!(holds(&if_exists, &policy_values, None));
        prop_assert!(holds(&if_exists, &policy_values, Some(&[])), "an empty key counts as absent [I]");
    }

    #[test]
    fn an_absent_key_fails_a_positive_operator_and_satisfies_a_negated_one(
        (base, policy_values) in operator_with_values()
    ) {
        let negated = base.contains("Not");
        prop_assert_eq!(holds(base, &policy_values, None), negated);
    }

    #[test]
    fn for_all_values_holds_and_for_any_value_fails_on_an_absent_key(
        (base, policy_values) in operator_with_values(), empty in any::<bool>()
    ) {
        let request: Option<&[String]> = if empty { Some(&[]) } else { None };
        let (for_all, for_any) = (format!("ForAllValues:{base}"), format!("ForAnyValue:{base}"));
        prop_assert!(holds(&for_all, &policy_values, request), "{}", for_all);
        prop_assert!(!holds(&for_any, &policy_values, request), "{}", for_any);
    }

    #[test]
    fn null_true_holds_exactly_when_the_key_is_absent_and_null_false_when_present(
        request in prop::option::of(prop::collection::vec(glob_text(), 0..=3))
    ) {
        let absent = request.as_ref().is_none_or(Vec::is_empty);
        prop_assert_eq!(holds("Null", &one("true"), request.as_deref()), absent);
        prop_assert_eq!(holds("Null", &one("false"), request.as_deref()), !absent);
    }
}

#[test]
fn the_reference_glob_itself_follows_the_documented_rules() {
    assert!(reference_glob("a*z", "a/b:c/z"));
    assert!(reference_glob("*", ""));
    assert!(reference_glob("a?c", "aéc"));
    assert!(!reference_glob("a?c", "ac"));
    assert!(!reference_glob("abc", "ABC"));
    assert!(reference_glob("*ab*ab", "xabyabab"));
    assert!(!reference_glob("*ab*abc", "xabyabab"));
}

#[test]
fn every_base_operator_is_listed_once_with_null_last() {
    let mut sorted = BASES.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), BASES.len());
    assert_eq!(BASES[BASES.len() - 1], "Null");
}
