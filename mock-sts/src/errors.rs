//! The one table of AWS error codes, HTTP statuses and messages.
//!
//! Every wire string mock-sts can answer with is spelled here and nowhere else. Each entry
//! carries the confidence of its source (attested AWS bytes, AWS model or docs, inferred, or
//! chosen), so fedlab can tell users which answers are AWS's and which are fedlab's strict
//! choice for an item AWS never showed.

use std::fmt;

use axum::http::StatusCode;

/// How sure we are that AWS answers with exactly these bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// A real AWS response quoted verbatim somewhere public.
    Attested,
    /// Stated in the AWS service model or documentation.
    Model,
    /// Follows from other facts; no verbatim example found.
    Inferred,
    /// Unknown: fedlab's strict choice, see `unknowns.rs`.
    Chosen,
}

/// Which XML namespace the `<ErrorResponse>` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The namespace of the service that owns the action (STS or IAM).
    Service,
    /// Protocol-level errors use `http://webservices.amazon.com/AWSFault/2005-15-09`.
    AwsFault,
}

/// One broken model constraint inside a `ValidationError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// lowerCamelCase member name, e.g. `roleSessionName`.
    pub member: &'static str,
    /// `None` renders `Value null`; sensitive members render `Value at`.
    pub value: ViolationValue,
    pub constraint: Constraint,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViolationValue {
    Null,
    Sensitive,
    Shown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    NotNull,
    Pattern(&'static str),
    MinLength(usize),
    MaxLength(usize),
    MinValue(i64),
    MaxValue(i64),
    MaxItems(usize),
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotNull => f.write_str("Member must not be null"),
            Self::Pattern(p) => write!(f, "Member must satisfy regular expression pattern: {p}"),
            Self::MinLength(n) => write!(f, "Member must have length greater than or equal to {n}"),
            Self::MaxLength(n) => write!(f, "Member must have length less than or equal to {n}"),
            Self::MinValue(n) => write!(f, "Member must have value greater than or equal to {n}"),
            Self::MaxValue(n) => write!(f, "Member must have value less than or equal to {n}"),
            Self::MaxItems(n) => write!(f, "Member must have length less than or equal to {n}"),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            ViolationValue::Null => write!(f, "Value null at '{}'", self.member)?,
            ViolationValue::Sensitive => write!(f, "Value at '{}'", self.member)?,
            ViolationValue::Shown(v) => write!(f, "Value '{v}' at '{}'", self.member)?,
        }
        write!(f, " failed to satisfy constraint: {}", self.constraint)
    }
}

/// Model patterns, spelled as AWS prints them inside ValidationError messages.
pub mod patterns {
    pub const ARN: &str =
        r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+";
    pub const ROLE_SESSION_NAME: &str = r"[\w+=,.@-]*";
    pub const SESSION_POLICY: &str = r"[\u0009\u000A\u000D\u0020-\u00FF]+";
    pub const ROLE_NAME: &str = r"[\w+=,.@-]+";
    pub const PATH: &str = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)";
}

/// Why a trust or permission policy document was refused at IAM write time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MalformedPolicy {
    InvalidJson,
    Syntax,
    LegacyParsing,
    ProhibitedResource,
    TrustAction,
    FederatedPrincipal,
}

