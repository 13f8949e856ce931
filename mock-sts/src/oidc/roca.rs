//! The ROCA fingerprint (CVE-2017-15361, "The Return of Coppersmith's Attack", Nemec et al., ACM
//! CCS 2017): RSA moduli from Infineon's RSALib have the form `k * M + (65537^a mod M)` for a
//! primorial `M`, so for every small prime `p` dividing `M`, `n mod p` lies in the subgroup that
//! 65537 generates mod `p`. A random modulus passes that test for all the primes below with
//! negligible probability; the paper's detector uses the same primes.

/// The primes whose product is the primorial the detector tests against.
const PRIMES: [u64; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// Whether the big-endian modulus `n` has the ROCA fingerprint.
pub(super) fn has_fingerprint(n: &[u8]) -> bool {
    !n.is_empty()
        && PRIMES
            .iter()
            .all(|&p| in_subgroup_of_65537(remainder(n, p), p))
}

/// `n mod p` for a big-endian `n`.
fn remainder(n: &[u8], p: u64) -> u64 {
    n.iter()
        .fold(0, |acc, &byte| (acc * 256 + u64::from(byte)) % p)
}

/// Whether `x` is a power of 65537 modulo the prime `p`.
fn in_subgroup_of_65537(x: u64, p: u64) -> bool {
    let generator = 65537 % p;
    let mut power = 1;
    // The subgroup has at most p - 1 elements; its powers cycle back to 1.
    for _ in 0..p {
        if power == x {
            return true;
        }
        power = power * generator % p;
        if power == 1 {
            break;
        }
    }
    power == x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wycheproofs_roca_key_has_the_fingerprint() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/wycheproof/json_web_key_test.json"
        );
        let suite: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let n = suite["testGroups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|group| {
                group["private"]["keys"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .find(|key| key["kid"] == "kid-rsa-roca-sign")
            .unwrap()["n"]
            .as_str()
            .unwrap()
            .to_owned();
        let n =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, n).unwrap();
        assert!(has_fingerprint(&n));
    }

    #[test]
    fn an_ordinary_modulus_does_not_have_the_fingerprint() {
        // The RSA key of RFC 7515 appendix A.2 (a JWS example key).
        let n = base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WJBEMa2R2ZdvfQZ1PgyQZ5EDcCU9fhC9rY7iHf4Dg25shd20oLsCfAZU3m2jkGD2-EmP8z0ng4mVVEgGGn4e9gAv-mxhkwjiJLs_G2d9qGMJHY3w_tM1Kp7JMuFNV_fibAF0W2IyQ",
        )
        .unwrap();
        assert!(!has_fingerprint(&n));
    }
}
