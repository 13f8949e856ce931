//! The OIDC provider actions: what IAM checks before it changes anything, and the changes
//! themselves. The rules are the IAM model's (botocore's
//! `botocore/data/iam/2010-05-08/service-2.json`) and the IAM User Guide page "Create an OpenID
//! Connect (OIDC) identity provider in IAM"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html>).

use std::sync::Arc;

use time::OffsetDateTime;

use crate::errors::{AwsError, InvalidInput, Quota};
use crate::iam::params::{self, Page, Paging};
use crate::iam::store::{IamStore, Provider, Tag};
use crate::iam::tags;
use crate::query::Params;
use crate::unknowns;
use crate::validation::Checker;

/// IAM accepts at most five thumbprints per provider.
const MAX_THUMBPRINTS: usize = 5;
/// "at least one and can have a maximum of 100 audiences" (IAM User Guide, OIDC providers).
const MAX_CLIENT_IDS: usize = 100;

/// A CreateOpenIDConnectProvider request IAM has accepted, not yet stored.
#[derive(Debug)]
pub(crate) struct NewProvider {
    pub(crate) url: String,
    arn: String,
    client_ids: Vec<String>,
    /// Empty when the caller gave none: IAM then computes one from the provider's chain.
    pub(crate) thumbprints: Vec<String>,
    tags: Vec<Tag>,
}

/// CreateOpenIDConnectProvider's checks, in IAM's order: the model constraints, the URL rules,
/// the thumbprint count, the tags, then whether the provider exists.
pub(crate) fn validate_open_id_connect_provider(
    store: &IamStore,
    account: &str,
    params: &Params,
) -> Result<NewProvider, AwsError> {
    let client_ids = params.list("ClientIDList");
    let thumbprints = params.list("ThumbprintList");
    let mut checker = Checker::new();
    let url = checker.string(params, params::URL);
    for client_id in &client_ids {
        checker.check_string(params::CLIENT_ID_LIST, Some(client_id));
    }
    for thumbprint in &thumbprints {
        checker.check_string(params::THUMBPRINT_LIST, Some(thumbprint));
    }
    let tags = tags::read(&mut checker, params);
    checker.finish()?;
    let url = url.unwrap_or_default();
    let host_and_path = check_provider_url(url, unknowns::ALLOW_PROVIDER_URL_PORT)?;
    check_thumbprint_count(&thumbprints)?;
    check_client_id_count(client_ids.len())?;
    let tags = tags::new_set(tags, Quota::TagsPerOpenIdConnectProvider)?;
    let arn = format!("arn:aws:iam::{account}:oidc-provider/{host_and_path}");
    if store.provider(&arn).is_some() {
        return Err(AwsError::ProviderAlreadyExists {
            url: url.to_owned(),
        });
    }
    Ok(NewProvider {
        url: url.to_owned(),
        arn,
        client_ids,
        thumbprints: thumbprints.iter().map(|t| t.to_ascii_lowercase()).collect(),
        tags,
    })
}

/// Stores a validated provider (checking again that no request created it in the meantime).
pub(crate) fn insert_open_id_connect_provider(
    store: &mut IamStore,
    new: NewProvider,
    now: OffsetDateTime,
) -> Result<Arc<Provider>, AwsError> {
    if store.provider(&new.arn).is_some() {
        return Err(AwsError::ProviderAlreadyExists { url: new.url });
    }
    let provider = Arc::new(Provider {
        arn: new.arn,
        url: new.url,
        client_ids: new.client_ids,
        thumbprints: new.thumbprints,
        tags: new.tags,
        created: now,
    });
    store.insert_provider(Arc::clone(&provider));
    Ok(provider)
}

/// The URL without its scheme, if IAM would register it: https, no query, and a port only when
/// `allow_port` says so.
fn check_provider_url(url: &str, allow_port: bool) -> Result<&str, AwsError> {
    let Some(host_and_path) = url.strip_prefix("https://") else {
        return Err(AwsError::InvalidInput(InvalidInput::ProviderUrlNotHttps));
    };
    if url.contains('?') {
        return Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasQuery));
    }
    if !allow_port && has_port(host_and_path) {
        return Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasPort));
    }
    Ok(host_and_path)
}

/// Whether `host[:port][/path]` names a port; an IPv6 host's colons sit inside brackets.
fn has_port(host_and_path: &str) -> bool {
    let authority = host_and_path.split('/').next().unwrap_or_default();
    let host_end = authority.rfind(']').map_or(0, |at| at + 1);
    authority[host_end..].contains(':')
}

fn check_thumbprint_count(thumbprints: &[String]) -> Result<(), AwsError> {
    if thumbprints.len() > MAX_THUMBPRINTS {
        return Err(AwsError::InvalidInput(InvalidInput::TooManyThumbprints));
    }
    Ok(())
}

fn check_client_id_count(count: usize) -> Result<(), AwsError> {
    if count > MAX_CLIENT_IDS {
        return Err(AwsError::QuotaExceeded {
            quota: Quota::ClientIdsPerOpenIdConnectProvider,
            limit: MAX_CLIENT_IDS,
        });
    }
    Ok(())
}

