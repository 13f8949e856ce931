//! Attacks on the token itself: its algorithm, its signature, its key hints and its encoding
//! (catalogue classes 1–5, 7, 11–13).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mock_sts::WireError;
use serde_json::{Value, json};

use super::{RsaKey, World, assert_refused, b64, issuer_public_key_forms};
use crate::support::element;

#[tokio::test]
async fn a_token_with_alg_none_in_any_letter_case_is_refused() {
    let world = World::start().await;
    for alg in ["none", "None", "NONE", "nOnE"] {
        let mut parts = world.parts();
        parts.header.insert("alg".into(), json!(alg));
        let unsigned = format!("{}.", parts.signing_input());
        for token in [unsigned, parts.with_old_signature()] {
            assert_refused(&world.assume(&token).await, &WireError::invalid_signature());
        }
    }
}

#[tokio::test]
async fn a_token_with_its_signature_removed_or_truncated_is_refused() {
    let world = World::start().await;
    let (signed, signature) = world.token.rsplit_once('.').unwrap();
    let truncated = &signature[..signature.len() - 4];
    for token in [
        format!("{signed}."),
        format!("{signed}.{truncated}"),
        format!("{signed}.{}", &signature[..1]),
    ] {
        assert_refused(&world.assume(&token).await, &WireError::invalid_signature());
    }
    assert_eq!(world.assume(&world.token).await.status, 200);
}

#[tokio::test]
async fn a_token_re_signed_with_hs256_using_the_issuers_public_key_is_refused() {
    let world = World::start().await;
    let kid = world.parts().header["kid"].as_str().unwrap().to_owned();
    for secret in issuer_public_key_forms(&kid) {
        for alg in ["HS256", "HS384", "HS512"] {
            let mut parts = world.parts();
            parts.header.insert("alg".into(), json!(alg));
            // Signed HS256 whatever the header says: the algorithm is refused before any key.
            let token = parts.signed_hs256(&secret);
            assert_refused(&world.assume(&token).await, &WireError::invalid_signature());
        }
    }
}

#[tokio::test]
async fn a_token_signed_with_hs256_and_an_empty_or_common_secret_is_refused() {
    let world = World::start().await;
    let mut parts = world.parts();
    parts.header.insert("alg".into(), json!("HS256"));
    // A sample of jwt_tool's jwt-common.txt; any HMAC algorithm is refused before a key is read.
    for secret in [
        "",
        "secret",
        "password",
        "your-256-bit-secret",
        "changeme",
        "jwt",
    ] {
        let token = parts.signed_hs256(secret.as_bytes());
        assert_refused(&world.assume(&token).await, &WireError::invalid_signature());
    }
}

#[tokio::test]
async fn a_token_carrying_its_own_jwk_signed_by_that_key_is_refused() {
    let world = World::start().await;
    let attacker = RsaKey::generate();
    let issuer_kid = world.parts().header["kid"].clone();

    // The issuer's kid: the issuer's key is selected, and the attacker's signature fails on it.
    let mut parts = world.parts();
    parts.header.insert("jwk".into(), attacker.jwk("jwt_tool"));
    parts.header.insert("kid".into(), issuer_kid);
    let token = attacker.sign(&parts);
    assert_refused(&world.assume(&token).await, &WireError::invalid_signature());

    // The embedded key's own kid: no published key has it.
    parts.header.insert("kid".into(), json!("jwt_tool"));
    let token = attacker.sign(&parts);
    assert_refused(
        &world.assume(&token).await,
        &WireError::verification_key_unavailable(),
    );
}

#[tokio::test]
async fn a_kid_that_names_no_published_key_is_refused_without_falling_back_to_another_key() {
    let world = World::start().await;
    assert_eq!(world.assume(&world.token).await.status, 200);
    let fetches_before = jwks_fetches(&world);
    let kids = [
        json!("unknown"),
        json!(""),
        json!("../../../../../../dev/null"),
        json!("' OR '1'='1"),
        json!("x|sleep 10"),
        json!(1),
        Value::Null,
    ];
    for kid in &kids {
        let mut parts = world.parts();
        parts.header.insert("kid".into(), kid.clone());
        // Signed with the issuer's key: a first-key fallback would let it through.
        let token = parts.signed_by_issuer();
        let answer = world.assume(&token).await;
        assert_refused(&answer, &WireError::verification_key_unavailable());
    }
    // Without a kid, the issuer's JWKS has two keys (the OIDC key first): no guessing either.
    let mut parts = world.parts();
    parts.header.remove("kid");
    assert_refused(
        &world.assume(&parts.signed_by_issuer()).await,
        &WireError::verification_key_unavailable(),
    );
    // Unknown kids refetch the JWKS at most once per interval, not once per token.
    let refetches = jwks_fetches(&world) - fetches_before;
    assert!(
        refetches <= 2,
        "{refetches} JWKS fetches for {} kids",
        kids.len()
    );
    assert_eq!(world.assume(&world.token).await.status, 200);
}

fn jwks_fetches(world: &World) -> usize {
    world
        .issuer
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/keys"))
        .count()
}

