//! `fedlab lint`: findings for GitLab → AWS OIDC trust policies, each with a stable id, a
//! severity, a pointer into the document and a one-line fix (`docs/lint.md` lists every id with
//! an example and its public source).
//!
//! The policy is first read the way IAM reads it at `CreateRole` (mock-sts's policy parser), so
//! a document IAM refuses is reported with IAM's own `MalformedPolicyDocument` message; the rules
//! then run on the parsed statements.
//!
//! ```
//! let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!   "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},
//!   "Action": "sts:AssumeRoleWithWebIdentity",
//!   "Condition": {"StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:*"}}}]}"#;
//! let report = fedlab::lint::lint(policy, &fedlab::lint::LintOptions::default());
//! assert!(report.findings.iter().any(|f| f.id == "wildcard-under-equals"));
//! assert!(report.has_errors());
//! ```

mod condition_rules;
mod model;
mod principal_rules;
mod render;
mod source;
mod sub_pattern;
#[cfg(test)]
mod tests;

use mock_sts::WireError;
use mock_sts::policy::{self, PolicyDocument, PolicyError, PolicyKind};

pub use model::{Finding, LintOptions, Pointer, Report, Rule, Severity};
pub use render::text;

pub(crate) use principal_rules::oidc_provider_host;

use principal_rules::is_web_identity_allow;
use source::{Source, document_pointer};

/// Lints one trust policy. Never fails: a document IAM refuses is a `malformed-policy` finding.
pub fn lint(policy_text: &str, options: &LintOptions) -> Report {
    let source = Source::read(policy_text);
    let mut findings = Vec::new();
    for (index, sid) in source.allow_not_principal() {
        findings.push(Finding::new(
            Rule::AllowNotPrincipal,
            source.pointer(index, sid.as_deref(), &["NotPrincipal"]),
            "\"Allow\" with NotPrincipal trusts every principal it does not list; IAM refuses it in a trust policy".to_owned(),
            "name the trusted provider in \"Principal\": {\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/HOST\"}".to_owned(),
        ));
    }
    let given_host = options.issuer.as_deref().map(issuer_host);
    match policy::parse(policy_text, PolicyKind::Trust) {
        Err(error) => {
            findings.extend(refused(&error, &source));
            Report::new(given_host, findings)
        }
        Ok(document) => {
            let host = given_host.or_else(|| provider_host(&document));
            findings.extend(rules(&document, &source, host.as_deref()));
            Report::new(host, findings)
        }
    }
}

/// The condition-key prefix of an issuer: its URL without `https://` (IAM keeps the path and a
/// trailing slash).
pub fn issuer_host(issuer: &str) -> String {
    let host = issuer
        .strip_prefix("https://")
        .or_else(|| issuer.strip_prefix("http://"))
        .unwrap_or(issuer);
    host.to_owned()
}

/// The host of the first OIDC provider a web-identity statement trusts.
fn provider_host(document: &PolicyDocument) -> Option<String> {
    document
        .statements
        .iter()
        .filter(|s| is_web_identity_allow(s))
        .filter_map(|s| match &s.principal.as_ref()?.principals {
            policy::PrincipalSet::Listed(entries) => Some(entries),
            policy::PrincipalSet::Anyone => None,
        })
        .flatten()
        .find_map(|entry| oidc_provider_host(&entry.value))
        .map(str::to_owned)
}

fn refused(error: &PolicyError, source: &Source) -> Vec<Finding> {
    let wire = WireError::malformed_trust_policy(error);
    let message = match &wire.message {
        Some(message) => format!(
            "IAM refuses this policy: {} {message:?} ({error})",
            wire.code
        ),
        None => format!("IAM refuses this policy: {} ({error})", wire.code),
    };
    let mut findings = vec![Finding::new(
        Rule::MalformedPolicy,
        document_pointer(),
        message,
        "fix the document until IAM accepts it (see the reason in parentheses)".to_owned(),
    )];
    match error {
        PolicyError::InvalidTrustAction { action } => {
            findings.push(principal_rules::refused_action(action, source));
        }
        PolicyError::InvalidFederatedPrincipal { value } => {
            findings.push(principal_rules::refused_federated(value, source));
        }
        _ => {}
    }
    findings
}

fn rules(document: &PolicyDocument, source: &Source, host: Option<&str>) -> Vec<Finding> {
    let mut findings = Vec::new();
    if !document.statements.iter().any(is_web_identity_allow) {
        findings.push(Finding::new(
            Rule::NoAllow,
            document_pointer(),
            "no Allow statement trusts a Federated principal with sts:AssumeRoleWithWebIdentity: every GitLab job is denied".to_owned(),
            "add an Allow statement for the GitLab provider with \"Action\": \"sts:AssumeRoleWithWebIdentity\"".to_owned(),
        ));
    }
    for (index, statement) in document.statements.iter().enumerate() {
        principal_rules::check(index, statement, source, host, &mut findings);
        if is_web_identity_allow(statement) {
            condition_rules::check(index, statement, source, host, &mut findings);
        }
    }
    findings
}
