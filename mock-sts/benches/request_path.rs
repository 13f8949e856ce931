//! Micro-benchmarks of the steps of mock-sts's request path, each with the code the server runs
//! (through `mock_sts::bench_api` where the step is not public API): token signature
//! verification (RS256 and ES256, fixed keys), trust-policy evaluation, the XML of an
//! AssumeRoleWithWebIdentity answer, form parsing, and SigV4 verification of GetCallerIdentity.
//!
//! `cargo bench -p mock-sts` runs them; `-- --quick` for a short run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "fixture setup outside the measured loops; a panic is the failure report"
)]

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mock_sts::bench_api::{AssumeRoleAnswer, SignedCalls, TokenVerifier, parse_form};
use mock_sts::policy::{self, PolicyKind};
use mock_sts::{DEFAULT_ADMIN_ACCESS_KEY_ID, DEFAULT_ADMIN_SECRET_ACCESS_KEY, TrustRequest};
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{PrivatePkcs1KeyDer, PrivatePkcs8KeyDer};
use serde_json::json;
use time::OffsetDateTime;

/// 2023-11-14T22:13:20Z, the instant the fixtures are pinned to.
const NOW: i64 = 1_700_000_000;
const ISSUER: &str = "https://gitlab.example.com";
const PROVIDER_ARN: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com";
const SUB: &str = "project_path:mygroup/myproject:ref_type:branch:ref:main";

// mock-gitlab's fixed test keys: RSA-2048 and P-256.
const RSA_KEY: &str = include_str!("../../mock-gitlab/tests/fixtures/ci-signing-key.pkcs1.pem");
const EC_KEY: &str = include_str!("../../mock-gitlab/tests/fixtures/ci-signing-key-ec.pem");

/// The trust policy of GitLab's tutorial, "Configure OpenID Connect in AWS to retrieve temporary
/// credentials" (<https://docs.gitlab.com/ci/cloud_services/aws/>), with the `StringLike`
/// branch pattern it suggests for more than one branch.
const TUTORIAL_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringLike": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:*"}
      }
    }
  ]
}"#;

// jsonwebtoken reads DER only (its `use_pem` feature is off in this workspace).
fn rsa_key() -> EncodingKey {
    let der = PrivatePkcs1KeyDer::from_pem_slice(RSA_KEY.as_bytes()).unwrap();
    EncodingKey::from_rsa_der(der.secret_pkcs1_der())
}

fn ec_key() -> EncodingKey {
    let der = PrivatePkcs8KeyDer::from_pem_slice(EC_KEY.as_bytes()).unwrap();
    EncodingKey::from_ec_der(der.secret_pkcs8_der())
}

/// A GitLab CI ID token for the tutorial's job, signed with `key` under `alg`, and the JWK that
/// verifies it.
fn token_and_jwk(alg: Algorithm, key: &EncodingKey) -> (String, String) {
    let claims = json!({
        "namespace_id": "1", "namespace_path": "mygroup", "project_id": "22",
        "project_path": "mygroup/myproject", "user_id": "42", "user_login": "alice",
        "pipeline_id": "1212", "pipeline_source": "push", "job_id": "574",
        "ref": "main", "ref_type": "branch", "ref_protected": "true",
        "jti": "235b3a54-b797-45c7-ae9a-f72d7bc6ef5b", "iss": ISSUER,
        "iat": NOW, "nbf": NOW - 5, "exp": NOW + 300, "sub": SUB, "aud": "sts.amazonaws.com",
    });
    let mut header = Header::new(alg);
    header.kid = Some("fixed".to_owned());
    let token = jsonwebtoken::encode(&header, &claims, key).unwrap();
    let mut jwk = Jwk::from_encoding_key(key, alg).unwrap();
    jwk.common.key_id = Some("fixed".to_owned());
    (token, serde_json::to_string(&jwk).unwrap())
}

