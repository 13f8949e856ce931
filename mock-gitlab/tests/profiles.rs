//! What a version profile changes on the wire: token payloads per kind and release (snapshots),
//! the JWKS routes, the refusals, the 18.1 issuer override and the relative URL root.
// Helpers for tests: a panic is the failure report. (clippy's allow-*-in-tests covers
// #[test] fns only, not the helpers beside them.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::verifier::{Expect, discover_jwks, verify};
use common::*;
use serde_json::{Value, json};

/// The profiles the snapshots pin: where the legacy tokens still exist, the last release with
/// them, their removal, the issuer override, and the newest.
const SNAPSHOT_PROFILES: [&str; 5] = ["15.7", "16.5", "17.0", "18.1", "19.2"];

/// Claims that differ between releases: an environment, direct groups, linked identities.
fn rich_request(kind: &str) -> Value {
    let mut req = json!({
        "kind": kind,
        "environment": {"name": "production"},
        "groups_direct": ["mygroup"],
        "user_identities": [{"provider": "github", "extern_uid": "7"}]
    });
    if kind == "id_token" {
        req["aud"] = json!("sts.amazonaws.com");
    }
    req
}

async fn mint_plain(base: &str, request: Value) -> (u16, Value) {
    mint(
        &plain_client(),
        &format!("{base}/-/mock/id_tokens"),
        request,
    )
    .await
}

#[tokio::test]
async fn one_payload_per_kind_per_profile() {
    for version in SNAPSHOT_PROFILES {
        let base = serve_app_plain(fixed_config_at(version)).await;
        let legacy = version.starts_with("15.") || version.starts_with("16.");
        for kind in ["id_token", "ci_job_jwt", "ci_job_jwt_v2"] {
            let (status, body) = mint_plain(&base, rich_request(kind)).await;
            if kind != "id_token" && !legacy {
                assert_eq!(status, 400, "{version} {kind}: {body}");
                continue;
            }
            assert_eq!(status, 200, "{version} {kind}: {body}");
            let (_, payload) = decode_unverified(body["token"].as_str().unwrap());
            let name = format!("{kind}_payload_{}", version.replace('.', "_"));
            insta::assert_json_snapshot!(name, payload, {".jti" => "[jti]"});
        }
    }
}

#[tokio::test]
async fn the_discovery_document_is_the_same_on_every_profile() {
    let newest = serve_app_plain(fixed_config()).await;
    let url = |base: &str| format!("{base}/.well-known/openid-configuration");
    let expected = plain_client().get(url(&newest)).send().await.unwrap();
    let expected = expected.text().await.unwrap();
    for version in SNAPSHOT_PROFILES {
        let base = serve_app_plain(fixed_config_at(version)).await;
        let body = plain_client().get(url(&base)).send().await.unwrap();
        assert_eq!(body.text().await.unwrap(), expected, "{version}");
    }
}

#[tokio::test]
async fn the_jwks_alias_is_served_before_17_0_and_is_a_404_from_17_0() {
    let base = serve_app_plain(fixed_config_at("16.11")).await;
    let client = plain_client();
    let alias = client.get(format!("{base}/-/jwks")).send().await.unwrap();
    assert_eq!(alias.status(), 200);
    let keys = client
        .get(format!("{base}/oauth/discovery/keys"))
        .send()
        .await
        .unwrap();
    for header in ["cache-control", "content-type"] {
        assert_eq!(alias.headers()[header], keys.headers()[header], "{header}");
    }
    assert_eq!(alias.text().await.unwrap(), keys.text().await.unwrap());

    let base = serve_app_plain(fixed_config_at("17.0")).await;
    let gone = client.get(format!("{base}/-/jwks")).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    let keys = client
        .get(format!("{base}/oauth/discovery/keys"))
        .send()
        .await;
    assert_eq!(keys.unwrap().status(), 200);
}

#[tokio::test]
async fn the_legacy_kinds_are_a_400_from_17_0_that_names_the_removed_variables() {
    let base = serve_app_plain(fixed_config_at("17.0")).await;
    for kind in ["ci_job_jwt", "ci_job_jwt_v2"] {
        let (status, body) = mint_plain(&base, json!({"kind": kind})).await;
        assert_eq!(status, 400);
        let message = body["message"].as_str().unwrap();
        assert_eq!(
            message,
            format!(
                "kind {kind} is not available on GitLab 17.0: GitLab 17.0 removed the predefined \
                 variables CI_JOB_JWT, CI_JOB_JWT_V1 and CI_JOB_JWT_V2; the id_tokens keyword \
                 (kind id_token) replaces them. Choose a GitLab version before 17.0 for the \
                 legacy tokens"
            )
        );
    }
}

