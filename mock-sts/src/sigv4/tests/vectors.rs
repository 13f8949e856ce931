//! Fixed vectors: a hand-computed signature, botocore's `SigV4Auth` output and requests the aws CLI
//! actually sent.

use aws_lc_rs::hmac;
use http::Method;
use time::macros::datetime;

use super::{
    BOTOCORE_IAM_GET_AUTHORIZATION, BOTOCORE_IAM_GET_URL, BOTOCORE_STS_AUTHORIZATION,
    BOTOCORE_STS_PRESIGNED_URL, BOTOCORE_STS_TOKEN_AUTHORIZATION, FORM, SECRET, SIGNED_AT,
    STS_BODY, TOKEN, WRONG_SECRET, assert_mismatch, botocore_sts, build, check, view, with_header,
    with_uri,
};
use crate::sigv4::canonical::{canonical_request, string_to_sign};
use crate::sigv4::parse::parse;
use crate::sigv4::types::{AuthLocation, Credential};
use crate::sigv4::verify::verify;

fn hmac_sha256(key: &[u8], data: &str) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data.as_bytes())
        .as_ref()
        .to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The spec's steps written out by hand, independent of the crate's code.
fn hand_signature(canonical_request: &str, amz_date: &str, scope: &str, secret: &str) -> String {
    let creq_hash = hex(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        canonical_request.as_bytes(),
    )
    .as_ref());
    let string_to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{creq_hash}");
    let mut parts = scope.split('/');
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in parts.by_ref().take(4) {
        key = hmac_sha256(&key, part);
    }
    hex(&hmac_sha256(&key, &string_to_sign))
}

#[test]
fn hand_computed_get_caller_identity_matches_botocore() {
    let canonical = "POST\n/\n\n\
                     content-type:application/x-www-form-urlencoded; charset=utf-8\n\
                     host:sts.amazonaws.com\n\
                     x-amz-date:20150830T123600Z\n\
                     \n\
                     content-type;host;x-amz-date\n\
                     ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843";
    let expected = hand_signature(
        canonical,
        "20150830T123600Z",
        "20150830/us-east-1/sts/aws4_request",
        SECRET,
    );
    assert_eq!(
        expected, "6fb20d31f734d876c5682fdd2678d194cf68b862755f83b7ba1373c0874be25c",
        "the hand-written chain agrees with botocore"
    );

    let req = botocore_sts(BOTOCORE_STS_AUTHORIZATION, None);
    let request = view(&req);
    let auth = parse(&request).unwrap().unwrap();
    let body_hash = hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, STS_BODY).as_ref());
    let ours = canonical_request(
        &request,
        &auth,
        &body_hash,
        crate::sigv4::types::PathRule::Normalised,
    )
    .unwrap();
    assert_eq!(String::from_utf8(ours.clone()).unwrap(), canonical);
    assert_eq!(
        string_to_sign(&auth, &ours),
        format!(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/sts/aws4_request\n{}",
            hex(
                aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical.as_bytes())
                    .as_ref()
            )
        )
    );
    assert_eq!(auth.signature, expected);
    verify(&request, &auth, SECRET, SIGNED_AT).unwrap();
}

