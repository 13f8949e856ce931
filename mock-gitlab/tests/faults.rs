//! What a client sees under each HTTP issuer fault, over real HTTPS against `spawn`, and how the
//! fault set is set, shown and cleared.

mod common;
mod fault_support;

use std::time::{Duration, Instant};

use common::*;
use fault_support::*;
use mock_gitlab::Fault;
use serde_json::{Value, json};

#[tokio::test]
async fn discovery_unavailable_closes_the_connection_without_an_answer() {
    let server = spawn_default().await;
    server.set_faults(vec![Fault::DiscoveryUnavailable]);
    for client in [client_for(&server), http1_client(&server)] {
        assert_closed_without_answer(&client, &server.url(DISCOVERY)).await;
        // The client can go on: a new connection, and the JWKS is untouched.
        assert_eq!(get_text(&client, &server.url(JWKS)).await.0, 200);
    }
}

#[tokio::test]
async fn jwks_unavailable_closes_the_connection_without_an_answer() {
    let server = spawn_default().await;
    server.set_faults(vec![Fault::JwksUnavailable]);
    for client in [client_for(&server), http1_client(&server)] {
        assert_eq!(get_text(&client, &server.url(DISCOVERY)).await.0, 200);
        assert_closed_without_answer(&client, &server.url(JWKS)).await;
    }
}

