//! Why a policy document was refused.
//!
//! These are typed reasons only. The AWS wire messages (`MalformedPolicyDocument` and its texts) live in the
//! single error table of mock-sts, which maps each variant to one message, so nothing here spells them.

/// A policy document that IAM would refuse at `CreateRole` / `UpdateAssumeRolePolicy` (trust policies) or as a
/// session/identity policy.
///
/// The checks run in the order IAM is observed to run them (moto's `policy_validation.py` mirrors AWS):
/// JSON, then grammar of the whole document, then "legacy parsing", then the late grammar rules
/// (duplicate `Sid`, missing `Action`, misplaced `Principal`), then the trust-policy rules in the order
/// actions, resources, federated principals. The first failure wins.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text is not JSON, or its top level is not an object.
    #[error("policy is not a JSON object")]
    InvalidJson,

    /// IAM's "legacy parsing" stage: a `Version` other than `2012-10-17` / `2008-10-17`, an `Effect` that is
    /// `Allow`/`Deny` in the wrong letter case, or a `Date*` condition value that is not a date.
    #[error("policy failed legacy parsing")]
    LegacyParsing,

    /// JSON, but not the policy grammar. `reason` is for fedlab's explain output only.
    #[error("policy grammar: {reason}")]
    Syntax { reason: String },

    /// An identity (permission or session) policy statement without `Resource`/`NotResource`.
    #[error("statement {statement} has no Resource or NotResource")]
    MissingResource { statement: usize },

    /// An identity (permission or session) policy statement that names a `Principal` or
    /// `NotPrincipal`: only resource-based policies say who they apply to.
    #[error("statement {statement}: identity policies cannot name a principal")]
    PrincipalInIdentityPolicy { statement: usize },

    /// A trust-policy statement names a `Resource` or `NotResource` (a trust policy applies to its role).
    #[error("trust policy statement has a Resource or NotResource element")]
    ProhibitedResource,

    /// A trust-policy `Action`/`NotAction` entry that matches none of the role-assumption actions.
    #[error("trust policy action {action} matches no role-assumption action")]
    InvalidTrustAction { action: String },

    /// A `Federated` principal that is neither a domain name nor an IAM OIDC/SAML provider ARN.
    #[error("federated principal {value} is neither a domain name nor an identity-provider ARN")]
    InvalidFederatedPrincipal { value: String },
}

impl PolicyError {
    pub(crate) fn syntax(reason: impl Into<String>) -> Self {
        Self::Syntax {
            reason: reason.into(),
        }
    }
}
