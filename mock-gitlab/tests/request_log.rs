//! What the issuer saw: `GET /-/mock/requests` and `RunningGitlab::requests`.

mod common;
mod fault_support;

use common::*;
use fault_support::*;
use mock_gitlab::Fault;
use serde_json::{Value, json};

#[tokio::test]
async fn the_log_records_discovery_jwks_and_mint_hits_with_status_and_fault() {
    let server = spawn_default().await;
    let client = client_for(&server);
    let (status, _) = mint(&client, &server.ready().mint_url, json!({"aud": "a"})).await;
    assert_eq!(status, 200);
    assert_eq!(get_text(&client, &server.url(DISCOVERY)).await.0, 200);
    assert_eq!(
        get_text(&client, &format!("{}?x=1", server.url(JWKS)))
            .await
            .0,
        200
    );
    server.set_faults(vec![
        Fault::JwksUnavailable,
        Fault::DiscoveryStatus { status: 503 },
    ]);
    assert!(client.get(server.url(JWKS)).send().await.is_err());
    assert_eq!(get_text(&client, &server.url(DISCOVERY)).await.0, 503);
    // Neither the health check nor the mock's other routes are logged.
    assert_eq!(get_text(&client, &server.url("/-/health")).await.0, 200);
    assert_eq!(
        get_text(&client, &server.url("/-/mock/faults")).await.0,
        200
    );

    let entries = logged_requests(&server, "").await;
    let summary: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e.seq,
                e.method.as_str(),
                e.path.as_str(),
                e.status,
                e.fault.as_ref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "POST", "/-/mock/id_tokens", Some(200), None),
            (2, "GET", DISCOVERY, Some(200), None),
            (3, "GET", JWKS, Some(200), None),
            (4, "GET", JWKS, None, Some(&Fault::JwksUnavailable)),
            (
                5,
                "GET",
                DISCOVERY,
                Some(503),
                Some(&Fault::DiscoveryStatus { status: 503 })
            ),
        ]
    );
    for entry in &entries {
        time::OffsetDateTime::parse(&entry.time, &time::format_description::well_known::Rfc3339)
            .unwrap();
    }
    assert_eq!(server.requests(), entries);
    assert_eq!(logged_requests(&server, "?since=3").await, entries[3..]);
}

#[tokio::test]
async fn the_log_as_json_names_the_fault_or_null() {
    let server = spawn_default().await;
    let client = client_for(&server);
    server.set_faults(vec![Fault::Throttle { after: 1 }]);
    get_text(&client, &server.url(DISCOVERY)).await;
    get_text(&client, &server.url(JWKS)).await;
    let raw: Value = admin_client(&server)
        .get(format!("{}/-/mock/requests", server.admin_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(raw[0]["fault"], Value::Null);
    assert_eq!(raw[0]["status"], 200);
    assert_eq!(raw[1]["fault"], json!({"kind": "throttle", "after": 1}));
    assert_eq!(raw[1]["status"], 429);
    let members: Vec<&String> = raw[1].as_object().unwrap().keys().collect();
    assert_eq!(
        members,
        ["seq", "time", "method", "path", "status", "fault"]
    );
}

#[tokio::test]
async fn a_slow_answer_keeps_its_place_and_shows_the_delay() {
    let server = spawn_default().await;
    let client = client_for(&server);
    server.set_faults(vec![Fault::Slow { ms: 300 }]);
    assert_eq!(get_text(&client, &server.url(JWKS)).await.0, 200);
    let entries = server.requests();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].status, Some(200));
    assert_eq!(entries[0].fault, Some(Fault::Slow { ms: 300 }));
}

#[tokio::test]
async fn deleting_the_log_empties_it_and_numbering_goes_on() {
    let server = spawn_default().await;
    let client = client_for(&server);
    get_text(&client, &server.url(DISCOVERY)).await;
    get_text(&client, &server.url(JWKS)).await;
    let response = admin_client(&server)
        .delete(format!("{}/-/mock/requests", server.admin_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(logged_requests(&server, "").await.is_empty());
    get_text(&client, &server.url(JWKS)).await;
    let entries = server.requests();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].seq, 3);
    server.clear_requests();
    assert!(server.requests().is_empty());
}