#[tokio::test]
async fn sub_components_are_a_400_before_17_10() {
    let request = json!({"aud": "a", "sub_components": ["project_path", "ref"]});
    let base = serve_app_plain(fixed_config_at("17.9")).await;
    let (status, body) = mint_plain(&base, request.clone()).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "sub_components (the project setting ci_id_token_sub_claim_components) exists from \
         GitLab 17.10; this instance is GitLab 17.9"
    );
    let base = serve_app_plain(fixed_config_at("17.10")).await;
    let (status, body) = mint_plain(&base, request).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["claims"]["sub"],
        "project_path:mygroup/myproject:ref:main"
    );
}

#[tokio::test]
async fn the_18_1_issuer_override_changes_only_the_tokens_iss() {
    let mut config = default_config();
    config.gitlab_version = Some("18.1".parse().unwrap());
    config.id_tokens_issuer_url = Some("https://oidc.fedlab.test".into());
    let server = mock_gitlab::spawn(config).await.unwrap();
    let client = client_for(&server);
    // Discovery keeps the instance URL (discover_jwks checks `issuer`).
    let jwks = discover_jwks(&client, server.issuer()).await;
    assert_eq!(server.ready().issuer, server.issuer());
    let (status, body) = mint(&client, &server.ready().mint_url, json!({"aud": "a"})).await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap();
    let expect = Expect {
        iss: "https://oidc.fedlab.test",
        aud: Some("a"),
    };
    let claims = verify(token, &jwks, &expect).unwrap();
    // Only iss moves: the config URI still names the instance.
    let host = server.issuer().trim_start_matches("https://");
    assert!(
        claims["ci_config_ref_uri"]
            .as_str()
            .unwrap()
            .starts_with(host),
        "{claims}"
    );
}

#[tokio::test]
async fn the_issuer_override_is_refused_at_start_before_18_1() {
    let mut config = default_config();
    config.gitlab_version = Some("18.0".parse().unwrap());
    config.id_tokens_issuer_url = Some("https://oidc.fedlab.test".into());
    let e = mock_gitlab::spawn(config).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid configuration: id_tokens_issuer_url needs GitLab 18.1 or later (the setting \
         ci_id_tokens.issuer_url arrived in 18.1); this profile is GitLab 18.0"
    );
}

#[tokio::test]
async fn a_release_outside_the_modelled_range_is_refused_at_start() {
    let mut config = default_config();
    config.gitlab_version = Some("15.6".parse().unwrap());
    let e = mock_gitlab::spawn(config).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("gitlab version 15.6 is not modelled"),
        "{e}"
    );
}

#[tokio::test]
async fn under_a_relative_url_root_discovery_jwks_and_tokens_all_carry_the_root() {
    // The issuer must name the real port, so take a free one first.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = default_config();
    config.listen = format!("127.0.0.1:{port}").parse().unwrap();
    config.external_url = Some(format!("https://localhost:{port}/gitlab"));
    let server = mock_gitlab::spawn(config).await.unwrap();
    let issuer = format!("https://localhost:{port}/gitlab");
    assert_eq!(server.issuer(), issuer);
    assert_eq!(
        server.ready().jwks_uri,
        format!("{issuer}/oauth/discovery/keys")
    );
    assert_eq!(
        server.ready().mint_url,
        format!("{issuer}/-/mock/id_tokens")
    );
    let client = client_for(&server);
    let jwks = discover_jwks(&client, &issuer).await;
    let (status, body) = mint(&client, &server.ready().mint_url, json!({"aud": "a"})).await;
    assert_eq!(status, 200, "{body}");
    let expect = Expect {
        iss: &issuer,
        aud: Some("a"),
    };
    let claims = verify(body["token"].as_str().unwrap(), &jwks, &expect).unwrap();
    assert!(
        claims["ci_config_ref_uri"]
            .as_str()
            .unwrap()
            .starts_with(&format!("localhost:{port}/gitlab/mygroup/myproject//")),
        "{claims}"
    );
    // As in GitLab, nothing is served outside the root.
    let outside = format!("https://localhost:{port}/.well-known/openid-configuration");
    assert_eq!(client.get(outside).send().await.unwrap().status(), 404);
    let health = client
        .get(format!("{issuer}/-/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.text().await.unwrap(), "GitLab OK");
}
