//! The keys an instance publishes and the one it signs with, which a rotation replaces.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use super::jwk::{Jwk, Jwks};
use super::signing::SigningKey;

/// GitLab's two keys: the OIDC key (`openid_connect_signing_key`), only ever published here
/// since the mock has no OAuth flows, and the CI key (`ci_jwt_signing_key`) that signs every
/// CI token. Rotation swaps the CI key; retired CI keys stay published only on request.
#[derive(Debug)]
pub(crate) struct KeyRing {
    oidc: Jwk,
    ci: RwLock<CiKeys>,
    /// The CI key the instance started with, which a reset makes current again.
    initial: Arc<SigningKey>,
    /// Serialises rotations, so two concurrent ones cannot both retire the same key.
    rotating: tokio::sync::Mutex<()>,
    /// Where a rotated CI key is written, when the instance has a state dir.
    persisted: OnceLock<Persisted>,
}

/// The state dir, and the initial CI key's PEM that a reset writes back there.
#[derive(Debug)]
struct Persisted {
    dir: PathBuf,
    initial_pem: String,
}

#[derive(Debug)]
struct CiKeys {
    current: Arc<SigningKey>,
    /// Retired CI keys still published, most recently retired first.
    retired: Vec<Jwk>,
}

/// The outcome of installing a new CI key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rotated {
    pub(crate) kid: String,
    pub(crate) published: Vec<String>,
}

impl KeyRing {
    pub(crate) fn new(oidc: &SigningKey, ci: SigningKey) -> Self {
        let ci = Arc::new(ci);
        Self {
            oidc: oidc.jwk().clone(),
            ci: RwLock::new(CiKeys {
                current: Arc::clone(&ci),
                retired: Vec::new(),
            }),
            initial: ci,
            rotating: tokio::sync::Mutex::new(()),
            persisted: OnceLock::new(),
        }
    }

    /// The key that signs tokens now.
    pub(crate) fn current(&self) -> Arc<SigningKey> {
        // A panic while holding the lock cannot leave `CiKeys` half-written (every write is
        // one assignment), so a poisoned lock is still consistent.
        self.ci
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .current
            .clone()
    }

    pub(crate) fn oidc_kid(&self) -> &str {
        self.oidc.kid()
    }

    /// The JWKS: OIDC key, then the CI key (`JwksController#load_keys` order), then retired CI
    /// keys. Duplicates collapse as GitLab's `.uniq` does, e.g. when one PEM is given for both.
    pub(crate) fn jwks(&self) -> Jwks {
        let ci = self.ci.read().unwrap_or_else(PoisonError::into_inner);
        let mut keys: Vec<Jwk> = Vec::with_capacity(2 + ci.retired.len());
        let candidates = [&self.oidc, ci.current.jwk()]
            .into_iter()
            .chain(ci.retired.iter());
        for jwk in candidates {
            if !keys.iter().any(|k| k.kid() == jwk.kid()) {
                keys.push(jwk.clone());
            }
        }
        Jwks { keys }
    }

    /// Makes `next` the signing key. With `keep_old` the replaced key stays published after the
    /// current keys; without it only the current keys remain published.
    pub(crate) fn install(&self, next: SigningKey, keep_old: bool) -> Rotated {
        {
            let mut ci = self.ci.write().unwrap_or_else(PoisonError::into_inner);
            let old = std::mem::replace(&mut ci.current, Arc::new(next));
            if keep_old {
                ci.retired.insert(0, old.jwk().clone());
            } else {
                ci.retired.clear();
            }
        }
        Rotated {
            kid: self.current().kid().to_owned(),
            published: self
                .jwks()
                .keys
                .iter()
                .map(|k| k.kid().to_owned())
                .collect(),
        }
    }

    /// Undoes every rotation: the CI key the instance started with signs again, and no retired
    /// key stays published.
    pub(crate) fn restore_initial(&self) {
        let mut ci = self.ci.write().unwrap_or_else(PoisonError::into_inner);
        ci.current = Arc::clone(&self.initial);
        ci.retired.clear();
    }

    /// Held for the whole of a rotation (key generation, file write, install).
    pub(crate) async fn rotation_guard(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.rotating.lock().await
    }

    /// Rotated CI keys are written to `dir` from now on, and a reset writes `initial_pem` (the
    /// PEM of the key the ring started with) back. Set once, at start.
    pub(crate) fn persist_rotations_to(&self, dir: PathBuf, initial_pem: String) {
        // A second call would be a bug in the caller; the first directory stays.
        let _ = self.persisted.set(Persisted { dir, initial_pem });
    }

    pub(crate) fn state_dir(&self) -> Option<&PathBuf> {
        self.persisted.get().map(|p| &p.dir)
    }

    /// The state dir and the initial CI key's PEM, when rotations are persisted.
    pub(crate) fn initial_pem_in_state_dir(&self) -> Option<(&PathBuf, &str)> {
        self.persisted
            .get()
            .map(|p| (&p.dir, p.initial_pem.as_str()))
    }
}
