//! Identifiers and secrets in AWS's shapes: AROA role IDs, ASIA keys, 40-character secrets,
//! opaque base64 session tokens, UUID request IDs.
//!
//! Everything secret comes from the system random source, and a failure of that source is an
//! error: silently using zeros would hand every caller the same "secret".

use std::sync::atomic::{AtomicU64, Ordering};

use aws_lc_rs::error::Unspecified;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The system random source failed; nothing secret can be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the system random source failed")]
pub(crate) struct RandomUnavailable;

fn random_bytes<const N: usize>() -> Result<[u8; N], RandomUnavailable> {
    bytes_from(|bytes| SystemRandom::new().fill(bytes))
}

/// Fills `N` bytes with `fill`, which stands for the random source so tests can make it fail.
fn bytes_from<const N: usize>(
    fill: impl FnOnce(&mut [u8]) -> Result<(), Unspecified>,
) -> Result<[u8; N], RandomUnavailable> {
    let mut bytes = [0u8; N];
    fill(&mut bytes).map_err(|_| RandomUnavailable)?;
    Ok(bytes)
}

fn random_text(alphabet: &[u8], len: usize) -> Result<String, RandomUnavailable> {
    let bytes = random_bytes::<64>()?;
    Ok(bytes
        .iter()
        .take(len)
        .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
        .collect())
}

/// A role's unique ID: `AROA` + 17 characters, 21 in all.
pub(crate) fn role_id() -> Result<String, RandomUnavailable> {
    Ok(format!("AROA{}", random_text(ID_ALPHABET, 17)?))
}

/// A temporary access key ID: `ASIA` + 16 characters.
pub(crate) fn session_access_key_id() -> Result<String, RandomUnavailable> {
    Ok(format!("ASIA{}", random_text(ID_ALPHABET, 16)?))
}

pub(crate) fn secret_access_key() -> Result<String, RandomUnavailable> {
    random_text(SECRET_ALPHABET, 40)
}

/// Opaque, base64, well over 100 characters, with the prefix real session tokens carry.
pub(crate) fn session_token() -> Result<String, RandomUnavailable> {
    Ok(format!(
        "IQoJb3JpZ2luX2Vj{}",
        STANDARD.encode(random_bytes::<96>()?)
    ))
}

/// A version-4 UUID. A request ID is not a secret, so when the random source fails the request
/// still gets a unique, UUID-shaped ID (from a counter) and can be answered with an error.
pub(crate) fn request_id() -> String {
    request_id_from(random_bytes::<16>())
}

fn request_id_from(bytes: Result<[u8; 16], RandomUnavailable>) -> String {
    static FALLBACK: AtomicU64 = AtomicU64::new(1);
    match bytes {
        Ok(bytes) => uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string(),
        Err(RandomUnavailable) => {
            let n = FALLBACK.fetch_add(1, Ordering::Relaxed);
            format!("00000000-0000-4000-8000-{:012x}", n & 0xffff_ffff_ffff)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_aws() {
        let id = role_id().unwrap();
        assert_eq!(id.len(), 21);
        assert!(id.starts_with("AROA"));
        let key = session_access_key_id().unwrap();
        assert_eq!(key.len(), 20);
        assert!(
            key.starts_with("ASIA")
                && key
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert_eq!(secret_access_key().unwrap().len(), 40);
        let token = session_token().unwrap();
        assert!(token.len() >= 100);
        assert!(STANDARD.decode(&token).is_ok());
        assert_ne!(session_token().unwrap(), token);
        let request_id = request_id();
        assert_eq!(
            uuid::Uuid::parse_str(&request_id).map(|u| u.get_version_num()),
            Ok(4)
        );
    }

    #[test]
    fn a_failing_random_source_is_an_error_not_zeros() {
        assert_eq!(
            bytes_from::<8>(|_| Err(Unspecified)),
            Err(RandomUnavailable)
        );
        assert_eq!(
            bytes_from::<2>(|bytes| {
                bytes.copy_from_slice(&[1, 2]);
                Ok(())
            }),
            Ok([1, 2])
        );
    }

    #[test]
    fn request_ids_stay_unique_and_uuid_shaped_without_randomness() {
        let first = request_id_from(Err(RandomUnavailable));
        let second = request_id_from(Err(RandomUnavailable));
        assert_ne!(first, second);
        assert!(uuid::Uuid::parse_str(&first).is_ok(), "{first}");
    }
}