pub(crate) fn get_open_id_connect_provider(
    store: &IamStore,
    params: &Params,
) -> Result<Arc<Provider>, AwsError> {
    let arn = params::provider_arn(params)?;
    find(store, arn)
}

fn find(store: &IamStore, arn: &str) -> Result<Arc<Provider>, AwsError> {
    store.provider(arn).ok_or_else(|| AwsError::NoSuchProvider {
        arn: arn.to_owned(),
    })
}

pub(crate) fn delete_open_id_connect_provider(
    store: &mut IamStore,
    params: &Params,
) -> Result<(), AwsError> {
    let arn = params::provider_arn(params)?;
    store
        .remove_provider(arn)
        .map(drop)
        .ok_or_else(|| AwsError::NoSuchProvider {
            arn: arn.to_owned(),
        })
}

/// Checks the ARN and one more member, then replaces the provider with `change` applied.
fn update<T>(
    store: &mut IamStore,
    params: &Params,
    read: impl FnOnce(&mut Checker) -> T,
    change: impl FnOnce(&mut Provider, T) -> Result<(), AwsError>,
) -> Result<(), AwsError> {
    let mut checker = Checker::new();
    let arn = checker.string(params, params::PROVIDER_ARN);
    let member = read(&mut checker);
    checker.finish()?;
    let found = find(store, arn.unwrap_or_default())?;
    // A new version replaces the shared one, so requests in flight keep the one they started with.
    let mut updated = Provider::clone(&found);
    change(&mut updated, member)?;
    store.insert_provider(Arc::new(updated));
    Ok(())
}

/// Idempotent, as the IAM model documents: an ID already there is not added twice.
pub(crate) fn add_client_id(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let client_id = params.get("ClientID");
    update(
        store,
        params,
        |checker| checker.check_string(params::CLIENT_ID, client_id),
        |provider, ()| {
            let id = client_id.unwrap_or_default().to_owned();
            if !provider.client_ids.contains(&id) {
                check_client_id_count(provider.client_ids.len() + 1)?;
                provider.client_ids.push(id);
            }
            Ok(())
        },
    )
}

/// Idempotent, as the IAM model documents: removing an ID that is not there succeeds.
pub(crate) fn remove_client_id(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let client_id = params.get("ClientID");
    update(
        store,
        params,
        |checker| checker.check_string(params::CLIENT_ID, client_id),
        |provider, ()| {
            provider
                .client_ids
                .retain(|id| Some(id.as_str()) != client_id);
            Ok(())
        },
    )
}

/// Replaces the whole list ("The lists are not merged", IAM model).
pub(crate) fn update_thumbprint(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    let thumbprints = params.list("ThumbprintList");
    update(
        store,
        params,
        |checker| {
            if thumbprints.is_empty() {
                checker.check_string(
                    crate::validation::StringRule {
                        required: true,
                        ..params::THUMBPRINT_LIST
                    },
                    None,
                );
            }
            for thumbprint in &thumbprints {
                checker.check_string(params::THUMBPRINT_LIST, Some(thumbprint));
            }
        },
        |provider, ()| {
            check_thumbprint_count(&thumbprints)?;
            provider.thumbprints = thumbprints.iter().map(|t| t.to_ascii_lowercase()).collect();
            Ok(())
        },
    )
}

pub(crate) fn tag(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    update(
        store,
        params,
        |checker| read_required_tags(checker, params),
        |provider, added| {
            provider.tags =
                tags::merge(&provider.tags, added, Quota::TagsPerOpenIdConnectProvider)?;
            Ok(())
        },
    )
}

pub(crate) fn untag(store: &mut IamStore, params: &Params) -> Result<(), AwsError> {
    update(
        store,
        params,
        |checker| tags::read_keys(checker, params),
        |provider, keys| {
            provider.tags = tags::remove(&provider.tags, &keys);
            Ok(())
        },
    )
}

/// `Tags` is required on the tag actions: an empty list is a missing member.
pub(super) fn read_required_tags(checker: &mut Checker, params: &Params) -> Vec<Tag> {
    let tags = tags::read(checker, params);
    if tags.is_empty() {
        checker.check_string(REQUIRED_TAGS, None);
    }
    tags
}

const REQUIRED_TAGS: crate::validation::StringRule = crate::validation::StringRule {
    param: "Tags",
    member: "tags",
    required: true,
    min: 0,
    max: usize::MAX,
    pattern: None,
    sensitive: false,
};

/// ListOpenIDConnectProviderTags: the provider and one page of its tags.
pub(crate) fn list_tags(store: &IamStore, params: &Params) -> Result<Page<Tag>, AwsError> {
    let mut checker = Checker::new();
    let arn = checker.string(params, params::PROVIDER_ARN);
    let paging = Paging::read(&mut checker, params)?;
    checker.finish()?;
    let provider = find(store, arn.unwrap_or_default())?;
    paging.page(numbered(&provider.tags))
}

/// Tags in their order, keyed so that markers keep that order.
pub(super) fn numbered(tags: &[Tag]) -> Vec<(String, Tag)> {
    (0..)
        .zip(tags)
        .map(|(i, tag): (u32, &Tag)| (format!("{i:08}"), tag.clone()))
        .collect()
}

#[cfg(test)]
mod tests;
