//! The IAM control plane mock-sts needs: OIDC providers and roles, created through the real AWS
//! API. `store` holds them, `rules` validates requests and changes the store the way IAM does,
//! `render` writes IAM's XML answers.

mod render;
mod rules;
mod store;

pub(crate) use render::{provider_created_xml, provider_xml, providers_xml, role_xml};
pub(crate) use rules::{
    create_role, delete_open_id_connect_provider, delete_role, get_open_id_connect_provider,
    get_role, insert_open_id_connect_provider, update_assume_role_policy,
    validate_open_id_connect_provider,
};
pub(crate) use store::{IamStore, Provider, Role};
