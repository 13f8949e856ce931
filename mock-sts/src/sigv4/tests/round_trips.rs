//! Round trips: requests signed by aws-sigv4 exactly as an SDK signs them verify, and any change to a
//! signed part breaks them.

use aws_sigv4::http_request::{PayloadChecksumKind, SessionTokenMode};
use http::{HeaderValue, Method};
use time::Duration;

use super::{
    FORM, SECRET, SIGNED_AT, Signing, TOKEN, WRONG_SECRET, assert_header_round_trip,
    assert_mismatch, build, check, presigned_sts, sts_request, with_header, with_uri,
};
use crate::sigv4::SigV4Error;
use crate::sigv4::types::AuthLocation;

#[test]
fn aws_sigv4_sts_get_caller_identity() {
    let req = Signing::new("sts").sign(sts_request(&[]));
    let auth = assert_header_round_trip(&req, "content-type");
    assert_eq!(auth.signed_headers, ["content-type", "host", "x-amz-date"]);
    assert_eq!(auth.security_token, None);
    assert_eq!(auth.credential.service, "sts");
}

#[test]
fn aws_sigv4_sts_get_caller_identity_with_session_token() {
    let mut signing = Signing::new("sts");
    signing.token = Some(TOKEN);
    let req = signing.sign(sts_request(&[]));
    let auth = assert_header_round_trip(&req, "x-amz-security-token");
    assert_eq!(
        auth.signed_headers,
        ["content-type", "host", "x-amz-date", "x-amz-security-token"]
    );
    assert_eq!(auth.security_token.as_deref(), Some(TOKEN));
}

#[test]
fn session_token_added_after_signing_is_captured() {
    let mut signing = Signing::new("sts");
    signing.token = Some(TOKEN);
    signing.settings.session_token_mode = SessionTokenMode::Exclude;
    let req = signing.sign(sts_request(&[]));
    let auth = assert_header_round_trip(&req, "content-type");
    assert!(
        !auth
            .signed_headers
            .iter()
            .any(|h| h == "x-amz-security-token")
    );
    assert_eq!(auth.security_token.as_deref(), Some(TOKEN));
    // Unsigned, so swapping it leaves the signature intact; the caller checks the token.
    let swapped = with_header(&req, "x-amz-security-token", "other");
    let auth = check(&swapped, SECRET, SIGNED_AT).unwrap();
    assert_eq!(auth.security_token.as_deref(), Some("other"));
}

#[test]
fn aws_sigv4_iam_create_role_with_encoded_policy() {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.example.com:sub":"project_path:g/p:ref_type:branch:ref:main"}}}]}"#;
    let body = serde_urlencoded::to_string([
        ("Action", "CreateRole"),
        ("Version", "2010-05-08"),
        ("RoleName", "gitlab ci/role"),
        ("AssumeRolePolicyDocument", policy),
    ])
    .unwrap();
    let req = build(
        Method::POST,
        "https://iam.amazonaws.com/",
        &[("host", "iam.amazonaws.com"), ("content-type", FORM)],
        body.as_bytes(),
    );
    let req = Signing::new("iam").sign(req);
    let auth = assert_header_round_trip(&req, "host");
    assert_eq!(auth.credential.service, "iam");
    assert_eq!(auth.credential.region, "us-east-1");
}

#[test]
fn aws_sigv4_get_with_query_needing_encoding() {
    // `+` and `%20` are both spaces; `:`, `/` and `=` appear raw; `ü` is UTF-8 encoded.
    let uri = "https://iam.amazonaws.com/?Version=2010-05-08&Action=ListRoles\
               &PathPrefix=%2Fa%20b%2F%C3%BCn%C3%AF%3A%3D%2F&Marker=x:y/z=1+2&Empty=";
    let req = build(Method::GET, uri, &[("host", "iam.amazonaws.com")], b"");
    let mut signing = Signing::new("iam");
    signing.region = "eu-central-1";
    let req = signing.sign(req);
    let auth = assert_header_round_trip(&req, "host");
    assert_eq!(auth.credential.region, "eu-central-1");
    assert_eq!(auth.signed_headers, ["host", "x-amz-date"]);

    let tampered = with_uri(&req, &uri.replace("z=1+2", "z=1+3"));
    assert_mismatch(check(&tampered, SECRET, SIGNED_AT));
    // Same decoded query in another (equivalent) encoding still verifies.
    let reencoded = with_uri(&req, &uri.replace("z=1+2", "z%3D1%202"));
    check(&reencoded, SECRET, SIGNED_AT).expect("equivalent query encoding");
}

