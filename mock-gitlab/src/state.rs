//! What every request handler shares: the issuer, the signing key and the clock.

use std::sync::Arc;

use crate::config::{Clock, Config};
use crate::connections::Connections;
use crate::error::Error;
use crate::faults::{self, FaultSet};
use crate::issuer::Issuer;
use crate::keys::SigningKey;
use crate::request_log::{self, RequestLog};

/// Router state, built once from a [`Config`] and shared behind an `Arc`.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) issuer: Issuer,
    pub(crate) key: SigningKey,
    pub(crate) clock: Arc<dyn Clock>,
    /// Issuer faults in force; shared with the TLS resolver and `RunningGitlab`.
    pub(crate) faults: Arc<FaultSet>,
    /// What the issuer saw; shared with `RunningGitlab`.
    pub(crate) requests: Arc<RequestLog>,
    /// Open connections, so a fault can close one without an answer.
    pub(crate) connections: Arc<Connections>,
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
        faults::validate(&config.faults).map_err(|reason| Error::Config { reason })?;
        Ok(Self {
            issuer,
            key,
            clock: config.clock.clone(),
            faults: Arc::new(FaultSet::new(config.faults.clone())),
            requests: Arc::new(RequestLog::new(request_log::CAPACITY)),
            connections: Arc::new(Connections::default()),
        })
    }
}
