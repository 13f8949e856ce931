//! The state one mock-sts shares across requests: configuration, the IAM store, issued sessions,
//! the issuer-key fetcher and the request log.

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

use crate::config::Config;
use crate::error::Error;
use crate::iam::IamStore;
use crate::oidc::KeyFetcher;
use crate::request_log::RequestLog;
use crate::sessions::Sessions;

#[derive(Debug)]
pub(crate) struct Sts {
    pub(crate) config: Config,
    iam: RwLock<IamStore>,
    pub(crate) sessions: Sessions,
    pub(crate) keys: KeyFetcher,
    pub(crate) log: RequestLog,
}

impl Sts {
    /// Reads the trusted CAs and builds the state `config` describes.
    pub(crate) fn build(config: Config) -> Result<Arc<Self>, Error> {
        let roots = trusted_roots(&config.trust_ca_pems)?;
        let keys = KeyFetcher::new(roots, config.key_cache_capacity);
        Ok(Arc::new(Self::new(config, keys)))
    }

    pub(crate) fn new(config: Config, keys: KeyFetcher) -> Self {
        let log = RequestLog::new(config.request_log_capacity);
        let sessions = Sessions::new(config.session_capacity);
        Self {
            config,
            iam: RwLock::new(IamStore::default()),
            sessions,
            keys,
            log,
        }
    }

    // A panic while a lock is held leaves the store consistent (every write is one insert or
    // remove), so a poisoned lock is used as is rather than failing every later request.
    pub(crate) fn iam(&self) -> RwLockReadGuard<'_, IamStore> {
        self.iam.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn iam_mut(&self) -> RwLockWriteGuard<'_, IamStore> {
        self.iam.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// "AWS's library of trusted root CAs", as the configured PEM files describe it.
fn trusted_roots(pems: &[String]) -> Result<RootCertStore, Error> {
    let mut roots = RootCertStore::empty();
    for (index, pem) in (1..).zip(pems) {
        let before = roots.len();
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.map_err(|source| Error::TrustedCaPem { index, source })?;
            roots
                .add(cert)
                .map_err(|source| Error::TrustedCaCertificate { index, source })?;
        }
        if roots.len() == before {
            return Err(Error::EmptyTrustedCaPem { index });
        }
    }
    Ok(roots)
}
