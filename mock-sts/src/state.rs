//! The state one mock-sts shares across requests: configuration, the IAM store, issued sessions,
//! the issuer-key fetcher, S3's objects and the request log, and putting all of it back as it
//! was at start (`POST /-/mock/reset`).

use std::sync::{Arc, OnceLock, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

use crate::config::Config;
use crate::error::Error;
use crate::iam::IamStore;
use crate::oidc::KeyFetcher;
use crate::request_log::RequestLog;
use crate::s3::store::Store as S3Objects;
use crate::sessions::Sessions;

#[derive(Debug)]
pub(crate) struct Sts {
    pub(crate) config: Config,
    iam: RwLock<IamStore>,
    pub(crate) sessions: Sessions,
    pub(crate) keys: KeyFetcher,
    pub(crate) log: RequestLog,
    /// The S3 listener's buckets and objects.
    pub(crate) s3_objects: Arc<S3Objects>,
    /// The account as the seed made it, what a reset goes back to; unset means empty.
    initial_iam: OnceLock<IamStore>,
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
            s3_objects: Arc::default(),
            initial_iam: OnceLock::new(),
        }
    }

    /// Remembers the account as it is now (seeded, before any request) as the one a reset
    /// restores. Only the first call counts.
    pub(crate) fn mark_start(&self) {
        let _ = self.initial_iam.set(self.iam().clone());
    }

    /// Back to the state at start: the seeded account (or an empty one), no sessions, live or
    /// expired, no cached issuer keys, no buckets, and an empty request log whose sequence
    /// numbers go on (so a reader's `?since=` stays meaningful). A request in flight may still
    /// finish against the state it started with.
    pub(crate) fn reset(&self) {
        *self.iam_mut() = self.initial_iam.get().cloned().unwrap_or_default();
        self.sessions.clear();
        self.keys.forget();
        self.s3_objects.clear();
        self.log.clear();
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
