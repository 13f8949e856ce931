//! The AWS account a job runs against, from `fedlab job --aws FILE`: exactly a scenario's `aws:`
//! section (`trusted_issuer_ca`, `providers`, `roles` with their trust and permission policies,
//! `managed_policies`; `scenarios/README.md`), e.g.:
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

use super::error::JobError;
use crate::account::set_up_aws;
use crate::federation::Federation;
use crate::scenario::{AwsSetup, Placeholders};

/// The account of `--aws FILE`.
#[derive(Debug, Clone)]
pub struct JobAccount {
    pub aws: AwsSetup,
}

impl JobAccount {
    /// Reads the file's text with its placeholders replaced by `values`.
    pub fn parse(text: &str, values: &Placeholders) -> Result<Self, JobError> {
        let text = values.substitute(text).map_err(|(name, offset)| {
            JobError::Account(format!(
                "unknown placeholder {{{{{name}}}}} at byte {offset}"
            ))
        })?;
        let aws = serde_yaml::from_str(&text).map_err(|e| JobError::Account(e.to_string()))?;
        Ok(Self { aws })
    }

    /// Creates the providers and roles through IAM, then the customer managed policies,
    /// attaches the managed ones with `AttachRolePolicy` and puts the inline ones with
    /// `PutRolePolicy`. Returns what IAM answered other than the file expects.
    pub async fn apply(&self, fed: &Federation) -> Result<Vec<String>, JobError> {
        set_up_aws(fed, &self.aws).await.map_err(JobError::Account)
    }
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
        let managed = &account.aws.managed_policies[0];
        assert_eq!(
            (managed.name.as_str(), managed.path.as_deref()),
            ("read-artifacts", Some("/ci/"))
        );
        assert_eq!(
            managed.document.as_str(),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
        );
        let account_id = Placeholders::dummies().account;
        assert_eq!(
            account.aws.roles[0].attached_policies,
            [
                "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess".to_owned(),
                format!("arn:aws:iam::{account_id}:policy/ci/read-artifacts"),
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
