//! The rules IAM adds for role trust policies at `CreateRole` / `UpdateAssumeRolePolicy`, checked in IAM's
//! order: actions, then resources, then federated principals (the order moto's `moto/iam/policy_validation.py`
//! in getmoto/moto reproduces; the messages and their sources are listed in `docs/aws-behaviour.md`).

use super::context::{PrincipalKind, is_account_id};
use super::document::{PolicyDocument, PolicyKind, PrincipalSet};
use super::error::PolicyError;
use super::wildcard;

/// The actions a trust policy may name. A wildcard entry is accepted when it matches at least one of them
/// (`sts:*`, `sts:AssumeRoleWith*`, `*`), compared case-insensitively like every action. [I]
const ROLE_ASSUMPTION_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

pub(crate) fn check(document: &PolicyDocument) -> Result<(), PolicyError> {
    if document.kind != PolicyKind::Trust {
        return Ok(());
    }
    // `NotAction` entries are held to the same list as `Action` entries. [?]
    for statement in &document.statements {
        for action in &statement.action.patterns {
            let known = ROLE_ASSUMPTION_ACTIONS
                .iter()
                .any(|allowed| wildcard::matches_ignoring_case(action, allowed));
            if !known {
                return Err(PolicyError::InvalidTrustAction {
                    action: action.clone(),
                });
            }
        }
    }
    if document.statements.iter().any(|s| s.resource.is_some()) {
        return Err(PolicyError::ProhibitedResource);
    }
    for statement in &document.statements {
        let Some(PrincipalSet::Listed(entries)) =
            statement.principal.as_ref().map(|p| &p.principals)
        else {
            continue;
        };
        let federated = entries
            .iter()
            .filter(|entry| entry.kind == PrincipalKind::Federated);
        for entry in federated {
            if !is_valid_federated_principal(&entry.value) {
                return Err(PolicyError::InvalidFederatedPrincipal {
                    value: entry.value.clone(),
                });
            }
        }
    }
    Ok(())
}

/// "Federated principals must be valid domain names or SAML metadata ARNs": a domain such as
/// `accounts.google.com` / `cognito-identity.amazonaws.com`, or an IAM provider ARN
/// `arn:<partition>:iam::<12 digits>:oidc-provider/<url>` / `...:saml-provider/<name>`.
///
/// A domain is two or more dot-separated labels of ASCII letters, digits and hyphens, at most 253 characters;
/// a partition is `aws` or `aws-<letters>` (`aws-cn`, `aws-us-gov`). A lone `"*"` is refused. [I]
pub(crate) fn is_valid_federated_principal(value: &str) -> bool {
    is_domain_name(value) || is_provider_arn(value)
}

fn is_domain_name(value: &str) -> bool {
    let labels: Vec<&str> = value.split('.').collect();
    value.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn is_provider_arn(value: &str) -> bool {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let ["arn", partition, "iam", "", account, resource] = parts.as_slice() else {
        return false;
    };
    let provider = resource
        .strip_prefix("oidc-provider/")
        .or_else(|| resource.strip_prefix("saml-provider/"));
    is_partition(partition)
        && is_account_id(account)
        && provider.is_some_and(|name| !name.is_empty())
}

fn is_partition(value: &str) -> bool {
    value == "aws"
        || value.strip_prefix("aws-").is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        })
}
