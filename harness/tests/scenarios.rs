//! The runner on the embedded catalogue: what is embedded, that cases run side by side and come
//! back in order, that per-client data is obeyed, and that the judge can say no. The catalogue
//! itself runs case by case in `tests/catalogue.rs`.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::path::Path;

use fedlab::runner::{Client, Runner, Verdict};
use fedlab::scenario::ScenarioSource;

/// Every `*.yaml`/`*.yml` under `dir`, relative to it with `/`, hidden directories left out.
fn scenario_files(dir: &Path, prefix: &str, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            if !name.starts_with('.') {
                scenario_files(&entry.path(), &format!("{prefix}{name}/"), found);
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            found.push(format!("{prefix}{name}"));
        }
    }
}

#[test]
fn the_binary_embeds_exactly_the_files_of_the_scenarios_directory() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut on_disk = Vec::new();
    scenario_files(&directory, "", &mut on_disk);
    on_disk.sort();
    let embedded: Vec<String> = ScenarioSource::embedded()
        .into_iter()
        .map(|s| s.origin.trim_start_matches("embedded:").to_owned())
        .collect();
    assert_eq!(embedded, on_disk);
}

#[tokio::test]
async fn cases_run_in_parallel_come_back_in_catalogue_order() {
    let sources = ScenarioSource::resolve(&[
        "wrong-audience".into(),
        "branch-not-allowed".into(),
        "role-does-not-exist".into(),
    ])
    .unwrap();
    let mut finished = 0;
    let results = Runner::new()
        .jobs(3)
        .run_all(&sources, &[Client::builtin()], |_| finished += 1)
        .await;
    assert_eq!(finished, 3);
    let names: Vec<&str> = results.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "wrong-audience",
            "branch-not-allowed",
            "role-does-not-exist"
        ]
    );
    assert!(
        results.iter().all(|r| r.verdict == Verdict::Pass),
        "{results:?}"
    );
}

#[tokio::test]
async fn a_case_the_scenario_skips_for_a_client_is_skipped_without_starting_anything() {
    let source = ScenarioSource::resolve(&["wrong-audience".into()])
        .unwrap()
        .remove(0);
    let skipping = ScenarioSource {
        origin: source.origin.clone(),
        text: format!(
            "{}clients:\n  builtin: {{skip: \"cannot send it\"}}\n",
            source.text
        ),
    };

    let result = Runner::new().run_one(&skipping, &Client::builtin()).await;

    assert_eq!(result.verdict, Verdict::Skipped("cannot send it".into()));
    assert!(result.requests.is_empty() && result.setup_requests.is_empty());
}

#[tokio::test]
async fn a_per_client_expectation_replaces_the_scenario_expectation() {
    // The builtin client is told to expect another answer, so the real answer fails it.
    let source = ScenarioSource::resolve(&["wrong-audience".into()])
        .unwrap()
        .remove(0);
    let other = ScenarioSource {
        origin: source.origin.clone(),
        text: format!(
            "{}clients:\n  builtin:\n    expect: {{result: credentials}}\n",
            source.text
        ),
    };

    let result = Runner::new().run_one(&other, &Client::builtin()).await;

    assert!(
        matches!(result.verdict, Verdict::Fail(_)),
        "{:?}",
        result.verdict
    );
    assert_eq!(
        result.expected,
        Some(fedlab::scenario::Expected::Credentials)
    );
}

#[tokio::test]
async fn a_scenario_expecting_the_wrong_answer_fails() {
    // The judge must be able to say no: flip one expectation and the run must fail.
    let source = ScenarioSource::resolve(&["wrong-audience".into()])
        .unwrap()
        .remove(0);
    let flipped = ScenarioSource {
        origin: source.origin.clone(),
        text: source
            .text
            .replace("Incorrect token audience", "Incorrect token audience."),
    };

    let result = Runner::new().run_one(&flipped, &Client::builtin()).await;

    match result.verdict {
        Verdict::Fail(problems) => assert_eq!(problems.len(), 2, "{problems:?}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_scenario_expecting_another_iam_refusal_fails() {
    let source = ScenarioSource::resolve(&["private-instance-provider-refused".into()])
        .unwrap()
        .remove(0);
    let flipped = ScenarioSource {
        origin: source.origin.clone(),
        text: source
            .text
            .replace("code: OpenIdIdpCommunicationError", "code: InvalidInput"),
    };

    let result = Runner::new().run_one(&flipped, &Client::builtin()).await;

    match result.verdict {
        Verdict::Fail(problems) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(
                problems[0].contains("expected IAM to refuse CreateOpenIDConnectProvider"),
                "{problems:?}"
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}
