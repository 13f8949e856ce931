//! mock-sts's token-verification path against Project Wycheproof's vectors
//! (https://github.com/C2SP/wycheproof, Apache-2.0; copies and licence in
//! `tests/data/wycheproof/`). Every `valid` vector must verify and every `invalid` one must not;
//! `acceptable` ones (legal but weak, e.g. a hash with parameters left out) are listed with what
//! mock-sts does, and docs/security.md records it.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use serde_json::{Value, json};

use super::VerifyingKey;
use super::keys::{parse_jwks, select};
use crate::unknowns;

fn vectors(file: &str) -> Value {
    let path = format!(
        "{}/tests/data/wycheproof/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// What each vector got, against what Wycheproof says; the mismatches, and the acceptable ones.
#[derive(Default)]
struct Tally {
    checked: usize,
    wrong: Vec<String>,
    acceptable: Vec<String>,
}

impl Tally {
    fn record(&mut self, id: &str, result: &str, accepted: bool) {
        self.checked += 1;
        match (result, accepted) {
            ("valid", true) | ("invalid", false) => {}
            ("acceptable", _) => self.acceptable.push(format!("{id}: accepted={accepted}")),
            _ => self
                .wrong
                .push(format!("{id} ({result}): accepted={accepted}")),
        }
    }

    fn assert_agrees(self, suite: &str, expected_count: usize) {
        assert_eq!(self.checked, expected_count, "{suite}: vectors checked");
        assert!(self.wrong.is_empty(), "{suite}: {:#?}", self.wrong);
        if !self.acceptable.is_empty() {
            eprintln!("{suite}: acceptable vectors: {:?}", self.acceptable);
        }
    }
}

/// A raw-signature suite: each group's JWK, each test's message and signature.
fn raw_suite(file: &str, jwk_field: &str, alg: &str) -> Tally {
    let suite = vectors(file);
    let mut tally = Tally::default();
    for group in suite["testGroups"].as_array().unwrap() {
        let jwk: Jwk = match &group[jwk_field] {
            Value::Null => ec_jwk_from_point(&group["publicKey"]),
            jwk => serde_json::from_value(jwk.clone()).unwrap(),
        };
        for test in group["tests"].as_array().unwrap() {
            // A fresh key per vector, as a fresh JWKS fetch would give.
            let key = VerifyingKey::new(jwk.clone());
            let message = hex(test["msg"].as_str().unwrap());
            let signature = hex(test["sig"].as_str().unwrap());
            let accepted = key.verifies_signature(alg, &message, &signature);
            let id = format!("tcId {} {}", test["tcId"], test["comment"]);
            tally.record(&id, test["result"].as_str().unwrap(), accepted);
        }
    }
    tally
}

/// A few P-256 groups carry no JWK (their keys are edge cases of the curve); their uncompressed
/// point `04 || x || y` makes one, as an issuer would publish it.
fn ec_jwk_from_point(public_key: &Value) -> Jwk {
    let point = hex(public_key["uncompressed"].as_str().unwrap());
    assert_eq!((point.len(), point[0]), (65, 4));
    serde_json::from_value(json!({
        "kty": "EC",
        "crv": "P-256",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&point[33..]),
    }))
    .unwrap()
}

#[test]
fn rs256_verification_agrees_with_every_wycheproof_rsa_pkcs1_sha256_vector() {
    raw_suite("rsa_signature_2048_sha256_test.json", "keyJwk", "RS256").assert_agrees("RS256", 259);
}

#[test]
fn es256_verification_agrees_with_every_wycheproof_p256_p1363_vector() {
    raw_suite(
        "ecdsa_secp256r1_sha256_p1363_test.json",
        "publicKeyJwk",
        "ES256",
    )
    .assert_agrees("ES256", 262);
}

/// The public half of a private JWK or key set: what an issuer's JWKS would publish.
fn public_jwks(private: &Value) -> Value {
    let keys = match private.get("keys") {
        Some(keys) => keys.as_array().unwrap().clone(),
        None => vec![private.clone()],
    };
    let public: Vec<Value> = keys
        .into_iter()
        .map(|mut key| {
            for secret in ["d", "p", "q", "dp", "dq", "qi", "k"] {
                key.as_object_mut().unwrap().remove(secret);
            }
            key
        })
        .collect();
    json!({ "keys": public })
}

/// The signature steps STS takes for a compact JWS: the header's algorithm must be one it
/// accepts (and it must have no `crit` member), the key is picked from the JWKS by `kid`, and the
/// signature must verify under it. (STS then requires the payload to be a JWT's claims, which
/// Wycheproof's payloads are not.)
fn sts_accepts_signature(jwks: &Value, jws: &str) -> bool {
    let parts: Vec<&str> = jws.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return false;
    };
    let Some(header) = URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
    else {
        return false;
    };
    let alg = header["alg"].as_str().unwrap_or_default();
    if !unknowns::ALLOWED_ALGORITHMS.contains(&alg)
        || (unknowns::REFUSE_CRITICAL_HEADER_PARAMETERS && header.get("crit").is_some())
    {
        return false;
    }
    let keys: Vec<Arc<VerifyingKey>> = parse_jwks(jwks)
        .into_iter()
        .map(|jwk| Arc::new(VerifyingKey::new(jwk)))
        .collect();
    let Ok(key) = select(&keys, header["kid"].as_str()) else {
        return false;
    };
    let signing_input = &jws[..jws.len() - signature.len() - 1];
    debug_assert!(signing_input.ends_with(payload));
    URL_SAFE_NO_PAD
        .decode(signature)
        .is_ok_and(|signature| key.verifies_signature(alg, signing_input.as_bytes(), &signature))
}

