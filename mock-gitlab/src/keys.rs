//! GitLab's signing keys: parsing and generation (RSA, and EC for the ES256 option), their
//! JWKs, JWT signing, and the ring of published keys that rotation changes.

mod jwk;
mod kinds;
mod ring;
mod signing;

pub(crate) use kinds::KeyError;
pub use kinds::{KeyKind, SigningAlgorithm};
pub(crate) use ring::{KeyRing, Rotated};
pub(crate) use signing::{SigningKey, generate_pem};

#[cfg(test)]
mod tests;
