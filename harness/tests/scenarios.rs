//! The embedded scenario catalogue (`scenarios/*.yaml`), run in-process against fedlab's builtin
//! client: what `fedlab run` does by default, as a test.

use std::path::Path;

use fedlab::runner::{Client, Runner, Verdict};
use fedlab::scenario::ScenarioSource;

#[test]
fn the_binary_embeds_exactly_the_files_of_the_scenarios_directory() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut on_disk: Vec<String> = std::fs::read_dir(&directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml") || name.ends_with(".yml"))
        .collect();
    on_disk.sort();
    let embedded: Vec<String> = ScenarioSource::embedded()
        .into_iter()
        .map(|s| s.origin.trim_start_matches("embedded:").to_owned())
        .collect();
    assert_eq!(embedded, on_disk);
}

#[tokio::test]
async fn every_embedded_scenario_passes_with_the_builtin_client() {
    let runner = Runner::new();
    let sources = ScenarioSource::embedded();
    let results = runner.run_all(&sources, &[Client::builtin()], |_| {}).await;
    assert_eq!(results.len(), sources.len());
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !matches!(r.verdict, Verdict::Pass))
        .map(|r| {
            format!(
                "{} [{}]: {:?}\n  detail: {:?}",
                r.name, r.client, r.verdict, r.detail
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
