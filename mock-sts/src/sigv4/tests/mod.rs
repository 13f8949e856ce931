//! SigV4 verification against real signers: aws-sigv4 (what aws-sdk-rust uses), golden vectors
//! from botocore's `SigV4Auth` / `SigV4QueryAuth` (boto/botocore, `botocore/auth.py`), requests
//! captured from the aws CLI, and a hand-computed HMAC chain over a hand-written canonical request.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningParams, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use http::{HeaderName, HeaderValue, Method};
use time::{OffsetDateTime, macros::datetime};

use super::error::SigV4Error;
use super::parse::parse;
use super::types::{AuthLocation, ParsedAuth, Request};
use super::verify::verify;

mod canonical;
mod clock;
mod parsing;
mod round_trips;
mod s3_chunked;
mod vectors;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const WRONG_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLE//token+/=";
const SIGNED_AT: OffsetDateTime = datetime!(2015-08-30 12:36:00 UTC);
const STS_BODY: &[u8] = b"Action=GetCallerIdentity&Version=2011-06-15";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

fn view(req: &http::Request<Vec<u8>>) -> Request<'_> {
    Request {
        method: req.method(),
        path: req.uri().path(),
        query: req.uri().query(),
        headers: req.headers(),
        body: req.body(),
    }
}

fn check(
    req: &http::Request<Vec<u8>>,
    secret: &str,
    now: OffsetDateTime,
) -> Result<ParsedAuth, SigV4Error> {
    let request = view(req);
    let auth = parse(&request)?.expect("request carries SigV4 auth");
    verify(&request, &auth, secret, now)?;
    Ok(auth)
}

fn build(
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> http::Request<Vec<u8>> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.to_vec()).unwrap()
}

struct Signing<'a> {
    service: &'a str,
    region: &'a str,
    token: Option<&'a str>,
    settings: SigningSettings,
    unsigned_payload: bool,
}

impl<'a> Signing<'a> {
    fn new(service: &'a str) -> Self {
        Self {
            service,
            region: "us-east-1",
            token: None,
            settings: SigningSettings::default(),
            unsigned_payload: false,
        }
    }

    fn presigned(service: &'a str, expires_secs: u64) -> Self {
        let mut signing = Self::new(service);
        signing.settings.signature_location = SignatureLocation::QueryParams;
        signing.settings.expires_in = Some(std::time::Duration::from_secs(expires_secs));
        signing
    }

    /// Signs with aws-sigv4 exactly as an SDK would and applies the result to `req`.
    fn sign(self, mut req: http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
        let identity =
            Credentials::new(AKID, SECRET, self.token.map(str::to_owned), None, "test").into();
        let params: SigningParams = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name(self.service)
            .time(SystemTime::from(SIGNED_AT))
            .settings(self.settings)
            .build()
            .unwrap()
            .into();
        let instructions = {
            let uri = req.uri().to_string();
            let headers = req
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str(), v.to_str().unwrap()));
            let body = if self.unsigned_payload {
                SignableBody::UnsignedPayload
            } else {
                SignableBody::Bytes(req.body())
            };
            let signable = SignableRequest::new(req.method().as_str(), uri, headers, body).unwrap();
            sign(signable, &params).unwrap().into_parts().0
        };
        instructions.apply_to_request_http1x(&mut req);
        req
    }
}

fn with_header(req: &http::Request<Vec<u8>>, name: &str, value: &str) -> http::Request<Vec<u8>> {
    let mut changed = req.clone();
    changed.headers_mut().insert(
        HeaderName::from_bytes(name.as_bytes()).unwrap(),
        HeaderValue::from_str(value).unwrap(),
    );
    changed
}

fn with_uri(req: &http::Request<Vec<u8>>, uri: &str) -> http::Request<Vec<u8>> {
    let mut changed = req.clone();
    *changed.uri_mut() = uri.parse().unwrap();
    changed
}

fn assert_mismatch(result: Result<ParsedAuth, SigV4Error>) {
    assert!(
        matches!(result, Err(SigV4Error::SignatureMismatch)),
        "expected SignatureMismatch, got {result:?}"
    );
}

