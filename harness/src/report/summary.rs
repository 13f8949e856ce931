//! Counting a run's verdicts, and the closing line CI log readers count.

use crate::runner::{ScenarioResult, Verdict};

/// Counts of a run's verdicts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Summary {
    pub(crate) passed: usize,
    pub(crate) failed: usize,
    pub(crate) skipped: usize,
    pub(crate) errors: usize,
}

pub(crate) fn summarize(results: &[ScenarioResult]) -> Summary {
    let mut summary = Summary::default();
    for result in results {
        match result.verdict {
            Verdict::Pass => summary.passed += 1,
            Verdict::Fail(_) => summary.failed += 1,
            Verdict::Skipped(_) => summary.skipped += 1,
            Verdict::SetupError(_) => summary.errors += 1,
        }
    }
    summary
}

/// The closing line, `N passed, N failed, N skipped`, as CI log readers count it; a setup error
/// is no pass, so it counts as failed here (the line before it says how many there were).
pub(crate) fn summary_line(summary: Summary) -> String {
    format!(
        "{} passed, {} failed, {} skipped",
        summary.passed,
        summary.failed + summary.errors,
        summary.skipped
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_errors_count_as_failed_on_the_closing_line() {
        let summary = Summary {
            passed: 3,
            failed: 1,
            skipped: 2,
            errors: 1,
        };
        assert_eq!(summary_line(summary), "3 passed, 2 failed, 2 skipped");
    }
}
