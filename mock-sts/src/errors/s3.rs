//! S3's rows of the error table. S3 answers in a shape of its own
//! (`<Error><Code/><Message/>…<RequestId/><HostId/></Error>`, rendered by `xml::s3_error`), so its
//! errors are a type of their own; everything S3 can answer with is spelled here.
//!
//! Sources: the S3 API reference page "Error responses"
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html>), the S3 User Guide page
//! "Troubleshoot access denied (403 Forbidden) errors in Amazon S3"
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html>) for the
//! access-denied wording, and real answers quoted in public issues (`docs/aws-behaviour.md`).

use axum::http::StatusCode;

use super::confidence::Confidence;

/// Who was denied what, for the access-denied message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Denial {
    pub(crate) principal_arn: String,
    /// `s3:GetObject`
    pub(crate) action: String,
    /// `None` for actions on no resource (`s3:ListAllMyBuckets`).
    pub(crate) resource: Option<String>,
    pub(crate) explicit: bool,
    /// Which kind of policy denied.
    pub(crate) policy_type: PolicyType,
}

/// The policy types AWS's enhanced access-denied messages name ("because no session policy
/// allows …", "with an explicit deny in an identity-based policy"; IAM User Guide,
/// "Troubleshoot access denied error messages").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PolicyType {
    IdentityBased,
    Session,
}

impl PolicyType {
    /// The words in AWS's message.
    pub(crate) fn words(self) -> &'static str {
        match self {
            Self::IdentityBased => "identity-based",
            Self::Session => "session",
        }
    }
}

/// Which checksum a body failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChecksumName {
    Crc32,
    Crc32c,
    Crc64Nvme,
    Sha1,
    Sha256,
}

impl ChecksumName {
    /// As S3 names the algorithm (`x-amz-checksum-algorithm`, `ChecksumAlgorithm`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Crc32 => "CRC32",
            Self::Crc32c => "CRC32C",
            Self::Crc64Nvme => "CRC64NVME",
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
        }
    }
}

// Unformatted so that each variant stays one line of the table.
#[rustfmt::skip]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum S3Error {
    // --- authentication ----------------------------------------------------------------------
    /// A request with no SigV4 auth at all (S3's anonymous access; no bucket here is public).
    AnonymousAccessDenied,
    InvalidAccessKeyId { access_key_id: String },
    InvalidToken { token: String },
    ExpiredToken { token: String },
    SignatureDoesNotMatch { access_key_id: String, signature_provided: String, string_to_sign: String, canonical_request: String },
    /// A chunk or trailer signature of an `aws-chunked` body did not match.
    ChunkSignatureDoesNotMatch,
    RequestTimeTooSkewed { request_time: String, server_time: String },
    /// A presigned URL used after its `X-Amz-Expires`.
    PresignExpired { expires: String, server_time: String },
    AuthorizationHeaderMalformed,
    WrongRegion { region: String, expected: String },
    WrongService { service: String },
    MissingContentSha256,
    InvalidContentSha256,
    XAmzContentSha256Mismatch { client: String, computed: String },

    // --- authorization -----------------------------------------------------------------------
    AccessDenied(Denial),

    // --- buckets -----------------------------------------------------------------------------
    NoSuchBucket { bucket: String },
    BucketAlreadyOwnedByYou { bucket: String },
    BucketAlreadyExists { bucket: String },
    BucketNotEmpty { bucket: String },
    InvalidBucketName { bucket: String },
    /// `None`: no LocationConstraint sent to a regional endpoint.
    IllegalLocationConstraint { constraint: Option<String> },
    InvalidLocationConstraint { constraint: String },
    MalformedXml,

    // --- objects -----------------------------------------------------------------------------
    NoSuchKey { key: String },
    EntityTooLarge { proposed: u64, max: u64 },
    MissingContentLength,
    IncompleteBody,
    /// The body did not arrive in full within `Config::body_read_timeout`.
    RequestTimeout,
    InvalidDigest,
    BadDigest { expected: String, calculated: String },
    ChecksumMismatch { algorithm: ChecksumName },
    InvalidChecksum { algorithm: ChecksumName },
    InvalidMaxKeys { value: String },
    InvalidContinuationToken,
    InvalidRange { range: String, size: u64 },

    // --- protocol ----------------------------------------------------------------------------
    MethodNotAllowed { method: String, resource_type: &'static str },
    /// A feature this S3 does not serve (multipart upload, copies, sub-resources): `what` names it.
    NotImplemented { what: String },
}

