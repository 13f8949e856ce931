//! The fuzz targets' saved inputs (`tests/fuzz_corpus/<target>/`: the minimised corpus of the
//! timed runs, the seeds, and every input that once crashed, named after what it found) replayed
//! through the same `mock_sts::fuzz_api` function the target in `fuzz/` runs. A panic on any of
//! them fails the test with the file's name. Each target's corpus must also still reach past its
//! parser (a token that passes every check, a policy that parses), or the saved inputs would only
//! exercise the first refusal.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

/// Runs `hook` on every file of the target's corpus; returns how many it accepted.
fn replay(target: &str, hook: fn(&[u8]) -> bool) -> usize {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no saved inputs in {}", dir.display());
    let mut accepted = 0;
    let mut panicked = Vec::new();
    for file in &files {
        let input = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        match catch_unwind(AssertUnwindSafe(|| hook(&input))) {
            Ok(true) => accepted += 1,
            Ok(false) => {}
            Err(_) => panicked.push(file.display().to_string()),
        }
    }
    assert!(
        panicked.is_empty(),
        "{target}: {} of {} saved inputs panicked: {panicked:#?}",
        panicked.len(),
        files.len()
    );
    accepted
}

#[test]
fn every_saved_jwt_fuzz_input_is_refused_or_accepted_without_a_panic() {
    let accepted = replay("jwt", mock_sts::fuzz_api::jwt);
    assert!(accepted > 0, "no saved token passes every check");
}

#[test]
fn every_saved_trust_policy_fuzz_input_is_refused_or_evaluated_without_a_panic() {
    let parsed = replay("trust_policy", mock_sts::fuzz_api::trust_policy);
    assert!(parsed > 0, "no saved trust policy parses");
}

#[test]
fn every_saved_query_fuzz_input_is_refused_or_accepted_without_a_panic() {
    let accepted = replay("query", mock_sts::fuzz_api::query);
    assert!(
        accepted > 0,
        "no saved form body passes the parameter checks"
    );
}

#[test]
fn every_saved_sigv4_auth_fuzz_input_is_refused_or_verified_without_a_panic() {
    let parsed = replay("sigv4_auth", mock_sts::fuzz_api::sigv4_auth);
    assert!(
        parsed > 0,
        "no saved request carries auth values that parse"
    );
}

#[test]
fn every_saved_s3_request_fuzz_input_is_answered_without_a_panic() {
    let succeeded = replay("s3_request", mock_sts::fuzz_api::s3_request);
    assert!(succeeded > 0, "no saved request sequence gets a 2xx");
}
