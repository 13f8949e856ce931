//! The rules a scenario's types cannot express, each naming the key it is about so the error can
//! point at its line.

use super::clients::{ClientPlan, KNOWN_CLIENTS, OTHERS, is_client_key};
use super::format::Scenario;

/// A broken rule: the key path it is about (e.g. `["request", "params"]`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Invalid {
    pub(super) path: Vec<String>,
    pub(super) reason: String,
}

fn invalid(path: &[&str], reason: impl Into<String>) -> Invalid {
    Invalid {
        path: path.iter().map(|s| (*s).to_owned()).collect(),
        reason: reason.into(),
    }
}

/// Whether `name` is kebab-case: lowercase words of letters and digits joined by single hyphens.
pub(crate) fn is_kebab_case(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

impl Scenario {
    /// Rules the YAML schema cannot express; the first one broken.
    pub(super) fn check(&self) -> Result<(), Invalid> {
        if !is_kebab_case(&self.name) {
            return Err(invalid(
                &["name"],
                format!(
                    "name {:?} is not kebab-case (lowercase letters and digits joined by single hyphens, e.g. wrong-audience)",
                    self.name
                ),
            ));
        }
        if self.source.trim().is_empty() {
            return Err(invalid(
                &["source"],
                "`source` must name the public document or issue this case reproduces",
            ));
        }
        match (&self.request.role, &self.request.role_arn) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => {
                return Err(invalid(
                    &["request"],
                    "`request` needs exactly one of `role` and `role_arn`",
                ));
            }
        }
        for (key, case) in &self.clients {
            if !is_client_key(key) {
                return Err(invalid(
                    &["clients", key],
                    format!(
                        "unknown client {key:?} (known: {}, {OTHERS}, or cmd:PROGRAM)",
                        KNOWN_CLIENTS.join(", ")
                    ),
                ));
            }
            if let Some(reason) = &case.skip {
                if reason.trim().is_empty() {
                    return Err(invalid(
                        &["clients", key, "skip"],
                        "`skip` must say why the client cannot run this case",
                    ));
                }
                if case.expect.is_some() || case.assume_requests.is_some() {
                    return Err(invalid(
                        &["clients", key],
                        "a skipped client has nothing to expect: give `skip` alone",
                    ));
                }
            }
        }
        let others_skip = matches!(self.plan_for(OTHERS), ClientPlan::Skip(_));
        if !self.request.params.is_empty() && !others_skip {
            return Err(invalid(
                &["request", "params"],
                "raw `params` can only be sent by some clients: add `clients: {others: {skip: \"…\"}}` and name the clients that run this case",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case_names_are_lowercase_words_joined_by_single_hyphens() {
        for good in ["wrong-audience", "issuer-slow-6000ms-fails", "a"] {
            assert!(is_kebab_case(good), "{good}");
        }
        for bad in [
            "",
            "Wrong-audience",
            "wrong_audience",
            "wrong--audience",
            "-a",
            "a-",
            "a b",
        ] {
            assert!(!is_kebab_case(bad), "{bad}");
        }
    }
}
