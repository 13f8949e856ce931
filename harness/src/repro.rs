//! `fedlab repro`: from an error as pasted from a job log to the documented cases that produce
//! it. The message AWS sends, byte for byte, is matched first; then the same message with
//! whitespace differences forgiven (a terminal or a chat may squeeze AWS's double spaces); then
//! a log line containing the message, or a fragment of it; and only then the bare code.

use crate::scenario::{Expected, Placeholders, Scenario, ScenarioSource};

/// Stands for a run-time value (`{{issuer}}`, `{{account}}`, …) in an expected message: any
/// non-empty text without whitespace matches it.
const WILDCARD: char = '\u{E000}';

/// How a case's answer matched the pasted text, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum MatchKind {
    /// The message, byte for byte.
    Exact,
    /// The message, once runs of whitespace count as one space.
    Whitespace,
    /// The pasted text contains the message, or is a fragment of it.
    Partial,
    /// Only the error code.
    Code,
}

impl MatchKind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::Exact => "the message, byte for byte",
            Self::Whitespace => "the message, but not its whitespace: AWS's own spacing is below",
            Self::Partial => "part of the message",
            Self::Code => "the error code only",
        }
    }
}

/// What was pasted, with botocore's `An error occurred (CODE) when calling the OP operation: `
/// wrapper taken apart when it is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pasted {
    /// Everything pasted, trimmed.
    pub(crate) text: String,
    /// The code, from the wrapper, or the whole text when it is a single word.
    pub(crate) code: Option<String>,
    /// The message: after the wrapper (to the end of its line), or the whole text.
    pub(crate) message: String,
}

pub(crate) fn parse_pasted(text: &str) -> Pasted {
    let trimmed = text.trim();
    const WRAPPER: &str = "An error occurred (";
    if let Some(start) = trimmed.find(WRAPPER) {
        let rest = &trimmed[start + WRAPPER.len()..];
        if let Some(close) = rest.find(')') {
            let code = rest[..close].to_owned();
            let message = rest
                .find(" operation: ")
                .map(|at| &rest[at + " operation: ".len()..])
                .and_then(|message| message.lines().next())
                .unwrap_or_default()
                .trim_end_matches(['\r', '\n'])
                .to_owned();
            return Pasted {
                text: trimmed.to_owned(),
                code: Some(code),
                message,
            };
        }
    }
    let single_word = !trimmed.is_empty() && !trimmed.contains(char::is_whitespace);
    Pasted {
        text: trimmed.to_owned(),
        code: single_word.then(|| trimmed.to_owned()),
        message: trimmed.to_owned(),
    }
}

/// One documented case that gives the pasted answer.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) source: ScenarioSource,
    pub(crate) scenario: Scenario,
    pub(crate) kind: MatchKind,
    /// The answer that matched, as the scenario writes it.
    pub(crate) answer: Expected,
    /// Where it comes from: `None` for the scenario's `expect`, else the client it is for or
    /// `IAM` for a refused provider registration.
    pub(crate) via: Option<String>,
}

/// The cases whose answers match `pasted` best; empty when none does at all.
pub(crate) fn find(sources: &[ScenarioSource], pasted: &Pasted) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    for source in sources {
        let (Ok(template), Ok(scenario)) = (source.render(&wildcards()), source.preview()) else {
            continue;
        };
        let best = answers(&template)
            .into_iter()
            .filter_map(|(answer, via)| match_kind(&answer, pasted).map(|kind| (kind, answer, via)))
            .min_by_key(|(kind, _, _)| *kind);
        if let Some((kind, answer, via)) = best {
            found.push(Found {
                source: source.clone(),
                scenario,
                kind,
                answer: with_wildcards_shown(answer),
                via,
            });
        }
    }
    let best = found.iter().map(|f| f.kind).min();
    found.retain(|f| Some(f.kind) == best);
    found
}

fn wildcards() -> Placeholders {
    let any = WILDCARD.to_string();
    Placeholders {
        issuer: format!("https://{any}"),
        account: any.clone(),
        thumbprint: any.clone(),
        unreachable_issuer: format!("https://{any}"),
    }
}

/// Every answer a scenario documents, and where it comes from.
fn answers(scenario: &Scenario) -> Vec<(Expected, Option<String>)> {
    let mut all = vec![(scenario.expect.clone(), None)];
    for (client, case) in &scenario.clients {
        if let Some(expect) = &case.expect {
            all.push((expect.clone(), Some(client.clone())));
        }
    }
    for provider in &scenario.aws.providers {
        if let Some(refusal) = &provider.expect_error {
            let answer = Expected::Error {
                code: refusal.code.clone(),
                message: refusal.message.clone(),
                status: refusal.status,
            };
            all.push((answer, Some("IAM".to_owned())));
        }
    }
    all
}

fn match_kind(answer: &Expected, pasted: &Pasted) -> Option<MatchKind> {
    let Expected::Error { code, message, .. } = answer else {
        return None;
    };
    // A code given alongside the message must agree with the case's.
    let code_agrees = pasted.code.as_deref().is_none_or(|pasted| pasted == code);
    if let Some(message) = message.as_deref().filter(|_| code_agrees) {
        if matches_template(message, &pasted.message) {
            return Some(MatchKind::Exact);
        }
        let (template, text) = (squeeze(message), squeeze(&pasted.message));
        if matches_template(&template, &text) {
            return Some(MatchKind::Whitespace);
        }
        let fragment = text.chars().count() >= 12 && is_fragment_of(&text, &template);
        if fragment || contains_match(&squeeze(&pasted.text), &template) {
            return Some(MatchKind::Partial);
        }
    }
    (pasted.code.as_deref() == Some(code.as_str())).then_some(MatchKind::Code)
}

/// Runs of whitespace as one space, and none at either end.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `text` is `template`, each wildcard standing for a non-empty run of non-whitespace.
fn matches_template(template: &str, text: &str) -> bool {
    matches_from(template, text, true)
}

/// Whether `template` matches all of `text` (`whole`) or some beginning of it.
fn matches_from(template: &str, text: &str, whole: bool) -> bool {
    match template.split_once(WILDCARD) {
        None if whole => template == text,
        None => text.starts_with(template),
        Some((literal, rest)) => {
            let Some(after) = text.strip_prefix(literal) else {
                return false;
            };
            let run = after
                .char_indices()
                .find(|(_, c)| c.is_whitespace())
                .map_or(after.len(), |(i, _)| i);
            // Every length of the wildcard's run, longest first.
            after[..run]
                .char_indices()
                .map(|(i, c)| i + c.len_utf8())
                .rev()
                .any(|end| matches_from(rest, &after[end..], whole))
        }
    }
}

/// Whether `template` matches some part of `text` (a whole log line pasted around the message).
fn contains_match(text: &str, template: &str) -> bool {
    text.char_indices()
        .map(|(i, _)| i)
        .any(|start| matches_from(template, &text[start..], false))
}

/// Whether `fragment` is part of the template's literal text.
fn is_fragment_of(fragment: &str, template: &str) -> bool {
    template
        .split(WILDCARD)
        .any(|piece| piece.contains(fragment))
}

/// The answer with its wildcards written as `…`, for printing.
fn with_wildcards_shown(answer: Expected) -> Expected {
    match answer {
        Expected::Error {
            code,
            message,
            status,
        } => Expected::Error {
            code,
            message: message.map(|m| m.replace(WILDCARD, "…")),
            status,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests;
