//! `{{name}}` placeholders: the values a scenario needs that exist only at run time.

use crate::federation::Federation;

/// The run-time values a scenario's `{{name}}` placeholders stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholders {
    /// `https://localhost:PORT`.
    pub issuer: String,
    pub account: String,
    pub thumbprint: String,
    /// An `https://127.0.0.1:PORT` URL nothing listens on.
    pub unreachable_issuer: String,
}

impl Placeholders {
    /// Every placeholder name, as written between the braces.
    pub const NAMES: &[&str] = &[
        "issuer",
        "issuer_host",
        "account",
        "thumbprint",
        "unreachable_issuer",
        "unreachable_issuer_host",
    ];

    /// An `https://127.0.0.1:PORT` URL on a loopback port nobody listens on: connection refused,
    /// like an instance AWS cannot reach. Chosen before the federation starts, since the GitLab
    /// side may name it (an issuer override).
    pub fn unreachable_issuer() -> Result<String, crate::error::Error> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| crate::error::Error::Start {
                what: "a port for the unreachable issuer",
                reason: e.to_string(),
            })?
            .port();
        Ok(format!("https://127.0.0.1:{port}"))
    }

    /// The values of `federation`, and the unreachable issuer chosen before it started.
    pub fn of(federation: &Federation, unreachable_issuer: String) -> Self {
        Self {
            issuer: federation.issuer().to_owned(),
            account: federation.account_id().to_owned(),
            thumbprint: federation.thumbprint().to_owned(),
            unreachable_issuer,
        }
    }

    /// Stand-ins, to parse and list scenarios without an environment.
    pub fn dummies() -> Self {
        Self {
            issuer: "https://issuer.fedlab.test".to_owned(),
            account: "123456789012".to_owned(),
            thumbprint: "0".repeat(40),
            unreachable_issuer: "https://unreachable.fedlab.test".to_owned(),
        }
    }

    /// Values that read as the placeholders themselves (`https://{{issuer_host}}` for
    /// `{{issuer}}`), to show what a scenario expects without any one run's ports.
    pub fn as_written() -> Self {
        Self {
            issuer: "https://{{issuer_host}}".to_owned(),
            account: "{{account}}".to_owned(),
            thumbprint: "{{thumbprint}}".to_owned(),
            unreachable_issuer: "https://{{unreachable_issuer_host}}".to_owned(),
        }
    }

    fn value(&self, name: &str) -> Option<&str> {
        fn without_scheme(url: &str) -> &str {
            url.trim_start_matches("https://")
        }
        Some(match name {
            "issuer" => &self.issuer,
            "issuer_host" => without_scheme(&self.issuer),
            "account" => &self.account,
            "thumbprint" => &self.thumbprint,
            "unreachable_issuer" => &self.unreachable_issuer,
            "unreachable_issuer_host" => without_scheme(&self.unreachable_issuer),
            _ => return None,
        })
    }

    /// Replaces every `{{ name }}` in `text`; an unknown name is an error naming it and its byte
    /// offset. IAM's own `${aws:username}` variables are left alone.
    pub(crate) fn substitute(&self, text: &str) -> Result<String, (String, usize)> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                out.push_str(&rest[start..]);
                return Ok(out);
            };
            let name = after[..end].trim();
            match self.value(name) {
                Some(value) => out.push_str(value),
                None => return Err((name.to_owned(), text.len() - rest.len() + start)),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_replaced_and_unknown_ones_named() {
        let values = Placeholders {
            issuer: "https://localhost:1".into(),
            ..Placeholders::dummies()
        };
        assert_eq!(
            values
                .substitute(r#""{{issuer_host}}:sub": "x""#)
                .as_deref(),
            Ok(r#""localhost:1:sub": "x""#)
        );
        assert_eq!(
            values.substitute("a\n{{ nope }}"),
            Err(("nope".to_owned(), 2))
        );
        assert_eq!(
            values.substitute("${aws:username}").as_deref(),
            Ok("${aws:username}")
        );
    }

    #[test]
    fn every_name_has_a_value() {
        for name in Placeholders::NAMES {
            assert!(Placeholders::dummies().value(name).is_some(), "{name}");
        }
    }
}
