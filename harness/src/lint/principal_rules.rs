//! Rules on who a statement trusts and for which actions: `Principal`, `NotPrincipal`, `Action`.

use mock_sts::policy::{Effect, PrincipalKind, PrincipalSet, Statement};

use super::model::{Finding, Rule};
use super::source::Source;
use mock_sts::policy::action_like;

const WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

/// The actions a GitLab web-identity trust statement needs: the call itself, and the two AWS
/// requires when the token carries session tags or a source identity.
const EXPECTED_ACTIONS: [&str; 3] = [WEB_IDENTITY, "sts:TagSession", "sts:SetSourceIdentity"];

/// Whether the statement can let a web-identity caller in: it allows, names a `Federated`
/// principal (or everyone), and its actions cover `sts:AssumeRoleWithWebIdentity`.
pub(crate) fn is_web_identity_allow(statement: &Statement) -> bool {
    let trusts_federated = statement.principal.as_ref().is_some_and(|p| {
        !p.negated
            && match &p.principals {
                PrincipalSet::Anyone => true,
                PrincipalSet::Listed(entries) => {
                    entries.iter().any(|e| e.kind == PrincipalKind::Federated)
                }
            }
    });
    let covers = statement.action.negated
        || statement
            .action
            .patterns
            .iter()
            .any(|pattern| action_like(pattern, WEB_IDENTITY));
    statement.effect == Effect::Allow && trusts_federated && covers
}

/// The OIDC provider host of a provider ARN: `gitlab.example.com` in
/// `arn:aws:iam::123456789012:oidc-provider/gitlab.example.com`.
pub(crate) fn oidc_provider_host(value: &str) -> Option<&str> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", _, resource] => resource
            .strip_prefix("oidc-provider/")
            .filter(|host| !host.is_empty()),
        _ => None,
    }
}

pub(crate) fn check(
    index: usize,
    statement: &Statement,
    source: &Source,
    issuer_host: Option<&str>,
    findings: &mut Vec<Finding>,
) {
    if statement.effect != Effect::Allow {
        return;
    }
    let sid = statement.sid.as_deref();
    let Some(principal) = &statement.principal else {
        return;
    };
    let name = principal.element_name();
    let federated: Vec<&str> = match &principal.principals {
        PrincipalSet::Anyone => {
            findings.push(Finding::new(
                Rule::PrincipalWildcard,
                source.pointer(index, sid, &[name]),
                format!("\"{name}\": \"*\" trusts every principal, not one OIDC provider"),
                "name the provider: \"Principal\": {\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/HOST\"}"
                    .to_owned(),
            ));
            Vec::new()
        }
        PrincipalSet::Listed(entries) => entries
            .iter()
            .filter(|e| e.kind == PrincipalKind::Federated)
            .map(|e| e.value.as_str())
            .collect(),
    };
    if federated.is_empty() {
        return;
    }
    for value in &federated {
        federated_principal(index, sid, value, source, issuer_host, findings);
    }
    actions(index, statement, source, findings);
}

fn federated_principal(
    index: usize,
    sid: Option<&str>,
    value: &str,
    source: &Source,
    issuer_host: Option<&str>,
    findings: &mut Vec<Finding>,
) {
    let pointer = || source.pointer(index, sid, &["Principal", "Federated"]);
    match oidc_provider_host(value) {
        None => findings.push(Finding::new(
            Rule::FederatedNotOidc,
            pointer(),
            format!("the Federated principal {value:?} is not an IAM OIDC provider ARN, so a GitLab token never comes through it"),
            "trust the GitLab provider: \"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/HOST\"".to_owned(),
        )),
        Some(host) => {
            if let Some(issuer) = issuer_host
                && host != issuer
            {
                findings.push(Finding::new(
                    Rule::FederatedOtherIssuer,
                    pointer(),
                    format!("the Federated principal is the provider for {host:?}, but the issuer is {issuer:?}"),
                    format!("trust the issuer's provider: \"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/{issuer}\""),
                ));
            }
        }
    }
}

fn actions(index: usize, statement: &Statement, source: &Source, findings: &mut Vec<Finding>) {
    let sid = statement.sid.as_deref();
    let element = if statement.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    let pointer = || source.pointer(index, sid, &[element]);
    let fix = || {
        format!(
            "write \"Action\": \"{WEB_IDENTITY}\" (add \"sts:TagSession\" only if the token carries session tags)"
        )
    };
    if statement.action.negated {
        findings.push(Finding::new(
            Rule::UnexpectedAction,
            pointer(),
            "NotAction allows every role-assumption action it does not list".to_owned(),
            fix(),
        ));
        return;
    }
    for pattern in &statement.action.patterns {
        let expected = EXPECTED_ACTIONS
            .iter()
            .any(|action| action.eq_ignore_ascii_case(pattern));
        if !expected {
            findings.push(Finding::new(
                Rule::UnexpectedAction,
                pointer(),
                format!("the action {pattern:?} is not {WEB_IDENTITY} (or sts:TagSession): an OIDC principal only calls AssumeRoleWithWebIdentity"),
                fix(),
            ));
        }
    }
}

/// The finding for an action IAM refused outright (`InvalidTrustAction`).
pub(crate) fn refused_action(action: &str, source: &Source) -> Finding {
    let (index, sid) = source
        .statement_with("Action", action)
        .or_else(|| source.statement_with("NotAction", action))
        .unwrap_or((0, None));
    Finding::new(
        Rule::UnexpectedAction,
        source.pointer(index, sid.as_deref(), &["Action"]),
        format!("the action {action:?} is not a role-assumption action; IAM refuses the policy"),
        format!("write \"Action\": \"{WEB_IDENTITY}\""),
    )
}

/// The finding for a `Federated` principal IAM refused outright.
pub(crate) fn refused_federated(value: &str, source: &Source) -> Finding {
    let (index, sid) = source
        .statement_with("Principal", value)
        .unwrap_or((0, None));
    let rule = if value == "*" {
        Rule::PrincipalWildcard
    } else {
        Rule::FederatedNotOidc
    };
    Finding::new(
        rule,
        source.pointer(index, sid.as_deref(), &["Principal", "Federated"]),
        format!(
            "the Federated principal {value:?} is neither a domain name nor a provider ARN; IAM refuses the policy"
        ),
        "trust the GitLab provider: \"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/HOST\""
            .to_owned(),
    )
}
