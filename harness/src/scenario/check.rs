//! The rules a scenario's types cannot express, each naming the key it is about so the error can
//! point at its line.

use super::answers::Expected;
use super::clients::{ClientPlan, KNOWN_CLIENTS, OTHERS, is_client_key};
use super::format::Scenario;
use crate::s3_client::S3Operation;

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
        self.check_s3()
    }

    /// Each S3 step names what its operation needs, and only that.
    fn check_s3(&self) -> Result<(), Invalid> {
        if !self.s3.is_empty() && self.expect != Expected::Credentials {
            return Err(invalid(
                &["s3"],
                "S3 calls are made with the job's credentials: only a case that expects `result: credentials` has them",
            ));
        }
        for (index, step) in self.s3.iter().enumerate() {
            let index = index.to_string();
            let at = |field: &'static str| [String::from("s3"), index.clone(), field.into()];
            let fail = |field, reason: String| {
                let path = at(field);
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                Err(invalid(&path, reason))
            };
            let name = step.call.name();
            let given = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.is_empty());
            if step.call.on_bucket() != given(&step.bucket) {
                let reason = if step.call.on_bucket() {
                    format!("{name} needs a `bucket`")
                } else {
                    format!("{name} names no bucket: remove `bucket`")
                };
                return fail("bucket", reason);
            }
            if step.call.on_object() != given(&step.key) {
                let reason = if step.call.on_object() {
                    format!("{name} needs a `key`")
                } else {
                    format!("{name} names no object: remove `key`")
                };
                return fail("key", reason);
            }
            if step.body.is_some() && step.call != S3Operation::PutObject {
                return fail("body", format!("only PutObject sends a body, not {name}"));
            }
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
