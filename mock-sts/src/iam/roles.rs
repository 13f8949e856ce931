//! The role actions: what IAM checks before it changes anything, and the changes themselves,
//! following the IAM model (botocore's `botocore/data/iam/2010-05-08/service-2.json`) and "IAM
//! and AWS STS quotas" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).

use std::collections::BTreeMap;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::errors::{AwsError, MalformedPolicy, Quota};
use crate::iam::params::{self, Page, Paging};
use crate::iam::providers::{numbered, read_required_tags};
use crate::iam::store::{IamStore, Role, Tag};
use crate::iam::tags;
use crate::policy::{self, PolicyDocument, PolicyKind};
use crate::query::Params;
use crate::validation::{self, Checker};
use crate::{ids, unknowns};

/// The IAM quota on trust-policy size (adjustable in AWS; the default here).
const TRUST_POLICY_LIMIT: usize = 2048;
/// MaxSessionDuration's range and default (IAM model).
const MIN_SESSION: i64 = 3600;
const MAX_SESSION: i64 = 43200;

pub(crate) fn create_role(
    store: &mut IamStore,
    account: &str,
    params: &Params,
    now: OffsetDateTime,
) -> Result<Arc<Role>, AwsError> {
    let max_session_duration = validation::integer(params, "MaxSessionDuration")?;
    let mut checker = Checker::new();
    let path = checker
        .string(params, params::PATH)
        .unwrap_or("/")
        .to_owned();
    let name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default()
        .to_owned();
    let document = checker
        .string(params, params::TRUST_POLICY)
        .unwrap_or_default()
        .to_owned();
    let description = checker
        .string(params, params::DESCRIPTION)
        .map(str::to_owned);
    if let Some(duration) = max_session_duration {
        checker.range("maxSessionDuration", duration, MIN_SESSION, MAX_SESSION);
    }
    let tags = tags::read(&mut checker, params);
    checker.finish()?;
    let trust_policy = parse_trust_policy(&document)?;
    let tags = tags::new_set(tags, Quota::TagsPerRole)?;
    if store.role(&name).is_some() {
        return Err(AwsError::RoleAlreadyExists { name });
    }
    let role = Arc::new(Role {
        arn: format!("arn:aws:iam::{account}:role{path}{name}"),
        name,
        path,
        role_id: ids::role_id()?,
        trust_policy_text: document,
        trust_policy,
        max_session_duration: max_session_duration.unwrap_or(MIN_SESSION),
        description,
        tags,
        inline_policies: BTreeMap::new(),
        attached_policies: Vec::new(),
        created: now,
    });
    store.put_role(Arc::clone(&role));
    Ok(role)
}

pub(crate) fn get_role(store: &IamStore, params: &Params) -> Result<Arc<Role>, AwsError> {
    find(store, params::role_name(params)?)
}

pub(super) fn find(store: &IamStore, name: &str) -> Result<Arc<Role>, AwsError> {
    store.role(name).ok_or_else(|| AwsError::NoSuchRole {
        name: name.to_owned(),
    })
}

/// A role with permission policies cannot be deleted: IAM wants inline policies deleted and
/// managed policies detached first (inline ones are reported first, a choice: see unknowns.md).
pub(crate) fn delete_role(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let role = find(store, params::role_name(params)?)?;
    if !role.inline_policies.is_empty() {
        return Err(AwsError::DeleteConflictPolicies);
    }
    if !role.attached_policies.is_empty() {
        return Err(AwsError::DeleteConflictAttachedPolicies);
    }
    store.remove_role(&role.name);
    Ok(())
}

/// Replaces the stored role with `change` applied to a copy, so requests in flight keep the
/// version they started with.
pub(super) fn replace(
    store: &mut IamStore,
    role: &Role,
    change: impl FnOnce(&mut Role) -> Result<(), AwsError>,
) -> Result<(), AwsError> {
    let mut updated = role.clone();
    change(&mut updated)?;
    store.put_role(Arc::new(updated));
    Ok(())
}