/// The algorithms STS verifies: `unknowns::ALLOWED_ALGORITHMS` less ES512, which passes the
/// header check but which no key verifies (jsonwebtoken never verified P-521 either).
const VERIFIED: [&str; 5] = ["RS256", "RS384", "RS512", "ES256", "ES384"];

/// A JWS or JWK suite. A `valid` vector signed with an algorithm STS does not verify (HS256,
/// PS256, ES512 over P-521…) must be refused too: it counts as refused, not as a mismatch.
fn jws_suite(file: &str) -> (Tally, usize) {
    let suite = vectors(file);
    let mut tally = Tally::default();
    let mut unsupported = 0;
    for group in suite["testGroups"].as_array().unwrap() {
        let jwks = public_jwks(&group["private"]);
        for test in group["tests"].as_array().unwrap() {
            let Some(jws) = test["jws"].as_str() else {
                // JSON-serialised JWS: STS takes only the compact form.
                tally.record("json form", "invalid", false);
                continue;
            };
            let accepted = sts_accepts_signature(&jwks, jws);
            let alg = jws
                .split('.')
                .next()
                .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .and_then(|h| h["alg"].as_str().map(str::to_owned))
                .unwrap_or_default();
            let id = format!(
                "{} tcId {} {}",
                group["comment"], test["tcId"], test["comment"]
            );
            let result = test["result"].as_str().unwrap();
            if result == "valid" && !VERIFIED.contains(&alg.as_str()) {
                assert!(!accepted, "{id}: {alg} is not an algorithm STS accepts");
                unsupported += 1;
                tally.checked += 1;
                continue;
            }
            tally.record(&id, result, accepted);
        }
    }
    (tally, unsupported)
}

#[test]
fn whole_jws_cases_agree_with_wycheproof_and_other_algorithms_are_refused() {
    let (tally, unsupported) = jws_suite("json_web_signature_test.json");
    eprintln!("JWS: {unsupported} valid vectors use algorithms STS refuses");
    tally.assert_agrees("JWS", 401);
}

#[test]
fn key_set_cases_agree_with_wycheproof() {
    let (tally, unsupported) = jws_suite("json_web_key_test.json");
    eprintln!("JWK: {unsupported} valid vectors use algorithms STS refuses");
    tally.assert_agrees("JWK", 26);
}
