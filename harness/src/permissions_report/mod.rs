//! `fedlab permissions`: a least-privilege report from what mock-sts saw. For every role whose
//! sessions made data-plane (S3) calls it lists the actions and resources actually used (and
//! those denied), which grants of the role's policies those calls used and which they never
//! did, and the narrowest identity policy that would have allowed exactly the used calls
//! (`docs/permissions.md` gives the rule).
//!
//! The input is a [`SavedRun`]: the request log (`GET /-/mock/requests`) and the IAM state
//! (`GET /-/mock/state`), as `fedlab job --report FILE` saves them. Only what the log shows is
//! reported, not what a script says it does: the aws CLI's own extra calls (HeadBucket,
//! ListObjectsV2, …) count when mock-sts saw them.
//!
//! Layout: `observed` (the log's calls per role), `grants` (the role's policy statements against
//! those calls), `model` (the report), `proposal` (the narrowest policy), `render` (text).

mod grants;
mod model;
mod observed;
mod proposal;
mod render;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use grants::Grant;
pub use model::{PermissionsReport, RoleReport};
pub use observed::Use;
pub use proposal::{MAX_EXACT_KEYS, narrowest_policy};
pub use render::text;

use crate::Request;

/// One run as saved: every request mock-sts answered and its IAM state afterwards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedRun {
    pub requests: Vec<Request>,
    pub state: mock_sts::Seed,
}

impl SavedRun {
    pub fn from_json(text: &str) -> Result<Self, PermissionsError> {
        serde_json::from_str(text).map_err(|err| PermissionsError::Format(err.to_string()))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A saved run that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum PermissionsError {
    #[error("not a saved run ({{\"requests\": [...], \"state\": {{...}}}}): {0}")]
    Format(String),
}

/// Builds the report of `run`.
pub fn report(run: &SavedRun) -> PermissionsReport {
    let roles = observed::by_role(&run.requests)
        .into_iter()
        .map(|(role_arn, calls)| {
            let (grants, notes) =
                grants::judge(&run.state, &role_arn, &calls.allowed, &calls.denied);
            let used = observed::grouped(&calls.allowed);
            RoleReport {
                proposed_policy: narrowest_policy(&used),
                denied: observed::grouped(&calls.denied),
                used,
                grants,
                notes,
                role_arn,
            }
        })
        .collect();
    PermissionsReport { roles }
}
