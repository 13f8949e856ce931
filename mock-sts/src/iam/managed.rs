//! Managed policies (CreatePolicy, GetPolicy, GetPolicyVersion, DeletePolicy) and their
//! attachment to roles (AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies), as the IAM
//! model (botocore's `botocore/data/iam/2010-05-08/service-2.json`) and "IAM and AWS STS quotas"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>) describe them.
//! Customer managed policies have one version, `v1`; the AWS managed ones are `aws_managed`'s.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::errors::{AwsError, InvalidInput, Quota};
use crate::iam::aws_managed;
use crate::iam::params::{self, Page, Paging};
use crate::iam::roles::{find, parse_policy, policy_size, replace};
use crate::iam::store::{IamStore, ManagedPolicy};
use crate::iam::tags;
use crate::ids;
use crate::policy::PolicyKind;
use crate::query::Params;
use crate::unknowns;
use crate::validation::Checker;

/// A managed policy's document, in characters without whitespace (quotas page: 6,144).
const POLICY_SIZE_LIMIT: usize = 6144;
/// Managed policies per role (quotas page: 10 by default, adjustable).
const POLICIES_PER_ROLE: usize = 10;

pub(crate) fn create_policy(
    store: &mut IamStore,
    account: &str,
    params: &Params,
    now: OffsetDateTime,
) -> Result<Arc<ManagedPolicy>, AwsError> {
    let mut checker = Checker::new();
    let name = checker
        .string(params, params::POLICY_NAME)
        .unwrap_or_default()
        .to_owned();
    let path = checker
        .string(params, params::PATH)
        .unwrap_or("/")
        .to_owned();
    let text = checker
        .string(params, params::POLICY_DOCUMENT)
        .unwrap_or_default()
        .to_owned();
    let description = checker
        .string(params, params::POLICY_DESCRIPTION)
        .map(str::to_owned);
    let tags = tags::read(&mut checker, params);
    checker.finish()?;
    if policy_size(&text, unknowns::POLICY_SIZE_COUNTS_WHITESPACE) > POLICY_SIZE_LIMIT {
        return Err(AwsError::QuotaExceeded {
            quota: Quota::PolicySize,
            limit: POLICY_SIZE_LIMIT,
        });
    }
    let document = parse_policy(&text, PolicyKind::Identity)?;
    let tags = tags::new_set(tags, Quota::TagsPerPolicy)?;
    if store.customer_policy_named(&name).is_some() {
        return Err(AwsError::PolicyAlreadyExists { name });
    }
    let role_id = ids::role_id()?;
    let policy = Arc::new(ManagedPolicy {
        arn: format!("arn:aws:iam::{account}:policy{path}{name}"),
        name,
        path,
        // Same alphabet and length as role IDs, with the managed-policy prefix.
        policy_id: format!("ANPA{}", role_id.trim_start_matches("AROA")),
        description,
        version_id: "v1".to_owned(),
        text,
        document,
        tags,
        created: now,
        updated: now,
    });
    store.put_policy(Arc::clone(&policy));
    Ok(policy)
}

/// The policy and how many roles it is attached to.
pub(crate) fn get_policy(
    store: &IamStore,
    params: &Params,
) -> Result<(Arc<ManagedPolicy>, usize), AwsError> {
    let arn = policy_arn(params)?;
    let policy = find_policy(store, arn).ok_or_else(|| AwsError::NoSuchPolicy {
        arn: arn.to_owned(),
    })?;
    let count = store.attachment_count(&policy.arn);
    Ok((policy, count))
}

/// The default version: the only one a policy has here.
pub(crate) fn get_policy_version(
    store: &IamStore,
    params: &Params,
) -> Result<Arc<ManagedPolicy>, AwsError> {
    let mut checker = Checker::new();
    let arn = checker
        .string(params, params::POLICY_ARN)
        .unwrap_or_default();
    let version = checker
        .string(params, params::VERSION_ID)
        .unwrap_or_default();
    checker.finish()?;
    let no_version = || AwsError::NoSuchPolicyVersion {
        arn: arn.to_owned(),
        version: version.to_owned(),
    };
    let policy = find_policy(store, arn).ok_or_else(no_version)?;
    if policy.version_id != version {
        return Err(no_version());
    }
    Ok(policy)
}

