//! Attacks through the claims, each token signed with the issuer's own key so that the claim
//! alone decides the answer (catalogue classes 14, 15, 17, 18).

use mock_sts::WireError;
use serde_json::{Value, json};

use super::{World, assert_refused};
use crate::support::NOW;

#[tokio::test]
async fn an_iss_that_is_not_exactly_the_providers_url_finds_no_provider() {
    let world = World::start().await;
    let url = world.issuer.url().to_owned();
    let port = url.rsplit(':').next().unwrap().to_owned();
    let strings = [
        format!("{url}/"),
        url.to_uppercase().replace("HTTPS://", "https://"),
        url.replace("https://", "http://"),
        url.replace("https://", "HTTPS://"),
        format!("https://127.0.0.1:{port}"),
        format!("https://localhost.:{port}"),
        format!("{url}/../"),
        format!(" {url}"),
    ];
    for iss in strings {
        let token = world.with_claim("iss", Some(json!(iss)));
        assert_refused(
            &world.assume(&token).await,
            &WireError::no_provider_for(&iss),
        );
    }
    // Not a string: its JSON text, which names no provider either.
    for iss in [json!([url]), json!(42), json!({"url": url}), Value::Null] {
        let token = world.with_claim("iss", Some(iss.clone()));
        assert_refused(
            &world.assume(&token).await,
            &WireError::no_provider_for(&iss.to_string()),
        );
    }
    let token = world.with_claim("iss", None);
    assert_refused(
        &world.assume(&token).await,
        &WireError::missing_claim("iss"),
    );
}

#[tokio::test]
async fn an_aud_without_a_registered_client_id_is_refused() {
    let world = World::start().await;
    let token = world.with_claim("aud", None);
    assert_refused(
        &world.assume(&token).await,
        &WireError::missing_claim("aud"),
    );
    for aud in [
        json!("sts.amazonaws.com "),
        json!("STS.amazonaws.com"),
        json!(world.issuer.url()),
        json!(42),
        json!([]),
        json!(["evil.example"]),
        json!([["sts.amazonaws.com"]]),
        json!({"aud": "sts.amazonaws.com"}),
        Value::Null,
    ] {
        let token = world.with_claim("aud", Some(aud.clone()));
        assert_refused(
            &world.assume(&token).await,
            &WireError::incorrect_audience(),
        );
    }
    // One registered member in a list is enough, as the scenario
    // audience-list-one-registered-succeeds shows; the trust policy's `:aud` condition still applies.
    let token = world.with_claim("aud", Some(json!(["evil.example", "sts.amazonaws.com"])));
    assert_eq!(world.assume(&token).await.status, 200);
}

#[tokio::test]
async fn an_exp_that_is_missing_malformed_or_past_the_leeway_is_refused() {
    let world = World::start().await;
    let token = world.with_claim("exp", None);
    assert_refused(
        &world.assume(&token).await,
        &WireError::missing_claim("exp"),
    );
    for exp in [
        json!((NOW + 600).to_string()),
        Value::Null,
        json!(1.7e9),
        json!(true),
    ] {
        let token = world.with_claim("exp", Some(exp.clone()));
        assert_refused(&world.assume(&token).await, &WireError::invalid_timestamp());
    }
    for exp in [-1, 0, NOW - 301, NOW - 300] {
        let token = world.with_claim("exp", Some(json!(exp)));
        assert_refused(
            &world.assume(&token).await,
            &WireError::token_expired(NOW, exp),
        );
    }
    // Within AWS's five minutes of clock skew.
    let token = world.with_claim("exp", Some(json!(NOW - 299)));
    assert_eq!(world.assume(&token).await.status, 200);
}

/// Found while writing the `jwt` fuzz target, which crashed on it: `exp` plus the leeway
/// overflowed, a panic in a debug build and "expired" in a release build. A far-future `exp` is a
/// token that has not expired.
#[tokio::test]
async fn an_exp_at_the_largest_integer_is_far_from_expiry_not_an_overflow() {
    let world = World::start().await;
    for exp in [i64::MAX, i64::MAX - 300, i64::MAX - 299] {
        let token = world.with_claim("exp", Some(json!(exp)));
        assert_eq!(world.assume(&token).await.status, 200, "exp {exp}");
    }
}

#[tokio::test]
async fn an_nbf_beyond_the_leeway_or_a_malformed_nbf_or_iat_is_refused() {
    let world = World::start().await;
    for nbf in [NOW + 301, i64::MAX] {
        let token = world.with_claim("nbf", Some(json!(nbf)));
        assert_refused(
            &world.assume(&token).await,
            &WireError::token_not_yet_valid(),
        );
    }
    for claim in ["nbf", "iat"] {
        for value in [json!(NOW.to_string()), json!(1.5), json!([NOW])] {
            let token = world.with_claim(claim, Some(value));
            assert_refused(&world.assume(&token).await, &WireError::invalid_timestamp());
        }
    }
    let token = world.with_claim("nbf", Some(json!(NOW + 299)));
    assert_eq!(world.assume(&token).await.status, 200);
}
