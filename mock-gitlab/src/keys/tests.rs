//! Unit tests of key loading, JWKs, thumbprints, signatures and the key ring.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

use super::jwk::{self, Jwk, rfc7638_ec_thumbprint, rfc7638_thumbprint};
use super::*;

const PKCS8: &str = include_str!("../../tests/fixtures/ci-signing-key.pem");
const PKCS1: &str = include_str!("../../tests/fixtures/ci-signing-key.pkcs1.pem");
const EC: &str = include_str!("../../tests/fixtures/ci-signing-key-ec.pem");
const RS: SigningAlgorithm = SigningAlgorithm::Rs256;
const ES: SigningAlgorithm = SigningAlgorithm::Es256;

fn rsa(jwk: &Jwk) -> &jwk::RsaJwk {
    match jwk {
        Jwk::Rsa(k) => k,
        Jwk::Ec(_) => panic!("not RSA"),
    }
}

fn ec(jwk: &Jwk) -> &jwk::EcJwk {
    match jwk {
        Jwk::Ec(k) => k,
        Jwk::Rsa(_) => panic!("not EC"),
    }
}

#[test]
fn pkcs1_and_pkcs8_give_same_key() {
    let a = SigningKey::from_pem(PKCS8, RS).unwrap();
    let b = SigningKey::from_pem(PKCS1, RS).unwrap();
    assert_eq!(a.jwk(), b.jwk());
    assert_eq!(rsa(a.jwk()).e, "AQAB");
    // 2048-bit modulus = 256 bytes = 342 base64url chars.
    assert_eq!(rsa(a.jwk()).n.len(), 342);
}

#[test]
fn rejects_non_keys() {
    assert!(matches!(
        SigningKey::from_pem("not a pem", RS),
        Err(KeyError::Pem(_))
    ));
    let cert_only = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert!(SigningKey::from_pem(cert_only, RS).is_err());
}

#[test]
fn an_rsa_key_is_refused_for_es256_and_an_ec_key_for_rs256() {
    assert!(matches!(
        SigningKey::from_pem(PKCS8, ES),
        Err(KeyError::NotEcP256)
    ));
    assert!(matches!(
        SigningKey::from_pem(PKCS1, ES),
        Err(KeyError::NotEcP256)
    ));
    assert!(matches!(
        SigningKey::from_pem(EC, RS),
        Err(KeyError::EcForRs256)
    ));
}

