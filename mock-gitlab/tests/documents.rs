//! Byte-level shape of what the issuer serves and mints, pinned with snapshots.
//! Uses `app()` over plain loopback HTTP so the issuer can be a fixed external name.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn discovery_document() {
    let base = serve_app_plain(fixed_config()).await;
    let resp = plain_client()
        .get(format!("{base}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let body = resp.text().await.unwrap();
    // Compact JSON in doorkeeper's field order; the snapshot pins both.
    insta::assert_snapshot!(body);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["issuer"], EXTERNAL_URL);
    assert_eq!(
        doc["jwks_uri"],
        format!("{EXTERNAL_URL}/oauth/discovery/keys")
    );
}

#[tokio::test]
async fn jwks_body_and_headers() {
    let base = serve_app_plain(fixed_config()).await;
    let resp = plain_client()
        .get(format!("{base}/oauth/discovery/keys"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["cache-control"],
        "max-age=86400, public, must-revalidate, no-transform=true"
    );
    assert_eq!(resp.headers()["content-type"], "application/json");
    let body = resp.text().await.unwrap();
    assert!(
        body.starts_with(r#"{"keys":[{"kty":"RSA","kid":""#),
        "member order: {body}"
    );
    insta::assert_snapshot!(body);
}

#[tokio::test]
async fn health() {
    let base = serve_app_plain(fixed_config()).await;
    let resp = plain_client()
        .get(format!("{base}/-/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(resp.text().await.unwrap(), "GitLab OK");
}

#[tokio::test]
async fn id_token_header_and_payload() {
    let base = serve_app_plain(fixed_config()).await;
    let (status, body) = mint(
        &plain_client(),
        &format!("{base}/-/mock/id_tokens"),
        json!({"aud": "sts.amazonaws.com"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap();
    let (header, payload) = decode_unverified(token);
    // Exact bytes, not just members: GitLab's header key order is kid, typ, alg.
    assert_eq!(
        raw_header(token),
        format!(
            r#"{{"kid":"{}","typ":"JWT","alg":"RS256"}}"#,
            header["kid"].as_str().unwrap()
        )
    );
    assert_eq!(
        body["claims"], payload,
        "debug claims echo the signed payload"
    );
    insta::assert_json_snapshot!("id_token_header", header);
    insta::assert_json_snapshot!("id_token_payload", payload, {".jti" => "[jti]"});
    uuid::Uuid::parse_str(payload["jti"].as_str().unwrap()).unwrap();
}

#[tokio::test]
async fn id_token_with_environment_and_array_aud() {
    let base = serve_app_plain(fixed_config()).await;
    let (status, body) = mint(
        &plain_client(),
        &format!("{base}/-/mock/id_tokens"),
        json!({
            "aud": ["sts.amazonaws.com", "https://vault.example.com"],
            "project_path": "platform/infra/deployer",
            "ref": "v1.4.0",
            "ref_type": "tag",
            "ref_protected": true,
            "environment": {"name": "production"},
            "sub_components": ["project_path", "ref_type", "ref", "deployment_tier"],
            "expires_in": 3600
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, payload) = decode_unverified(body["token"].as_str().unwrap());
    insta::assert_json_snapshot!("id_token_environment_payload", payload, {".jti" => "[jti]"});
}

#[tokio::test]
async fn ci_job_jwt_payload() {
    // The legacy tokens exist up to 16.11; 16.11 gives them their last shape.
    let base = serve_app_plain(fixed_config_at("16.11")).await;
    let (status, body) = mint(
        &plain_client(),
        &format!("{base}/-/mock/id_tokens"),
        json!({"kind": "ci_job_jwt"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (header, payload) = decode_unverified(body["token"].as_str().unwrap());
    assert_eq!(header["alg"], "RS256");
    insta::assert_json_snapshot!("ci_job_jwt_payload", payload, {".jti" => "[jti]"});
}

#[tokio::test]
async fn ci_job_jwt_v2_payload() {
    let base = serve_app_plain(fixed_config_at("16.11")).await;
    let (status, body) = mint(
        &plain_client(),
        &format!("{base}/-/mock/id_tokens"),
        json!({"kind": "ci_job_jwt_v2"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, payload) = decode_unverified(body["token"].as_str().unwrap());
    insta::assert_json_snapshot!("ci_job_jwt_v2_payload", payload, {".jti" => "[jti]"});
}
