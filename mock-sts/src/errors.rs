//! The one table of AWS error codes, HTTP statuses, fault types, namespaces and messages.
//!
//! Every wire string mock-sts can answer with is spelled here and nowhere else, down to the
//! fragments of a `ValidationError` (constraint wording and the model patterns as AWS prints
//! them). Each entry carries the confidence of its source (attested AWS bytes, AWS model or docs,
//! inferred, or chosen), so fedlab can tell users which answers are AWS's and which are fedlab's
//! strict choice for a case AWS never showed. `docs/aws-behaviour.md` lists the public source of
//! each message.

use axum::http::StatusCode;

use crate::ids::RandomUnavailable;
use crate::validation::{MalformedInteger, Violation, Violations};

#[cfg(test)]
mod tests;
mod validation_text;

mod confidence;
mod reasons;
// S3's errors: a shape of their own, in a block of their own.
mod s3;

pub use confidence::Confidence;
pub(crate) use s3::{ChecksumName, Denial, PolicyType, S3Error};

pub(crate) use reasons::{
    InvalidInput, MalformedPolicy, Quota, SessionTagProblem, SourceIdentityProblem,
};
use reasons::{
    invalid_input_message, malformed_policy_message, quota_name, session_tag_message,
    source_identity_message,
};
use validation_text::validation_message;

/// Protocol-level errors (an unknown action) answer in this namespace instead of the service's.
const AWS_FAULT_NAMESPACE: &str = "http://webservices.amazon.com/AWSFault/2005-15-09";

