//! `fedlab lint`'s text output: one block per finding, then a count. (`--json` serialises the
//! [`Report`] itself.)

use std::fmt::Write as _;

use super::model::Report;

/// The report as text, `file` naming the policy in each finding's first line.
pub fn text(report: &Report, file: &str) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let pointer = &finding.pointer;
        let path = if pointer.path.is_empty() {
            "/"
        } else {
            &pointer.path
        };
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            finding.severity.as_str(),
            finding.id,
            finding.message
        );
        let mut at = format!("{file}:{path}");
        if let Some(sid) = &pointer.sid {
            let _ = write!(at, " (Sid {sid:?})");
        }
        let _ = writeln!(out, "  at:  {at}");
        let _ = writeln!(out, "  fix: {}", finding.fix);
        if let Some(check) = finding.access_analyzer {
            let _ = writeln!(out, "  access analyzer: {check}");
        }
    }
    let issuer = match &report.issuer_host {
        Some(host) => format!("issuer {host}"),
        None => "issuer unknown (pass --issuer)".to_owned(),
    };
    let _ = writeln!(
        out,
        "{file}: {} error(s), {} warning(s), {} info ({issuer})",
        report.errors, report.warnings, report.infos
    );
    out
}
