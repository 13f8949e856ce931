//! `fedlab explain` as a user runs it: a policy from `tests/data/policies/` against claims given
//! as `--claim`, a claims file or a token (decoded, never verified); decisions, exit codes, hints,
//! and the text and JSON output as snapshots. The output names no clock and no temp path.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

const ISSUER: &str = "iss=https://gitlab.example.com";
const MAIN: &str = "sub=project_path:mygroup/myproject:ref_type:branch:ref:main";
const AUD: &str = "aud=sts.amazonaws.com";

fn policy(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/policies")
        .join(name)
}

fn explain(policy_file: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fedlab"))
        .arg("explain")
        .arg("--policy")
        .arg(policy(policy_file))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn with_claims(policy_file: &str, claims: &[&str], extra: &[&str]) -> Output {
    let mut args = Vec::new();
    for claim in claims {
        args.extend(["--claim", claim]);
    }
    args.extend_from_slice(extra);
    explain(policy_file, &args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json_of(output: &Output) -> Value {
    serde_json::from_str(&stdout(output)).unwrap()
}

/// An unsigned token with GitLab's claim set for `mygroup/myproject` on `main`.
fn gitlab_token() -> String {
    let header = json!({"alg": "RS256", "kid": "fedlab-test-key", "typ": "JWT"});
    let claims = json!({
        "namespace_id": "1", "namespace_path": "mygroup", "project_id": "2",
        "project_path": "mygroup/myproject", "ref": "main", "ref_type": "branch",
        "ref_protected": "true", "jti": "00000000-0000-0000-0000-000000000000",
        "iss": "https://gitlab.example.com", "iat": 1_700_000_000, "nbf": 1_699_999_995,
        "exp": 1_700_000_300, "sub": "project_path:mygroup/myproject:ref_type:branch:ref:main",
        "aud": "sts.amazonaws.com"
    });
    let part = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    format!("{}.{}.c2lnbmF0dXJl", part(&header), part(&claims))
}

fn token_file() -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), format!("{}\n", gitlab_token())).unwrap();
    file
}

#[test]
fn the_tutorials_wildcard_under_string_equals_is_denied_with_a_string_like_suggestion() {
    let output = with_claims(
        "gitlab-tutorial-string-equals-wildcard.json",
        &[ISSUER, AUD, MAIN],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("StringEquals \"gitlab.example.com:sub\" => false"),
        "{text}"
    );
    assert!(text.contains("suggestion: write \"StringLike\""), "{text}");
    insta::assert_snapshot!("explain_tutorial_string_equals_text", text);
}

