//! Per-client differences, as data: where real clients legitimately differ (botocore refusing a
//! malformed parameter before sending it, retrying IDPCommunicationError), the scenario says so
//! for that client, and the runner only reads it.

use schemars::JsonSchema;
use serde::Deserialize;

use super::answers::{Expected, RequestCount};

/// The names a `clients` key may have besides `cmd:PROGRAM` and [`OTHERS`]: the clients fedlab
/// knows. A misspelt key would silently apply to nobody, so any other key is a load error.
pub const KNOWN_CLIENTS: &[&str] = crate::clients::BUILTIN_CLIENTS;

/// The `clients` key for every program plugged in by `cmd:` (they get only the standard
/// variables, so e.g. they cannot send `DurationSeconds`).
pub const ANY_PROGRAM: &str = "cmd:*";

/// The `clients` key for every client the scenario does not name.
pub const OTHERS: &str = "others";

/// How one client's run of a scenario differs from the scenario's own expectation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientCase {
    /// This client cannot make the request the case needs; the reason is reported and the case
    /// counts as skipped for it, never as passed.
    #[serde(default)]
    pub skip: Option<String>,
    /// What this client gets instead of the scenario's `expect` (e.g. a client-side validation
    /// error the SDK raises before sending anything is not this: that is a `skip`).
    #[serde(default)]
    pub expect: Option<Expected>,
    /// How many AssumeRoleWithWebIdentity requests mock-sts must see from this client (e.g. an
    /// SDK that retries IDPCommunicationError). Without it: at least one.
    #[serde(default)]
    pub assume_requests: Option<RequestCount>,
}

/// What one client is to do with a scenario, after its `clients` entry is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientPlan<'a> {
    /// Report the case as skipped for this client, with this reason.
    Skip(&'a str),
    /// Run it and judge it against this.
    Run {
        expect: &'a Expected,
        assume_requests: Option<RequestCount>,
    },
}

/// Whether `key` may be a `clients` key.
pub(super) fn is_client_key(key: &str) -> bool {
    KNOWN_CLIENTS.contains(&key)
        || key == OTHERS
        || key
            .strip_prefix("cmd:")
            .is_some_and(|program| !program.is_empty())
}
