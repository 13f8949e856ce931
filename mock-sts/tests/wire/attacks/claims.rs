//! Attacks through the claims, each token signed with the issuer's own key so that the claim
//! alone decides the answer (catalogue classes 14, 15, 16, 17, 18).

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

#[tokio::test]
async fn an_iat_in_the_future_beyond_the_leeway_is_refused_like_an_early_nbf() {
    let world = World::start().await;
    for iat in [NOW + 301, i64::MAX] {
        let token = world.with_claim("iat", Some(json!(iat)));
        assert_refused(
            &world.assume(&token).await,
            &WireError::token_not_yet_valid(),
        );
    }
    // A clock a little ahead is within the leeway, and an old iat is not this check's business.
    for iat in [NOW + 299, NOW, NOW - 3600, 0] {
        let token = world.with_claim("iat", Some(json!(iat)));
        assert_eq!(world.assume(&token).await.status, 200, "iat {iat}");
    }
}

#[tokio::test]
async fn an_azp_that_differs_from_aud_neither_admits_nor_stands_in_for_the_audience() {
    let world = World::start().await;
    let host = world.issuer.host().to_owned();
    // For a self-managed OIDC provider the `:aud` key is the token's `aud`: AWS maps `azp` onto
    // `:aud` for Google only ("Available keys for AWS OIDC federation", IAM User Guide).
    let token = world.with_claim("azp", Some(json!("another-client")));
    assert_eq!(world.assume(&token).await.status, 200);

    // An azp equal to the registered client ID does not rescue an aud that is not registered.
    let mut parts = world.parts();
    parts.claims.insert("aud".into(), json!("another-client"));
    parts
        .claims
        .insert("azp".into(), json!("sts.amazonaws.com"));
    assert_refused(
        &world.assume(&parts.signed_by_issuer()).await,
        &WireError::incorrect_audience(),
    );

    // Nor does it satisfy a trust policy's `:aud` condition, and `:azp` is not a key mock-sts
    // sets, so a condition on it sees an absent key.
    let provider = format!(
        "arn:aws:iam::{}:oidc-provider/{host}",
        crate::support::ACCOUNT
    );
    for (name, key, value) in [
        ("aud-is-azp", format!("{host}:aud"), "another-client"),
        ("azp-condition", format!("{host}:azp"), "another-client"),
    ] {
        let policy = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {key: value}}
            }]
        });
        world.sts.create_role(name, None, &policy.to_string()).await;
        assert_refused(
            &world.sts.assume(name, &token).await,
            &WireError::trust_policy_denied(),
        );
    }
}
