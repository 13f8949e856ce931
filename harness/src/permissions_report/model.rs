//! The report's shape, as `--json` prints it.

use serde::Serialize;

use super::grants::Grant;
use super::observed::Use;

/// The report: one entry per role whose sessions made authorised calls, in role ARN order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionsReport {
    pub roles: Vec<RoleReport>,
}

/// What one role's sessions used, what its policies granted, and the policy that would have
/// sufficed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleReport {
    pub role_arn: String,
    /// Allowed calls, grouped by action and resource, sorted.
    pub used: Vec<Use>,
    /// Denied calls, grouped the same way.
    pub denied: Vec<Use>,
    /// Every statement of the role's policies (inline, then attached), with what it was used for.
    pub grants: Vec<Grant>,
    /// Why a policy of the role could not be judged (not in the state, does not parse).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The narrowest identity policy allowing every used call; `None` when nothing was allowed.
    pub proposed_policy: Option<serde_json::Value>,
}
