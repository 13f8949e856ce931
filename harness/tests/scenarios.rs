//! The embedded scenario catalogue (`scenarios/*.yaml`), run in-process against fedlab's builtin
//! client: what `fedlab run` does by default, as a test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use fedlab::clients::Client;
use fedlab::environment::Lab;
use fedlab::runner::{self, Verdict};
use fedlab::scenario::ScenarioSource;

#[tokio::test]
async fn every_embedded_scenario_passes_with_the_builtin_client() {
    let lab = Lab::start().await.expect("lab starts");
    let client = Client::Builtin {
        http: lab.sts_http.clone(),
    };
    let sources = ScenarioSource::embedded();
    assert!(
        sources.len() >= 6,
        "the catalogue lost scenarios: {}",
        sources.len()
    );
    let results = runner::run_all(&lab, &sources, &[client], |_| {}).await;
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
    let lab = Lab::start().await.expect("lab starts");
    let client = Client::Builtin {
        http: lab.sts_http.clone(),
    };
    let source = ScenarioSource::embedded()
        .into_iter()
        .find(|s| s.origin.ends_with("wrong-audience.yaml"))
        .expect("wrong-audience scenario");
    let flipped = ScenarioSource {
        origin: source.origin.clone(),
        text: source
            .text
            .replace("Incorrect token audience", "Incorrect token audience."),
    };
    let result = runner::run_one(&lab, &flipped, &client).await;
    match result.verdict {
        Verdict::Fail(problems) => assert_eq!(problems.len(), 2, "{problems:?}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}