fn token_verification(c: &mut Criterion) {
    let keys = [
        ("RS256", Algorithm::RS256, rsa_key()),
        ("ES256", Algorithm::ES256, ec_key()),
    ];
    let mut group = c.benchmark_group("token_verification");
    for (name, alg, key) in keys {
        let (token, jwk) = token_and_jwk(alg, &key);
        let verifier = TokenVerifier::new(&jwk).unwrap();
        assert!(verifier.verify(&token), "the {name} fixture verifies");
        group.bench_function(name, |b| b.iter(|| verifier.verify(black_box(&token))));
    }
    group.finish();
}

fn trust_policy(c: &mut Criterion) {
    let document = policy::parse(TUTORIAL_POLICY, PolicyKind::Trust).unwrap();
    let request = TrustRequest {
        provider_arn: PROVIDER_ARN.to_owned(),
        provider_host: "gitlab.example.com".to_owned(),
        audiences: vec!["sts.amazonaws.com".to_owned()],
        subject: SUB.to_owned(),
        session_name: "GitLabRunner-42-574".to_owned(),
        now: OffsetDateTime::from_unix_timestamp(NOW).unwrap(),
        region: "us-east-1".to_owned(),
        session_tags: None,
        source_identity: None,
    };
    assert!(request.evaluate(&document).allowed());
    c.bench_function("trust_policy/gitlab_tutorial_string_like", |b| {
        b.iter(|| black_box(&request).evaluate(black_box(&document)))
    });
    c.bench_function("trust_policy/parse_gitlab_tutorial", |b| {
        b.iter(|| policy::parse(black_box(TUTORIAL_POLICY), PolicyKind::Trust))
    });
}

fn xml_rendering(c: &mut Criterion) {
    let key = rsa_key();
    let (token, _) = token_and_jwk(Algorithm::RS256, &key);
    let answer = AssumeRoleAnswer::new(&token, PROVIDER_ARN).unwrap();
    assert!(answer.render("request-id").contains("<SessionToken>"));
    c.bench_function("xml/assume_role_with_web_identity_answer", |b| {
        b.iter(|| answer.render(black_box("c6104cbe-af31-11e0-8154-cbc7ccf896c7")))
    });
}

fn form_parsing(c: &mut Criterion) {
    let key = rsa_key();
    let (token, _) = token_and_jwk(Algorithm::RS256, &key);
    let body = serde_urlencoded::to_string([
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", "arn:aws:iam::123456789012:role/gitlab-ci"),
        ("RoleSessionName", "GitLabRunner-42-574"),
        ("WebIdentityToken", token.as_str()),
    ])
    .unwrap();
    assert_eq!(
        parse_form(&body).as_deref(),
        Some("AssumeRoleWithWebIdentity")
    );
    c.bench_function("form/assume_role_with_web_identity", |b| {
        b.iter(|| parse_form(black_box(&body)))
    });
}

/// GetCallerIdentity as aws-sdk-rust signs it (aws-sigv4, default settings), with the admin keys.
fn signed_get_caller_identity() -> http::Request<Vec<u8>> {
    let mut request = http::Request::builder()
        .method("POST")
        .uri("http://127.0.0.1:4566/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .header("host", "127.0.0.1:4566")
        .body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec())
        .unwrap();
    let identity: Identity = Credentials::new(
        DEFAULT_ADMIN_ACCESS_KEY_ID,
        DEFAULT_ADMIN_SECRET_ACCESS_KEY,
        None,
        None,
        "mock-sts benches",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("sts")
        .time(SystemTime::UNIX_EPOCH + Duration::from_secs(NOW.unsigned_abs()))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    let signable = SignableRequest::new(
        request.method().as_str(),
        request.uri().to_string(),
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(request.body()),
    )
    .unwrap();
    let (instructions, _signature) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(&mut request);
    request
}

fn sigv4_verification(c: &mut Criterion) {
    let calls = SignedCalls::new(NOW);
    let request = signed_get_caller_identity();
    assert!(calls.verify_sts(&request), "the signed fixture verifies");
    c.bench_function("sigv4/get_caller_identity", |b| {
        b.iter(|| calls.verify_sts(black_box(&request)))
    });
}

criterion_group!(
    benches,
    token_verification,
    trust_policy,
    xml_rendering,
    form_parsing,
    sigv4_verification
);
criterion_main!(benches);