/// Every error mock-sts can answer with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsError {
    // --- protocol -------------------------------------------------------------------------
    #[error("unknown action {action} for version {version}")]
    InvalidAction { action: String, version: String },
    /// `empty` is AWS's one worded case ("missing value for decimal type"); other bad numbers have no message.
    #[error("malformed input")]
    MalformedInput { empty: bool },

    // --- parameter validation ---------------------------------------------------------------
    #[error("validation failed")]
    Validation(Vec<Violation>),
    #[error("duration exceeds the role's MaxSessionDuration")]
    DurationExceedsMaxSession,
    #[error("role ARN is not an ARN")]
    InvalidRoleArn { value: String },

    // --- AssumeRoleWithWebIdentity ----------------------------------------------------------
    #[error("token is missing claim {claim}")]
    MissingClaim { claim: &'static str },
    #[error("verification key could not be retrieved")]
    VerificationKeyUnavailable,
    #[error("token audience not in the provider's client ID list")]
    IncorrectAudience,
    #[error("no OIDC provider for issuer")]
    NoOpenIdConnectProvider { issuer: String },
    #[error("issuer certificate does not match the provider thumbprints")]
    ThumbprintMismatch,
    #[error("token is not a JWT")]
    NotAJwt,
    #[error("token signature does not verify")]
    InvalidSignature,
    #[error("token is not valid yet")]
    TokenNotYetValid,
    #[error("token timestamp is not an integer")]
    InvalidTimestamp,
    #[error("token expired")]
    TokenExpired { now: i64, exp: i64 },
    #[error("trust policy does not allow the call")]
    WebIdentityAccessDenied,

    // --- signed calls ------------------------------------------------------------------------
    #[error("request is not signed")]
    MissingAuthenticationToken,
    #[error("unknown access key or session token")]
    InvalidClientTokenId,
    #[error("signature mismatch")]
    SignatureDoesNotMatch,
    #[error("signature expired")]
    SignatureExpired {
        amz_date: String,
        window_start: String,
        now: String,
    },
    #[error("signature from the future")]
    SignatureNotYetCurrent {
        amz_date: String,
        window_end: String,
        now: String,
    },
    #[error("session expired")]
    ExpiredSessionToken,
    /// A caller without IAM permissions (role permission policies come in a later issue).
    #[error("caller may not call IAM")]
    IamAccessDenied { caller_arn: String, action: String },
    #[error("credential scoped to the wrong service")]
    WrongService { expected: &'static str },

    // --- IAM ---------------------------------------------------------------------------------
    #[error("malformed policy document")]
    MalformedPolicyDocument(MalformedPolicy),
    #[error("OIDC provider already exists")]
    ProviderAlreadyExists { url: String },
    #[error("role already exists")]
    RoleAlreadyExists { name: String },
    #[error("no such role")]
    NoSuchRole { name: String },
    #[error("no such OIDC provider")]
    NoSuchProvider { arn: String },
    #[error("invalid input")]
    InvalidInput(InvalidInput),
    #[error("trust policy too large")]
    TrustPolicyTooLarge { limit: usize },
}

/// IAM `InvalidInput` reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidInput {
    ProviderUrlNotHttps,
    ProviderUrlHasQuery,
    ThumbprintLength { value: String },
    TooManyThumbprints,
    InvalidArn { value: String },
}

impl AwsError {
    /// The `<Code>` element.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidAction { .. } => "InvalidAction",
            Self::MalformedInput { .. } => "MalformedInput",
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
            | Self::InvalidTimestamp => "InvalidIdentityToken",
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
            Self::NoSuchRole { .. } | Self::NoSuchProvider { .. } => "NoSuchEntity",
            Self::InvalidInput(_) => "InvalidInput",
            Self::TrustPolicyTooLarge { .. } => "LimitExceeded",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::WebIdentityAccessDenied
            | Self::IamAccessDenied { .. }
            | Self::MissingAuthenticationToken
            | Self::InvalidClientTokenId
            | Self::SignatureDoesNotMatch
            | Self::SignatureExpired { .. }
            | Self::SignatureNotYetCurrent { .. }
            | Self::WrongService { .. }
            | Self::ExpiredSessionToken => StatusCode::FORBIDDEN,
            Self::NoSuchRole { .. } | Self::NoSuchProvider { .. } => StatusCode::NOT_FOUND,
            Self::ProviderAlreadyExists { .. }
            | Self::RoleAlreadyExists { .. }
            | Self::TrustPolicyTooLarge { .. } => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub fn fault(&self) -> Fault {
        match self {
            Self::InvalidAction { .. } => Fault::AwsFault,
            _ => Fault::Service,
        }
    }

