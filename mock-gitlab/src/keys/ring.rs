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
    /// Serialises rotations, so two concurrent ones cannot both retire the same key.
    rotating: tokio::sync::Mutex<()>,
    /// Where a rotated CI key is written, when the instance has a state dir.
    state_dir: OnceLock<PathBuf>,
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
        Self {
            oidc: oidc.jwk().clone(),
            ci: RwLock::new(CiKeys {
                current: Arc::new(ci),
                retired: Vec::new(),
            }),
            rotating: tokio::sync::Mutex::new(()),
            state_dir: OnceLock::new(),
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

    /// Held for the whole of a rotation (key generation, file write, install).
    pub(crate) async fn rotation_guard(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.rotating.lock().await
    }

    /// Rotated CI keys are written to `dir` from now on. Set once, at start.
    pub(crate) fn persist_rotations_to(&self, dir: PathBuf) {
        // A second call would be a bug in the caller; the first directory stays.
        let _ = self.state_dir.set(dir);
    }

    pub(crate) fn state_dir(&self) -> Option<&PathBuf> {
        self.state_dir.get()
    }
}