#[tokio::test]
async fn a_router_from_app_under_another_server_also_closes_the_connection() {
    let mut config = fixed_config();
    config.faults = vec![Fault::JwksUnavailable];
    let base = serve_app_plain(config).await;
    assert_closed_without_answer(&plain_client(), &format!("{base}{JWKS}")).await;
    let (status, _) = get_text(&plain_client(), &format!("{base}{DISCOVERY}")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_status_faults_answer_with_the_chosen_status() {
    let server = spawn_default().await;
    let client = client_for(&server);
    server.set_faults(vec![
        Fault::DiscoveryStatus { status: 404 },
        Fault::JwksStatus { status: 503 },
    ]);
    let response = client.get(server.url(JWKS)).send().await.unwrap();
    assert_eq!(response.status(), 503);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(response.text().await.unwrap(), "503 Service Unavailable\n");
    assert_eq!(
        get_text(&client, &server.url(DISCOVERY)).await,
        (404, "404 Not Found\n".to_owned())
    );
}

#[tokio::test]
async fn slow_delays_discovery_and_jwks_but_not_the_mock_routes() {
    let server = spawn_default().await;
    let client = client_for(&server);
    let delay = Duration::from_millis(600);
    server.set_faults(vec![Fault::Slow { ms: 600 }]);
    for path in [DISCOVERY, JWKS] {
        let started = Instant::now();
        assert_eq!(get_text(&client, &server.url(path)).await.0, 200);
        assert!(
            started.elapsed() >= delay,
            "{path}: {:?}",
            started.elapsed()
        );
    }
    // Only a lower bound is safe on a shared machine, so the delay is made long enough that
    // a delayed mint would stand out.
    server.set_faults(vec![Fault::Slow { ms: 20_000 }]);
    let started = Instant::now();
    let (status, _) = mint(&client, &server.ready().mint_url, json!({"aud": "a"})).await;
    assert_eq!(status, 200);
    assert_eq!(get_text(&client, &server.url("/-/health")).await.0, 200);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn throttle_answers_429_once_the_key_fetches_exceed_the_limit() {
    let server = spawn_default().await;
    let client = client_for(&server);
    server.set_faults(vec![Fault::Throttle { after: 2 }]);
    // Discovery and JWKS count together; mint requests do not count.
    assert_eq!(get_text(&client, &server.url(DISCOVERY)).await.0, 200);
    let (status, _) = mint(&client, &server.ready().mint_url, json!({"aud": "a"})).await;
    assert_eq!(status, 200);
    assert_eq!(get_text(&client, &server.url(JWKS)).await.0, 200);
    let response = client.get(server.url(DISCOVERY)).send().await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "60");
    assert_eq!(response.text().await.unwrap(), "Retry later\n");
    assert_eq!(get_text(&client, &server.url(JWKS)).await.0, 429);

    // Setting the set again starts the count again.
    let (status, _) = put_faults(
        &server,
        &json!({"faults": [{"kind": "throttle", "after": 1}]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(get_text(&client, &server.url(JWKS)).await.0, 200);
    assert_eq!(get_text(&client, &server.url(JWKS)).await.0, 429);
}

#[tokio::test]
async fn malformed_jwks_is_the_jwks_cut_off_with_its_headers_kept() {
    let server = spawn_default().await;
    let client = client_for(&server);
    let (_, whole) = get_text(&client, &server.url(JWKS)).await;
    server.set_faults(vec![Fault::MalformedJwks]);
    let response = client.get(server.url(JWKS)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(response.headers().contains_key("cache-control"));
    let cut = response.text().await.unwrap();
    assert!(!cut.is_empty() && whole.starts_with(&cut) && cut.len() < whole.len());
    assert!(serde_json::from_str::<Value>(&cut).is_err(), "{cut}");
}

#[tokio::test]
async fn discovery_issuer_mismatch_adds_a_trailing_slash_to_the_issuer() {
    let server = spawn_default().await;
    server.set_faults(vec![Fault::DiscoveryIssuerMismatch]);
    let (status, body) = get_text(&client_for(&server), &server.url(DISCOVERY)).await;
    assert_eq!(status, 200);
    let document: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(document["issuer"], format!("{}/", server.issuer()).as_str());
    assert_eq!(document["jwks_uri"], server.ready().jwks_uri.as_str());
    assert!(
        body.starts_with(r#"{"issuer":"#),
        "member order kept: {body}"
    );
}

#[tokio::test]
async fn ci_key_missing_leaves_the_signing_key_out_of_the_jwks() {
    let server = spawn_default().await;
    let client = client_for(&server);
    server.set_faults(vec![Fault::CiKeyMissing]);
    let (raw, set) = fetch_jwks(&client, &server.url(JWKS)).await;
    assert!(set.find(server.kid()).is_none(), "{raw}");
    // Only the OIDC key is left, as on the instance of GitLab issue 342243.
    assert_eq!(raw["keys"].as_array().unwrap().len(), 1, "{raw}");
    assert_eq!(raw["keys"][0]["kid"], server.oidc_kid());
}

#[tokio::test]
async fn kid_mismatch_publishes_the_signing_key_under_another_kid() {
    let server = spawn_default().await;
    let client = client_for(&server);
    let (normal, _) = fetch_jwks(&client, &server.url(JWKS)).await;
    server.set_faults(vec![Fault::KidMismatch]);
    let (raw, set) = fetch_jwks(&client, &server.url(JWKS)).await;
    assert!(set.find(server.kid()).is_none(), "{raw}");
    // The OIDC key comes first and keeps its kid; the CI key follows under another one.
    assert_eq!(raw["keys"][0], normal["keys"][0]);
    let key = &raw["keys"][1];
    assert_ne!(key["kid"], normal["keys"][1]["kid"]);
    assert_eq!(key["kid"].as_str().unwrap().len(), 43);
    assert_eq!(key["n"], normal["keys"][1]["n"]);
}

#[tokio::test]
async fn deleting_the_faults_restores_the_normal_answers() {
    let server = spawn_default().await;
    let client = client_for(&server);
    let (_, normal_jwks) = get_text(&client, &server.url(JWKS)).await;
    let (status, _) = put_faults(
        &server,
        &json!({"faults": [{"kind": "jwks_unavailable"}, {"kind": "discovery_status", "status": 503}]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_closed_without_answer(&client, &server.url(JWKS)).await;
    assert_eq!(get_text(&client, &server.url(DISCOVERY)).await.0, 503);

    let response = admin_client(&server)
        .delete(format!("{}/-/mock/faults", server.admin_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(server.faults().is_empty());
    assert_eq!(get_text(&client, &server.url(DISCOVERY)).await.0, 200);
    assert_eq!(
        get_text(&client, &server.url(JWKS)).await,
        (200, normal_jwks)
    );
}

#[tokio::test]
async fn faults_never_touch_the_mock_routes_or_the_health_check() {
    let server = spawn_default().await;
    let every_http_fault = json!({"faults": [
        {"kind": "slow", "ms": 30000},
        {"kind": "throttle", "after": 0},
        {"kind": "discovery_unavailable"}, {"kind": "jwks_unavailable"},
        {"kind": "discovery_status", "status": 500}, {"kind": "jwks_status", "status": 500},
        {"kind": "malformed_jwks"}, {"kind": "discovery_issuer_mismatch"},
        {"kind": "ci_key_missing"}, {"kind": "kid_mismatch"}
    ]});
    let (status, _) = put_faults(&server, &every_http_fault).await;
    assert_eq!(status, 200);
    // The same through the admin URL and through the issuer's name (SNI), within a time no
    // delayed route could keep.
    let started = Instant::now();
    let by_name = (client_for(&server), server.issuer().to_owned());
    let by_ip = (admin_client(&server), server.admin_url().to_owned());
    for (client, base) in [by_ip, by_name] {
        let (status, body) = mint(
            &client,
            &format!("{base}/-/mock/id_tokens"),
            json!({"aud": "a"}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            get_text(&client, &format!("{base}/-/health")).await,
            (200, "GitLab OK".to_owned())
        );
        let (status, body) = get_text(&client, &format!("{base}/-/mock/faults")).await;
        assert_eq!(status, 200);
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            every_http_fault
        );
        assert_eq!(
            get_text(&client, &format!("{base}/-/mock/requests"))
                .await
                .0,
            200
        );
    }
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn the_fault_api_replaces_shows_and_clears_the_set() {
    let server = spawn_default().await;
    let url = format!("{}/-/mock/faults", server.admin_url());
    let admin = admin_client(&server);
    let set = json!({"faults": [{"kind": "jwks_unavailable"}, {"kind": "slow", "ms": 6000}]});
    assert_eq!(put_faults(&server, &set).await, (200, set.clone()));
    let shown: Value = admin.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(shown, set);
    assert_eq!(
        server.faults(),
        vec![Fault::JwksUnavailable, Fault::Slow { ms: 6000 }]
    );

    // A typo is a 400 that names it, and the set stays as it was.
    for bad in [
        json!({"faults": [{"kind": "jwks_unavailible"}]}),
        json!({"faults": [{"kind": "slow", "millis": 6000}]}),
        json!({"faults": [{"kind": "jwks_unavailable", "status": 503}]}),
        json!({"faults": [{"kind": "jwks_status", "status": 99}]}),
        json!({"fault": []}),
    ] {
        let (status, body) = put_faults(&server, &bad).await;
        assert_eq!(status, 400, "{bad}");
        assert!(body["message"].is_string(), "{body}");
    }
    let (_, body) = put_faults(&server, &json!({"faults": [{"kind": "jwks_unavailible"}]})).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("jwks_unavailible"),
        "{body}"
    );
    assert_eq!(server.faults().len(), 2);

    let response = admin.delete(&url).send().await.unwrap();
    assert_eq!(response.status(), 204);
    let shown: Value = admin.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(shown, json!({"faults": []}));

    server.set_faults(vec![Fault::Throttle { after: 3 }]);
    let shown: Value = admin.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(shown, json!({"faults": [{"kind": "throttle", "after": 3}]}));
}

#[tokio::test]
async fn faults_given_in_the_config_are_in_force_from_the_start() {
    let mut config = default_config();
    config.faults = vec![Fault::JwksStatus { status: 502 }];
    let server = mock_gitlab::spawn(config).await.unwrap();
    assert_eq!(server.faults(), vec![Fault::JwksStatus { status: 502 }]);
    assert_eq!(
        get_text(&client_for(&server), &server.url(JWKS)).await.0,
        502
    );

    let mut config = default_config();
    config.faults = vec![Fault::JwksStatus { status: 42 }];
    let err = mock_gitlab::spawn(config).await.unwrap_err();
    assert!(err.to_string().contains("jwks_status:42"), "{err}");
}
