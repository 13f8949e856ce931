//! `fedlab lint` as a user runs it, on the policies in `tests/data/policies/` (published ones and
//! one synthetic policy per pitfall, sources in that directory's README): the finding ids, the
//! exit codes, and the text and JSON output as snapshots.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn policies() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/policies")
}

/// Runs `fedlab lint` in the policies directory, so the output names the file as given.
fn lint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fedlab"))
        .arg("lint")
        .args(args)
        .current_dir(policies())
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The ids of the findings `fedlab lint --json` reports for `file`, and its exit code.
fn ids(file: &str, extra: &[&str]) -> (Vec<String>, i32) {
    let mut args = vec![file, "--json"];
    args.extend_from_slice(extra);
    let output = lint(&args);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let ids = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    (ids, output.status.code().unwrap())
}

fn assert_flags(file: &str, extra: &[&str], id: &str, exit: i32) {
    let (ids, code) = ids(file, extra);
    assert!(
        ids.iter().any(|i| i == id),
        "{file}: expected {id} in {ids:?}"
    );
    assert_eq!(code, exit, "{file}: exit code with {ids:?}");
}

#[test]
fn the_tutorial_policy_with_string_equals_and_a_wildcard_is_an_error() {
    assert_flags(
        "gitlab-tutorial-string-equals-wildcard.json",
        &[],
        "wildcard-under-equals",
        1,
    );
}

#[test]
fn the_tutorial_corrected_policy_has_no_error() {
    let (ids, code) = ids("gitlab-tutorial-corrected.json", &[]);
    assert_eq!(code, 0, "{ids:?}");
    assert_eq!(ids, ["missing-aud", "sub-any-ref"]);
}

#[test]
fn a_policy_that_tests_aud_and_one_exact_sub_has_no_finding() {
    assert_eq!(ids("synthetic-passing.json", &[]), (vec![], 0));
}

#[test]
fn the_tutorial_policy_lacks_an_aud_condition() {
    assert_flags("gitlab-tutorial.json", &[], "missing-aud", 0);
}

#[test]
fn the_blog_posts_group_prefix_without_a_slash_reaches_sibling_groups() {
    assert_flags("blog-id-tokens-snippet.json", &[], "sub-sibling-prefix", 1);
}

#[test]
fn the_blog_posts_group_wildcard_admits_any_ref() {
    assert_flags("blog-id-tokens-final.json", &[], "sub-any-ref", 0);
    assert_flags("blog-terraform.json", &[], "sub-any-ref", 0);
}

#[test]
fn the_blog_posts_policy_as_published_is_malformed_json_with_iams_message() {
    let output = lint(&["blog-terraform-as-published.json"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("error[malformed-policy]"), "{text}");
    assert!(
        text.contains("MalformedPolicyDocument \"This policy contains invalid Json\""),
        "{text}"
    );
}

#[test]
fn the_gitlab_com_keys_the_gitlab_docs_show_are_not_flagged() {
    let (ids, code) = ids("gitlab-docs-gitlab-com-keys.json", &[]);
    assert!(!ids.iter().any(|i| i == "unexposed-claim"), "{ids:?}");
    assert_eq!(code, 0);
}

#[test]
fn each_synthetic_pitfall_is_flagged() {
    let cases: [(&str, &[&str], &str); 14] = [
        ("synthetic-missing-sub.json", &[], "missing-sub"),
        ("synthetic-any-project.json", &[], "sub-any-project"),
        ("synthetic-any-ref-type.json", &[], "sub-any-ref-type"),
        ("synthetic-unexposed-claim.json", &[], "unexposed-claim"),
        (
            "synthetic-like-without-wildcard.json",
            &[],
            "like-without-wildcard",
        ),
        ("synthetic-federated-saml.json", &[], "federated-not-oidc"),
        (
            "synthetic-federated-other-issuer.json",
            &["--issuer", "https://gitlab.example.com"],
            "federated-other-issuer",
        ),
        ("synthetic-unexpected-action.json", &[], "unexpected-action"),
        ("synthetic-invalid-action.json", &[], "unexpected-action"),
        (
            "synthetic-allow-not-principal.json",
            &[],
            "allow-not-principal",
        ),
        (
            "synthetic-principal-wildcard.json",
            &[],
            "principal-wildcard",
        ),
        ("synthetic-deny-only.json", &[], "no-allow"),
        ("synthetic-malformed-json.json", &[], "malformed-policy"),
        (
            "gitlab-tutorial-string-equals-wildcard.json",
            &[],
            "wildcard-under-equals",
        ),
    ];
    for (file, extra, id) in cases {
        let exit = if id == "like-without-wildcard" { 0 } else { 1 };
        assert_flags(file, extra, id, exit);
    }
}

#[test]
fn an_info_finding_alone_exits_zero() {
    assert_eq!(
        ids("synthetic-like-without-wildcard.json", &[]),
        (vec!["like-without-wildcard".to_owned()], 0)
    );
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let output = lint(&["no-such-policy.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read no-such-policy.json"));
}

#[test]
fn no_file_argument_is_a_usage_error() {
    assert_eq!(lint(&[]).status.code(), Some(2));
}

#[test]
fn every_policy_lints_to_its_text_snapshot() {
    let mut files: Vec<String> = std::fs::read_dir(policies())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    let mut all = String::new();
    for file in &files {
        let extra: &[&str] = if file == "synthetic-federated-other-issuer.json" {
            &["--issuer", "https://gitlab.example.com"]
        } else {
            &[]
        };
        let mut args = vec![file.as_str()];
        args.extend_from_slice(extra);
        let output = lint(&args);
        all.push_str(&format!(
            "$ fedlab lint {}  # exit {}\n",
            args.join(" "),
            output.status.code().unwrap()
        ));
        all.push_str(&stdout(&output));
        all.push('\n');
    }
    insta::assert_snapshot!("lint_text", all);
}

#[test]
fn the_json_report_snapshots() {
    for file in [
        "gitlab-tutorial-string-equals-wildcard.json",
        "gitlab-tutorial-corrected.json",
        "synthetic-unexposed-claim.json",
        "synthetic-allow-not-principal.json",
    ] {
        let output = lint(&[file, "--json"]);
        let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
        insta::assert_json_snapshot!(
            format!("lint_json_{}", file.trim_end_matches(".json")),
            report
        );
    }
}
