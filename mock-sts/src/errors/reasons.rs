//! The reasons some errors carry instead of a value, and the fixed wording of each: part of the
//! error table in `errors.rs`, kept apart only for its size.

/// Why a trust policy document was refused at IAM write time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MalformedPolicy {
    InvalidJson,
    Syntax,
    LegacyParsing,
    ProhibitedResource,
    TrustAction,
    FederatedPrincipal,
    MissingResource,
    PrincipalInIdentityPolicy,
}

impl From<&crate::policy::PolicyError> for MalformedPolicy {
    /// The message IAM answers for each reason the policy engine refuses a document.
    fn from(error: &crate::policy::PolicyError) -> Self {
        use crate::policy::PolicyError;
        match error {
            PolicyError::InvalidJson => Self::InvalidJson,
            PolicyError::LegacyParsing => Self::LegacyParsing,
            PolicyError::Syntax { .. } => Self::Syntax,
            PolicyError::ProhibitedResource => Self::ProhibitedResource,
            PolicyError::InvalidTrustAction { .. } => Self::TrustAction,
            PolicyError::InvalidFederatedPrincipal { .. } => Self::FederatedPrincipal,
            PolicyError::MissingResource { .. } => Self::MissingResource,
            PolicyError::PrincipalInIdentityPolicy { .. } => Self::PrincipalInIdentityPolicy,
        }
    }
}

/// IAM `InvalidInput` reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InvalidInput {
    ProviderUrlNotHttps,
    ProviderUrlHasQuery,
    ProviderUrlHasPort,
    TooManyThumbprints,
    /// Two tags of one request whose keys differ at most in letter case.
    DuplicateTagKeys,
    /// A `Marker` this account never handed out.
    InvalidMarker,
    /// DeletePolicy on an AWS managed policy (`arn:aws:iam::aws:policy/…`).
    AwsManagedPolicy,
}

/// Which IAM quota a request would exceed (`LimitExceeded`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quota {
    TagsPerRole,
    TagsPerOpenIdConnectProvider,
    ClientIdsPerOpenIdConnectProvider,
    TagsPerPolicy,
    /// Managed policies attached to one role (10 by default).
    PoliciesPerRole,
    /// A managed policy's document (6,144 characters without whitespace).
    PolicySize,
}

/// Why the session tags of a web identity token were refused (`https://aws.amazon.com/tags`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionTagProblem {
    /// Not an object of `principal_tags` (key → one-string list) and `transitive_tag_keys`.
    Malformed,
    TooMany,
    KeyInvalid,
    ValueInvalid,
    DuplicateKeys,
    TransitiveKeyNotTagged,
}

/// Why the source identity of a web identity token was refused
/// (`https://aws.amazon.com/source_identity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceIdentityProblem {
    NotAString,
    /// Not 2–64 characters of `[\w+=,.@-]` (which also keeps out the reserved `aws:` prefix).
    Invalid,
}

pub(super) fn malformed_policy_message(kind: MalformedPolicy) -> &'static str {
    match kind {
        MalformedPolicy::InvalidJson => "This policy contains invalid Json",
        MalformedPolicy::Syntax => "Syntax errors in policy.",
        MalformedPolicy::LegacyParsing => "The policy failed legacy parsing",
        MalformedPolicy::ProhibitedResource => "Has prohibited field Resource",
        MalformedPolicy::TrustAction => {
            "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity"
        }
        MalformedPolicy::FederatedPrincipal => {
            "Federated principals must be valid domain names or SAML metadata ARNs"
        }
        MalformedPolicy::MissingResource => "Policy statement must contain resources.",
        MalformedPolicy::PrincipalInIdentityPolicy => {
            "Policy document should not specify a principal."
        }
    }
}

pub(super) fn invalid_input_message(reason: &InvalidInput) -> &'static str {
    match reason {
        InvalidInput::ProviderUrlNotHttps => "The URL must begin with https://",
        InvalidInput::ProviderUrlHasQuery => "The URL must not contain query parameters",
        InvalidInput::ProviderUrlHasPort => "The URL must not contain a port number",
        InvalidInput::TooManyThumbprints => "Thumbprint list must contain at most 5 entries",
        InvalidInput::DuplicateTagKeys => {
            "Duplicate tag keys found. Please note that Tag keys are case insensitive."
        }
        InvalidInput::InvalidMarker => "Invalid Marker.",
        InvalidInput::AwsManagedPolicy => "AWS managed policies cannot be changed or deleted.",
    }
}

/// Named like the attested `Cannot exceed quota for ACLSizePerRole` and `PoliciesPerRole`.
pub(super) fn quota_name(quota: Quota) -> &'static str {
    match quota {
        Quota::TagsPerRole => "TagsPerRole",
        Quota::TagsPerOpenIdConnectProvider => "TagsPerOpenIdConnectProvider",
        Quota::ClientIdsPerOpenIdConnectProvider => "ClientIdsPerOpenIdConnectProvider",
        Quota::TagsPerPolicy => "TagsPerPolicy",
        Quota::PoliciesPerRole => "PoliciesPerRole",
        Quota::PolicySize => "PolicySize",
    }
}

pub(super) fn session_tag_message(problem: SessionTagProblem) -> &'static str {
    match problem {
        SessionTagProblem::Malformed => {
            "The https://aws.amazon.com/tags claim must hold principal_tags (each a list of one string) and transitive_tag_keys"
        }
        SessionTagProblem::TooMany => "A token may carry at most 50 session tags",
        SessionTagProblem::KeyInvalid => {
            "Session tag keys must be 1 to 128 letters, digits, spaces or _.:/=+-@"
        }
        SessionTagProblem::ValueInvalid => {
            "Session tag values must be at most 256 letters, digits, spaces or _.:/=+-@"
        }
        SessionTagProblem::DuplicateKeys => {
            "Duplicate session tag keys found. Tag keys are case insensitive."
        }
        SessionTagProblem::TransitiveKeyNotTagged => {
            "Transitive tag keys must name session tags of the token"
        }
    }
}

pub(super) fn source_identity_message(problem: SourceIdentityProblem) -> &'static str {
    match problem {
        SourceIdentityProblem::NotAString => {
            "The https://aws.amazon.com/source_identity claim must be a string"
        }
        SourceIdentityProblem::Invalid => {
            r"Source identity must be 2 to 64 characters of [\w+=,.@-]"
        }
    }
}
