//! The AssumeRoleWithWebIdentity parameters: their model constraints (botocore's
//! `botocore/data/sts/2011-06-15/service-2.json`) and the role ARN they name.

use crate::errors::AwsError;
use crate::iam::Role;
use crate::query::Params;
use crate::unknowns;
use crate::validation::{self, Checker, Pattern, StringRule};

/// The session length when `DurationSeconds` is absent (the API reference's default).
pub(super) const DEFAULT_DURATION_SECS: i64 = 3600;

/// The parameters once they meet the model.
#[derive(Debug, Clone, Copy)]
pub(super) struct Validated<'a> {
    pub(super) role_arn: &'a str,
    pub(super) session_name: &'a str,
    /// With surrounding whitespace dropped when `unknowns::TRIM_TOKEN_WHITESPACE` says so.
    pub(super) token: &'a str,
    pub(super) duration: Option<i64>,
}

/// Checks every member in model order; an unreadable integer fails the whole request before any
/// constraint is checked, as AWS's deserializer does.
pub(super) fn validate(params: &Params) -> Result<Validated<'_>, AwsError> {
    let duration = validation::integer(params, "DurationSeconds")?;
    let mut checker = Checker::new();
    let role_arn = checker.string(params, ROLE_ARN);
    let session_name = checker.string(params, SESSION_NAME);
    let token = checker.string(params, TOKEN);
    checker.string(params, PROVIDER_ID);
    // Only the model's constraints here; `session_policy` parses and packs them at issue time.
    let policy_arns = params.list_field("PolicyArns", "arn");
    checker.max_items("policyArns", &policy_arns, 10);
    checker.string(params, POLICY);
    if let Some(duration) = duration {
        checker.range("durationSeconds", duration, 900, 43200);
    }
    checker.finish()?;
    let token = token.unwrap_or_default();
    Ok(Validated {
        role_arn: role_arn.unwrap_or_default(),
        session_name: session_name.unwrap_or_default(),
        token: if unknowns::TRIM_TOKEN_WHITESPACE {
            token.trim_ascii()
        } else {
            token
        },
        duration,
    })
}

/// `arn:<partition>:iam::<12 digits>:role/<path…/>name`, split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RoleArn<'a> {
    pub(super) partition: &'a str,
    pub(super) account: &'a str,
    /// `/` or `/a/b/`, the way IAM writes role paths.
    pub(super) path: &'a str,
    pub(super) name: &'a str,
}

impl<'a> RoleArn<'a> {
    pub(super) fn parse(arn: &'a str) -> Result<Self, AwsError> {
        let invalid = || AwsError::InvalidRoleArn {
            value: arn.to_owned(),
        };
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(invalid());
        };
        if partition.is_empty()
            || account.len() != 12
            || !account.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        // "role/a/b/name": the path is everything from the slash after "role" to the last slash.
        let path_and_name = resource.strip_prefix("role").ok_or_else(invalid)?;
        let (path, name) = path_and_name
            .rfind('/')
            .map(|at| (&path_and_name[..=at], &path_and_name[at + 1..]))
            .filter(|(path, name)| path.starts_with('/') && !name.is_empty())
            .ok_or_else(invalid)?;
        Ok(Self {
            partition,
            account,
            path,
            name,
        })
    }

    /// How this ARN differs from `role`'s own ARN, in words, or `None` when it names the role
    /// exactly (or differs only where `unknowns` allows).
    pub(super) fn mismatch(&self, role: &Role) -> Option<String> {
        let own = RoleArn::parse(&role.arn).ok()?;
        let mut differences = Vec::new();
        if self.partition != own.partition {
            differences.push(format!(
                "the partition {} is not the role's partition {}",
                self.partition, own.partition
            ));
        }
        if unknowns::ROLE_ARN_PATH_MUST_MATCH && self.path != own.path {
            differences.push(format!(
                "the path {} is not the role's path {}",
                self.path, own.path
            ));
        }
        if self.name != own.name {
            differences.push(format!(
                "the name {} differs from the role's name {} in letter case, and role names are case sensitive",
                self.name, own.name
            ));
        }
        (!differences.is_empty()).then(|| {
            format!(
                "RoleArn does not name role {} exactly: {}",
                role.arn,
                differences.join("; ")
            )
        })
    }
}

const ROLE_ARN: StringRule = StringRule {
    param: "RoleArn",
    member: "roleArn",
    required: true,
    min: 20,
    max: 2048,
    pattern: Some(Pattern::Arn),
    sensitive: false,
};
const SESSION_NAME: StringRule = StringRule {
    param: "RoleSessionName",
    member: "roleSessionName",
    required: true,
    min: 2,
    max: 64,
    pattern: Some(Pattern::RoleSessionName),
    sensitive: false,
};
const TOKEN: StringRule = StringRule {
    param: "WebIdentityToken",
    member: "webIdentityToken",
    required: true,
    min: 4,
    max: 20000,
    pattern: None,
    sensitive: true,
};
const PROVIDER_ID: StringRule = StringRule {
    param: "ProviderId",
    member: "providerId",
    required: false,
    min: 4,
    max: 2048,
    pattern: None,
    sensitive: false,
};
const POLICY: StringRule = StringRule {
    param: "Policy",
    member: "policy",
    required: false,
    min: 1,
    max: 2048,
    pattern: Some(Pattern::SessionPolicy),
    sensitive: false,
};
