//! The IAM control plane mock-sts needs: OIDC providers, roles and their permission policies,
//! created through the real AWS API. `store` holds them; `providers`, `roles`, `tags`, `policies`
//! (inline) and `managed` (managed policies and attachments) validate requests and change the
//! store the way IAM does, with the member shapes in `params`; `aws_managed` is the built-in table
//! of AWS managed policies; `render` and `policy_render` write IAM's XML answers; `dump` turns the
//! store into a seed.

mod aws_managed;
mod dump;
mod managed;
mod params;
mod policies;
mod policy_render;
mod providers;
mod render;
mod roles;
mod store;
mod tags;

pub(crate) use aws_managed::document as aws_managed_document;
pub(crate) use dump::dump;
pub(crate) use managed::{
    attach_role_policy, create_policy, delete_policy, detach_role_policy, find_policy, get_policy,
    get_policy_version, list_attached_role_policies,
};
pub(crate) use policies::{
    delete_role_policy, get_role_policy, list_role_policies, put_role_policy,
};
pub(crate) use policy_render::{attached_policies_xml, policy_version_xml, policy_xml};
pub(crate) use providers::{
    NewProvider, add_client_id, delete_open_id_connect_provider, get_open_id_connect_provider,
    insert_open_id_connect_provider, list_tags as list_provider_tags, remove_client_id,
    tag as tag_provider, untag as untag_provider, update_thumbprint,
    validate_open_id_connect_provider,
};
pub(crate) use render::{
    provider_created_xml, provider_xml, providers_xml, role_policies_xml, role_policy_xml,
    role_xml, roles_xml, tags_xml,
};
pub(crate) use roles::{
    create_role, delete_role, get_role, list_role_tags, list_roles, tag_role, untag_role,
    update_assume_role_policy, update_role,
};
pub(crate) use store::{IamStore, ManagedPolicy, Provider, Role};
