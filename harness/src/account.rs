//! A scenario's AWS account, created through IAM as a user's tooling would.

use crate::error::Error;
use crate::federation::Federation;
use crate::iam::{OidcProvider, Role};
use crate::scenario::{AwsSetup, Scenario};

/// Creates the scenario's providers and roles. `Ok` carries the ways IAM answered other than the
/// scenario expects (a judged difference, not a setup failure).
pub(crate) async fn set_up(fed: &Federation, scenario: &Scenario) -> Result<Vec<String>, String> {
    set_up_aws(fed, &scenario.aws).await
}

/// Creates the providers and roles of an `aws:` section (a scenario's, or `fedlab job --aws`).
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
    Ok(problems)
}
