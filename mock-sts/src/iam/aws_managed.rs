//! The AWS managed policies GitLab-to-AWS flows attach, with their documents as the "AWS Managed
//! Policy Reference Guide" (<https://docs.aws.amazon.com/aws-managed-policy/latest/reference/>)
//! prints them, and the IDs, versions and dates IAM's GetPolicy shows for them in public output.
//!
//! - `AdministratorAccess` v1 (<https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html>).
//! - `AmazonS3FullAccess` v2, edited 2021-09-27
//!   (<https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonS3FullAccess.html>).
//! - `AmazonS3ReadOnlyAccess` v3, edited 2023-08-10
//!   (<https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonS3ReadOnlyAccess.html>).
//! - `ReadOnlyAccess`: a **subset**. The real document lists thousands of read actions of every
//!   service; this one keeps, verbatim, the entries for the services mock-sts speaks or a job
//!   touches (IAM, S3, STS), so a call outside them is denied where AWS would allow it
//!   (docs/aws-behaviour.md says so).

use std::sync::{Arc, LazyLock};

use time::OffsetDateTime;
use time::macros::datetime;

use crate::iam::store::ManagedPolicy;
use crate::policy::{self, PolicyKind};

struct Entry {
    name: &'static str,
    policy_id: &'static str,
    version_id: &'static str,
    description: &'static str,
    created: OffsetDateTime,
    updated: OffsetDateTime,
    document: &'static str,
}

const ENTRIES: [Entry; 4] = [
    Entry {
        name: "AdministratorAccess",
        policy_id: "ANPAIWMBCKSKIEE64ZLYK",
        version_id: "v1",
        description: "Provides full access to AWS services and resources.",
        created: datetime!(2015-02-06 18:39:46 UTC),
        updated: datetime!(2015-02-06 18:39:46 UTC),
        document: r#"{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : "*",
      "Resource" : "*"
    }
  ]
}"#,
    },
    Entry {
        name: "AmazonS3FullAccess",
        policy_id: "ANPAIFIR6V6BVTRAHWINE",
        version_id: "v2",
        description: "Provides full access to all buckets via the AWS Management Console.",
        created: datetime!(2015-02-06 18:40:58 UTC),
        updated: datetime!(2021-09-27 20:16:37 UTC),
        document: r#"{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : [
        "s3:*",
        "s3-object-lambda:*"
      ],
      "Resource" : "*"
    }
  ]
}"#,
    },
    Entry {
        name: "AmazonS3ReadOnlyAccess",
        policy_id: "ANPAIZTJ4DXE7G6AGAE6M",
        version_id: "v3",
        description: "Provides read only access to all buckets via the AWS Management Console.",
        created: datetime!(2015-02-06 18:40:59 UTC),
        updated: datetime!(2023-08-10 21:31:39 UTC),
        document: r#"{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : [
        "s3:Get*",
        "s3:List*",
        "s3:Describe*",
        "s3-object-lambda:Get*",
        "s3-object-lambda:List*"
      ],
      "Resource" : "*"
    }
  ]
}"#,
    },
    Entry {
        name: "ReadOnlyAccess",
        policy_id: "ANPAILL3HVNFSB6DCOWYQ",
        // The version a public `aws iam get-policy` answer shows; the document is a subset.
        version_id: "v119",
        description: "Provides read-only access to AWS services and resources.",
        created: datetime!(2015-02-06 18:39:48 UTC),
        updated: datetime!(2015-02-06 18:39:48 UTC),
        document: r#"{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : [
        "iam:Generate*",
        "iam:Get*",
        "iam:List*",
        "iam:Simulate*",
        "s3:DescribeJob",
        "s3:Get*",
        "s3:List*",
        "sts:GetAccessKeyInfo",
        "sts:GetCallerIdentity",
        "sts:GetSessionToken"
      ],
      "Resource" : "*"
    }
  ]
}"#,
    },
];

/// The table, parsed once. A document that does not parse is left out (the unit test below
/// keeps that from happening).
static POLICIES: LazyLock<Vec<Arc<ManagedPolicy>>> = LazyLock::new(|| {
    ENTRIES
        .iter()
        .filter_map(|entry| {
            let document = policy::parse(entry.document, PolicyKind::Identity).ok()?;
            Some(Arc::new(ManagedPolicy {
                name: entry.name.to_owned(),
                path: "/".to_owned(),
                arn: format!("{PREFIX}{}", entry.name),
                policy_id: entry.policy_id.to_owned(),
                description: Some(entry.description.to_owned()),
                version_id: entry.version_id.to_owned(),
                text: entry.document.to_owned(),
                document,
                tags: Vec::new(),
                created: entry.created,
                updated: entry.updated,
            }))
        })
        .collect()
});

/// AWS managed policies live in the `aws` account, at path `/`.
const PREFIX: &str = "arn:aws:iam::aws:policy/";

pub(crate) fn policy(arn: &str) -> Option<Arc<ManagedPolicy>> {
    POLICIES.iter().find(|p| p.arn == arn).cloned()
}

/// The document of a built-in AWS managed policy, as the reference guide prints it, for tools
/// that read a dumped state (which names attached policies by ARN only).
pub(crate) fn document(arn: &str) -> Option<&'static str> {
    let name = arn.strip_prefix(PREFIX)?;
    ENTRIES
        .iter()
        .find(|entry| entry.name == name)
        .map(|entry| entry.document)
}

/// Whether `arn` is in AWS's own namespace (which no account can create or delete in).
pub(crate) fn is_aws_managed(arn: &str) -> bool {
    arn.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_document_parses_as_an_identity_policy() {
        assert_eq!(POLICIES.len(), ENTRIES.len());
        for entry in &ENTRIES {
            assert!(policy(&format!("{PREFIX}{}", entry.name)).is_some());
        }
    }

    #[test]
    fn a_built_in_document_is_found_by_its_arn_and_nothing_else_is() {
        let text = document("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess").unwrap();
        assert!(text.contains("\"s3:Get*\""), "{text}");
        assert_eq!(
            document("arn:aws:iam::123456789012:policy/AmazonS3ReadOnlyAccess"),
            None
        );
    }

    #[test]
    fn an_arn_outside_the_table_is_no_aws_managed_policy() {
        assert!(policy("arn:aws:iam::aws:policy/PowerUserAccess").is_none());
        assert!(policy("arn:aws:iam::123456789012:policy/AdministratorAccess").is_none());
    }
}
