//! Policy variables: `${aws:username}`, `${key, 'default'}` and the escapes `${*}`, `${?}`, `${$}`.
//!
//! IAM substitutes them only in documents with `Version: 2012-10-17`; in 2008-10-17 (or without a `Version`)
//! `${...}` is ordinary text. See the IAM User Guide page "IAM policy elements: Variables and tags"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>).

use super::context::RequestContext;
use super::document::PolicyVersion;
use super::wildcard::{self, Token};

/// A `${...}` whose key has no single value in the request and that has no default: IAM then treats the value
/// as matching nothing ("any attempt to match it fails").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unresolved {
    /// The variable as written, e.g. `${aws:username}`.
    pub(crate) variable: String,
}

/// Turns a policy value into match tokens, substituting variables when `version` has them.
///
/// `wildcards` says whether a `*`/`?` written in the policy is a wildcard (Like and Arn operators, `Resource`)
/// or itself (Equals operators). Text that comes from a substituted value or an escape is always literal, so a
/// request value cannot smuggle a wildcard into a pattern. [I]
///
/// A `${` without a closing `}` is left as literal text. [?]
pub(crate) fn expand(
    raw: &str,
    version: PolicyVersion,
    context: &RequestContext,
    wildcards: bool,
) -> Result<Vec<Token>, Unresolved> {
    let plain = |text: &str| {
        if wildcards {
            wildcard::pattern(text)
        } else {
            wildcard::literal(text)
        }
    };
    if !version.supports_variables() {
        return Ok(plain(raw));
    }
    let mut tokens = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        tokens.extend(plain(&rest[..start]));
        let body_and_rest = &rest[start + 2..];
        let Some(end) = closing_brace(body_and_rest) else {
            tokens.extend(plain(&rest[start..]));
            return Ok(tokens);
        };
        let value = resolve(&body_and_rest[..end], context)?;
        tokens.extend(wildcard::literal(&value));
        rest = &body_and_rest[end + 1..];
    }
    tokens.extend(plain(rest));
    Ok(tokens)
}

/// `expand` without wildcards, as a string (Equals, IgnoreCase and Bool operators).
pub(crate) fn expand_text(
    raw: &str,
    version: PolicyVersion,
    context: &RequestContext,
) -> Result<String, Unresolved> {
    let tokens = expand(raw, version, context, false)?;
    Ok(tokens
        .into_iter()
        .map(|token| match token {
            Token::Char(c) => c,
            Token::AnyRun => '*',
            Token::AnyChar => '?',
        })
        .collect())
}

/// Byte offset of the `}` closing a variable body; a `}` inside a quoted default does not close it.
fn closing_brace(text: &str) -> Option<usize> {
    let mut quoted = false;
    for (at, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '}' if !quoted => return Some(at),
            _ => {}
        }
    }
    None
}

fn resolve(body: &str, context: &RequestContext) -> Result<String, Unresolved> {
    match body.trim() {
        "*" => return Ok("*".to_owned()),
        "?" => return Ok("?".to_owned()),
        "$" => return Ok("$".to_owned()),
        _ => {}
    }
    let unresolved = || Unresolved {
        variable: format!("${{{body}}}"),
    };
    let (name, default) = match body.split_once(',') {
        Some((name, default)) => (
            name.trim(),
            Some(parse_default(default).ok_or_else(unresolved)?),
        ),
        None => (body.trim(), None),
    };
    // A multivalued key cannot stand in for one string, so only a key with exactly one value resolves. [I]
    match context.present_values(name) {
        Some([value]) => Ok(value.clone()),
        _ => default.ok_or_else(unresolved),
    }
}

/// `'text'`, where `''` inside stands for one quote.
fn parse_default(text: &str) -> Option<String> {
    let inner = text.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace("''", "'"))
}