/// Every error mock-sts can answer with. It is an AWS answer, rendered by the methods below, not a
/// Rust failure that propagates, so it has no `Display` of its own.
// Unformatted so that each variant stays one line of the table.
#[rustfmt::skip]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AwsError {
    // --- protocol -------------------------------------------------------------------------
    /// `version` is `None` when the request carried no `Version` parameter.
    InvalidAction { action: String, version: Option<String> },
    /// `empty` is AWS's one worded case ("missing value for decimal type").
    MalformedInput { empty: bool },
    InternalFailure,
    /// The body did not arrive in full within `Config::body_read_timeout`.
    RequestTimeout,
    /// The body is larger than `unknowns::MAX_QUERY_BODY_BYTES` (`max`).
    RequestEntityTooLarge { max: usize },
    /// The body ended (or broke off) before its declared length.
    IncompleteBody,

    // --- parameter validation ---------------------------------------------------------------
    Validation(Vec<Violation>),
    DurationExceedsMaxSession,
    InvalidRoleArn { value: String },

    // --- AssumeRoleWithWebIdentity ----------------------------------------------------------
    MissingClaim { claim: &'static str },
    VerificationKeyUnavailable,
    IncorrectAudience,
    NoOpenIdConnectProvider { issuer: String },
    ThumbprintMismatch,
    NotAJwt,
    InvalidSignature,
    TokenNotYetValid,
    InvalidTimestamp,
    TokenExpired { now: i64, exp: i64 },
    WebIdentityAccessDenied,
    InvalidSessionTags(SessionTagProblem),
    InvalidSourceIdentity(SourceIdentityProblem),
    /// Session policies and tags that pack to more than the allotted space (percent, over 100).
    PackedPolicyTooLarge { percent: usize },

    // --- signed calls ------------------------------------------------------------------------
    MissingAuthenticationToken,
    InvalidClientTokenId,
    SignatureDoesNotMatch,
    SignatureExpired { amz_date: String, window_start: String, now: String },
    SignatureNotYetCurrent { amz_date: String, window_end: String, now: String },
    ExpiredSessionToken,
    /// A caller without IAM permissions (role permission policies are not modelled yet).
    IamAccessDenied { caller_arn: String, action: String },
    WrongService { expected: &'static str },

    // --- IAM ---------------------------------------------------------------------------------
    MalformedPolicyDocument(MalformedPolicy),
    ProviderAlreadyExists { url: String },
    RoleAlreadyExists { name: String },
    NoSuchRole { name: String },
    NoSuchProvider { arn: String },
    NoSuchRolePolicy { name: String },
    InvalidInput(InvalidInput),
    TrustPolicyTooLarge { limit: usize },
    QuotaExceeded { quota: Quota, limit: usize },
    RolePolicySizeExceeded { role: String, limit: usize },
    /// DeleteRole while the role still has permission policies.
    DeleteConflictPolicies,
    /// DeleteRole while managed policies are still attached.
    DeleteConflictAttachedPolicies,
    /// DeletePolicy while the policy is attached to a role.
    DeleteConflictPolicyAttached,
    /// GetPolicy, DeletePolicy, DetachRolePolicy: no such policy (or not attached to the role).
    NoSuchPolicy { arn: String },
    /// AttachRolePolicy with an ARN that names no managed policy.
    PolicyNotAttachable { arn: String },
    NoSuchPolicyVersion { arn: String, version: String },
    PolicyAlreadyExists { name: String },
    /// CreateOpenIDConnectProvider without thumbprints could not reach the provider to compute one.
    OpenIdIdpCommunicationError,
}

impl From<Violations> for AwsError {
    fn from(Violations(violations): Violations) -> Self {
        Self::Validation(violations)
    }
}

impl From<MalformedInteger> for AwsError {
    fn from(MalformedInteger { empty }: MalformedInteger) -> Self {
        Self::MalformedInput { empty }
    }
}

impl From<RandomUnavailable> for AwsError {
    fn from(RandomUnavailable: RandomUnavailable) -> Self {
        Self::InternalFailure
    }
}

impl AwsError {
    /// The `<Code>` element.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::InvalidAction { .. } => "InvalidAction",
            Self::MalformedInput { .. } => "MalformedInput",
            Self::InternalFailure => "InternalFailure",
            Self::RequestTimeout => "RequestTimeout",
            Self::RequestEntityTooLarge { .. } => "RequestEntityTooLarge",
            Self::IncompleteBody => "IncompleteBody",
            Self::Validation(_) | Self::DurationExceedsMaxSession | Self::InvalidRoleArn { .. } => {
                "ValidationError"
            }
            Self::MissingClaim { .. }
            | Self::VerificationKeyUnavailable
            | Self::IncorrectAudience
            | Self::NoOpenIdConnectProvider { .. }
            | Self::ThumbprintMismatch
            | Self::NotAJwt
            | Self::InvalidSignature
            | Self::TokenNotYetValid
            | Self::InvalidTimestamp
            | Self::InvalidSessionTags(_)
            | Self::InvalidSourceIdentity(_) => "InvalidIdentityToken",
            Self::PackedPolicyTooLarge { .. } => "PackedPolicyTooLarge",
            Self::TokenExpired { .. } => "ExpiredTokenException",
            Self::WebIdentityAccessDenied | Self::IamAccessDenied { .. } => "AccessDenied",
            Self::MissingAuthenticationToken => "MissingAuthenticationToken",
            Self::InvalidClientTokenId => "InvalidClientTokenId",
            Self::SignatureDoesNotMatch
            | Self::SignatureExpired { .. }
            | Self::SignatureNotYetCurrent { .. }
            | Self::WrongService { .. } => "SignatureDoesNotMatch",
            Self::ExpiredSessionToken => "ExpiredToken",
            Self::MalformedPolicyDocument(_) => "MalformedPolicyDocument",
            Self::ProviderAlreadyExists { .. } | Self::RoleAlreadyExists { .. } => {
                "EntityAlreadyExists"
            }
            Self::NoSuchRole { .. }
            | Self::NoSuchProvider { .. }
            | Self::NoSuchRolePolicy { .. }
            | Self::NoSuchPolicy { .. }
            | Self::PolicyNotAttachable { .. }
            | Self::NoSuchPolicyVersion { .. } => "NoSuchEntity",
            Self::PolicyAlreadyExists { .. } => "EntityAlreadyExists",
            Self::InvalidInput(_) => "InvalidInput",
            Self::TrustPolicyTooLarge { .. }
            | Self::QuotaExceeded { .. }
            | Self::RolePolicySizeExceeded { .. } => "LimitExceeded",
            Self::DeleteConflictPolicies
            | Self::DeleteConflictAttachedPolicies
            | Self::DeleteConflictPolicyAttached => "DeleteConflict",
            Self::OpenIdIdpCommunicationError => "OpenIdIdpCommunicationError",
        }
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::InternalFailure => StatusCode::INTERNAL_SERVER_ERROR,
            Self::RequestEntityTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::WebIdentityAccessDenied
            | Self::IamAccessDenied { .. }
            | Self::MissingAuthenticationToken
            | Self::InvalidClientTokenId
            | Self::SignatureDoesNotMatch
            | Self::SignatureExpired { .. }
            | Self::SignatureNotYetCurrent { .. }
            | Self::WrongService { .. }
            | Self::ExpiredSessionToken => StatusCode::FORBIDDEN,
            Self::NoSuchRole { .. }
            | Self::NoSuchProvider { .. }
            | Self::NoSuchRolePolicy { .. }
            | Self::NoSuchPolicy { .. }
            | Self::PolicyNotAttachable { .. }
            | Self::NoSuchPolicyVersion { .. } => StatusCode::NOT_FOUND,
            Self::ProviderAlreadyExists { .. }
            | Self::PolicyAlreadyExists { .. }
            | Self::DeleteConflictAttachedPolicies
            | Self::DeleteConflictPolicyAttached
            | Self::RoleAlreadyExists { .. }
            | Self::TrustPolicyTooLarge { .. }
            | Self::QuotaExceeded { .. }
            | Self::RolePolicySizeExceeded { .. }
            | Self::DeleteConflictPolicies => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The `xmlns` of the `<ErrorResponse>`: the service's own, except for protocol-level errors.
    pub(crate) fn namespace<'a>(&self, service_namespace: &'a str) -> &'a str {
        match self {
            // Refused before the body could say which service it is for, as an unknown action is.
            Self::InvalidAction { .. }
            | Self::RequestTimeout
            | Self::RequestEntityTooLarge { .. }
            | Self::IncompleteBody => AWS_FAULT_NAMESPACE,
            _ => service_namespace,
        }
    }

    /// `<Type>`: `Receiver` for a server-side failure, `Sender` for everything the caller caused.
    pub(crate) fn fault_type(&self) -> &'static str {
        match self {
            Self::InternalFailure => "Receiver",
            _ => "Sender",
        }
    }

    /// The `<Message>` element; `None` means AWS sends no `<Message>` at all.
    pub(crate) fn message(&self) -> Option<String> {
        let text = match self {
            Self::InvalidAction { action, version } => format!(
                "Could not find operation {action} for version {}",
                version.as_deref().unwrap_or("NO_VERSION_SPECIFIED")
            ),
            Self::MalformedInput { empty: true } => "missing value for decimal type".to_owned(),
            Self::MalformedInput { empty: false } => return None,
            Self::InternalFailure => "The request processing has failed because of an unknown error, exception or failure.".to_owned(),
            // S3's attested words for the same event (see `S3Error::RequestTimeout`).
            Self::RequestTimeout => "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.".to_owned(),
            Self::RequestEntityTooLarge { max } => {
                format!("Request body is larger than the {max} bytes this endpoint accepts.")
            }
            // S3's words for the same event (`S3Error::IncompleteBody`).
            Self::IncompleteBody => "You did not provide the number of bytes specified by the Content-Length HTTP header".to_owned(),
            Self::Validation(violations) => validation_message(violations),
            Self::DurationExceedsMaxSession => {
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                    .to_owned()
            }
            Self::InvalidRoleArn { value } => format!("{value} is invalid"),
            Self::MissingClaim { claim } => format!("Missing a required claim: {claim}"),
            Self::VerificationKeyUnavailable => "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements".to_owned(),
            Self::IncorrectAudience => "Incorrect token audience".to_owned(),
            Self::NoOpenIdConnectProvider { issuer } => {
                format!("No OpenIDConnect provider found in your account for {issuer}")
            }
            Self::ThumbprintMismatch => {
                "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"
                    .to_owned()
            }
            Self::NotAJwt => "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)".to_owned(),
            Self::InvalidSignature => "Signature verification failed".to_owned(),
            Self::TokenNotYetValid => "Token is not valid yet".to_owned(),
            Self::InvalidTimestamp => "Timestamps in the token must be formatted as either an integer or a long integer.".to_owned(),
            Self::TokenExpired { now, exp } => format!(
                "Token expired: current date/time {now} must be before the expiration date/time {exp}"
            ),
            Self::WebIdentityAccessDenied => {
                "Not authorized to perform sts:AssumeRoleWithWebIdentity".to_owned()
            }
            Self::InvalidSessionTags(problem) => session_tag_message(*problem).to_owned(),
            Self::InvalidSourceIdentity(problem) => source_identity_message(*problem).to_owned(),
            Self::PackedPolicyTooLarge { percent } => {
                format!("Packed policy consumes {percent}% of allotted space")
            }
            Self::IamAccessDenied { caller_arn, action } => format!(
                "User: {caller_arn} is not authorized to perform: iam:{action} because no identity-based policy allows the iam:{action} action"
            ),
            Self::MissingAuthenticationToken => "Request is missing Authentication Token".to_owned(),
            Self::InvalidClientTokenId => {
                "The security token included in the request is invalid.".to_owned()
            }
            Self::SignatureDoesNotMatch => "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.".to_owned(),
            Self::SignatureExpired { amz_date, window_start, now } => format!(
                "Signature expired: {amz_date} is now earlier than {window_start} ({now} - 15 min.)"
            ),
            Self::SignatureNotYetCurrent { amz_date, window_end, now } => format!(
                "Signature not yet current: {amz_date} is still later than {window_end} ({now} + 15 min.)"
            ),
            Self::WrongService { expected } => {
                format!("Credential should be scoped to correct service: '{expected}'. ")
            }
            Self::ExpiredSessionToken => {
                "The security token included in the request is expired".to_owned()
            }
            Self::MalformedPolicyDocument(kind) => malformed_policy_message(*kind).to_owned(),
            Self::ProviderAlreadyExists { url } => format!("Provider with url {url} already exists."),
            Self::RoleAlreadyExists { name } => format!("Role with name {name} already exists."),
            Self::NoSuchRole { name } => format!("The role with name {name} cannot be found."),
            Self::NoSuchProvider { arn } => format!("OpenIDConnect provider not found for arn {arn}"),
            Self::NoSuchRolePolicy { name } => {
                format!("The role policy with name {name} cannot be found.")
            }
            Self::QuotaExceeded { quota, limit } => {
                format!("Cannot exceed quota for {}: {limit}", quota_name(*quota))
            }
            Self::RolePolicySizeExceeded { role, limit } => {
                format!("Maximum policy size of {limit} bytes exceeded for role {role}")
            }
            Self::DeleteConflictPolicies => {
                "Cannot delete entity, must delete policies first.".to_owned()
            }
            Self::DeleteConflictAttachedPolicies => {
                "Cannot delete entity, must detach all policies first.".to_owned()
            }
            Self::DeleteConflictPolicyAttached => {
                "Cannot delete a policy attached to entities.".to_owned()
            }
            Self::NoSuchPolicy { arn } => format!("Policy {arn} was not found."),
            Self::PolicyNotAttachable { arn } => {
                format!("Policy {arn} does not exist or is not attachable.")
            }
            Self::NoSuchPolicyVersion { arn, version } => {
                format!("Policy {arn} version {version} does not exist or is not attachable.")
            }
            Self::PolicyAlreadyExists { name } => {
                format!("A policy called {name} already exists. Duplicate names are not allowed.")
            }
            Self::InvalidInput(reason) => invalid_input_message(reason).to_owned(),
            Self::TrustPolicyTooLarge { limit } => {
                format!("Cannot exceed quota for ACLSizePerRole: {limit}")
            }
            Self::OpenIdIdpCommunicationError => "The request failed because IAM cannot connect to the OpenID Connect identity provider URL.".to_owned(),
        };
        Some(text)
    }

    /// Where the bytes of this answer come from (see the module doc).
    pub(crate) fn confidence(&self) -> Confidence {
        match self {
            Self::InvalidAction { .. }
            | Self::MalformedInput { .. }
            | Self::Validation(_)
            | Self::DurationExceedsMaxSession
            | Self::MissingClaim { claim: "aud" }
            | Self::VerificationKeyUnavailable
            | Self::IncorrectAudience
            | Self::NoOpenIdConnectProvider { .. }
            | Self::ThumbprintMismatch
            | Self::NotAJwt
            | Self::TokenExpired { .. }
            | Self::WebIdentityAccessDenied
            | Self::InvalidClientTokenId
            | Self::SignatureDoesNotMatch
            | Self::SignatureExpired { .. }
            | Self::ExpiredSessionToken
            | Self::ProviderAlreadyExists { .. }
            | Self::TrustPolicyTooLarge { .. }
            | Self::MalformedPolicyDocument(_)
            | Self::DeleteConflictPolicies
            | Self::DeleteConflictAttachedPolicies
            | Self::DeleteConflictPolicyAttached
            | Self::PolicyNotAttachable { .. }
            | Self::PolicyAlreadyExists { .. }
            | Self::PackedPolicyTooLarge { .. }
            | Self::QuotaExceeded {
                quota: Quota::PoliciesPerRole | Quota::PolicySize,
                ..
            }
            | Self::RolePolicySizeExceeded { .. }
            | Self::InvalidInput(InvalidInput::DuplicateTagKeys) => Confidence::Attested,
            Self::InternalFailure | Self::OpenIdIdpCommunicationError => Confidence::Model,
            Self::MissingClaim { .. }
            | Self::MissingAuthenticationToken
            | Self::SignatureNotYetCurrent { .. }
            | Self::RoleAlreadyExists { .. }
            | Self::NoSuchRole { .. }
            | Self::NoSuchRolePolicy { .. }
            | Self::NoSuchPolicy { .. }
            | Self::NoSuchPolicyVersion { .. } => Confidence::Inferred,
            Self::InvalidRoleArn { .. }
            | Self::RequestTimeout
            | Self::RequestEntityTooLarge { .. }
            | Self::IncompleteBody
            | Self::InvalidSignature
            | Self::TokenNotYetValid
            | Self::InvalidTimestamp
            | Self::WrongService { .. }
            | Self::IamAccessDenied { .. }
            | Self::NoSuchProvider { .. }
            | Self::InvalidInput(_)
            | Self::QuotaExceeded { .. }
            | Self::InvalidSessionTags(_)
            | Self::InvalidSourceIdentity(_) => Confidence::Chosen,
        }
    }
}
