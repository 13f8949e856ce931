//! Query-protocol quirks: parameter validation messages, malformed numbers, unknown actions and
//! the redirect for a request without an action.

use crate::support::{AWS_FAULT, STS, Sts, assert_sts_error, error_body};

fn assume_with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut form = vec![
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
    ];
    form.extend_from_slice(extra);
    form
}

#[tokio::test]
async fn parameter_and_protocol_errors_are_aws_bytes() {
    let sts = Sts::start(None).await;

    let answer = sts
        .post(&assume_with(&[
            ("RoleArn", "arn:aws:iam::123456789012:role/gitlab-ci"),
            ("RoleSessionName", "tfaction-plan-github/foo"),
            ("WebIdentityToken", "token"),
        ]))
        .await;
    assert_sts_error(
        &answer,
        400,
        "ValidationError",
        r"1 validation error detected: Value 'tfaction-plan-github/foo' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*",
    );

    let answer = sts
        .post(&assume_with(&[
            ("RoleArn", "arn:aws:iam::123456789012:role/gitlab-ci"),
            ("RoleSessionName", "s"),
            ("WebIdentityToken", "abc"),
            ("DurationSeconds", "600"),
        ]))
        .await;
    assert_sts_error(
        &answer,
        400,
        "ValidationError",
        "3 validation errors detected: Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4; Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );

    let answer = sts.post(&assume_with(&[("DurationSeconds", "abc")])).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body,
        error_body(STS, "MalformedInput", None, &answer)
    );

    let answer = sts
        .post(&[("Action", "NoSuchAction"), ("Version", "2011-06-15")])
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body,
        error_body(
            AWS_FAULT,
            "InvalidAction",
            Some("Could not find operation NoSuchAction for version 2011-06-15"),
            &answer
        )
    );

    let answer = sts.post(&[("Version", "2011-06-15")]).await;
    assert_eq!(answer.status, 302);
    assert_eq!(answer.headers["location"], "https://aws.amazon.com/iam");
    assert_eq!(answer.body, "");
}

#[tokio::test]
async fn a_missing_version_and_repeated_parameters_are_read_like_aws_reads_them() {
    let sts = Sts::start(None).await;
    let answer = sts.post(&[("Action", "GetCallerIdentity")]).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body,
        error_body(
            AWS_FAULT,
            "InvalidAction",
            Some("Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED"),
            &answer
        )
    );

    // The first occurrence of a key wins: this is an unsigned GetCallerIdentity, not an unknown action.
    let answer = sts
        .post(&[
            ("Action", "GetCallerIdentity"),
            ("Action", "NoSuchAction"),
            ("Version", "2011-06-15"),
        ])
        .await;
    assert_sts_error(
        &answer,
        403,
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
    );
}
