//! The hook of the scenario fuzz target in `fuzz/` and of the test that replays its saved inputs
//! (`tests/fuzz_corpus.rs`). Not part of the API: it may change with any release.

use std::hint::black_box;

use crate::scenario::{KNOWN_CLIENTS, OTHERS, ScenarioSource};

/// Scenario YAML through the loader (`ScenarioSource::preview`: placeholders, YAML, the checks)
/// and, when it loads, what a run reads from it before it starts anything. Never panics; `true`
/// when the text is a valid scenario.
pub fn scenario(input: &[u8]) -> bool {
    let source = ScenarioSource {
        origin: "fuzz.yaml".to_owned(),
        text: String::from_utf8_lossy(input).into_owned(),
    };
    let Ok(scenario) = source.preview() else {
        black_box(source.display_name());
        return false;
    };
    black_box(source.display_name());
    let _ = black_box(scenario.federation());
    black_box((scenario.role_arn("123456789012"), scenario.session_name()));
    for client in KNOWN_CLIENTS.iter().chain([&OTHERS, &"cmd:aws"]) {
        black_box(scenario.plan_for(client));
    }
    for step in &scenario.s3 {
        black_box(step.call());
    }
    true
}
