//! The AWS account a job runs against, from `fedlab job --aws FILE`: a scenario's `aws:` section
//! (`trusted_issuer_ca`, `providers`, `roles` with their trust policies; `scenarios/README.md`),
//! where each role may also list the permission policies the documents attach to it:
//!
//! ```yaml
//! roles:
//!   - name: gitlab-oidc-role-s3-readwrite
//!     trust_policy: '{"Version": "2012-10-17", …}'
//!     policies:                       # aws iam put-role-policy, in order
//!       - name: gitlab_oidc_readwrite_policy
//!         document: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]}'
//! ```
//!
//! Placeholders (`{{issuer}}`, `{{issuer_host}}`, `{{account}}`, `{{thumbprint}}`) are replaced
//! as in scenario files.

use serde_yaml::Value;

use super::error::JobError;
use crate::account::set_up_aws;
use crate::federation::Federation;
use crate::scenario::{AwsSetup, Placeholders};

/// An inline permission policy of a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePolicy {
    pub role: String,
    pub name: String,
    /// The policy JSON, as IAM receives it.
    pub document: String,
}

/// The account of `--aws FILE`.
#[derive(Debug, Clone)]
pub struct JobAccount {
    pub aws: AwsSetup,
    pub policies: Vec<RolePolicy>,
}

impl JobAccount {
    /// Reads the file's text with its placeholders replaced by `values`.
    pub fn parse(text: &str, values: &Placeholders) -> Result<Self, JobError> {
        let text = values.substitute(text).map_err(|(name, offset)| {
            JobError::Account(format!(
                "unknown placeholder {{{{{name}}}}} at byte {offset}"
            ))
        })?;
        let failed = |e: serde_yaml::Error| JobError::Account(e.to_string());
        let mut value: Value = serde_yaml::from_str(&text).map_err(failed)?;
        let mut policies = Vec::new();
        let roles = value.get_mut("roles").and_then(Value::as_sequence_mut);
        for role in roles.into_iter().flatten() {
            let name = role.get("name").and_then(Value::as_str).unwrap_or_default();
            let name = name.to_owned();
            let Some(mapping) = role.as_mapping_mut() else {
                continue;
            };
            let Some(listed) = mapping.remove("policies") else {
                continue;
            };
            let Value::Sequence(listed) = listed else {
                return Err(JobError::Account(format!(
                    "role {name}: `policies` must be a list of {{name, document}}"
                )));
            };
            for policy in listed {
                policies.push(role_policy(&name, &policy)?);
            }
        }
        let aws = serde_yaml::from_value(value).map_err(failed)?;
        Ok(Self { aws, policies })
    }

    /// Creates the providers and roles through IAM and attaches the policies with
    /// `PutRolePolicy`. Returns what IAM answered other than the file expects, and notes.
    pub async fn apply(&self, fed: &Federation) -> Result<Vec<String>, JobError> {
        let mut notes = set_up_aws(fed, &self.aws)
            .await
            .map_err(JobError::Account)?;
        for policy in &self.policies {
            let params = [
                ("Action", "PutRolePolicy"),
                ("Version", "2010-05-08"),
                ("RoleName", policy.role.as_str()),
                ("PolicyName", policy.name.as_str()),
                ("PolicyDocument", policy.document.as_str()),
            ];
            match fed
                .query()
                .call("iam", &params, Some(fed.admin_credentials()))
                .await
            {
                Ok(_) => {}
                // Today's mock-sts models no permission policies and refuses the action as AWS
                // refuses one it does not know; the job still runs, and the note says why an
                // AWS call the policy would allow may be refused.
                Err(crate::Error::Aws(answer)) => notes.push(format!(
                    "IAM answered PutRolePolicy ({} on role {}) with {answer}; the policy is not \
                     in force",
                    policy.name, policy.role
                )),
                Err(err) => {
                    return Err(JobError::Account(format!(
                        "PutRolePolicy {} on {}: {err}",
                        policy.name, policy.role
                    )));
                }
            }
        }
        Ok(notes)
    }
}

fn role_policy(role: &str, policy: &Value) -> Result<RolePolicy, JobError> {
    let invalid = || {
        JobError::Account(format!(
            "role {role}: each policy needs `name` and `document` (JSON text or YAML)"
        ))
    };
    let name = policy
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(invalid)?;
    let document = match policy.get("document").ok_or_else(invalid)? {
        Value::String(text) => text.clone(),
        structured => {
            let json: serde_json::Value =
                serde_yaml::from_value(structured.clone()).map_err(|_| invalid())?;
            json.to_string()
        }
    };
    Ok(RolePolicy {
        role: role.to_owned(),
        name: name.to_owned(),
        document,
    })
}
