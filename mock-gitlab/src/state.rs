//! What every request handler shares: the issuer, the signing key and the clock.

use std::sync::Arc;

use crate::config::{Clock, Config};
use crate::error::Error;
use crate::issuer::Issuer;
use crate::keys::SigningKey;

/// Router state, built once from a [`Config`] and shared behind an `Arc`.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) issuer: Issuer,
    pub(crate) key: SigningKey,
    pub(crate) clock: Arc<dyn Clock>,
}

impl AppState {
    /// Parses the issuer and loads (or generates) the signing key. Key generation takes tens
    /// of milliseconds, so async callers should run this on a blocking thread.
    pub(crate) fn from_config(config: &Config) -> Result<Self, Error> {
        let issuer = config.issuer()?;
        let key = match &config.signing_key_pem {
            Some(pem) => SigningKey::from_pem(pem)?,
            None => SigningKey::generate()?,
        };
        Ok(Self {
            issuer,
            key,
            clock: config.clock.clone(),
        })
    }
}
