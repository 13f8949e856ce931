//! The building blocks: wildcards, scalars and the request context.

use super::*;
use crate::policy::scalar::{self, Cidr, Decimal};
use crate::policy::wildcard::{self, Token};

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
