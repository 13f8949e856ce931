//! Talking to an OIDC issuer the way AWS does: STS fetching its signing keys, IAM computing the
//! thumbprint of a provider registered without one, and AWS's TLS rule for both.

mod chain;
mod key_cache;
mod keys;
mod provider_thumbprint;
mod verifier;
mod verifying_key;

pub(crate) use keys::{FetchError, KeyFetcher};
pub(crate) use verifying_key::VerifyingKey;
