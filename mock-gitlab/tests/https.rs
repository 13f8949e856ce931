//! End-to-end over HTTPS against `spawn` on 127.0.0.1:0, trusting only the generated root.

mod common;

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use common::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

#[tokio::test]
async fn minted_token_verifies_against_served_jwks() {
    let server = spawn_default().await;
    let client = client_for(&server);

    let discovery: Value = client
        .get(server.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], server.issuer());
    let jwks_uri = discovery["jwks_uri"].as_str().unwrap();
    assert_eq!(jwks_uri, server.ready().jwks_uri);

    let (status, body) = mint(
        &client,
        &server.ready().mint_url,
        json!({"aud": "sts.amazonaws.com"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap();

    // What a relying party does: kid from the header, key from the JWKS by kid.
    let (_, set) = fetch_jwks(&client, jwks_uri).await;
    let kid = jsonwebtoken::decode_header(token).unwrap().kid.unwrap();
    assert_eq!(kid, server.kid());
    let key = DecodingKey::from_jwk(set.find(&kid).unwrap()).unwrap();

    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[server.issuer()]);
    v.set_audience(&["sts.amazonaws.com"]);
    v.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
    v.validate_nbf = true;
    v.leeway = 0;
    let data = jsonwebtoken::decode::<Value>(token, &key, &v).unwrap();
    assert_eq!(
        data.claims["sub"],
        "project_path:mygroup/myproject:ref_type:branch:ref:main"
    );

    // Flip the payload (same length, valid base64url, valid JSON): the signature must fail.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let payload = String::from_utf8(B64.decode(&parts[1]).unwrap()).unwrap();
    let forged = payload.replace("ref:main", "ref:evil");
    assert_ne!(forged, payload);
    parts[1] = B64.encode(forged.as_bytes());
    let tampered = parts.join(".");
    let err = jsonwebtoken::decode::<Value>(&tampered, &key, &v).unwrap_err();
    assert_eq!(
        err.kind(),
        &jsonwebtoken::errors::ErrorKind::InvalidSignature
    );
}

#[tokio::test]
async fn every_published_kid_is_the_rfc7638_thumbprint_and_the_oidc_key_comes_first() {
    let server = spawn_default().await;
    let client = client_for(&server);
    let (raw, set) = fetch_jwks(&client, &server.ready().jwks_uri).await;
    let keys = raw["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "{raw}");
    for (key, jwk) in keys.iter().zip(&set.keys) {
        let (e, n) = (key["e"].as_str().unwrap(), key["n"].as_str().unwrap());
        assert_eq!(e, "AQAB");
        // Independent of the crate: canonical JSON by hand, SHA-256, base64url.
        let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
        let expected = B64.encode(digest::digest(&digest::SHA256, canonical.as_bytes()));
        assert_eq!(key["kid"], expected.as_str());
        // And a second opinion from jsonwebtoken.
        let second_opinion = jwk.thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256);
        assert_eq!(second_opinion.unwrap(), expected);
    }
    // GitLab's order: the OIDC key (RSA-4096: 683 base64url characters of n), then the CI key.
    assert_eq!(keys[0]["kid"], server.oidc_kid());
    assert_eq!(keys[0]["n"].as_str().unwrap().len(), 683);
    assert_eq!(keys[1]["kid"], server.kid());
    assert_eq!(keys[1]["n"].as_str().unwrap().len(), 342);
    assert_eq!(server.ready().kid, server.kid());
}

#[tokio::test]
async fn chain_verifies_only_with_the_generated_root() {
    let server = spawn_default().await;
    let health = server.url("/-/health");

    let ok = client_for(&server).get(&health).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "GitLab OK");

    let no_roots = https_client(&[], server.addr());
    assert!(no_roots.get(&health).send().await.is_err());

    // Every server generates its own chain, so another one's root is the wrong root.
    let other = spawn_default().await;
    let wrong_root = https_client(&[other.ca_pem()], server.addr());
    assert!(wrong_root.get(&health).send().await.is_err());

    // The CA PEM is the root alone.
    assert!(server.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(server.ca_pem().matches("BEGIN CERTIFICATE").count(), 1);
}

#[tokio::test]
async fn negotiates_h2() {
    let server = spawn_default().await;
    let resp = client_for(&server)
        .get(server.url("/-/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.version(), reqwest::Version::HTTP_2);
}

#[tokio::test]
async fn thumbprint_matches_openssl_view_of_last_served_cert() {
    let state_dir = tempfile::tempdir().unwrap();
    let mut config = default_config();
    config.state_dir = Some(state_dir.path().to_owned());
    let server = mock_gitlab::spawn(config).await.unwrap();
    let connect = server.addr().to_string();
    let shown = run(
        "/usr/bin/openssl",
        &[
            "s_client",
            "-connect",
            &connect,
            "-servername",
            "localhost",
            "-showcerts",
        ],
        b"",
    )
    .await;
    let blocks = pem_blocks(&shown);
    assert_eq!(blocks.len(), 2, "leaf + intermediate, no root:\n{shown}");
    assert_ne!(blocks[1].trim(), server.ca_pem().trim());

    let fp = run(
        "/usr/bin/openssl",
        &["x509", "-noout", "-fingerprint", "-sha1"],
        blocks.last().unwrap().as_bytes(),
    )
    .await;
    let hex = fp
        .trim()
        .split_once('=')
        .unwrap()
        .1
        .replace(':', "")
        .to_ascii_lowercase();
    assert_eq!(hex.len(), 40, "{fp}");
    assert_eq!(hex, server.thumbprint());
    assert_eq!(server.ready().thumbprint, hex);

    // openssl also accepts the served chain against ca.pem for the name localhost.
    let ca = server.ca_pem_path().unwrap().to_str().unwrap().to_owned();
    let verified = run(
        "/usr/bin/openssl",
        &[
            "s_client",
            "-connect",
            &connect,
            "-servername",
            "localhost",
            "-CAfile",
            &ca,
            "-verify_hostname",
            "localhost",
            "-verify_return_error",
        ],
        b"",
    )
    .await;
    assert!(
        verified.contains("Verify return code: 0 (ok)"),
        "{verified}"
    );
}

#[tokio::test]
async fn mint_validation() {
    let server = spawn_default().await;
    let client = client_for(&server);
    let url = server.ready().mint_url.clone();

    // aud is mandatory for id_token.
    let (status, body) = mint(&client, &url, json!({})).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("aud"), "{body}");

    // Unknown field.
    let (status, body) = mint(&client, &url, json!({"aud": "a", "bogus": true})).await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("bogus"),
        "{body}"
    );

    // Wrong types.
    for bad in [
        json!({"aud": 5}),
        json!({"aud": "a", "ref_protected": "yes"}),
        json!({"aud": "a", "expires_in": "300"}),
        json!({"aud": "a", "kind": "ci_job_jwt_v3"}),
        json!({"aud": "a", "sub_components": ["user_email"]}),
        json!(["not", "an", "object"]),
    ] {
        let (status, body) = mint(&client, &url, bad.clone()).await;
        assert_eq!(status, 400, "{bad} -> {body}");
        assert!(body["message"].is_string(), "{body}");
    }

    // Not even JSON.
    let resp = client.post(&url).body("{").send().await.unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert!(body["message"].is_string());

    // claims.aud satisfies the requirement, and null removes the claim.
    let (status, body) = mint(&client, &url, json!({"claims": {"aud": null}})).await;
    assert_eq!(status, 200, "{body}");
    let (_, payload) = decode_unverified(body["token"].as_str().unwrap());
    assert!(payload.get("aud").is_none(), "{payload}");
    assert!(payload.get("sub").is_some());

    // Array aud stays an array.
    let (_, body) = mint(&client, &url, json!({"aud": ["one", "two"]})).await;
    let (_, payload) = decode_unverified(body["token"].as_str().unwrap());
    assert_eq!(payload["aud"], json!(["one", "two"]));

    // Lifetime: exp = iat + expires_in, nbf = iat - 5.
    let (_, body) = mint(&client, &url, json!({"aud": "a", "expires_in": 3600})).await;
    let (_, payload) = decode_unverified(body["token"].as_str().unwrap());
    let iat = payload["iat"].as_i64().unwrap();
    assert_eq!(payload["exp"].as_i64().unwrap(), iat + 3600);
    assert_eq!(payload["nbf"].as_i64().unwrap(), iat - 5);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((iat - now).abs() < 60, "system clock by default");

    let (_, body) = mint(&client, &url, json!({"aud": "a"})).await;
    let (_, payload) = decode_unverified(body["token"].as_str().unwrap());
    assert_eq!(
        payload["exp"].as_i64().unwrap() - payload["iat"].as_i64().unwrap(),
        300
    );

    // Overrides: replace in place and append.
    let (_, body) = mint(
        &client,
        &url,
        json!({"aud": "a", "claims": {"iss": "https://elsewhere", "extra": 1}}),
    )
    .await;
    let (_, payload) = decode_unverified(body["token"].as_str().unwrap());
    assert_eq!(payload["iss"], "https://elsewhere");
    let keys: Vec<&String> = payload.as_object().unwrap().keys().collect();
    assert_eq!(keys[keys.len() - 4..], ["iss", "sub", "aud", "extra"]);
}

#[tokio::test]
async fn unique_jti_per_token() {
    let server = spawn_default().await;
    let client = client_for(&server);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..20 {
        let (_, body) = mint(&client, &server.ready().mint_url, json!({"aud": "a"})).await;
        let (_, payload) = decode_unverified(body["token"].as_str().unwrap());
        assert!(seen.insert(payload["jti"].as_str().unwrap().to_owned()));
    }
}

#[tokio::test]
async fn external_url_host_is_a_leaf_san_and_state_dir_is_honoured() {
    // Removed when dropped, even when an assertion fails.
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().to_owned();
    let mut c = mock_gitlab::Config::new("127.0.0.1:0".parse().unwrap());
    c.external_url = Some("https://gitlab.fedlab.test/".into());
    c.state_dir = Some(dir.clone());
    let server = mock_gitlab::spawn(c).await.unwrap();
    assert_eq!(server.issuer(), "https://gitlab.fedlab.test");
    let ca_pem_path = dir.join("ca.pem");
    assert_eq!(server.ca_pem_path(), Some(ca_pem_path.as_path()));
    assert_eq!(server.ready().ca_pem, ca_pem_path.to_str().unwrap());
    // ca.pem holds the root alone; beside it is what a restart reuses (the two keys this
    // instance generated, the CA and the chain), and no temporary file.
    assert_eq!(
        std::fs::read_to_string(&ca_pem_path).unwrap(),
        server.ca_pem()
    );
    let mut entries: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    entries.sort();
    let kept = "ca-key.pem ca.pem ci-key.pem intermediate-key.pem intermediate.pem leaf-key.pem \
                leaf.pem oidc-key.pem";
    assert_eq!(entries.join(" "), kept);

    // Handshake by IP with SNI set to the alias name; never resolves the name.
    let connect = server.addr().to_string();
    let ca = ca_pem_path.to_str().unwrap().to_owned();
    let verified = run(
        "/usr/bin/openssl",
        &[
            "s_client",
            "-connect",
            &connect,
            "-servername",
            "gitlab.fedlab.test",
            "-CAfile",
            &ca,
            "-verify_hostname",
            "gitlab.fedlab.test",
            "-verify_return_error",
        ],
        b"",
    )
    .await;
    assert!(
        verified.contains("Verify return code: 0 (ok)"),
        "{verified}"
    );
    drop(server);
    // A caller-provided state dir is left in place.
    assert!(dir.join("ca.pem").exists());
}

#[tokio::test]
async fn without_a_state_dir_no_file_is_written() {
    let server = spawn_default().await;
    assert_eq!(server.ca_pem_path(), None);
    assert_eq!(server.ready().ca_pem, "");
    assert!(server.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
}

#[tokio::test]
async fn drop_stops_the_server() {
    let server = spawn_default().await;
    let addr = server.addr();
    drop(server);
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused, "listener still accepting after drop");
}

#[tokio::test]
async fn graceful_shutdown_returns() {
    let server = spawn_default().await;
    let addr = server.addr();
    tokio::time::timeout(std::time::Duration::from_secs(10), server.shutdown())
        .await
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn a_serialised_mint_request_gets_a_typed_response() {
    let server = spawn_default().await;
    let request = mock_gitlab::MintRequest {
        aud: Some(mock_gitlab::Audience::One("sts.amazonaws.com".into())),
        git_ref: Some("v1.4.0".into()),
        ref_type: Some(mock_gitlab::RefType::Tag),
        ..Default::default()
    };
    let resp = client_for(&server)
        .post(&server.ready().mint_url)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let minted: mock_gitlab::MintResponse = resp.json().await.unwrap();
    let (_, payload) = decode_unverified(&minted.token);
    assert_eq!(payload, Value::Object(minted.claims.clone()));
    assert_eq!(
        minted.claims["sub"],
        "project_path:mygroup/myproject:ref_type:tag:ref:v1.4.0"
    );
    assert_eq!(minted.claims["aud"], "sts.amazonaws.com");
}