pub(crate) fn delete_policy(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let arn = policy_arn(params)?;
    if aws_managed::is_aws_managed(arn) {
        return Err(AwsError::InvalidInput(InvalidInput::AwsManagedPolicy));
    }
    if find_policy(store, arn).is_none() {
        return Err(AwsError::NoSuchPolicy {
            arn: arn.to_owned(),
        });
    }
    if store.attachment_count(arn) > 0 {
        return Err(AwsError::DeleteConflictPolicyAttached);
    }
    store.remove_policy(arn);
    Ok(())
}

/// Attaching a policy the role already has succeeds and changes nothing.
pub(crate) fn attach_role_policy(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let (role_name, arn) = role_and_arn(params)?;
    let role = find(store, role_name)?;
    if find_policy(store, arn).is_none() {
        return Err(AwsError::PolicyNotAttachable {
            arn: arn.to_owned(),
        });
    }
    if role.attached_policies.iter().any(|a| a == arn) {
        return Ok(());
    }
    if role.attached_policies.len() >= POLICIES_PER_ROLE {
        return Err(AwsError::QuotaExceeded {
            quota: Quota::PoliciesPerRole,
            limit: POLICIES_PER_ROLE,
        });
    }
    replace(store, &role, |role| {
        role.attached_policies.push(arn.to_owned());
        Ok(())
    })
}

pub(crate) fn detach_role_policy(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let (role_name, arn) = role_and_arn(params)?;
    let role = find(store, role_name)?;
    replace(store, &role, |role| {
        let before = role.attached_policies.len();
        role.attached_policies.retain(|a| a != arn);
        if role.attached_policies.len() == before {
            return Err(AwsError::NoSuchPolicy {
                arn: arn.to_owned(),
            });
        }
        Ok(())
    })
}

/// One page of the role's attached policies (name and ARN) whose path starts with
/// `PathPrefix`, in the order they were attached.
pub(crate) fn list_attached_role_policies(
    store: &IamStore,
    params: &Params,
) -> Result<Page<(String, String)>, AwsError> {
    let mut checker = Checker::new();
    let role_name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default();
    let prefix = checker.string(params, params::PATH_PREFIX).unwrap_or("/");
    let paging = Paging::read(&mut checker, params)?;
    checker.finish()?;
    let role = find(store, role_name)?;
    // Keys that sort in attachment order, so a marker resumes where the page ended.
    let attached = role
        .attached_policies
        .iter()
        .filter_map(|arn| find_policy(store, arn))
        .filter(|policy| policy.path.starts_with(prefix))
        .enumerate()
        .map(|(at, policy)| {
            (
                format!("{at:05}"),
                (policy.name.clone(), policy.arn.clone()),
            )
        });
    paging.page(attached)
}

/// The managed policy `arn` names: a customer managed one of this account or an AWS managed one
/// from the built-in table.
pub(crate) fn find_policy(store: &IamStore, arn: &str) -> Option<Arc<ManagedPolicy>> {
    store
        .customer_policy(arn)
        .or_else(|| aws_managed::policy(arn))
}

fn policy_arn(params: &Params) -> Result<&str, AwsError> {
    let mut checker = Checker::new();
    let arn = checker.string(params, params::POLICY_ARN);
    checker.finish()?;
    Ok(arn.unwrap_or_default())
}

fn role_and_arn(params: &Params) -> Result<(&str, &str), AwsError> {
    let mut checker = Checker::new();
    let role_name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default();
    let arn = checker
        .string(params, params::POLICY_ARN)
        .unwrap_or_default();
    checker.finish()?;
    Ok((role_name, arn))
}
