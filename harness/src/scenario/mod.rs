//! The scenario file format (specified in `scenarios/README.md`, schema in
//! `scenarios/schema.json`): one documented success or failure of the federation path, as data.
//!
//! A scenario is YAML so that real trust-policy JSON and `.gitlab-ci.yml` snippets paste in
//! verbatim. Placeholders such as `{{issuer_host}}` are replaced before parsing, because the
//! environment (ports, thumbprints) only exists at run time.

mod answers;
mod check;
mod clients;
mod format;
mod locate;
mod mirror;
mod params;
mod placeholders;
mod policy_text;
mod schema;
mod select;
mod source;
#[cfg(test)]
mod tests;
mod token_file;

pub use answers::{AwsAnswer, CountRange, Expected, RequestCount};
pub use clients::{ANY_PROGRAM, ClientCase, ClientPlan, KNOWN_CLIENTS, OTHERS};
pub use format::{
    AwsSetup, GitlabSetup, InlinePolicySetup, ManagedPolicySetup, Outage, ProviderSetup, RoleSetup,
    Rotation, S3Step, Scenario, WebIdentityRequest,
};
pub use params::QueryParams;
pub use placeholders::Placeholders;
pub use policy_text::PolicyText;
pub use schema::schema_json;
pub use select::{Partition, Selection};
pub use source::{Position, ScenarioError, ScenarioSource};
pub use token_file::TokenFile;
