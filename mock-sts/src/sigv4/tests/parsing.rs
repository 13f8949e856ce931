//! Extracting auth values: what parses, and the reason given for what does not.

use http::Method;

use super::{
    BOTOCORE_STS_AUTHORIZATION, BOTOCORE_STS_PRESIGNED_URL, SECRET, SIGNED_AT, STS_BODY,
    botocore_sts, build, check, view,
};
use crate::sigv4::SigV4Error;
use crate::sigv4::parse::parse;
use crate::sigv4::types::ParsedAuth;

fn parse_with(headers: &[(&str, &str)], uri: &str) -> Result<Option<ParsedAuth>, SigV4Error> {
    let req = build(Method::POST, uri, headers, STS_BODY);
    parse(&view(&req))
}

const GOOD_AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=6fb20d31f734d876c5682fdd2678d194cf68b862755f83b7ba1373c0874be25c";

fn header_auth(authorization: &str) -> Result<Option<ParsedAuth>, SigV4Error> {
    parse_with(
        &[
            ("host", "sts.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            ("authorization", authorization),
        ],
        "/",
    )
}

fn assert_malformed(result: Result<Option<ParsedAuth>, SigV4Error>, needle: &str) {
    match result {
        Err(SigV4Error::Malformed { reason }) => {
            assert!(
                reason.contains(needle),
                "reason {reason:?} lacks {needle:?}"
            )
        }
        other => panic!("expected Malformed({needle}), got {other:?}"),
    }
}

#[test]
fn parse_without_auth_is_none() {
    assert!(
        parse_with(&[("host", "sts.amazonaws.com")], "/")
            .unwrap()
            .is_none()
    );
    assert!(
        parse_with(
            &[],
            "/?Action=GetCallerIdentity&X-Amz-Date=20150830T123600Z"
        )
        .unwrap()
        .is_none()
    );
}

#[test]
fn parse_tolerates_spacing_and_order() {
    let shuffled = "AWS4-HMAC-SHA256 Signature=6fb20d31f734d876c5682fdd2678d194cf68b862755f83b7ba1373c0874be25c,SignedHeaders=content-type;host;x-amz-date,   Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request";
    let a = header_auth(shuffled).unwrap().unwrap();
    let b = header_auth(GOOD_AUTH).unwrap().unwrap();
    assert_eq!(a, b);
    assert_eq!(a.credential.scope(), "20150830/us-east-1/sts/aws4_request");
}

#[test]
fn parse_rejects_garbage() {
    assert_malformed(header_auth("Bearer abc"), "does not start with");
    assert_malformed(header_auth("AWS4-HMAC-SHA256 garbage"), "no '='");
    assert_malformed(
        header_auth("AWS4-HMAC-SHA256 Credential=x"),
        "lacks SignedHeaders, Signature",
    );
    assert_malformed(
        header_auth(&GOOD_AUTH.replace("/aws4_request", "")),
        "Credential",
    );
    assert_malformed(
        header_auth(&GOOD_AUTH.replace("aws4_request", "aws5_request")),
        "terminator",
    );
    assert_malformed(
        header_auth(&GOOD_AUTH.replace("20150830", "2015083X")),
        "Credential date",
    );
    assert_malformed(
        header_auth(&GOOD_AUTH.replace("Signature=6f", "Signature=zz")),
        "64 hex",
    );
    assert_malformed(
        header_auth(&format!("{GOOD_AUTH}, Signature=00")),
        "duplicate",
    );
    assert_malformed(
        header_auth(&GOOD_AUTH.replace("content-type;host", "host;content-type")),
        "sorted",
    );
    assert_malformed(
        header_auth(&GOOD_AUTH.replace("content-type;", "Content-Type;")),
        "lowercase",
    );
    assert!(matches!(
        header_auth(&GOOD_AUTH.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")),
        Err(SigV4Error::UnsupportedAlgorithm { algorithm }) if algorithm == "AWS4-ECDSA-P256-SHA256"
    ));
}

#[test]
fn parse_requires_host_signed() {
    assert_malformed(
        header_auth(&GOOD_AUTH.replace("content-type;host;x-amz-date", "content-type;x-amz-date")),
        "'host'",
    );
}

#[test]
fn parse_requires_a_valid_amz_date() {
    let missing = parse_with(&[("host", "h"), ("authorization", GOOD_AUTH)], "/");
    assert_malformed(missing, "X-Amz-Date");
    let bad = parse_with(
        &[
            ("host", "h"),
            ("x-amz-date", "Sun, 30 Aug 2015 12:36:00 GMT"),
            ("authorization", GOOD_AUTH),
        ],
        "/",
    );
    assert_malformed(bad, "yyyymmddTHHMMSSZ");
}

/// Documented choice: a scope date differing from X-Amz-Date is its own error at parse time
/// (AWS answers it with SignatureDoesNotMatch, "Date in Credential scope does not match ...").
#[test]
fn parse_rejects_scope_date_mismatch() {
    let result = parse_with(
        &[
            ("host", "h"),
            ("x-amz-date", "20150831T000000Z"),
            ("authorization", GOOD_AUTH),
        ],
        "/",
    );
    assert!(
        matches!(&result, Err(SigV4Error::CredentialDateMismatch { credential_date, amz_date })
            if credential_date == "20150830" && amz_date == "20150831T000000Z"),
        "{result:?}"
    );
}

#[test]
fn parse_rejects_header_and_query_auth_together() {
    let uri = "/?X-Amz-Algorithm=AWS4-HMAC-SHA256";
    assert_malformed(
        parse_with(
            &[
                ("host", "h"),
                ("x-amz-date", "20150830T123600Z"),
                ("authorization", GOOD_AUTH),
            ],
            uri,
        ),
        "both",
    );
}

#[test]
fn parse_presigned_errors() {
    let url = BOTOCORE_STS_PRESIGNED_URL.trim_start_matches("https://sts.amazonaws.com");
    assert!(parse_with(&[], url).unwrap().is_some());
    assert_malformed(
        parse_with(&[], &url.replace("X-Amz-Expires=900&", "")),
        "X-Amz-Expires",
    );
    assert_malformed(
        parse_with(
            &[],
            &url.replace("X-Amz-Expires=900", "X-Amz-Expires=604801"),
        ),
        "exceeds",
    );
    assert_malformed(
        parse_with(&[], &url.replace("X-Amz-Expires=900", "X-Amz-Expires=-1")),
        "seconds",
    );
    assert!(matches!(
        parse_with(
            &[],
            &url.replace(
                "X-Amz-Algorithm=AWS4-HMAC-SHA256",
                "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"
            )
        ),
        Err(SigV4Error::UnsupportedAlgorithm { .. })
    ));
}

#[test]
fn missing_signed_header_is_reported() {
    let mut req = botocore_sts(BOTOCORE_STS_AUTHORIZATION, None);
    req.headers_mut().remove("content-type");
    let result = check(&req, SECRET, SIGNED_AT);
    assert!(
        matches!(&result, Err(SigV4Error::SignedHeaderMissing { name }) if name == "content-type"),
        "{result:?}"
    );
}
