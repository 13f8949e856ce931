//! Every profile and token kind, RS256 and ES256, verified by an independent relying party
//! that knows only what the server serves (tests/common/verifier.rs).
// Helpers for tests: a panic is the failure report. (clippy's allow-*-in-tests covers
// #[test] fns only, not the helpers beside them.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::verifier::{Expect, discover_jwks, verify};
use common::*;
use mock_gitlab::{GitlabVersion, SigningAlgorithm};
use serde_json::json;

/// The releases `--list-versions` names: every profile.
fn profiles() -> Vec<GitlabVersion> {
    mock_gitlab::list_versions()
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect()
}

async fn check_profile(version: GitlabVersion, alg: SigningAlgorithm) {
    let mut config = default_config();
    config.gitlab_version = Some(version);
    config.signing_algorithm = alg;
    if alg == SigningAlgorithm::Es256 {
        config.signing_key_pem = Some(EC_FIXTURE_KEY.to_owned());
    }
    let server = mock_gitlab::spawn(config).await.unwrap();
    assert_eq!(server.ready().gitlab_version, version);
    let client = client_for(&server);
    let jwks = discover_jwks(&client, server.issuer()).await;
    let base = server.issuer();
    let host = base.trim_start_matches("https://");
    let legacy = version < GitlabVersion::new(17, 0);
    let mut kinds = vec![(
        json!({"aud": "sts.amazonaws.com"}),
        base,
        Some("sts.amazonaws.com"),
    )];
    if legacy {
        kinds.push((json!({"kind": "ci_job_jwt"}), host, None));
        kinds.push((json!({"kind": "ci_job_jwt_v2"}), base, Some(base)));
    }
    for (request, iss, aud) in kinds {
        let (status, body) = mint(&client, &server.ready().mint_url, request.clone()).await;
        assert_eq!(status, 200, "{version} {request}: {body}");
        let token = body["token"].as_str().unwrap();
        let claims = verify(token, &jwks, &Expect { iss, aud })
            .unwrap_or_else(|e| panic!("{version} {alg} {request}: {e}"));
        assert_eq!(claims, body["claims"], "{version} {request}");
        let header = jsonwebtoken::decode_header(token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(server.kid()));
        assert_eq!(format!("{:?}", header.alg), alg.to_string());
    }
}

#[tokio::test]
async fn every_profile_and_kind_verifies_against_what_the_server_serves_with_rs256() {
    let versions = profiles();
    assert!(versions.len() >= 5, "{versions:?}");
    for version in versions {
        check_profile(version, SigningAlgorithm::Rs256).await;
    }
}

#[tokio::test]
async fn every_profile_and_kind_verifies_against_what_the_server_serves_with_es256() {
    for version in profiles() {
        check_profile(version, SigningAlgorithm::Es256).await;
    }
}

#[tokio::test]
async fn a_forged_payload_fails_the_independent_verifier() {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    for alg in [SigningAlgorithm::Rs256, SigningAlgorithm::Es256] {
        let mut config = default_config();
        config.signing_algorithm = alg;
        if alg == SigningAlgorithm::Es256 {
            config.signing_key_pem = Some(EC_FIXTURE_KEY.to_owned());
        }
        let server = mock_gitlab::spawn(config).await.unwrap();
        let client = client_for(&server);
        let jwks = discover_jwks(&client, server.issuer()).await;
        let (_, body) = mint(&client, &server.ready().mint_url, json!({"aud": "a"})).await;
        let mut parts: Vec<String> = body["token"]
            .as_str()
            .unwrap()
            .split('.')
            .map(str::to_owned)
            .collect();
        let payload = String::from_utf8(B64.decode(&parts[1]).unwrap()).unwrap();
        parts[1] = B64.encode(payload.replace("ref:main", "ref:evil"));
        let expect = Expect {
            iss: server.issuer(),
            aud: Some("a"),
        };
        let err = verify(&parts.join("."), &jwks, &expect).unwrap_err();
        assert!(err.contains("InvalidSignature"), "{alg}: {err}");
    }
}
