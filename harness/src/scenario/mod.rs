//! The scenario file format (documented in `scenarios/README.md`): one documented success or
//! failure of the federation path, as data.
//!
//! A scenario is YAML so that real trust-policy JSON and `.gitlab-ci.yml` snippets paste in
//! verbatim. Placeholders such as `{{issuer_host}}` are replaced before parsing, because the
//! environment (ports, thumbprints) only exists at run time.

mod format;
mod placeholders;
mod source;

pub use format::{
    AwsAnswer, AwsSetup, Expected, GitlabSetup, ProviderSetup, RoleSetup, Rotation, Scenario,
    WebIdentityRequest,
};
pub use placeholders::Placeholders;
pub use source::{ScenarioError, ScenarioSource};
