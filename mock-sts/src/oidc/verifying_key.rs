//! An issuer's public key as fetched (its JWK), with its aws-lc key parsed once per algorithm on
//! first use and kept with the cached JWKS. Building the key from the JWK's components on every
//! request (base64, then the RSA Montgomery context) was a third of each RS256 verification.
//!
//! The checks are jsonwebtoken's (`DecodingKey::from_jwk` + `crypto::verify`, with the same
//! aws-lc algorithms: PKCS#1 v1.5 with 2048–8192-bit moduli, fixed-size ECDSA signatures), plus
//! `unknowns::JWK_ALG_MUST_MATCH_TOKEN` and the key's curve matching the algorithm's.

use std::sync::OnceLock;

use aws_lc_rs::signature::{
    self, EcdsaVerificationAlgorithm, ParsedPublicKey, RsaParameters, RsaPublicKeyComponents,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyOperations, PublicKeyUse};

use super::roca;
use crate::jwt::Jwt;
use crate::unknowns;

const ALGORITHMS: usize = unknowns::ALLOWED_ALGORITHMS.len();

/// One key of an issuer's JWKS.
#[derive(Debug)]
pub(crate) struct VerifyingKey {
    jwk: Jwk,
    /// Per entry of `unknowns::ALLOWED_ALGORITHMS`: the parsed key, or `None` when the JWK
    /// cannot verify that algorithm.
    parsed: [OnceLock<Option<ParsedPublicKey>>; ALGORITHMS],
}

impl VerifyingKey {
    pub(crate) fn new(jwk: Jwk) -> Self {
        Self {
            jwk,
            parsed: std::array::from_fn(|_| OnceLock::new()),
        }
    }

    /// The key's `kid`.
    pub(crate) fn key_id(&self) -> Option<&str> {
        self.jwk.common.key_id.as_deref()
    }

    /// Whether `jwt`'s signature verifies with this key under the algorithm its header names.
    pub(crate) fn verifies(&self, jwt: &Jwt<'_>) -> bool {
        let alg = jwt.header_str("alg").unwrap_or_default();
        // Unpadded base64url, as jsonwebtoken decodes it.
        URL_SAFE_NO_PAD
            .decode(jwt.signature)
            .is_ok_and(|signature| {
                self.verifies_signature(alg, jwt.signing_input.as_bytes(), &signature)
            })
    }

    /// Whether `signature` over `message` verifies with this key under `alg`: the step
    /// [`VerifyingKey::verifies`] ends with, which the Wycheproof vectors check byte for byte.
    pub(crate) fn verifies_signature(&self, alg: &str, message: &[u8], signature: &[u8]) -> bool {
        let Some(slot) = unknowns::ALLOWED_ALGORITHMS
            .iter()
            .position(|allowed| *allowed == alg)
            .and_then(|index| self.parsed.get(index))
        else {
            return false;
        };
        slot.get_or_init(|| parse(&self.jwk, alg))
            .as_ref()
            .is_some_and(|key| key.verify_sig(message, signature).is_ok())
    }
}

/// Whether the JWK's `use` and `key_ops` (when present) allow verifying signatures.
fn meant_for_signatures(jwk: &Jwk) -> bool {
    let use_allows = match &jwk.common.public_key_use {
        None | Some(PublicKeyUse::Signature) => true,
        Some(_) => false,
    };
    let ops_allow = jwk
        .common
        .key_operations
        .as_ref()
        // An operation RFC 7517 does not define (Wycheproof's RFC 7520 key lists "sign,
        // verify" as one string) leaves the key usable: only a list of other defined
        // operations rules it out.
        .is_none_or(|ops| {
            ops.iter()
                .any(|op| matches!(op, KeyOperations::Verify | KeyOperations::Other(_)))
        });
    use_allows && ops_allow
}

/// The aws-lc key for `alg`, if this JWK can verify it.
fn parse(jwk: &Jwk, alg: &str) -> Option<ParsedPublicKey> {
    if let Some(key_alg) = &jwk.common.key_algorithm
        && unknowns::JWK_ALG_MUST_MATCH_TOKEN
        && key_alg.to_string() != alg
    {
        return None;
    }
    if unknowns::JWK_USE_MUST_ALLOW_VERIFY && !meant_for_signatures(jwk) {
        return None;
    }
    match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            let params: &'static RsaParameters = match alg {
                "RS256" => &signature::RSA_PKCS1_2048_8192_SHA256,
                "RS384" => &signature::RSA_PKCS1_2048_8192_SHA384,
                "RS512" => &signature::RSA_PKCS1_2048_8192_SHA512,
                _ => return None,
            };
            let n = URL_SAFE_NO_PAD.decode(&rsa.n).ok()?;
            let e = URL_SAFE_NO_PAD.decode(&rsa.e).ok()?;
            if unknowns::REFUSE_ROCA_KEYS && roca::has_fingerprint(&n) {
                return None;
            }
            RsaPublicKeyComponents { n: &n, e: &e }
                .to_parsed_public_key(params)
                .ok()
        }
        AlgorithmParameters::EllipticCurve(ec) => {
            // jsonwebtoken verifies ES256 and ES384 only; ES512 never verified before either.
            let (curve, algorithm): (EllipticCurve, &'static EcdsaVerificationAlgorithm) = match alg
            {
                "ES256" => (EllipticCurve::P256, &signature::ECDSA_P256_SHA256_FIXED),
                "ES384" => (EllipticCurve::P384, &signature::ECDSA_P384_SHA384_FIXED),
                _ => return None,
            };
            if ec.curve != curve {
                return None;
            }
            let mut point = vec![0x04];
            point.extend(URL_SAFE_NO_PAD.decode(&ec.x).ok()?);
            point.extend(URL_SAFE_NO_PAD.decode(&ec.y).ok()?);
            ParsedPublicKey::new(algorithm, point).ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rsa_jwk(alg: &str) -> Jwk {
        serde_json::from_value(serde_json::json!({
            "kty": "RSA", "kid": "a", "alg": alg, "use": "sig", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw", "e": "AQAB"
        }))
        .unwrap()
    }

    #[test]
    fn a_key_declaring_another_algorithm_does_not_verify() {
        let key = rsa_jwk("RS384");
        assert!(parse(&key, "RS384").is_some());
        assert_eq!(
            parse(&key, "RS256").is_none(),
            unknowns::JWK_ALG_MUST_MATCH_TOKEN
        );
    }

    #[test]
    fn an_rsa_key_verifies_no_ecdsa_or_hmac_algorithm() {
        let key = rsa_jwk("RS256");
        for alg in ["ES256", "ES384", "HS256", "none"] {
            assert!(parse(&key, alg).is_none(), "{alg}");
        }
    }

    #[test]
    fn an_ec_key_verifies_only_the_algorithm_of_its_curve() {
        let key: Jwk = serde_json::from_value(serde_json::json!({
            "kty": "EC", "crv": "P-256", "kid": "e",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
        }))
        .unwrap();
        assert!(parse(&key, "ES256").is_some());
        assert!(parse(&key, "ES384").is_none());
        assert!(parse(&key, "RS256").is_none());
    }
}
