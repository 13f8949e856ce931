//! What a run tells its readers: a line per scenario × client with the evidence behind a failure
//! (text), a file for tools (JSON), and a test report for GitLab (JUnit XML). All three show the
//! same trace, so what a terminal says is what a merge request says.

mod json;
mod junit;
mod redact;
mod summary;
mod text;

pub(crate) use json::json;
pub(crate) use junit::junit;
pub(crate) use summary::{summarize, summary_line};
pub(crate) use text::{Style, print_result};