    /// `<Type>`: every modelled STS and IAM error here is the caller's fault.
    pub fn fault_type(&self) -> &'static str {
        "Sender"
    }

    /// The `<Message>` element; `None` means AWS sends no `<Message>` at all.
    pub fn message(&self) -> Option<String> {
        let text = match self {
            Self::InvalidAction { action, version } => {
                format!("Could not find operation {action} for version {version}")
            }
            Self::MalformedInput { empty: true } => "missing value for decimal type".to_owned(),
            Self::MalformedInput { empty: false } => return None,
            Self::Validation(violations) => {
                let n = violations.len();
                let head = if n == 1 {
                    "1 validation error detected: ".to_owned()
                } else {
                    format!("{n} validation errors detected: ")
                };
                let body: Vec<String> = violations.iter().map(ToString::to_string).collect();
                head + &body.join("; ")
            }
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
            Self::MalformedPolicyDocument(kind) => match kind {
                MalformedPolicy::InvalidJson => "This policy contains invalid Json",
                MalformedPolicy::Syntax => "Syntax errors in policy.",
                MalformedPolicy::LegacyParsing => "The policy failed legacy parsing",
                MalformedPolicy::ProhibitedResource => "Has prohibited field Resource",
                MalformedPolicy::TrustAction => "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity",
                MalformedPolicy::FederatedPrincipal => {
                    "Federated principals must be valid domain names or SAML metadata ARNs"
                }
            }
            .to_owned(),
            Self::ProviderAlreadyExists { url } => format!("Provider with url {url} already exists."),
            Self::RoleAlreadyExists { name } => format!("Role with name {name} already exists."),
            Self::NoSuchRole { name } => format!("The role with name {name} cannot be found."),
            Self::NoSuchProvider { arn } => format!("OpenIDConnect provider not found for arn {arn}"),
            Self::InvalidInput(reason) => match reason {
                InvalidInput::ProviderUrlNotHttps => "The URL must begin with https://".to_owned(),
                InvalidInput::ProviderUrlHasQuery => {
                    "The URL must not contain query parameters".to_owned()
                }
                InvalidInput::ThumbprintLength { value } => {
                    format!("Thumbprint {value} must be exactly 40 characters long")
                }
                InvalidInput::TooManyThumbprints => {
                    "Thumbprint list must contain at most 5 entries".to_owned()
                }
                InvalidInput::InvalidArn { value } => format!("ARN {value} is not valid."),
            },
            Self::TrustPolicyTooLarge { limit } => {
                format!("Cannot exceed quota for ACLSizePerRole: {limit}")
            }
        };
        Some(text)
    }

    /// Where the bytes of this answer come from (see the module doc).
    pub fn confidence(&self) -> Confidence {
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
            | Self::TrustPolicyTooLarge { .. } => Confidence::Attested,
            Self::MalformedPolicyDocument(_) => Confidence::Attested,
            Self::MissingClaim { .. }
            | Self::MissingAuthenticationToken
            | Self::SignatureNotYetCurrent { .. }
            | Self::RoleAlreadyExists { .. }
            | Self::NoSuchRole { .. } => Confidence::Inferred,
            Self::InvalidRoleArn { .. }
            | Self::InvalidSignature
            | Self::TokenNotYetValid
            | Self::InvalidTimestamp
            | Self::WrongService { .. }
            | Self::IamAccessDenied { .. }
            | Self::NoSuchProvider { .. }
            | Self::InvalidInput(_) => Confidence::Chosen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_key_message_keeps_aws_double_space() {
        let message = AwsError::VerificationKeyUnavailable
            .message()
            .unwrap_or_default();
        assert!(message.contains("provider,  please"), "{message}");
    }

    #[test]
    fn validation_messages_join_with_semicolons_and_count() {
        let err = AwsError::Validation(vec![
            Violation {
                member: "roleSessionName",
                value: ViolationValue::Shown("!".into()),
                constraint: Constraint::Pattern(r"[\w+=,.@-]*"),
            },
            Violation {
                member: "roleSessionName",
                value: ViolationValue::Shown("!".into()),
                constraint: Constraint::MinLength(2),
            },
        ]);
        assert_eq!(
            err.message().as_deref(),
            Some(
                r"2 validation errors detected: Value '!' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*; Value '!' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"
            )
        );
    }

    #[test]
    fn sensitive_and_null_values_render_like_aws() {
        let sensitive = Violation {
            member: "webIdentityToken",
            value: ViolationValue::Sensitive,
            constraint: Constraint::MinLength(4),
        };
        assert_eq!(
            sensitive.to_string(),
            "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"
        );
        let null = Violation {
            member: "roleArn",
            value: ViolationValue::Null,
            constraint: Constraint::NotNull,
        };
        assert_eq!(
            null.to_string(),
            "Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
        );
    }
}