#[test]
fn thumbprint_matches_rfc7638_example() {
    // RFC 7638 §3.1 example key and its published thumbprint.
    let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    assert_eq!(
        rfc7638_thumbprint("AQAB", n),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
}

#[test]
fn signature_verifies_and_header_is_gitlabs() {
    let k = SigningKey::from_pem(PKCS8, RS).unwrap();
    let token = k.sign_jwt(br#"{"a":1}"#).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header = String::from_utf8(B64.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(
        header,
        format!(r#"{{"kid":"{}","typ":"JWT","alg":"RS256"}}"#, k.kid())
    );
    let n = B64.decode(&rsa(k.jwk()).n).unwrap();
    let e = B64.decode(&rsa(k.jwk()).e).unwrap();
    let public = aws_lc_rs::signature::RsaPublicKeyComponents { n: &n, e: &e };
    let signed = format!("{}.{}", parts[0], parts[1]);
    let sig = B64.decode(parts[2]).unwrap();
    let alg = &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256;
    public.verify(alg, signed.as_bytes(), &sig).unwrap();
    assert!(public.verify(alg, b"tampered", &sig).is_err());
}

#[test]
fn an_es256_signature_is_64_bytes_of_r_and_s_and_verifies() {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
    let k = SigningKey::from_pem(EC, ES).unwrap();
    assert_eq!(k.algorithm(), ES);
    let token = k.sign_jwt(br#"{"a":1}"#).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let header = String::from_utf8(B64.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(
        header,
        format!(r#"{{"kid":"{}","typ":"JWT","alg":"ES256"}}"#, k.kid())
    );
    let sig = B64.decode(parts[2]).unwrap();
    assert_eq!(sig.len(), 64);
    let jwk = ec(k.jwk());
    let mut point = vec![4u8];
    point.extend(B64.decode(&jwk.x).unwrap());
    point.extend(B64.decode(&jwk.y).unwrap());
    assert_eq!(point.len(), 65);
    let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point);
    let signed = format!("{}.{}", parts[0], parts[1]);
    public.verify(signed.as_bytes(), &sig).unwrap();
    assert!(public.verify(b"tampered", &sig).is_err());
}

#[test]
fn an_ec_jwk_has_gitlabs_member_order_and_an_rfc7638_kid() {
    let k = SigningKey::from_pem(EC, ES).unwrap();
    let text = serde_json::to_string(k.jwk()).unwrap();
    let jwk = ec(k.jwk());
    assert_eq!(
        text,
        format!(
            r#"{{"kty":"EC","kid":"{}","crv":"P-256","x":"{}","y":"{}","use":"sig","alg":"ES256"}}"#,
            jwk.kid, jwk.x, jwk.y
        )
    );
    assert_eq!(jwk.kid, rfc7638_ec_thumbprint("P-256", &jwk.x, &jwk.y));
    // 32-byte coordinates are 43 base64url characters.
    assert_eq!((jwk.x.len(), jwk.y.len()), (43, 43));
}

#[test]
fn generated_pems_load_back_as_the_right_kind() {
    let rsa_pem = generate_pem(KeyKind::Rsa2048).unwrap();
    assert!(rsa_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(rsa_pem.lines().all(|l| l.len() <= 64));
    let k = SigningKey::from_pem(&rsa_pem, RS).unwrap();
    assert_eq!(rsa(k.jwk()).n.len(), 342);
    let ec_pem = generate_pem(KeyKind::EcP256).unwrap();
    assert_eq!(SigningKey::from_pem(&ec_pem, ES).unwrap().algorithm(), ES);
}

#[test]
fn rotation_publishes_the_old_key_only_when_asked() {
    let oidc = SigningKey::from_pem(PKCS8, RS).unwrap();
    let first = SigningKey::from_pem(EC, ES).unwrap();
    let first_kid = first.kid().to_owned();
    let ring = KeyRing::new(&oidc, first);
    let kids = |ring: &KeyRing| -> Vec<String> {
        ring.jwks()
            .keys
            .iter()
            .map(|k| k.kid().to_owned())
            .collect()
    };
    assert_eq!(kids(&ring), [oidc.kid(), first_kid.as_str()]);

    let second = SigningKey::from_pem(&generate_pem(KeyKind::EcP256).unwrap(), ES).unwrap();
    let second_kid = second.kid().to_owned();
    let rotated = ring.install(second, true);
    assert_eq!(rotated.kid, second_kid);
    assert_eq!(rotated.published, [oidc.kid(), &second_kid, &first_kid]);
    assert_eq!(kids(&ring), rotated.published);
    assert_eq!(ring.current().kid(), second_kid);

    let third = SigningKey::from_pem(&generate_pem(KeyKind::EcP256).unwrap(), ES).unwrap();
    let rotated = ring.install(third, false);
    assert_eq!(rotated.published, [oidc.kid(), rotated.kid.as_str()]);
}

#[test]
fn restoring_the_initial_key_undoes_every_rotation() {
    let oidc = SigningKey::from_pem(PKCS8, RS).unwrap();
    let first = SigningKey::from_pem(EC, ES).unwrap();
    let first_kid = first.kid().to_owned();
    let ring = KeyRing::new(&oidc, first);
    let before = ring.jwks();
    for keep_old in [true, true, false, true] {
        let next = SigningKey::from_pem(&generate_pem(KeyKind::EcP256).unwrap(), ES).unwrap();
        ring.install(next, keep_old);
    }
    assert_ne!(ring.current().kid(), first_kid);
    ring.restore_initial();
    assert_eq!(ring.current().kid(), first_kid);
    assert_eq!(ring.jwks(), before);
}

#[test]
fn one_key_given_for_both_roles_is_published_once() {
    let oidc = SigningKey::from_pem(PKCS8, RS).unwrap();
    let ring = KeyRing::new(&oidc, SigningKey::from_pem(PKCS1, RS).unwrap());
    assert_eq!(ring.jwks().keys.len(), 1);
}
