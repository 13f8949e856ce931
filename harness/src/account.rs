//! A scenario's AWS account, created through IAM as a user's tooling would: providers, roles,
//! customer managed policies, attachments and inline policies, in that order.

use crate::error::Error;
use crate::federation::Federation;
use crate::iam::{OidcProvider, Role};
use crate::scenario::{AwsSetup, Scenario};

/// Creates the scenario's providers and roles. `Ok` carries the ways IAM answered other than the
/// scenario expects (a judged difference, not a setup failure).
pub(crate) async fn set_up(fed: &Federation, scenario: &Scenario) -> Result<Vec<String>, String> {
    set_up_aws(fed, &scenario.aws).await
}

/// Creates what an `aws:` section (a scenario's, or `fedlab job --aws`) lists.
pub(crate) async fn set_up_aws(fed: &Federation, aws: &AwsSetup) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    for provider in &aws.providers {
        let mut spec = OidcProvider::new().url(&provider.url);
        for client_id in &provider.client_ids {
            spec = spec.client_id(client_id);
        }
        for thumbprint in &provider.thumbprints {
            spec = spec.thumbprint(thumbprint);
        }
        let created = fed.create_provider(spec).await;
        match (&provider.expect_error, created) {
            (None, Ok(_)) => {}
            (None, Err(err)) => {
                return Err(format!(
                    "IAM setup failed: CreateOpenIDConnectProvider: {err}"
                ));
            }
            (Some(expected), Err(Error::Aws(answer))) if expected.matches(&answer) => {}
            (Some(expected), other) => problems.push(format!(
                "expected IAM to refuse CreateOpenIDConnectProvider with {} {:?}; it answered {}",
                expected.code,
                expected.message,
                match other {
                    Ok(arn) => format!("with the provider {arn}"),
                    Err(err) => err.to_string(),
                }
            )),
        }
    }
    for role in &aws.roles {
        let mut spec = Role::new(&role.name, role.trust_policy.as_str());
        if let Some(path) = &role.path {
            spec = spec.path(path);
        }
        if let Some(max) = role.max_session_duration {
            spec = spec.max_session_duration(max);
        }
        fed.create_role(spec)
            .await
            .map_err(|e| format!("IAM setup failed: CreateRole: {e}"))?;
    }
    for policy in &aws.managed_policies {
        let mut params = vec![
            ("Action", "CreatePolicy"),
            ("PolicyName", policy.name.as_str()),
            ("PolicyDocument", policy.document.as_str()),
        ];
        params.extend(policy.path.as_deref().map(|path| ("Path", path)));
        params.extend(policy.description.as_deref().map(|d| ("Description", d)));
        iam(fed, &params, &format!("CreatePolicy {}", policy.name)).await?;
    }
    for role in &aws.roles {
        for arn in &role.attached_policies {
            let params = [
                ("Action", "AttachRolePolicy"),
                ("RoleName", role.name.as_str()),
                ("PolicyArn", arn.as_str()),
            ];
            iam(
                fed,
                &params,
                &format!("AttachRolePolicy {arn} to {}", role.name),
            )
            .await?;
        }
        for policy in &role.policies {
            let params = [
                ("Action", "PutRolePolicy"),
                ("RoleName", role.name.as_str()),
                ("PolicyName", policy.name.as_str()),
                ("PolicyDocument", policy.document.as_str()),
            ];
            let what = format!("PutRolePolicy {} on {}", policy.name, role.name);
            iam(fed, &params, &what).await?;
        }
    }
    Ok(problems)
}

/// One IAM call of the setup, signed as the account's administrator; IAM refusing it fails the
/// setup with IAM's answer.
async fn iam(fed: &Federation, params: &[(&str, &str)], what: &str) -> Result<(), String> {
    // Action first, then Version, as SDKs send them.
    let version = [("Version", "2010-05-08")];
    let query: Vec<(&str, &str)> = params
        .iter()
        .take(1)
        .chain(&version)
        .chain(params.iter().skip(1))
        .copied()
        .collect();
    fed.query()
        .call("iam", &query, Some(fed.admin_credentials()))
        .await
        .map(drop)
        .map_err(|err| format!("IAM setup failed: {what}: {err}"))
}
