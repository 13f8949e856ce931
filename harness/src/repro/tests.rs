use super::*;

fn names(found: &[Found]) -> Vec<String> {
    let mut names: Vec<String> = found.iter().map(|f| f.scenario.name.clone()).collect();
    names.sort();
    names
}

fn catalogue(pasted: &str) -> Vec<Found> {
    find(&ScenarioSource::embedded(), &parse_pasted(pasted))
}

const KEY_MESSAGE: &str = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

#[test]
fn the_missing_aud_message_finds_the_legacy_token_case() {
    let found = catalogue("Missing a required claim: aud");
    assert_eq!(names(&found), ["legacy-ci-job-jwt-missing-aud"]);
    assert_eq!(found[0].kind, MatchKind::Exact);
}

#[test]
fn the_key_message_pasted_with_the_cli_wrapper_finds_the_key_cases_byte_for_byte() {
    let pasted = format!(
        "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: {KEY_MESSAGE}\n"
    );
    let found = catalogue(&pasted);
    let names = names(&found);
    for expected in [
        "ci-key-missing-from-jwks",
        "issuer-unreachable",
        "issuer-slow-6000ms-fails",
        "jwks-unreachable",
    ] {
        assert!(
            names.contains(&expected.to_owned()),
            "{expected} not in {names:?}"
        );
    }
    assert!(!names.contains(&"wrong-audience".to_owned()), "{names:?}");
    assert!(found.iter().all(|f| f.kind == MatchKind::Exact));
}

#[test]
fn a_squeezed_double_space_still_finds_the_case_and_says_so() {
    let squeezed = KEY_MESSAGE.replace(",  please", ", please");
    let found = catalogue(&squeezed);
    assert!(!found.is_empty());
    assert!(found.iter().all(|f| f.kind == MatchKind::Whitespace));
}

#[test]
fn a_message_naming_the_issuer_matches_any_issuer() {
    let found =
        catalogue("No OpenIDConnect provider found in your account for https://gitlab.example.com");
    assert!(
        names(&found).contains(&"private-instance-provider-refused".to_owned()),
        "{:?}",
        names(&found)
    );
    assert_eq!(found[0].kind, MatchKind::Exact);
}

#[test]
fn a_bare_code_matches_by_code_only() {
    let found = catalogue("AccessDenied");
    assert!(names(&found).contains(&"string-equals-with-wildcard-denied".to_owned()));
    assert!(found.iter().all(|f| f.kind == MatchKind::Code));
}

#[test]
fn a_whole_log_line_and_a_fragment_match_as_partial() {
    let line = "2024-05-01T10:00:00Z ERROR Incorrect token audience (request 123)";
    assert!(names(&catalogue(line)).contains(&"wrong-audience".to_owned()));
    let fragment = catalogue("Incorrect token aud");
    assert!(names(&fragment).contains(&"wrong-audience".to_owned()));
    assert!(fragment.iter().all(|f| f.kind == MatchKind::Partial));
}

#[test]
fn an_unknown_error_finds_nothing() {
    assert!(catalogue("Something else entirely went wrong here").is_empty());
}

#[test]
fn the_wrapper_is_taken_apart() {
    let pasted = parse_pasted(
        "  An error occurred (MalformedInput) when calling the AssumeRoleWithWebIdentity operation: Unknown\n",
    );
    assert_eq!(pasted.code.as_deref(), Some("MalformedInput"));
    assert_eq!(pasted.message, "Unknown");
}

#[test]
fn templates_match_run_time_values_without_whitespace() {
    let template = format!("found for https://{WILDCARD}");
    assert!(matches_template(
        &template,
        "found for https://localhost:8443"
    ));
    assert!(!matches_template(&template, "found for https://"));
    assert!(!matches_template(&template, "found for https://a b"));
}
