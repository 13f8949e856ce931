//! IAM's XML answers. IAM percent-encodes policy documents inside XML, and botocore decodes them
//! (boto/botocore, `botocore/handlers.py`, `json_decode_policies`).

use std::sync::Arc;

use crate::iam::params::Page;
use crate::iam::store::{Provider, Role, Tag};
use crate::service::Service;
use crate::times;
use crate::xml::{self, XmlWriter};

pub(crate) fn provider_created_xml(provider: &Provider, request_id: &str) -> String {
    xml::success(
        "CreateOpenIDConnectProvider",
        Service::Iam,
        request_id,
        |x| {
            x.leaf("OpenIDConnectProviderArn", &provider.arn);
            write_tags(x, &provider.tags);
        },
    )
}

pub(crate) fn provider_xml(provider: &Provider, request_id: &str) -> String {
    xml::success("GetOpenIDConnectProvider", Service::Iam, request_id, |x| {
        x.open("ClientIDList");
        for client_id in &provider.client_ids {
            x.leaf("member", client_id);
        }
        x.close("ClientIDList").open("ThumbprintList");
        for thumbprint in &provider.thumbprints {
            x.leaf("member", thumbprint);
        }
        // IAM answers the URL without its scheme.
        x.close("ThumbprintList")
            .leaf("CreateDate", &times::iso8601_millis(provider.created))
            .leaf("Url", provider.url.trim_start_matches("https://"));
        write_tags(x, &provider.tags);
    })
}

pub(crate) fn providers_xml<'a>(
    providers: impl Iterator<Item = &'a Provider>,
    request_id: &str,
) -> String {
    xml::success(
        "ListOpenIDConnectProviders",
        Service::Iam,
        request_id,
        |x| {
            x.open("OpenIDConnectProviderList");
            for provider in providers {
                x.open("member").leaf("Arn", &provider.arn).close("member");
            }
            x.close("OpenIDConnectProviderList");
        },
    )
}

pub(crate) fn role_xml(action: &str, role: &Role, request_id: &str) -> String {
    xml::success(action, Service::Iam, request_id, |x| {
        x.open("Role");
        write_role(x, role);
        write_tags(x, &role.tags);
        x.close("Role");
    })
}

/// ListRoles leaves tags out ("IAM resource-listing operations return a subset", IAM model).
pub(crate) fn roles_xml(page: &Page<Arc<Role>>, request_id: &str) -> String {
    xml::success("ListRoles", Service::Iam, request_id, |x| {
        x.open("Roles");
        for role in &page.items {
            x.open("member");
            write_role(x, role);
            x.close("member");
        }
        x.close("Roles");
        write_paging(x, page);
    })
}

/// ListRoleTags and ListOpenIDConnectProviderTags.
pub(crate) fn tags_xml(action: &str, page: &Page<Tag>, request_id: &str) -> String {
    xml::success(action, Service::Iam, request_id, |x| {
        x.open("Tags");
        for tag in &page.items {
            write_tag(x, tag);
        }
        x.close("Tags");
        write_paging(x, page);
    })
}

pub(crate) fn role_policies_xml(page: &Page<String>, request_id: &str) -> String {
    xml::success("ListRolePolicies", Service::Iam, request_id, |x| {
        x.open("PolicyNames");
        for name in &page.items {
            x.leaf("member", name);
        }
        x.close("PolicyNames");
        write_paging(x, page);
    })
}

/// GetRolePolicy: the document percent-encoded like every IAM policy document.
pub(crate) fn role_policy_xml(role: &str, name: &str, text: &str, request_id: &str) -> String {
    xml::success("GetRolePolicy", Service::Iam, request_id, |x| {
        x.leaf("RoleName", role)
            .leaf("PolicyName", name)
            .leaf("PolicyDocument", &percent_encode(text));
    })
}

/// The model's member order: the list, `IsTruncated`, then `Marker` when there is more.
pub(super) fn write_paging<T>(x: &mut XmlWriter, page: &Page<T>) {
    x.leaf(
        "IsTruncated",
        if page.marker.is_some() {
            "true"
        } else {
            "false"
        },
    );
    if let Some(marker) = &page.marker {
        x.leaf("Marker", marker);
    }
}

/// `<Tags>` only when there are any, as IAM leaves empty lists out of entity answers.
pub(super) fn write_tags(x: &mut XmlWriter, tags: &[Tag]) {
    if tags.is_empty() {
        return;
    }
    x.open("Tags");
    for tag in tags {
        write_tag(x, tag);
    }
    x.close("Tags");
}

fn write_tag(x: &mut XmlWriter, tag: &Tag) {
    x.open("member")
        .leaf("Key", &tag.key)
        .leaf("Value", &tag.value)
        .close("member");
}

fn write_role(x: &mut XmlWriter, role: &Role) {
    x.leaf("Path", &role.path)
        .leaf("Arn", &role.arn)
        .leaf("RoleName", &role.name)
        .leaf(
            "AssumeRolePolicyDocument",
            &percent_encode(&role.trust_policy_text),
        )
        .leaf("CreateDate", &times::iso8601_millis(role.created))
        .leaf("RoleId", &role.role_id);
    if let Some(description) = &role.description {
        x.leaf("Description", description);
    }
    x.leaf("MaxSessionDuration", &role.max_session_duration.to_string());
}

/// RFC 3986 percent-encoding, with a space as `%20`: botocore decodes with `unquote`, not
/// `unquote_plus`, so a `+` would survive as a plus sign.
pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_uses_percent_20_for_spaces() {
        assert_eq!(
            percent_encode(r#"{"a": "b/c"}"#),
            "%7B%22a%22%3A%20%22b%2Fc%22%7D"
        );
    }
}
