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
//!     attached_policies:              # aws iam attach-role-policy, in order
//!       - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
//! managed_policies:                   # aws iam create-policy, before any attachment
//!   - name: read-artifacts
//!     path: /ci/                      # optional, like description
//!     document: '{"Version": "2012-10-17", "Statement": […]}'
//! ```
//!
//! The same fields as mock-sts's `Seed` (`managed_policies`, a role's `policies` and
//! `attached_policies`).
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

/// A customer managed policy of the account (CreatePolicy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicy {
    pub name: String,
    pub path: Option<String>,
    pub description: Option<String>,
    pub document: String,
}

/// The account of `--aws FILE`.
#[derive(Debug, Clone)]
pub struct JobAccount {
    pub aws: AwsSetup,
    pub policies: Vec<RolePolicy>,
    pub managed_policies: Vec<ManagedPolicy>,
    /// (role, managed policy ARN), in order.
    pub attached_policies: Vec<(String, String)>,
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
        let mut attached_policies = Vec::new();
        let managed = value
            .as_mapping_mut()
            .and_then(|m| m.remove("managed_policies"));
        let managed_policies = match managed {
            None => Vec::new(),
            Some(Value::Sequence(listed)) => listed
                .iter()
                .map(managed_policy)
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(JobError::Account(
                    "`managed_policies` must be a list of {name, document}".to_owned(),
                ));
            }
        };
        let roles = value.get_mut("roles").and_then(Value::as_sequence_mut);
        for role in roles.into_iter().flatten() {
            let name = role.get("name").and_then(Value::as_str).unwrap_or_default();
            let name = name.to_owned();
            let Some(mapping) = role.as_mapping_mut() else {
                continue;
            };
            if let Some(listed) = mapping.remove("attached_policies") {
                let arns: Vec<String> = serde_yaml::from_value(listed).map_err(|_| {
                    JobError::Account(format!(
                        "role {name}: `attached_policies` must be a list of policy ARNs"
                    ))
                })?;
                attached_policies.extend(arns.into_iter().map(|arn| (name.clone(), arn)));
            }
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
        Ok(Self {
            aws,
            policies,
            managed_policies,
            attached_policies,
        })
    }

    /// Creates the providers and roles through IAM, then the customer managed policies, puts the
    /// inline policies with `PutRolePolicy` and attaches the managed ones with
    /// `AttachRolePolicy`. Returns what IAM answered other than the file expects, and notes.
    pub async fn apply(&self, fed: &Federation) -> Result<Vec<String>, JobError> {
        let mut notes = set_up_aws(fed, &self.aws)
            .await
            .map_err(JobError::Account)?;
        for policy in &self.managed_policies {
            let mut params = vec![
                ("Action", "CreatePolicy"),
                ("Version", "2010-05-08"),
                ("PolicyName", policy.name.as_str()),
                ("PolicyDocument", policy.document.as_str()),
            ];
            params.extend(policy.path.as_deref().map(|path| ("Path", path)));
            params.extend(
                policy
                    .description
                    .as_deref()
                    .map(|text| ("Description", text)),
            );
            call(fed, &params, &format!("CreatePolicy {}", policy.name)).await?;
        }
        for (role, arn) in &self.attached_policies {
            let params = [
                ("Action", "AttachRolePolicy"),
                ("Version", "2010-05-08"),
                ("RoleName", role.as_str()),
                ("PolicyArn", arn.as_str()),
            ];
            call(fed, &params, &format!("AttachRolePolicy {arn} to {role}")).await?;
        }
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

/// One IAM call of the setup; IAM refusing it fails the setup with IAM's answer.
async fn call(fed: &Federation, params: &[(&str, &str)], what: &str) -> Result<(), JobError> {
    fed.query()
        .call("iam", params, Some(fed.admin_credentials()))
        .await
        .map(drop)
        .map_err(|err| JobError::Account(format!("IAM setup failed: {what}: {err}")))
}

fn managed_policy(policy: &Value) -> Result<ManagedPolicy, JobError> {
    let invalid = || {
        JobError::Account(
            "each of `managed_policies` needs `name` and `document` (JSON text or YAML)".to_owned(),
        )
    };
    let text = |key: &str| policy.get(key).and_then(Value::as_str).map(str::to_owned);
    let document = match policy.get("document").ok_or_else(invalid)? {
        Value::String(text) => text.clone(),
        structured => serde_yaml::from_value::<serde_json::Value>(structured.clone())
            .map_err(|_| invalid())?
            .to_string(),
    };
    Ok(ManagedPolicy {
        name: text("name").ok_or_else(invalid)?,
        path: text("path"),
        description: text("description"),
        document,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_and_attached_policies_are_read_in_the_seed_shape() {
        let text = r#"
managed_policies:
  - name: read-artifacts
    path: /ci/
    document: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
roles:
  - name: deploy
    trust_policy: '{}'
    attached_policies:
      - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
      - arn:aws:iam::{{account}}:policy/ci/read-artifacts
"#;
        let account = JobAccount::parse(text, &Placeholders::dummies()).unwrap();
        assert_eq!(account.aws.roles.len(), 1);
        assert_eq!(
            account.managed_policies,
            [ManagedPolicy {
                name: "read-artifacts".to_owned(),
                path: Some("/ci/".to_owned()),
                description: None,
                document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#.to_owned(),
            }]
        );
        let account_id = Placeholders::dummies().account;
        assert_eq!(
            account.attached_policies,
            [
                (
                    "deploy".to_owned(),
                    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess".to_owned()
                ),
                (
                    "deploy".to_owned(),
                    format!("arn:aws:iam::{account_id}:policy/ci/read-artifacts")
                ),
            ]
        );
    }

    #[test]
    fn attached_policies_that_are_not_a_list_of_arns_are_refused() {
        let text =
            "roles:\n  - name: deploy\n    trust_policy: '{}'\n    attached_policies: {a: b}\n";
        let err = JobAccount::parse(text, &Placeholders::dummies()).unwrap_err();
        assert!(err.to_string().contains("attached_policies"), "{err}");
    }
}