impl S3Error {
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::AnonymousAccessDenied | Self::AccessDenied(_) | Self::PresignExpired { .. } => {
                "AccessDenied"
            }
            Self::InvalidAccessKeyId { .. } => "InvalidAccessKeyId",
            Self::InvalidToken { .. } => "InvalidToken",
            Self::ExpiredToken { .. } => "ExpiredToken",
            Self::SignatureDoesNotMatch { .. } | Self::ChunkSignatureDoesNotMatch => {
                "SignatureDoesNotMatch"
            }
            Self::RequestTimeTooSkewed { .. } => "RequestTimeTooSkewed",
            Self::AuthorizationHeaderMalformed
            | Self::WrongRegion { .. }
            | Self::WrongService { .. } => "AuthorizationHeaderMalformed",
            Self::MissingContentSha256 => "InvalidRequest",
            Self::InvalidContentSha256
            | Self::InvalidMaxKeys { .. }
            | Self::InvalidContinuationToken
            | Self::InvalidChecksum { .. } => "InvalidArgument",
            Self::XAmzContentSha256Mismatch { .. } => "XAmzContentSHA256Mismatch",
            Self::NoSuchBucket { .. } => "NoSuchBucket",
            Self::BucketAlreadyOwnedByYou { .. } => "BucketAlreadyOwnedByYou",
            Self::BucketAlreadyExists { .. } => "BucketAlreadyExists",
            Self::BucketNotEmpty { .. } => "BucketNotEmpty",
            Self::InvalidBucketName { .. } => "InvalidBucketName",
            Self::IllegalLocationConstraint { .. } => "IllegalLocationConstraintException",
            Self::InvalidLocationConstraint { .. } => "InvalidLocationConstraint",
            Self::MalformedXml => "MalformedXML",
            Self::NoSuchKey { .. } => "NoSuchKey",
            Self::EntityTooLarge { .. } => "EntityTooLarge",
            Self::MissingContentLength => "MissingContentLength",
            Self::IncompleteBody => "IncompleteBody",
            Self::RequestTimeout => "RequestTimeout",
            Self::InvalidDigest => "InvalidDigest",
            Self::BadDigest { .. } | Self::ChecksumMismatch { .. } => "BadDigest",
            Self::InvalidRange { .. } => "InvalidRange",
            Self::MethodNotAllowed { .. } => "MethodNotAllowed",
            Self::NotImplemented { .. } => "NotImplemented",
        }
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::AnonymousAccessDenied
            | Self::AccessDenied(_)
            | Self::PresignExpired { .. }
            | Self::InvalidAccessKeyId { .. }
            | Self::SignatureDoesNotMatch { .. }
            | Self::ChunkSignatureDoesNotMatch
            | Self::RequestTimeTooSkewed { .. } => StatusCode::FORBIDDEN,
            Self::NoSuchBucket { .. } | Self::NoSuchKey { .. } => StatusCode::NOT_FOUND,
            Self::BucketAlreadyOwnedByYou { .. }
            | Self::BucketAlreadyExists { .. }
            | Self::BucketNotEmpty { .. } => StatusCode::CONFLICT,
            Self::MissingContentLength => StatusCode::LENGTH_REQUIRED,
            Self::InvalidRange { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotImplemented { .. } => StatusCode::NOT_IMPLEMENTED,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub(crate) fn message(&self) -> String {
        match self {
            Self::AnonymousAccessDenied => "Access Denied".to_owned(),
            Self::AccessDenied(denial) => access_denied_message(denial),
            Self::PresignExpired { .. } => "Request has expired".to_owned(),
            Self::InvalidAccessKeyId { .. } => "The AWS Access Key Id you provided does not exist in our records.".to_owned(),
            Self::InvalidToken { .. } => "The provided token is malformed or otherwise invalid.".to_owned(),
            Self::ExpiredToken { .. } => "The provided token has expired.".to_owned(),
            Self::SignatureDoesNotMatch { .. } => "The request signature we calculated does not match the signature you provided. Check your key and signing method.".to_owned(),
            Self::ChunkSignatureDoesNotMatch => "The request signature we calculated does not match the signature you provided. Check your key and signing method.".to_owned(),
            Self::RequestTimeTooSkewed { .. } => "The difference between the request time and the current time is too large.".to_owned(),
            Self::AuthorizationHeaderMalformed => "The authorization header that you provided is not valid.".to_owned(),
            Self::WrongRegion { region, expected } => format!("The authorization header is malformed; the region '{region}' is wrong; expecting '{expected}'"),
            Self::WrongService { service } => format!("The authorization header is malformed; incorrect service \"{service}\". This endpoint belongs to \"s3\"."),
            Self::MissingContentSha256 => "Missing required header for this request: x-amz-content-sha256".to_owned(),
            Self::InvalidContentSha256 => "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.".to_owned(),
            Self::XAmzContentSha256Mismatch { .. } => "The provided 'x-amz-content-sha256' header does not match what was computed.".to_owned(),
            Self::NoSuchBucket { .. } => "The specified bucket does not exist".to_owned(),
            Self::BucketAlreadyOwnedByYou { .. } => "Your previous request to create the named bucket succeeded and you already own it.".to_owned(),
            Self::BucketAlreadyExists { .. } => "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.".to_owned(),
            Self::BucketNotEmpty { .. } => "The bucket you tried to delete is not empty".to_owned(),
            Self::InvalidBucketName { .. } => "The specified bucket is not valid.".to_owned(),
            Self::IllegalLocationConstraint { constraint: None } => "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.".to_owned(),
            Self::IllegalLocationConstraint { constraint: Some(constraint) } => format!("The {constraint} location constraint is incompatible for the region specific endpoint this request was sent to."),
            Self::InvalidLocationConstraint { .. } => "The specified location-constraint is not valid".to_owned(),
            Self::MalformedXml => "The XML you provided was not well-formed or did not validate against our published schema".to_owned(),
            Self::NoSuchKey { .. } => "The specified key does not exist.".to_owned(),
            Self::EntityTooLarge { .. } => "Your proposed upload exceeds the maximum allowed size".to_owned(),
            Self::MissingContentLength => "You must provide the Content-Length HTTP header.".to_owned(),
            Self::IncompleteBody => "You did not provide the number of bytes specified by the Content-Length HTTP header".to_owned(),
            Self::RequestTimeout => "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.".to_owned(),
            Self::InvalidDigest => "The Content-MD5 you specified was invalid.".to_owned(),
            Self::BadDigest { .. } => "The Content-MD5 you specified did not match what we received.".to_owned(),
            Self::ChecksumMismatch { algorithm } => format!("The {} you specified did not match the calculated checksum.", algorithm.as_str()),
            Self::InvalidChecksum { algorithm } => format!("Value for x-amz-checksum-{} header is invalid.", algorithm.as_str().to_ascii_lowercase()),
            Self::InvalidMaxKeys { .. } => "Provided max-keys not an integer or within integer range".to_owned(),
            Self::InvalidContinuationToken => "The continuation token provided is incorrect".to_owned(),
            Self::InvalidRange { .. } => "The requested range is not satisfiable".to_owned(),
            Self::MethodNotAllowed { .. } => "The specified method is not allowed against this resource.".to_owned(),
            Self::NotImplemented { .. } => "A header you provided implies functionality that is not implemented".to_owned(),
        }
    }

    /// The elements between `<Message>` and `<RequestId>`, in S3's order.
    pub(crate) fn extra(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::InvalidAccessKeyId { access_key_id } => {
                vec![("AWSAccessKeyId", access_key_id.clone())]
            }
            Self::InvalidToken { token } | Self::ExpiredToken { token } => {
                vec![("Token-0", token.clone())]
            }
            Self::SignatureDoesNotMatch {
                access_key_id,
                signature_provided,
                string_to_sign,
                canonical_request,
            } => vec![
                ("AWSAccessKeyId", access_key_id.clone()),
                ("StringToSign", string_to_sign.clone()),
                ("SignatureProvided", signature_provided.clone()),
                ("StringToSignBytes", hex_bytes(string_to_sign)),
                ("CanonicalRequest", canonical_request.clone()),
                ("CanonicalRequestBytes", hex_bytes(canonical_request)),
            ],
            Self::RequestTimeTooSkewed {
                request_time,
                server_time,
            } => vec![
                ("RequestTime", request_time.clone()),
                ("ServerTime", server_time.clone()),
                ("MaxAllowedSkewMilliseconds", "900000".to_owned()),
            ],
            Self::PresignExpired {
                expires,
                server_time,
            } => vec![
                ("Expires", expires.clone()),
                ("ServerTime", server_time.clone()),
            ],
            Self::WrongRegion { expected, .. } => vec![("Region", expected.clone())],
            Self::XAmzContentSha256Mismatch { client, computed } => vec![
                ("ClientComputedContentSHA256", client.clone()),
                ("S3ComputedContentSHA256", computed.clone()),
            ],
            Self::NoSuchBucket { bucket }
            | Self::BucketAlreadyOwnedByYou { bucket }
            | Self::BucketAlreadyExists { bucket }
            | Self::BucketNotEmpty { bucket }
            | Self::InvalidBucketName { bucket } => vec![("BucketName", bucket.clone())],
            Self::IllegalLocationConstraint {
                constraint: Some(constraint),
            }
            | Self::InvalidLocationConstraint { constraint } => {
                vec![("LocationConstraint", constraint.clone())]
            }
            Self::NoSuchKey { key } => vec![("Key", key.clone())],
            Self::EntityTooLarge { proposed, max } => vec![
                ("ProposedSize", proposed.to_string()),
                ("MaxSizeAllowed", max.to_string()),
            ],
            Self::BadDigest {
                expected,
                calculated,
            } => vec![
                ("ExpectedDigest", expected.clone()),
                ("CalculatedDigest", calculated.clone()),
            ],
            Self::InvalidMaxKeys { value } => vec![
                ("ArgumentName", "maxKeys".to_owned()),
                ("ArgumentValue", value.clone()),
            ],
            Self::InvalidRange { range, size } => vec![
                ("RangeRequested", range.clone()),
                ("ActualObjectSize", size.to_string()),
            ],
            Self::MethodNotAllowed {
                method,
                resource_type,
            } => vec![
                ("Method", method.clone()),
                ("ResourceType", (*resource_type).to_owned()),
            ],
            Self::NotImplemented { what } => vec![("Header", what.clone())],
            _ => Vec::new(),
        }
    }

    /// Where the bytes of this answer come from.
    pub(crate) fn confidence(&self) -> Confidence {
        match self {
            // RequestTimeout: 400 with these words, quoted in aws/aws-sdk-js#281 and #4573 and
            // aws/aws-sdk-go#411.
            Self::AnonymousAccessDenied
            | Self::BucketAlreadyExists { .. }
            | Self::ExpiredToken { .. }
            | Self::RequestTimeout => Confidence::Attested,
            Self::NoSuchBucket { .. }
            | Self::NoSuchKey { .. }
            | Self::BucketAlreadyOwnedByYou { .. }
            | Self::InvalidBucketName { .. }
            | Self::InvalidAccessKeyId { .. }
            | Self::SignatureDoesNotMatch { .. }
            | Self::RequestTimeTooSkewed { .. }
            | Self::BucketNotEmpty { .. }
            | Self::EntityTooLarge { .. }
            | Self::AccessDenied(_)
            | Self::InvalidToken { .. }
            | Self::MalformedXml
            | Self::MissingContentLength
            | Self::IncompleteBody
            | Self::InvalidDigest
            | Self::BadDigest { .. }
            | Self::MethodNotAllowed { .. }
            | Self::XAmzContentSha256Mismatch { .. }
            | Self::InvalidRange { .. } => Confidence::Model,
            Self::IllegalLocationConstraint { .. }
            | Self::InvalidLocationConstraint { .. }
            | Self::WrongRegion { .. }
            | Self::PresignExpired { .. }
            | Self::MissingContentSha256
            | Self::InvalidContentSha256
            | Self::ChecksumMismatch { .. }
            | Self::InvalidMaxKeys { .. }
            | Self::InvalidContinuationToken
            | Self::WrongService { .. } => Confidence::Inferred,
            Self::ChunkSignatureDoesNotMatch
            | Self::AuthorizationHeaderMalformed
            | Self::InvalidChecksum { .. }
            | Self::NotImplemented { .. } => Confidence::Chosen,
        }
    }
}

/// The S3 User Guide's same-account wording; an action on no resource leaves out "on resource".
fn access_denied_message(denial: &Denial) -> String {
    let Denial {
        principal_arn,
        action,
        resource,
        explicit,
        policy_type,
    } = denial;
    let target = match resource {
        Some(resource) => format!(" on resource: \"{resource}\""),
        None => String::new(),
    };
    let kind = policy_type.words();
    let reason = if *explicit {
        // "an identity-based", "a session": the article AWS's messages use.
        let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("with an explicit deny in {article} {kind} policy")
    } else {
        format!("because no {kind} policy allows the {action} action")
    };
    format!("User: {principal_arn} is not authorized to perform: {action}{target} {reason}")
}

/// `StringToSignBytes`: each byte as two hex digits, separated by spaces.
fn hex_bytes(text: &str) -> String {
    let hex: Vec<String> = text.bytes().map(|b| format!("{b:02x}")).collect();
    hex.join(" ")
}
