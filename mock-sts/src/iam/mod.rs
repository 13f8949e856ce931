//! The IAM control plane mock-sts needs: OIDC providers and roles, created through the real AWS
//! API. `store` holds them; `providers`, `roles`, `tags` and `policies` validate requests and
//! change the store the way IAM does, with the member shapes in `params`; `render` writes IAM's
//! XML answers; `seed` loads and dumps a whole account.

mod dump;
mod params;
mod policies;
mod providers;
mod render;
mod roles;
mod store;
mod tags;

pub(crate) use dump::dump;
pub(crate) use policies::{
    delete_role_policy, get_role_policy, list_role_policies, put_role_policy,
};
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
pub(crate) use store::{IamStore, Provider, Role};
