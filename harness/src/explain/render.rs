//! `fedlab explain`'s text output. (`--json` serialises the [`Explanation`] itself.)

use std::fmt::Write as _;

use super::model::{ClaimsSource, Explanation};

pub fn text(explanation: &Explanation) -> String {
    let mut out = String::new();
    let from = match explanation.claims_source {
        ClaimsSource::Token => {
            "claims decoded from the token, NOT verified (signature, expiry and issuer keys are not checked)"
        }
        ClaimsSource::ClaimsFile => "claims from the claims file (no token, nothing verified)",
        ClaimsSource::ClaimArguments => "claims from --claim (no token, nothing verified)",
    };
    let _ = writeln!(out, "fedlab explain: {from}");
    if let Some(header) = &explanation.header {
        let _ = writeln!(
            out,
            "  header:   {}",
            serde_json::Value::Object(header.clone())
        );
    }
    let _ = writeln!(out, "  issuer:   {}", explanation.issuer);
    let _ = writeln!(out, "  provider: {}", explanation.provider_arn);
    if let Some(role) = &explanation.role_arn {
        let _ = writeln!(out, "  role:     {role}");
    }
    let _ = writeln!(
        out,
        "\nrequest context (the condition keys AWS exposes for this issuer):"
    );
    let width = explanation
        .context
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(0);
    for (key, values) in &explanation.context {
        let _ = writeln!(out, "  {key:<width$}  {values}");
    }
    if !explanation.not_exposed.is_empty() {
        let _ = writeln!(
            out,
            "not condition keys (they reach the policy only through sub): {}",
            explanation.not_exposed.join(", ")
        );
    }
    let verdict = match &explanation.answer {
        None => "the trust policy allows the request".to_owned(),
        Some(answer) => {
            let message = answer
                .message
                .as_deref()
                .map(|m| format!(" {m:?}"))
                .unwrap_or_default();
            format!("AWS answers {} {}{message}", answer.status, answer.code)
        }
    };
    let _ = writeln!(out, "\ndecision: {} ({verdict})", explanation.decision);
    let _ = writeln!(out, "\ntrace:");
    for line in explanation.evaluation.to_string().lines() {
        let _ = writeln!(out, "  {line}");
    }
    if let Some(suggestion) = explanation.suggestion() {
        let fix = suggestion.fix.as_deref().unwrap_or(&suggestion.message);
        let _ = writeln!(
            out,
            "\nsuggestion: {fix}\n  (checked: with this change the same request is allowed)"
        );
    }
    if !explanation.hints.is_empty() {
        let _ = writeln!(out, "\nwhy:");
    }
    for hint in &explanation.hints {
        let mut at = format!("statement {}", hint.statement);
        if let (Some(operator), Some(key)) = (&hint.operator, &hint.key) {
            let _ = write!(at, ", {operator} {key:?}");
        }
        let _ = writeln!(out, "  [{}] {at}: {}", hint.kind, hint.message);
        if let Some(fix) = &hint.fix {
            let _ = writeln!(out, "    fix: {fix}");
        }
    }
    out
}
