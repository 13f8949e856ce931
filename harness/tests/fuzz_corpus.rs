//! The scenario fuzz target's saved inputs (`tests/fuzz_corpus/scenario/`: the minimised corpus of
//! the timed run, the seeds, and every input that once crashed, named after what it found)
//! replayed through `fedlab::fuzz_api::scenario`, the function the target in `fuzz/` runs. A panic
//! on any of them fails the test with the file's name; some must still load as scenarios.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

#[test]
fn every_saved_scenario_fuzz_input_loads_or_is_refused_without_a_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus/scenario");
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
    let mut loaded = 0;
    let mut panicked = Vec::new();
    for file in &files {
        let input = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        match catch_unwind(AssertUnwindSafe(|| fedlab::fuzz_api::scenario(&input))) {
            Ok(true) => loaded += 1,
            Ok(false) => {}
            Err(_) => panicked.push(file.display().to_string()),
        }
    }
    assert!(
        panicked.is_empty(),
        "{} of {} saved inputs panicked: {panicked:#?}",
        panicked.len(),
        files.len()
    );
    assert!(loaded > 0, "no saved input loads as a scenario");
}
