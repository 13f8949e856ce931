//! The `fedlab` binary as a new user meets it: `run` with its reports and exit codes, `list`,
//! `show` and `repro`, on directories of scenario files made for each test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::path::Path;
use std::process::{Command, Output};

use quick_junit::Report;
use serde_json::Value;

fn catalogue(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../scenarios/{name}.yaml"));
    std::fs::read_to_string(path).unwrap()
}

/// A directory of scenario files, by file name and text.
fn directory(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn fedlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fedlab"))
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("RUST_LOG")
        // A target set in the environment would send every run to mocks elsewhere.
        .env_remove("FEDLAB_TARGET")
        .env_remove("FEDLAB_STS_ENDPOINT")
        .env_remove("FEDLAB_S3_ENDPOINT")
        .env_remove("FEDLAB_GITLAB_URL")
        .env_remove("FEDLAB_GITLAB_ADDRESS")
        .env_remove("FEDLAB_GITLAB_CA")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Two passing cases, one failing (its expected message changed), one skipped for builtin.
fn mixed_directory() -> tempfile::TempDir {
    let failing = catalogue("wrong-audience")
        .replace("name: wrong-audience", "name: wrong-audience-flipped")
        .replace("Incorrect token audience", "Incorrect token audience.");
    let skipped = format!(
        "{}clients:\n  builtin: {{skip: \"cannot send a malformed parameter\"}}\n",
        catalogue("branch-not-allowed")
    );
    directory(&[
        ("wrong-audience.yaml", catalogue("wrong-audience")),
        ("role-does-not-exist.yaml", catalogue("role-does-not-exist")),
        ("wrong-audience-flipped.yaml", failing),
        ("branch-not-allowed.yaml", skipped),
    ])
}

#[test]
fn run_writes_json_and_junit_reports_that_parse_back_with_the_right_counts() {
    let dir = mixed_directory();
    let reports = tempfile::tempdir().unwrap();
    let json = reports.path().join("report.json");
    let junit = reports.path().join("report.xml");

    let output = fedlab(&[
        "run",
        dir.path().to_str().unwrap(),
        "--jobs",
        "4",
        "--json",
        json.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);

    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(100), "{stdout}");
    assert!(
        stdout.ends_with("2 passed, 1 failed, 1 skipped\n"),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}'), "colour on a pipe: {stdout}");
    assert!(
        stdout.contains("expected  error 400 InvalidIdentityToken: \"Incorrect token audience.\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("mock-sts  400 InvalidIdentityToken: \"Incorrect token audience\""),
        "{stdout}"
    );

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(
        report["summary"],
        serde_json::json!({"passed": 2, "failed": 1, "skipped": 1, "errors": 0})
    );
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let failed = results.iter().find(|r| r["status"] == "failed").unwrap();
    assert_eq!(failed["name"], "wrong-audience-flipped");
    assert_eq!(failed["expected"]["message"], "Incorrect token audience.");
    assert_eq!(
        failed["actual"]["sts"]["message"],
        "Incorrect token audience"
    );
    assert_eq!(failed["actual"]["client"]["kind"], "aws_error");
    assert!(failed["detail"].as_str().is_some_and(|d| !d.is_empty()));
    let actions: Vec<&str> = failed["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert_eq!(actions, ["AssumeRoleWithWebIdentity"]);
    assert!(!failed["setup_requests"].as_array().unwrap().is_empty());
    let skipped = results.iter().find(|r| r["status"] == "skipped").unwrap();
    assert_eq!(skipped["reasons"][0], "cannot send a malformed parameter");

    let junit = Report::deserialize_from_str(&std::fs::read_to_string(&junit).unwrap()).unwrap();
    assert_eq!(
        (junit.tests, junit.failures, junit.skipped, junit.errors),
        (4, 1, 1, 0)
    );
    let suite = &junit.test_suites[0];
    assert_eq!(suite.name.as_str(), "builtin");
    let case = suite
        .test_cases
        .iter()
        .find(|c| c.name.as_str() == "wrong-audience-flipped")
        .unwrap();
    let quick_junit::TestCaseStatus::NonSuccess { description, .. } = &case.status else {
        panic!("{:?}", case.status);
    };
    assert!(
        description.as_ref().is_some_and(|d| d
            .as_str()
            .contains("expected  error 400 InvalidIdentityToken")),
        "{description:?}"
    );
}

#[test]
fn run_passes_when_everything_passes_or_is_skipped() {
    let dir = mixed_directory();
    let output = fedlab(&[
        "run",
        dir.path().to_str().unwrap(),
        "--filter",
        "role-*",
        "--filter",
        "branch-not-allowed",
    ]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("SKIP  branch-not-allowed [builtin] skipped: cannot send"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("1 passed, 0 failed, 1 skipped\n"),
        "{stdout}"
    );
}

#[test]
fn a_broken_file_is_a_setup_error_that_wins_over_a_failure_and_names_its_line() {
    let dir = mixed_directory();
    let typo = catalogue("wrong-audience")
        .replace("name: wrong-audience", "name: typo")
        .replace("  project_path:", "  project_pat:");
    std::fs::write(dir.path().join("typo.yaml"), typo).unwrap();
    let output = fedlab(&["run", dir.path().to_str().unwrap()]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(101), "{stdout}");
    let line = catalogue("wrong-audience")
        .lines()
        .position(|l| l.starts_with("  project_path:"))
        .unwrap()
        + 1;
    assert!(
        stdout.contains(&format!(
            "typo.yaml:{line}:3: token: unknown field `project_pat`"
        )),
        "{stdout}"
    );
}

#[test]
fn an_empty_directory_or_an_empty_selection_is_a_setup_error() {
    let empty = tempfile::tempdir().unwrap();
    let output = fedlab(&["run", empty.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(101));
    assert!(
        text(&output.stderr).contains("no scenario files"),
        "{}",
        text(&output.stderr)
    );

    let output = fedlab(&["run", "--filter", "no-such-scenario-anywhere"]);
    assert_eq!(output.status.code(), Some(101));
    assert!(
        text(&output.stderr).contains("selects none of the"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn endpoint_options_need_a_remote_target_and_a_remote_target_its_options() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["--sts-endpoint", "http://127.0.0.1:9"],
            "endpoint options need --target compose or --target remote",
        ),
        (&["--target", "compose"], "--gitlab-ca is required"),
        (
            &["--target", "remote", "--gitlab-ca", "ca.pem"],
            "--target remote needs --sts-endpoint, --s3-endpoint, --gitlab-url, --gitlab-address",
        ),
    ];
    for (options, says) in cases {
        let output = fedlab(&[&["run"], options, &["wrong-audience"]].concat());
        assert_eq!(output.status.code(), Some(101), "{options:?}");
        assert!(
            text(&output.stderr).contains(says),
            "{options:?}: {}",
            text(&output.stderr)
        );
    }
}

#[test]
fn two_scenarios_with_one_name_are_a_setup_error() {
    let dir = directory(&[
        ("a.yaml", catalogue("wrong-audience")),
        ("b.yaml", catalogue("wrong-audience")),
    ]);
    let output = fedlab(&["list", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(101));
    assert!(
        text(&output.stderr).contains("two scenarios are named \"wrong-audience\""),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn list_reports_every_broken_file_and_each_expected_outcome() {
    let dir = directory(&[
        ("good.yaml", catalogue("wrong-audience")),
        (
            "bad-name.yaml",
            catalogue("branch-not-allowed").replace("name: branch-not-allowed", "name: Bad_Name"),
        ),
        (
            "bad-field.yaml",
            catalogue("role-does-not-exist").replace("expect:", "expected:"),
        ),
    ]);
    let output = fedlab(&["list", dir.path().to_str().unwrap()]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(101), "{stdout}{stderr}");
    assert!(
        stderr.contains("bad-name.yaml:1: name \"Bad_Name\" is not kebab-case"),
        "{stderr}"
    );
    assert!(stderr.contains("bad-field.yaml:"), "{stderr}");
    assert!(
        stderr.contains("2 of 3 scenario file(s) do not load"),
        "{stderr}"
    );
    assert!(
        stdout.contains("wrong-audience")
            && stdout.contains("error 400 InvalidIdentityToken: \"Incorrect token audience\""),
        "{stdout}"
    );
}

#[test]
fn partitions_of_the_catalogue_are_disjoint_and_cover_it() {
    let names = |args: &[&str]| -> Vec<String> {
        let output = fedlab(args);
        assert_eq!(output.status.code(), Some(0));
        text(&output.stdout)
            .lines()
            .filter(|l| !l.starts_with(' '))
            .map(|l| l.split_whitespace().next().unwrap().to_owned())
            .collect()
    };
    let all = names(&["list"]);
    let mut shards = names(&["list", "--partition", "1/3"]);
    shards.extend(names(&["list", "--partition", "2/3"]));
    shards.extend(names(&["list", "--partition", "3/3"]));
    shards.sort();
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(shards, sorted);
    assert_eq!(
        fedlab(&["list", "--partition", "4/3"]).status.code(),
        Some(2)
    );
}

#[test]
fn show_prints_an_embedded_scenario_as_written() {
    let output = fedlab(&["show", "wrong-audience"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout),
        format!(
            "# embedded:wrong-audience.yaml\n{}",
            catalogue("wrong-audience")
        )
    );
    assert_eq!(fedlab(&["show", "no-such-case"]).status.code(), Some(101));
}

#[test]
fn repro_finds_replays_and_explains_the_missing_aud_case() {
    let output = fedlab(&["repro", "Missing a required claim: aud"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("1 documented case(s) give this, matched by the message, byte for byte"),
        "{stdout}"
    );
    assert!(
        stdout.contains("legacy-ci-job-jwt-missing-aud  (embedded:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("reproduced: the servers gave exactly the documented answer"),
        "{stdout}"
    );
    assert!(stdout.contains("  fix "), "{stdout}");
    assert!(!stdout.contains("not written down yet"), "{stdout}");
}

#[test]
fn repro_takes_the_cli_wrapper_apart_and_keeps_the_double_space() {
    let dir = directory(&[
        (
            "ci-key-missing-from-jwks.yaml",
            catalogue("ci-key-missing-from-jwks"),
        ),
        ("issuer-unreachable.yaml", catalogue("issuer-unreachable")),
        ("wrong-audience.yaml", catalogue("wrong-audience")),
    ]);
    let pasted = "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

    let output = fedlab(&["repro", pasted, dir.path().to_str().unwrap()]);

    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("2 documented case(s) give this, matched by the message, byte for byte"),
        "{stdout}"
    );
    assert!(stdout.contains("ci-key-missing-from-jwks  ("), "{stdout}");
    assert!(stdout.contains("issuer-unreachable  ("), "{stdout}");
    assert!(!stdout.contains("wrong-audience  ("), "{stdout}");
}

#[test]
fn repro_of_an_unknown_error_says_so_and_exits_1() {
    let output = fedlab(&["repro", "The pipeline ran out of coffee"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).contains("no documented case gives"));
}