/// The checks every header-signed round trip must pass.
fn assert_header_round_trip(
    req: &http::Request<Vec<u8>>,
    signed_header_to_change: &str,
) -> ParsedAuth {
    let auth = check(req, SECRET, SIGNED_AT).expect("valid signature");
    assert_eq!(auth.location, AuthLocation::Header);
    assert_eq!(auth.credential.access_key_id, AKID);
    assert_eq!(auth.credential.date, "20150830");
    assert_eq!(auth.amz_date, "20150830T123600Z");
    assert!(
        auth.signed_headers
            .iter()
            .any(|h| h == signed_header_to_change)
    );

    assert_mismatch(check(req, WRONG_SECRET, SIGNED_AT));
    if !req.body().is_empty() {
        let mut tampered = req.clone();
        tampered.body_mut()[0] ^= 0x01;
        assert_mismatch(check(&tampered, SECRET, SIGNED_AT));
    }
    assert_mismatch(check(
        &with_header(req, signed_header_to_change, "changed-value"),
        SECRET,
        SIGNED_AT,
    ));
    let extra = with_header(req, "x-unsigned-extra", "anything");
    check(&extra, SECRET, SIGNED_AT).expect("unsigned header does not matter");
    let mut ua = with_header(req, "user-agent", "other-agent/1.0");
    ua.headers_mut()
        .append("amz-sdk-request", HeaderValue::from_static("attempt=2"));
    check(&ua, SECRET, SIGNED_AT).expect("unsigned user-agent does not matter");
    auth
}

fn sts_request(extra: &[(&str, &str)]) -> http::Request<Vec<u8>> {
    let mut headers = vec![("host", "sts.amazonaws.com"), ("content-type", FORM)];
    headers.extend_from_slice(extra);
    build(
        Method::POST,
        "https://sts.amazonaws.com/",
        &headers,
        STS_BODY,
    )
}

fn presigned_sts(unsigned_payload: bool) -> http::Request<Vec<u8>> {
    let req = build(
        Method::GET,
        "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
        &[("host", "sts.amazonaws.com")],
        b"",
    );
    let mut signing = Signing::presigned("sts", 900);
    signing.token = Some(TOKEN);
    signing.unsigned_payload = unsigned_payload;
    signing.sign(req)
}

/// Regenerate the `BOTOCORE_*` constants with (botocore 1.43.11):
///
/// ```python
/// import datetime
/// from unittest import mock
/// import botocore.auth
/// from botocore.auth import SigV4Auth, SigV4QueryAuth
/// from botocore.awsrequest import AWSRequest
/// from botocore.credentials import Credentials
/// FIXED = datetime.datetime(2015, 8, 30, 12, 36, 0)
/// SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
/// with mock.patch.object(botocore.auth, 'get_current_datetime', return_value=FIXED):
///     for token in (None, 'FwoGZXIvYXdzEXAMPLE//token+/='):
///         req = AWSRequest(method='POST', url='https://sts.amazonaws.com/',
///                          data=b'Action=GetCallerIdentity&Version=2011-06-15',
///                          headers={'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'})
///         SigV4Auth(Credentials('AKIDEXAMPLE', SECRET, token), 'sts', 'us-east-1').add_auth(req)
///         print(dict(req.headers))
///     req = AWSRequest(method='GET', url='https://sts.amazonaws.com/',
///                      params={'Action': 'GetCallerIdentity', 'Version': '2011-06-15'})
///     SigV4QueryAuth(Credentials('AKIDEXAMPLE', SECRET, 'tok/en+='), 'sts', 'us-east-1',
///                    expires=900).add_auth(req)
///     print(req.url)
///     req = AWSRequest(method='GET', url='https://iam.amazonaws.com/',
///                      params={'Action': 'ListRoles', 'Version': '2010-05-08',
///                              'PathPrefix': '/a b/ünï:=/'})
///     SigV4Auth(Credentials('AKIDEXAMPLE', SECRET), 'iam', 'us-east-1').add_auth(req)
///     p = req.prepare()
///     print(p.url, dict(p.headers))
/// ```
const BOTOCORE_STS_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=6fb20d31f734d876c5682fdd2678d194cf68b862755f83b7ba1373c0874be25c";
const BOTOCORE_STS_TOKEN_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=1130994eed1688cbf7e9a77f639f45324b59c386948401657f763515d636da56";
const BOTOCORE_STS_PRESIGNED_URL: &str = "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-Signature=9eeac7c280a06ab40ed21d6d7d8dafae254304dec6d1b771b1c9ba28128412da";
/// botocore signs the query with `%20` but `requests`-style preparation sends `+`.
const BOTOCORE_IAM_GET_URL: &str = "https://iam.amazonaws.com/?Action=ListRoles&Version=2010-05-08&PathPrefix=%2Fa+b%2F%C3%BCn%C3%AF%3A%3D%2F";
const BOTOCORE_IAM_GET_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=eb428bb8de6d79c78b30c89269a304f53f54f7aefeb0feea10d18fccaf7e3145";

fn botocore_sts(authorization: &str, token: Option<&str>) -> http::Request<Vec<u8>> {
    let mut headers = vec![
        ("host", "sts.amazonaws.com"),
        ("content-type", FORM),
        ("x-amz-date", "20150830T123600Z"),
        ("authorization", authorization),
    ];
    if let Some(token) = token {
        headers.push(("x-amz-security-token", token));
    }
    build(
        Method::POST,
        "https://sts.amazonaws.com/",
        &headers,
        STS_BODY,
    )
}
