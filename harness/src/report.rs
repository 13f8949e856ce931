//! Human output (one line per scenario and client, a summary line) and JUnit XML.

use std::io::Write;

use crate::runner::{ScenarioResult, Verdict};

pub(crate) fn print_result(out: &mut impl Write, result: &ScenarioResult, verbose: bool) {
    let millis = result.elapsed.as_millis();
    let (label, notes): (&str, Vec<String>) = match &result.verdict {
        Verdict::Pass => ("PASS", Vec::new()),
        Verdict::Fail(problems) => ("FAIL", problems.clone()),
        Verdict::SetupError(reason) => ("ERROR", vec![format!("setup: {reason}")]),
        Verdict::Skipped(reason) => ("SKIP", vec![format!("skipped: {reason}")]),
    };
    let _ = writeln!(
        out,
        "{label:<5} {} [{}] {millis} ms",
        result.name, result.client
    );
    for note in &notes {
        let _ = writeln!(out, "      {note}");
    }
    let show_detail = verbose || !matches!(result.verdict, Verdict::Pass);
    if let Some(detail) = result.detail.as_ref().filter(|_| show_detail) {
        let mut lines = detail.lines();
        if let Some(first) = lines.next() {
            let _ = writeln!(out, "      mock-sts: {first}");
        }
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let _ = writeln!(out, "        {line}");
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) passed: usize,
    pub(crate) failed: usize,
    pub(crate) errors: usize,
    pub(crate) skipped: usize,
}

pub(crate) fn summarize(results: &[ScenarioResult]) -> Summary {
    let mut summary = Summary::default();
    for result in results {
        match result.verdict {
            Verdict::Pass => summary.passed += 1,
            Verdict::Fail(_) => summary.failed += 1,
            Verdict::SetupError(_) => summary.errors += 1,
            Verdict::Skipped(_) => summary.skipped += 1,
        }
    }
    summary
}

/// The closing line; CI readers count `N passed, N failed`.
pub(crate) fn summary_line(summary: Summary) -> String {
    let mut line = format!(
        "{} passed, {} failed, {} skipped",
        summary.passed, summary.failed, summary.skipped
    );
    if summary.errors > 0 {
        line.push_str(&format!(", {} errors", summary.errors));
    }
    line
}

pub(crate) fn junit(results: &[ScenarioResult]) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("fedlab");
    let mut suite = TestSuite::new("scenarios");
    for result in results {
        let status = match &result.verdict {
            Verdict::Pass => TestCaseStatus::success(),
            Verdict::Fail(problems) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_description(problems.join("\n"));
                status
            }
            Verdict::SetupError(reason) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                status.set_description(reason.clone());
                status
            }
            Verdict::Skipped(reason) => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(reason.clone());
                status
            }
        };
        let mut case = TestCase::new(format!("{} [{}]", result.name, result.client), status);
        case.set_classname(result.origin.clone());
        case.set_time(result.elapsed);
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    report.to_string().unwrap_or_default()
}
