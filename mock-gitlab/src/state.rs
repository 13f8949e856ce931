//! What every request handler shares: the issuer, the keys, the clock and the version profile.

use std::sync::Arc;
use std::time::Duration;

use crate::admin_access::AdminAccess;
use crate::config::{Clock, Config};
use crate::connections::Connections;
use crate::error::Error;
use crate::faults::{self, FaultSet};
use crate::issuer::Issuer;
use crate::key_setup;
use crate::keys::KeyRing;
use crate::profile::Profile;
use crate::request_log::{self, RequestLog};

/// Router state, built once from a [`Config`] and shared behind an `Arc`.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) issuer: Issuer,
    pub(crate) keys: Arc<KeyRing>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) profile: Profile,
    /// Issuer faults in force; shared with the TLS resolver and `RunningGitlab`.
    pub(crate) faults: Arc<FaultSet>,
    /// What the issuer saw; shared with `RunningGitlab`.
    pub(crate) requests: Arc<RequestLog>,
    /// Open connections, so a fault can close one without an answer.
    pub(crate) connections: Arc<Connections>,
    /// `Config::body_read_timeout`.
    pub(crate) body_read_timeout: Duration,
    /// `Config::admin`.
    pub(crate) admin: AdminAccess,
}

impl AppState {
    /// Parses the issuer and the version profile and loads (or generates) the keys. Key
    /// generation takes up to hundreds of milliseconds, so async callers should run this on a
    /// blocking thread.
    pub(crate) fn from_config(config: &Config) -> Result<Self, Error> {
        let issuer = config.issuer()?;
        let profile = Profile::from_config(config)?;
        let keys = Arc::new(key_setup::key_ring(config)?);
        faults::validate(&config.faults).map_err(|reason| Error::Config { reason })?;
        Ok(Self {
            issuer,
            keys,
            clock: config.clock.clone(),
            profile,
            faults: Arc::new(FaultSet::new(config.faults.clone())),
            requests: Arc::new(RequestLog::new(request_log::CAPACITY)),
            connections: Arc::new(Connections::default()),
            body_read_timeout: config.body_read_timeout,
            admin: config.admin,
        })
    }
}