#[tokio::test]
async fn a_token_in_any_encoding_but_unpadded_base64url_compact_form_is_refused() {
    let world = World::start().await;
    let token = &world.token;
    let mut segments = token.split('.');
    let (header, claims, signature) = (
        segments.next().unwrap(),
        segments.next().unwrap(),
        segments.next().unwrap(),
    );
    let not_a_jwt = [
        format!("{header}=.{claims}.{signature}"),
        format!("{header}.{claims}==.{signature}"),
        format!("{header}.{}.{signature}", claims.replacen('e', "é", 1)),
        format!("{header}.{claims}"),
        format!("{token}.{signature}"),
        format!("{header}.{claims}.{signature}.{signature}.{signature}"),
        json!({"protected": header, "payload": claims, "signature": signature}).to_string(),
        format!("{}.{claims}.{signature}", header.replace('J', "J\t")),
    ];
    for token in &not_a_jwt {
        assert_refused(&world.assume(token).await, &WireError::not_a_jwt());
    }
    let standard_alphabet = signature.replace('-', "+").replace('_', "/");
    let bad_signature = [
        format!("{header}.{claims}.{signature}="),
        format!("{header}.{claims}.{standard_alphabet}"),
    ];
    for token in bad_signature.iter().filter(|t| **t != world.token) {
        assert_refused(&world.assume(token).await, &WireError::invalid_signature());
    }
}

#[tokio::test]
async fn a_header_or_claims_part_that_is_not_utf8_json_is_refused() {
    let world = World::start().await;
    let signature = world.parts().signature;
    let header = b64(r#"{"alg":"RS256"}"#);
    let claims = b64(r#"{"sub":"x"}"#);
    let utf16: Vec<u8> = r#"{"alg":"RS256"}"#.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), br#"{"alg":"RS256"}"#].concat();
    for bytes in [utf16, with_bom, b"{\"alg\":\"RS\xff256\"}".to_vec()] {
        let part = URL_SAFE_NO_PAD.encode(&bytes);
        for token in [
            format!("{part}.{claims}.{signature}"),
            format!("{header}.{part}.{signature}"),
        ] {
            assert_refused(&world.assume(&token).await, &WireError::not_a_jwt());
        }
    }
}

#[tokio::test]
async fn a_duplicate_header_member_never_stands_in_for_a_signature() {
    let world = World::start().await;
    let parts = world.parts();
    let kid = parts.header["kid"].as_str().unwrap();
    let claims = b64(&Value::Object(parts.claims.clone()).to_string());
    // RFC 7515 section 4 allows reading the last duplicate: either way no key verifies "none".
    for header in [
        format!(r#"{{"alg":"RS256","kid":"{kid}","alg":"none"}}"#),
        format!(r#"{{"alg":"none","kid":"{kid}","alg":"RS256"}}"#),
    ] {
        let token = format!("{}.{claims}.", b64(&header));
        assert_refused(&world.assume(&token).await, &WireError::invalid_signature());
    }
}

#[tokio::test]
async fn an_unknown_alg_spelling_or_a_critical_header_extension_is_refused() {
    let world = World::start().await;
    for alg in [
        "rs256",
        "RS256 ",
        " RS256",
        "RS256\u{0}",
        "Rs256",
        "PS256",
        "EdDSA",
    ] {
        let mut parts = world.parts();
        parts.header.insert("alg".into(), json!(alg));
        let token = parts.signed_by_issuer();
        assert_refused(&world.assume(&token).await, &WireError::invalid_signature());
    }
    // RFC 7515 section 4.1.11: an extension the recipient does not understand, listed as critical,
    // makes the token invalid, even with the issuer's own signature.
    for (crit, extra) in [
        (json!(["x-unknown"]), ("x-unknown", json!(true))),
        (json!(["b64"]), ("b64", json!(false))),
        (json!([]), ("x-unknown", json!(1))),
        (json!("b64"), ("b64", json!(false))),
    ] {
        let mut parts = world.parts();
        parts.header.insert("crit".into(), crit.clone());
        parts.header.insert(extra.0.into(), extra.1);
        let token = parts.signed_by_issuer();
        assert_refused(&world.assume(&token).await, &WireError::invalid_signature());
    }
    assert_eq!(world.assume(&world.token).await.status, 200);
}

#[tokio::test]
async fn a_token_over_twenty_thousand_characters_is_refused_before_it_is_read() {
    let world = World::start().await;
    let mut parts = world.parts();
    let padding = 20_000 - world.token.len();
    parts
        .claims
        .insert("pad".into(), json!("x".repeat(padding)));
    // Signed by the issuer and padded past botocore's 20000-character limit for the token.
    let token = parts.signed_by_issuer();
    assert!(token.len() > 20_000);
    let answer = world.assume(&token).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(
        element(&answer.body, "Code").as_deref(),
        Some("ValidationError")
    );
    let message = element(&answer.body, "Message").unwrap();
    assert!(message.contains("'webIdentityToken'"), "{message}");
    // At the limit it is read, and refused only for what it is: not a JWT.
    let at_limit = "x".repeat(20_000);
    assert_refused(&world.assume(&at_limit).await, &WireError::not_a_jwt());
}
