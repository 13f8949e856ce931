//! Identifiers and secrets in AWS's shapes: AROA role IDs, ASIA keys, 40-character secrets,
//! opaque base64 session tokens.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The system RNG only fails when the OS has no entropy source at all; zeros keep the mock
    // answering (IDs merely repeat) instead of failing a request over it.
    let _ = SystemRandom::new().fill(&mut bytes);
    bytes
}

fn random_text(alphabet: &[u8], len: usize) -> String {
    let bytes = random_bytes::<64>();
    bytes
        .iter()
        .take(len)
        .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
        .collect()
}

/// A role's unique ID: `AROA` + 17 characters, 21 in all.
pub(crate) fn role_id() -> String {
    format!("AROA{}", random_text(ID_ALPHABET, 17))
}

/// A temporary access key ID: `ASIA` + 16 characters.
pub(crate) fn session_access_key_id() -> String {
    format!("ASIA{}", random_text(ID_ALPHABET, 16))
}

pub(crate) fn secret_access_key() -> String {
    random_text(SECRET_ALPHABET, 40)
}

/// Opaque, base64, well over 100 characters, with the prefix real session tokens carry.
pub(crate) fn session_token() -> String {
    format!("IQoJb3JpZ2luX2Vj{}", STANDARD.encode(random_bytes::<96>()))
}

pub(crate) fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_aws() {
        let id = role_id();
        assert_eq!(id.len(), 21);
        assert!(id.starts_with("AROA"));
        let key = session_access_key_id();
        assert_eq!(key.len(), 20);
        assert!(
            key.starts_with("ASIA")
                && key
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert_eq!(secret_access_key().len(), 40);
        let token = session_token();
        assert!(token.len() >= 100);
        assert!(STANDARD.decode(&token).is_ok());
        assert_ne!(session_token(), token);
    }
}