#[test]
fn the_tutorials_wildcard_denial_as_json() {
    let output = with_claims(
        "gitlab-tutorial-string-equals-wildcard.json",
        &[ISSUER, AUD, MAIN],
        &["--json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let explanation = json_of(&output);
    assert_eq!(explanation["hints"][0]["kind"], "use-string-like");
    assert_eq!(explanation["hints"][0]["verified"], true);
    insta::assert_json_snapshot!("explain_tutorial_string_equals_json", explanation);
}

#[test]
fn the_corrected_tutorial_policy_allows_a_job_on_main() {
    let output = with_claims("gitlab-tutorial-corrected.json", &[ISSUER, AUD, MAIN], &[]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("explain_tutorial_corrected_text", stdout(&output));
}

#[test]
fn a_token_is_decoded_and_said_not_to_be_verified() {
    let token = token_file();
    let output = explain(
        "synthetic-passing.json",
        &["--token", token.path().to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("NOT verified"), "{text}");
    insta::assert_snapshot!("explain_token_text", text);
}

#[test]
fn a_token_in_json_says_verified_false_and_lists_the_claims_aws_drops() {
    let token = token_file();
    let output = explain(
        "synthetic-unexposed-claim.json",
        &["--token", token.path().to_str().unwrap(), "--json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let explanation = json_of(&output);
    assert_eq!(explanation["verified"], false);
    assert_eq!(explanation["header"]["kid"], "fedlab-test-key");
    let dropped = explanation["not_exposed"].as_array().unwrap();
    assert!(dropped.contains(&json!("project_path")) && dropped.contains(&json!("ref")));
    let kinds: Vec<&str> = explanation["hints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["unexposed-claim", "unexposed-claim"]);
    insta::assert_json_snapshot!("explain_unexposed_claim_json", explanation);
}

#[test]
fn a_wrong_audience_names_both_values() {
    let output = with_claims(
        "synthetic-passing.json",
        &[ISSUER, "aud=https://gitlab.example.com", MAIN],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("the token's aud is \"https://gitlab.example.com\"; the condition (StringEquals) expects [\"sts.amazonaws.com\"]"),
        "{text}"
    );
}

#[test]
fn another_branch_names_the_token_sub() {
    let output = with_claims(
        "synthetic-passing.json",
        &[
            ISSUER,
            AUD,
            "sub=project_path:mygroup/myproject:ref_type:branch:ref:feature",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("[sub-mismatch]"));
}

#[test]
fn a_provider_of_another_issuer_suggests_the_issuers_provider() {
    let output = with_claims(
        "synthetic-federated-other-issuer.json",
        &[ISSUER, AUD, MAIN],
        &["--json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let explanation = json_of(&output);
    let hint = &explanation["hints"][0];
    assert_eq!(hint["kind"], "principal-mismatch");
    // Its conditions name gitlab.example.com's keys, so trusting that provider lets the job in.
    assert_eq!(hint["verified"], true);
    assert_eq!(
        hint["fix"],
        "\"Principal\": {\"Federated\": \"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com\"}"
    );
}

#[test]
fn the_role_arn_sets_the_providers_account() {
    let output = with_claims(
        "synthetic-passing.json",
        &[ISSUER, AUD, MAIN],
        &[
            "--role-arn",
            "arn:aws:iam::210987654321:role/deploy",
            "--json",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let explanation = json_of(&output);
    assert_eq!(
        explanation["provider_arn"],
        "arn:aws:iam::210987654321:oidc-provider/gitlab.example.com"
    );
    assert_eq!(explanation["hints"][0]["kind"], "principal-mismatch");
}

#[test]
fn an_issuer_given_as_a_host_replaces_the_iss_claim() {
    let output = with_claims(
        "synthetic-passing.json",
        &[AUD, MAIN],
        &["--issuer", "gitlab.example.com"],
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_claims_file_is_read_as_one_json_object() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        json!({"iss": "https://gitlab.example.com", "aud": ["other", "sts.amazonaws.com"],
               "sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"})
        .to_string(),
    )
    .unwrap();
    let output = explain(
        "synthetic-passing.json",
        &["--claims", file.path().to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn input_errors_exit_two() {
    let no_claims = explain("synthetic-passing.json", &[]);
    assert_eq!(no_claims.status.code(), Some(2));
    let no_issuer = with_claims("synthetic-passing.json", &[AUD, MAIN], &[]);
    assert_eq!(no_issuer.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_issuer.stderr).contains("no issuer"));
    let not_a_token = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(not_a_token.path(), "abc").unwrap();
    let bad_token = explain(
        "synthetic-passing.json",
        &["--token", not_a_token.path().to_str().unwrap()],
    );
    assert_eq!(bad_token.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_token.stderr).contains("not a JWT"));
}

#[test]
fn a_policy_iam_refuses_is_an_input_error_with_iams_message() {
    let output = with_claims("synthetic-malformed-json.json", &[ISSUER, AUD, MAIN], &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("MalformedPolicyDocument \"This policy contains invalid Json\""),
        "{stderr}"
    );
}

#[test]
fn the_request_time_comes_from_now_and_is_shown_only_when_the_policy_tests_it() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let text = std::fs::read_to_string(policy("synthetic-passing.json"))
        .unwrap()
        .replace(
            "\"StringEquals\": {",
            "\"DateLessThan\": {\"aws:CurrentTime\": \"2024-06-01T00:00:00Z\"},\n        \"StringEquals\": {",
        );
    std::fs::write(file.path(), text).unwrap();
    let run = |now: &str| {
        Command::new(env!("CARGO_BIN_EXE_fedlab"))
            .args(["explain", "--policy", file.path().to_str().unwrap()])
            .args([
                "--claim", ISSUER, "--claim", AUD, "--claim", MAIN, "--now", now, "--json",
            ])
            .output()
            .unwrap()
    };
    let before = run("2024-05-31T23:59:59Z");
    assert_eq!(before.status.code(), Some(0));
    assert_eq!(
        json_of(&before)["context"]["aws:CurrentTime"][0],
        "2024-05-31T23:59:59Z"
    );
    assert_eq!(
        run("1717200000").status.code(),
        Some(1),
        "2024-06-01T00:00:00Z is not before the cutoff"
    );
    let plain = with_claims("synthetic-passing.json", &[ISSUER, AUD, MAIN], &["--json"]);
    assert!(json_of(&plain)["context"].get("aws:CurrentTime").is_none());
}

#[test]
fn without_a_role_arn_the_policys_own_provider_for_the_issuer_is_taken() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(
        &mut file,
        br#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"gitlab.example.com:aud": "sts.amazonaws.com"}}}]}"#,
    )
    .unwrap();
    let path = file.path().to_str().unwrap().to_owned();
    let output = with_claims(&path, &[ISSUER, AUD, MAIN], &["--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        json_of(&output)["provider_arn"],
        "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"
    );
}