#[test]
fn aws_sigv4_path_is_double_encoded() {
    let uri = "https://example.amazonaws.com/a%20b/c%2Fd/~e";
    let req = build(Method::GET, uri, &[("host", "example.amazonaws.com")], b"");
    let req = Signing::new("execute-api").sign(req);
    check(&req, SECRET, SIGNED_AT).expect("double-encoded path");
    assert_mismatch(check(
        &with_uri(&req, "https://example.amazonaws.com/a%20b/c/d/~e"),
        SECRET,
        SIGNED_AT,
    ));
}

#[test]
fn aws_sigv4_repeated_and_padded_header_values() {
    let req = sts_request(&[("x-amz-meta-a", "  one   two  "), ("x-amz-meta-a", "three")]);
    let mut signing = Signing::new("sts");
    signing.settings.excluded_headers = None;
    let req = signing.sign(req);
    let auth = check(&req, SECRET, SIGNED_AT).expect("repeated header values");
    assert!(auth.signed_headers.iter().any(|h| h == "x-amz-meta-a"));
    let mut reordered = req.clone();
    reordered.headers_mut().remove("x-amz-meta-a");
    reordered
        .headers_mut()
        .append("x-amz-meta-a", HeaderValue::from_static("three"));
    reordered
        .headers_mut()
        .append("x-amz-meta-a", HeaderValue::from_static("one two"));
    assert_mismatch(check(&reordered, SECRET, SIGNED_AT));
}

#[test]
fn aws_sigv4_content_sha256_header() {
    let mut signing = Signing::new("sts");
    signing.settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let req = signing.sign(sts_request(&[]));
    let auth = assert_header_round_trip(&req, "x-amz-content-sha256");
    assert!(
        auth.signed_headers
            .iter()
            .any(|h| h == "x-amz-content-sha256")
    );
}

/// STS hashes the received body; a declared `UNSIGNED-PAYLOAD` cannot match.
#[test]
fn unsigned_payload_is_refused_on_header_auth() {
    let mut signing = Signing::new("sts");
    signing.settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    signing.unsigned_payload = true;
    let req = signing.sign(sts_request(&[]));
    assert_eq!(req.headers()["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
    assert_mismatch(check(&req, SECRET, SIGNED_AT));
}

#[test]
fn aws_sigv4_presigned_url() {
    for unsigned_payload in [false, true] {
        let req = presigned_sts(unsigned_payload);
        assert!(req.headers().get("authorization").is_none());
        let auth = check(&req, SECRET, SIGNED_AT + Duration::minutes(14)).expect("valid presign");
        assert_eq!(auth.location, AuthLocation::Query);
        assert_eq!(auth.expires, Some(900));
        assert_eq!(auth.signed_headers, ["host"]);
        assert_eq!(auth.security_token.as_deref(), Some(TOKEN));

        assert_mismatch(check(&req, WRONG_SECRET, SIGNED_AT));
        let uri = req.uri().to_string();
        assert_mismatch(check(
            &with_uri(&req, &uri.replace("GetCallerIdentity", "GetSessionToken")),
            SECRET,
            SIGNED_AT,
        ));
        assert_mismatch(check(
            &with_header(&req, "host", "evil.example.com"),
            SECRET,
            SIGNED_AT,
        ));
        check(
            &with_header(&req, "x-unsigned-extra", "1"),
            SECRET,
            SIGNED_AT,
        )
        .expect("unsigned header does not matter");

        let result = check(&req, SECRET, SIGNED_AT + Duration::seconds(901));
        assert!(
            matches!(&result, Err(SigV4Error::PresignExpired { expires: 900, amz_date, now })
                if amz_date == "20150830T123600Z" && now == "20150830T125101Z"),
            "{result:?}"
        );
        check(&req, SECRET, SIGNED_AT + Duration::seconds(900)).expect("last valid second");
    }
}