pub(crate) fn update_assume_role_policy(
    store: &mut IamStore,
    params: &Params,
) -> Result<(), AwsError> {
    let mut checker = Checker::new();
    let name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default();
    let document = checker
        .string(params, params::POLICY_DOCUMENT)
        .unwrap_or_default();
    checker.finish()?;
    let trust_policy = parse_trust_policy(document)?;
    let role = find(store, name)?;
    replace(store, &role, |role| {
        role.trust_policy = trust_policy;
        document.clone_into(&mut role.trust_policy_text);
        Ok(())
    })
}

/// UpdateRole changes the description and the maximum session duration; an absent member
/// leaves its setting as it is.
pub(crate) fn update_role(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let max_session_duration = validation::integer(params, "MaxSessionDuration")?;
    let mut checker = Checker::new();
    let name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default();
    let description = checker.string(params, params::DESCRIPTION);
    if let Some(duration) = max_session_duration {
        checker.range("maxSessionDuration", duration, MIN_SESSION, MAX_SESSION);
    }
    checker.finish()?;
    let role = find(store, name)?;
    replace(store, &role, |role| {
        if let Some(description) = description {
            role.description = Some(description.to_owned());
        }
        if let Some(duration) = max_session_duration {
            role.max_session_duration = duration;
        }
        Ok(())
    })
}

/// ListRoles: the roles whose path starts with `PathPrefix` (default `/`), in name order.
pub(crate) fn list_roles(store: &IamStore, params: &Params) -> Result<Page<Arc<Role>>, AwsError> {
    let mut checker = Checker::new();
    let prefix = checker.string(params, params::PATH_PREFIX).unwrap_or("/");
    let paging = Paging::read(&mut checker, params)?;
    checker.finish()?;
    paging.page(
        store
            .roles()
            .filter(|(_, role)| role.path.starts_with(prefix))
            .map(|(key, role)| (key.to_owned(), Arc::clone(role))),
    )
}

pub(crate) fn tag_role(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let mut checker = Checker::new();
    let name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default();
    let added = read_required_tags(&mut checker, params);
    checker.finish()?;
    let role = find(store, name)?;
    replace(store, &role, |role| {
        role.tags = tags::merge(&role.tags, added, Quota::TagsPerRole)?;
        Ok(())
    })
}

pub(crate) fn untag_role(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let mut checker = Checker::new();
    let name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default();
    let keys = tags::read_keys(&mut checker, params);
    checker.finish()?;
    let role = find(store, name)?;
    replace(store, &role, |role| {
        role.tags = tags::remove(&role.tags, &keys);
        Ok(())
    })
}

pub(crate) fn list_role_tags(store: &IamStore, params: &Params) -> Result<Page<Tag>, AwsError> {
    let mut checker = Checker::new();
    let name = checker
        .string(params, params::ROLE_NAME)
        .unwrap_or_default();
    let paging = Paging::read(&mut checker, params)?;
    checker.finish()?;
    let role = find(store, name)?;
    paging.page(numbered(&role.tags))
}

/// IAM sizes trust policies (whitespace counted or not, as `unknowns` says), then parses them
/// with the trust-policy rules.
fn parse_trust_policy(document: &str) -> Result<PolicyDocument, AwsError> {
    if policy_size(document, unknowns::POLICY_SIZE_COUNTS_WHITESPACE) > TRUST_POLICY_LIMIT {
        return Err(AwsError::TrustPolicyTooLarge {
            limit: TRUST_POLICY_LIMIT,
        });
    }
    parse_policy(document, PolicyKind::Trust)
}

/// A policy's size as IAM's quotas count it: characters, with or without whitespace.
pub(super) fn policy_size(document: &str, count_whitespace: bool) -> usize {
    document
        .chars()
        .filter(|c| count_whitespace || !c.is_whitespace())
        .count()
}

/// Parses a document as `kind`, refused with IAM's MalformedPolicyDocument messages.
pub(super) fn parse_policy(document: &str, kind: PolicyKind) -> Result<PolicyDocument, AwsError> {
    policy::parse(document, kind)
        .map_err(|err| AwsError::MalformedPolicyDocument(MalformedPolicy::from(&err)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_counts_toward_the_policy_size_only_when_told_to() {
        assert_eq!(policy_size("{ \"a\" :\n 1 }", false), 7);
        assert_eq!(policy_size("{ \"a\" :\n 1 }", true), 12);
    }
}
