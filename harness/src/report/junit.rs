//! `--junit FILE`: one test suite per client and one test case per scenario in it, so GitLab's
//! test report lists every scenario × client; a failure carries the trace the terminal shows.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::text::trace;
use crate::runner::{ScenarioResult, Verdict};

pub(crate) fn junit(results: &[ScenarioResult]) -> String {
    let mut report = Report::new("fedlab");
    let mut clients: Vec<&str> = Vec::new();
    for result in results {
        if !clients.contains(&result.client.as_str()) {
            clients.push(&result.client);
        }
    }
    for client in clients {
        let mut suite = TestSuite::new(client);
        for result in results.iter().filter(|r| r.client == client) {
            suite.add_test_case(case(result));
        }
        report.add_test_suite(suite);
    }
    report.to_string().unwrap_or_default()
}

fn case(result: &ScenarioResult) -> TestCase {
    let status = match &result.verdict {
        Verdict::Pass => TestCaseStatus::success(),
        Verdict::Fail(problems) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(problems.first().cloned().unwrap_or_default());
            status.set_description(trace(result, false).join("\n"));
            status
        }
        Verdict::Skipped(reason) => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(reason.clone());
            status
        }
        Verdict::SetupError(reason) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(reason.clone());
            status.set_description(trace(result, false).join("\n"));
            status
        }
    };
    let mut case = TestCase::new(result.name.clone(), status);
    case.set_classname(format!("fedlab.{}", result.client));
    case.set_time(result.elapsed);
    // GitLab shows a case's `file`; the scenario file is where a reader goes next.
    let file = match result.origin.strip_prefix("embedded:") {
        Some(file) => format!("scenarios/{file}"),
        None => result.origin.clone(),
    };
    case.extra.insert("file".into(), file.into());
    case
}
