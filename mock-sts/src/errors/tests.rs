//! The table's wording, checked against AWS's bytes where they are known.

use super::validation_text::{constraint_text, violation_text};
use super::*;
use crate::validation::{Constraint, Pattern, Violation, ViolationValue};

const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

#[test]
fn the_verification_key_message_keeps_aws_double_space() {
    let message = AwsError::VerificationKeyUnavailable
        .message()
        .unwrap_or_default();
    assert!(message.contains("provider,  please"), "{message}");
}

#[test]
fn validation_messages_join_with_semicolons_and_count() {
    let err = AwsError::from(Violations(vec![
        Violation {
            member: "roleSessionName".into(),
            value: ViolationValue::Shown("!".into()),
            constraint: Constraint::Pattern(Pattern::RoleSessionName),
        },
        Violation {
            member: "roleSessionName".into(),
            value: ViolationValue::Shown("!".into()),
            constraint: Constraint::MinLength(2),
        },
    ]));
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
        member: "webIdentityToken".into(),
        value: ViolationValue::Sensitive,
        constraint: Constraint::MinLength(4),
    };
    assert_eq!(
        violation_text(&sensitive),
        "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"
    );
    let null = Violation {
        member: "roleArn".into(),
        value: ViolationValue::Null,
        constraint: Constraint::NotNull,
    };
    assert_eq!(
        violation_text(&null),
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn the_arn_pattern_is_printed_as_the_model_spells_it() {
    assert_eq!(
        constraint_text(Constraint::Pattern(Pattern::Arn)),
        r"Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+"
    );
}

#[test]
fn a_missing_version_is_named_like_aws_names_it() {
    let err = AwsError::InvalidAction {
        action: "GetCallerIdentity".into(),
        version: None,
    };
    assert_eq!(
        err.message().as_deref(),
        Some("Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED")
    );
    assert_eq!(
        err.namespace(STS_NAMESPACE),
        "http://webservices.amazon.com/AWSFault/2005-15-09"
    );
}

#[test]
fn malformed_integers_have_a_message_only_when_empty() {
    assert_eq!(
        AwsError::from(MalformedInteger { empty: true })
            .message()
            .as_deref(),
        Some("missing value for decimal type")
    );
    assert_eq!(
        AwsError::from(MalformedInteger { empty: false }).message(),
        None
    );
}

#[test]
fn a_failed_random_source_is_an_internal_failure_from_the_receiver() {
    let err = AwsError::from(RandomUnavailable);
    assert_eq!(err.code(), "InternalFailure");
    assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(err.fault_type(), "Receiver");
    assert_eq!(err.namespace(STS_NAMESPACE), STS_NAMESPACE);
    assert_eq!(err.confidence(), Confidence::Model);
    assert_eq!(
        err.message().as_deref(),
        Some(
            "The request processing has failed because of an unknown error, exception or failure."
        )
    );
}

#[test]
fn every_other_error_is_the_senders_fault() {
    for err in [
        AwsError::WebIdentityAccessDenied,
        AwsError::NotAJwt,
        AwsError::InvalidInput(InvalidInput::ProviderUrlHasPort),
    ] {
        assert_eq!(err.fault_type(), "Sender", "{err:?}");
    }
}

#[test]
fn a_provider_url_with_a_port_is_refused_with_a_chosen_message() {
    let err = AwsError::InvalidInput(InvalidInput::ProviderUrlHasPort);
    assert_eq!(
        (err.code(), err.status(), err.confidence()),
        ("InvalidInput", StatusCode::BAD_REQUEST, Confidence::Chosen)
    );
    assert_eq!(
        err.message().as_deref(),
        Some("The URL must not contain a port number")
    );
}