#[test]
fn botocore_sigv4auth_vectors() {
    let req = botocore_sts(BOTOCORE_STS_AUTHORIZATION, None);
    let auth = check(&req, SECRET, SIGNED_AT).unwrap();
    assert_eq!(auth.security_token, None);
    assert_mismatch(check(&req, WRONG_SECRET, SIGNED_AT));

    let req = botocore_sts(BOTOCORE_STS_TOKEN_AUTHORIZATION, Some(TOKEN));
    let auth = check(&req, SECRET, SIGNED_AT).unwrap();
    assert_eq!(auth.security_token.as_deref(), Some(TOKEN));
    assert_mismatch(check(
        &with_header(&req, "x-amz-security-token", "forged"),
        SECRET,
        SIGNED_AT,
    ));

    let req = build(
        Method::GET,
        BOTOCORE_IAM_GET_URL,
        &[
            ("host", "iam.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            ("authorization", BOTOCORE_IAM_GET_AUTHORIZATION),
        ],
        b"",
    );
    let auth = check(&req, SECRET, SIGNED_AT).unwrap();
    assert_eq!(auth.credential.service, "iam");
}

#[test]
fn botocore_presigned_vector() {
    let req = build(
        Method::GET,
        BOTOCORE_STS_PRESIGNED_URL,
        &[("host", "sts.amazonaws.com")],
        b"",
    );
    let auth = check(&req, SECRET, SIGNED_AT).unwrap();
    assert_eq!(auth.location, AuthLocation::Query);
    assert_eq!(auth.expires, Some(900));
    assert_eq!(auth.security_token.as_deref(), Some("tok/en+="));
    assert_mismatch(check(&req, WRONG_SECRET, SIGNED_AT));
    let forged = BOTOCORE_STS_PRESIGNED_URL.replace("tok%2Fen%2B%3D", "tok%2Fen%2B%3E");
    assert_mismatch(check(&with_uri(&req, &forged), SECRET, SIGNED_AT));
}

/// Requests the aws CLI 1.45.11 (botocore 1.43.11) actually sent to a capture server on
/// 127.0.0.1:18777 (`aws sts get-caller-identity` / `aws iam create-role` with
/// `--endpoint-url http://127.0.0.1:18777`, AKIDEXAMPLE and the example secret). Headers are
/// in wire order; `amz-sdk-*` and `User-Agent` are not signed.
const CLI_USER_AGENT: &str = "aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18.44-fc-v657 md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython m/g,b,N,D,Z cfg/retry-mode#legacy botocore/1.43.11";
const CLI_CREATE_ROLE_BODY: &str = "Action=CreateRole&Version=2010-05-08&RoleName=r1&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated%22%3A%22arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Fgitlab.example.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRoleWithWebIdentity%22%2C%22Condition%22%3A%7B%22StringEquals%22%3A%7B%22gitlab.example.com%3Asub%22%3A%22project_path%3Ag%2Fp%3Aref_type%3Abranch%3Aref%3Amain%22%7D%7D%7D%5D%7D";

fn cli_request(
    amz_date: &str,
    authorization: &str,
    token: Option<&str>,
    body: &str,
) -> http::Request<Vec<u8>> {
    let length = body.len().to_string();
    let mut headers = vec![
        ("Host", "127.0.0.1:18777"),
        ("Accept-Encoding", "identity"),
        ("Content-Type", FORM),
        ("User-Agent", CLI_USER_AGENT),
        ("X-Amz-Date", amz_date),
    ];
    if let Some(token) = token {
        headers.push(("X-Amz-Security-Token", token));
    }
    headers.extend([
        ("Authorization", authorization),
        (
            "amz-sdk-invocation-id",
            "53f8e526-801f-4a97-9760-e77a8e59aaa1",
        ),
        ("amz-sdk-request", "attempt=1"),
        ("Content-Length", length.as_str()),
    ]);
    build(Method::POST, "/", &headers, body.as_bytes())
}

#[test]
fn aws_cli_captured_requests() {
    let now = datetime!(2026-11-22 01:07:30 UTC);
    let sts = cli_request(
        "20261122T010723Z",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=42d592492e195a0f9aa8a6fa84d828343717bc523b45b8b6af0cde0e9294a488",
        None,
        "Action=GetCallerIdentity&Version=2011-06-15",
    );
    check(&sts, SECRET, now).expect("aws CLI GetCallerIdentity");
    assert_mismatch(check(&sts, WRONG_SECRET, now));

    let sts_token = cli_request(
        "20261122T010724Z",
        "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261122/eu-west-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=ecf6f62ac0fefb60128fe162e04967730ccc31322347a1c48e0b328da3b85b8e",
        Some(TOKEN),
        "Action=GetCallerIdentity&Version=2011-06-15",
    );
    let auth = check(&sts_token, SECRET, now).expect("aws CLI GetCallerIdentity with token");
    assert_eq!(
        auth.credential,
        Credential {
            access_key_id: "ASIAEXAMPLE".into(),
            date: "20261122".into(),
            region: "eu-west-1".into(),
            service: "sts".into(),
        }
    );
    assert_eq!(auth.security_token.as_deref(), Some(TOKEN));

    let iam = cli_request(
        "20261122T010725Z",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=30f0b41b90a95d895dd93a73485c5c454a0f4d49db8389ac8cb9bb37831fd471",
        None,
        CLI_CREATE_ROLE_BODY,
    );
    check(&iam, SECRET, now).expect("aws CLI CreateRole");
    let mut tampered = iam.clone();
    *tampered.body_mut() = CLI_CREATE_ROLE_BODY
        .replace("RoleName=r1", "RoleName=r2")
        .into_bytes();
    assert_mismatch(check(&tampered, SECRET, now));
}
