//! The report as text: per role the calls used and denied, each grant with what of it was used,
//! and the proposed policy.

use std::fmt::Write as _;

use mock_sts::policy;

use super::grants::Grant;
use super::model::PermissionsReport;
use super::observed::Use;

pub fn text(report: &PermissionsReport) -> String {
    let mut out = String::new();
    if report.roles.is_empty() {
        out.push_str("no role session made an authorised call\n");
        return out;
    }
    for (index, role) in report.roles.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "role {}", role.role_arn);
        uses(&mut out, "used", &role.used);
        uses(&mut out, "denied", &role.denied);
        out.push_str("  grants:\n");
        if role.grants.is_empty() {
            out.push_str("    none\n");
        }
        for grant in &role.grants {
            grant_lines(&mut out, grant);
        }
        for note in &role.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        match &role.proposed_policy {
            Some(proposed) => {
                out.push_str("  narrowest policy:\n");
                let pretty = serde_json::to_string_pretty(proposed).unwrap_or_default();
                for line in pretty.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
            None => out.push_str("  narrowest policy: none (no call was allowed)\n"),
        }
    }
    out
}

fn uses(out: &mut String, label: &str, uses: &[Use]) {
    if uses.is_empty() {
        let _ = writeln!(out, "  {label}: none");
        return;
    }
    let _ = writeln!(out, "  {label}:");
    let width = uses.iter().map(|u| u.action.len()).max().unwrap_or(0);
    for one in uses {
        let times = match one.count {
            1 => String::new(),
            n => format!(" ({n} times)"),
        };
        let _ = writeln!(out, "    {:<width$}  {}{times}", one.action, one.resource);
    }
}

fn grant_lines(out: &mut String, grant: &Grant) {
    let sid = grant
        .sid
        .as_deref()
        .map(|sid| format!(" ({sid})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "    {} statement {}{sid}: {} {} on {}{}",
        grant.policy,
        grant.statement,
        grant.effect,
        grant.actions.join(", "),
        grant.resources.join(", "),
        match (grant.never_used(), grant.effect.as_str()) {
            (false, _) => "",
            (true, "Deny") => ": never applied",
            (true, _) => ": never used",
        },
    );
    if grant.never_used() {
        return;
    }
    for pattern in &grant.actions {
        if pattern.starts_with("not ") {
            let _ = writeln!(
                out,
                "      {pattern}; used: {}",
                grant.used_actions.join(", ")
            );
            continue;
        }
        let matched: Vec<&str> = grant
            .used_actions
            .iter()
            .filter(|action| policy::action_like(pattern, action))
            .map(String::as_str)
            .collect();
        let line = if grant.effect == "Deny" {
            match matched.as_slice() {
                [] => format!("{pattern} denied nothing"),
                _ => format!("{pattern} denied: {}", matched.join(", ")),
            }
        } else if matched.is_empty() {
            format!("{pattern} granted; never used")
        } else if matched.len() == 1 && matched[0].eq_ignore_ascii_case(pattern) {
            format!("{pattern} used")
        } else {
            format!("{pattern} granted; used: {}", matched.join(", "))
        };
        let _ = writeln!(out, "      {line}");
    }
}
