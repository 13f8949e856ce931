//! Inline permission policies of roles (PutRolePolicy, GetRolePolicy, DeleteRolePolicy,
//! ListRolePolicies). They are stored and validated as identity policies; nothing evaluates them
//! yet. They make DeleteRole's DeleteConflict reachable.

use crate::errors::AwsError;
use crate::iam::params::{self, Page, Paging};
use crate::iam::roles::{find, parse_policy, policy_size, replace};
use crate::iam::store::{IamStore, InlinePolicy};
use crate::policy::PolicyKind;
use crate::query::Params;
use crate::unknowns;
use crate::validation::Checker;

/// All inline policies of one role together, in characters without whitespace ("IAM and AWS STS
/// quotas": "Role policy size cannot exceed 10,240 characters").
const ROLE_POLICY_LIMIT: usize = 10_240;

/// Adds or replaces one inline policy.
pub(crate) fn put_role_policy(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let mut checker = Checker::new();
    let role_name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default();
    let name = checker
        .string(params, params::POLICY_NAME)
        .unwrap_or_default();
    let text = checker
        .string(params, params::POLICY_DOCUMENT)
        .unwrap_or_default();
    checker.finish()?;
    let document = parse_policy(text, PolicyKind::Identity)?;
    let role = find(store, role_name)?;
    replace(store, &role, |role| {
        role.inline_policies.insert(
            name.to_owned(),
            InlinePolicy {
                text: text.to_owned(),
                document,
            },
        );
        let count = unknowns::POLICY_SIZE_COUNTS_WHITESPACE;
        let size: usize = role
            .inline_policies
            .values()
            .map(|policy| policy_size(&policy.text, count))
            .sum();
        if size > ROLE_POLICY_LIMIT {
            return Err(AwsError::RolePolicySizeExceeded {
                role: role.name.clone(),
                limit: ROLE_POLICY_LIMIT,
            });
        }
        Ok(())
    })
}

/// The role's exact name and the policy's name and text.
pub(crate) fn get_role_policy(
    store: &IamStore,
    params: &Params,
) -> Result<(String, String, String), AwsError> {
    let (role_name, name) = names(params)?;
    let role = find(store, role_name)?;
    let policy = role
        .inline_policies
        .get(name)
        .ok_or_else(|| AwsError::NoSuchRolePolicy {
            name: name.to_owned(),
        })?;
    Ok((role.name.clone(), name.to_owned(), policy.text.clone()))
}

pub(crate) fn delete_role_policy(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let (role_name, name) = names(params)?;
    let role = find(store, role_name)?;
    replace(store, &role, |role| {
        role.inline_policies
            .remove(name)
            .map(drop)
            .ok_or_else(|| AwsError::NoSuchRolePolicy {
                name: name.to_owned(),
            })
    })
}

/// One page of the role's inline policy names, in name order.
pub(crate) fn list_role_policies(
    store: &IamStore,
    params: &Params,
) -> Result<Page<String>, AwsError> {
    let mut checker = Checker::new();
    let role_name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default();
    let paging = Paging::read(&mut checker, params)?;
    checker.finish()?;
    let role = find(store, role_name)?;
    paging.page(
        role.inline_policies
            .keys()
            .map(|name| (name.clone(), name.clone())),
    )
}

fn names(params: &Params) -> Result<(&str, &str), AwsError> {
    let mut checker = Checker::new();
    let role_name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default();
    let name = checker
        .string(params, params::POLICY_NAME)
        .unwrap_or_default();
    checker.finish()?;
    Ok((role_name, name))
}
