//! The format of the data-driven IAM policy cases in `tests/policy/*.json`, shared by `tests/policy.rs`
//! (which checks every case against the expected decision) and `tests/differential.rs` (which decides every
//! case iam-rs can express with both engines). Every file is an array of groups:
//!
//! ```text
//! [{ "description": "...",
//!    "source": "...",                                    // required: where the behaviour comes from
//!    "policy": { ...policy document... } | "raw policy text (for invalid JSON, duplicate keys)",
//!    "kind": "Trust" | "Identity",                       // default Trust
//!    "error": "InvalidJson" | "LegacyParsing" | "Syntax" | "ProhibitedResource"
//!             | "InvalidTrustAction" | "InvalidFederatedPrincipal"
//!             | "MissingResource" | "PrincipalInIdentityPolicy",    // the policy must be refused so
//!    "error_detail": "...",                              // InvalidTrustAction action / federated value
//!    "tests": [{ "description": "...",
//!                "source": "...",                        // optional: overrides the group's source
//!                "context": { "principal": {"Federated": "..."},   // default: the gitlab.example.com provider
//!                             "action": "...",                     // default sts:AssumeRoleWithWebIdentity
//!                             "resource": "...",                   // default none
//!                             "keys": {"k": ["v", ...] | "v"} },
//!                "decision": "Allow" | "ExplicitDeny" | "ImplicitDeny",
//!                "statement": 0 }] }]                    // optional: index of the deciding statement
//! ```
//!
//! A `source` names a public page by title and URL (an IAM User Guide page, an AWS blog post, a GitLab docs
//! page, a public GitHub issue or forum thread), or reads `"synthetic: <why>"` for a case derived from a
//! documented rule, and then names that rule's page. Either way it carries an `https://` URL, so a reader can
//! check the case against its origin; [`source_problem`] enforces that.

// Two test crates include this file and each reads only part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use mock_sts::policy::{PolicyKind, Principal, RequestContext};
use serde::Deserialize;

pub(crate) const DEFAULT_PROVIDER: &str =
    "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com";
pub(crate) const DEFAULT_ACTION: &str = "sts:AssumeRoleWithWebIdentity";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Group {
    pub(crate) description: String,
    pub(crate) source: String,
    pub(crate) policy: serde_json::Value,
    #[serde(default)]
    pub(crate) kind: Kind,
    pub(crate) error: Option<String>,
    pub(crate) error_detail: Option<String>,
    #[serde(default)]
    pub(crate) tests: Vec<Case>,
}

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    #[default]
    Trust,
    Identity,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Case {
    pub(crate) description: String,
    pub(crate) source: Option<String>,
    #[serde(default)]
    pub(crate) context: Context,
    pub(crate) decision: String,
    pub(crate) statement: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Context {
    pub(crate) principal: Option<BTreeMap<String, String>>,
    pub(crate) action: Option<String>,
    pub(crate) resource: Option<String>,
    #[serde(default)]
    pub(crate) keys: BTreeMap<String, OneOrMany>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(crate) fn values(&self) -> Vec<&str> {
        match self {
            Self::One(value) => vec![value.as_str()],
            Self::Many(values) => values.iter().map(String::as_str).collect(),
        }
    }
}

impl Group {
    /// The policy text as given to the parser.
    pub(crate) fn policy_text(&self) -> String {
        match &self.policy {
            serde_json::Value::String(raw) => raw.clone(),
            document => document.to_string(),
        }
    }

    pub(crate) fn policy_kind(&self) -> PolicyKind {
        match self.kind {
            Kind::Trust => PolicyKind::Trust,
            Kind::Identity => PolicyKind::Identity,
        }
    }
}

/// Every group of every data file, with the file's name, in file order.
pub(crate) fn load_all() -> Vec<(String, Group)> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/policy");
    let mut files: Vec<PathBuf> = fs::read_dir(&directory)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()))
        .map(|entry| match entry {
            Ok(entry) => entry.path(),
            Err(error) => panic!("cannot list {}: {error}", directory.display()),
        })
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no policy data files in {}",
        directory.display()
    );
    let mut all = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
        let groups: Vec<Group> = serde_json::from_str(&text).unwrap_or_else(|error| {
            panic!("{} is not a list of policy groups: {error}", file.display())
        });
        let file_name = file.file_name().map_or_else(
            || file.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        );
        all.extend(groups.into_iter().map(|group| (file_name.clone(), group)));
    }
    all
}

/// Why a `source` value does not name a checkable origin, if it does not.
pub(crate) fn source_problem(source: &str) -> Option<&'static str> {
    let source = source.trim();
    if source.is_empty() {
        return Some("is empty");
    }
    if !source.contains("https://") {
        return Some(
            "names no https:// URL (a public page, or for a synthetic case the rule's page)",
        );
    }
    if source.starts_with("synthetic") && !source.starts_with("synthetic: ") {
        return Some("must read \"synthetic: <why>\"");
    }
    if source.starts_with("synthetic: ")
        && source
            .trim_start_matches("synthetic: ")
            .starts_with("https://")
    {
        return Some("says nothing about why the synthetic case follows from the rule");
    }
    None
}

pub(crate) fn build_context(spec: &Context) -> RequestContext {
    let principal = match &spec.principal {
        None => Principal::Federated(DEFAULT_PROVIDER.to_owned()),
        Some(map) => {
            let Some((kind, id)) = map.iter().next() else {
                panic!("a context principal needs one member");
            };
            match kind.as_str() {
                "AWS" => Principal::Aws(id.clone()),
                "Federated" => Principal::Federated(id.clone()),
                "Service" => Principal::Service(id.clone()),
                "CanonicalUser" => Principal::CanonicalUser(id.clone()),
                other => panic!("unknown principal type {other}"),
            }
        }
    };
    let mut context =
        RequestContext::new(principal, spec.action.as_deref().unwrap_or(DEFAULT_ACTION));
    context.resource = spec.resource.clone();
    for (key, values) in &spec.keys {
        context.insert(key.as_str(), values.values());
    }
    context
}
