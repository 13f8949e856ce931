//! Where an instance's keys come from (a PEM in the config, a file in the state dir, or a fresh
//! key) and how the CI key is rotated at run time. Key generation is slow (RSA-4096 takes
//! hundreds of milliseconds), so the async entry points run it on blocking threads.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::config::Config;
use crate::error::Error;
use crate::keys::{KeyKind, KeyRing, Rotated, SigningAlgorithm, SigningKey, generate_pem};

/// The OIDC key's file in the state dir.
pub(crate) const OIDC_KEY_FILE: &str = "oidc-key.pem";
/// The CI key's file in the state dir; a rotation replaces it.
pub(crate) const CI_KEY_FILE: &str = "ci-key.pem";

impl FromStr for SigningAlgorithm {
    type Err = Error;

    /// `RS256` or `ES256`, in any case.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_uppercase().as_str() {
            "RS256" => Ok(Self::Rs256),
            "ES256" => Ok(Self::Es256),
            _ => Err(Error::Config {
                reason: format!("signing algorithm {s:?}: expected RS256 or ES256"),
            }),
        }
    }
}

/// A fresh private key as PKCS#8 PEM, for [`Config::signing_key_pem`] or
/// [`Config::oidc_key_pem`]. A caller that starts many instances can generate the keys once
/// and pass the PEMs to each. Blocking: RSA-4096 takes hundreds of milliseconds, so call it
/// from a blocking thread (`tokio::task::spawn_blocking`) in async code.
pub fn generate_key_pem(kind: KeyKind) -> Result<String, Error> {
    Ok(generate_pem(kind)?)
}

/// Parses the PEMs in `config`, generating a key for each one missing. Reads and writes no
/// file. Generation blocks; see [`generate_key_pem`].
pub(crate) fn key_ring(config: &Config) -> Result<KeyRing, Error> {
    let oidc = match &config.oidc_key_pem {
        Some(pem) => oidc_key(pem)?,
        None => oidc_key(&generate_pem(KeyKind::Rsa4096)?)?,
    };
    let alg = config.signing_algorithm;
    let ci = match &config.signing_key_pem {
        Some(pem) => SigningKey::from_pem(pem, alg)?,
        None => SigningKey::from_pem(&generate_pem(alg.key_kind())?, alg)?,
    };
    Ok(KeyRing::new(&oidc, ci))
}

/// GitLab's OIDC key is RSA whatever the CI key is.
fn oidc_key(pem: &str) -> Result<SigningKey, Error> {
    SigningKey::from_pem(pem, SigningAlgorithm::Rs256).map_err(|e| Error::Key {
        reason: format!("the OIDC key: {e}"),
    })
}

/// Fills in both PEMs before an instance starts: an explicit PEM wins; else, with a state dir,
/// the key stored there, or a new one that is then stored; else a new one. The two keys are
/// made in parallel, off the async workers.
pub(crate) async fn resolve_pems(mut config: Config) -> Result<Config, Error> {
    let dir = config.state_dir.clone();
    let alg = config.signing_algorithm;
    let oidc = Wanted::new(
        config.oidc_key_pem.take(),
        &dir,
        OIDC_KEY_FILE,
        SigningAlgorithm::Rs256,
    );
    let oidc = oidc.kind(KeyKind::Rsa4096);
    let ci = Wanted::new(config.signing_key_pem.take(), &dir, CI_KEY_FILE, alg);
    let (oidc, ci) = (
        tokio::task::spawn_blocking(move || oidc.get()),
        tokio::task::spawn_blocking(move || ci.get()),
    );
    config.oidc_key_pem = Some(joined(oidc.await)?);
    config.signing_key_pem = Some(joined(ci.await)?);
    Ok(config)
}

/// One key an instance needs: given as a PEM, or to be loaded or made.
enum Wanted {
    Given(String),
    Stored {
        dir: Option<PathBuf>,
        file: &'static str,
        kind: KeyKind,
        alg: SigningAlgorithm,
    },
}

impl Wanted {
    fn new(
        pem: Option<String>,
        dir: &Option<PathBuf>,
        file: &'static str,
        alg: SigningAlgorithm,
    ) -> Self {
        match pem {
            Some(pem) => Self::Given(pem),
            None => Self::Stored {
                dir: dir.clone(),
                file,
                kind: alg.key_kind(),
                alg,
            },
        }
    }

    /// The OIDC key is RSA-4096, not the RSA-2048 that RS256 makes by default.
    fn kind(self, kind: KeyKind) -> Self {
        match self {
            Self::Stored { dir, file, alg, .. } => Self::Stored {
                dir,
                file,
                kind,
                alg,
            },
            given => given,
        }
    }

    fn get(self) -> Result<String, Error> {
        match self {
            Self::Given(pem) => Ok(pem),
            Self::Stored {
                dir,
                file,
                kind,
                alg,
            } => load_or_create(dir.as_deref(), file, kind, alg),
        }
    }
}

/// The key in `{dir}/{file}` if there is one (checked to be usable), else a new key, written
/// there when there is a dir.
fn load_or_create(
    dir: Option<&Path>,
    file: &str,
    kind: KeyKind,
    alg: SigningAlgorithm,
) -> Result<String, Error> {
    let Some(dir) = dir else {
        return Ok(generate_pem(kind)?);
    };
    let path = dir.join(file);
    match std::fs::read_to_string(&path) {
        Ok(pem) => {
            SigningKey::from_pem(&pem, alg).map_err(|e| Error::Key {
                reason: format!(
                    "{}: {e} (remove the file to have a new key generated)",
                    path.display()
                ),
            })?;
            Ok(pem)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let pem = generate_pem(kind)?;
            write_key_file(dir, file, &pem)?;
            Ok(pem)
        }
        Err(e) => Err(Error::io(format!("read {}", path.display()), e)),
    }
}

/// Writes `{dir}/{file}` readable by its owner only. Write then rename, so a restarted instance
/// never reads half a key.
pub(crate) fn write_key_file(dir: &Path, file: &str, pem: &str) -> Result<(), Error> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("create state dir {}", dir.display()), e))?;
    let path = dir.join(file);
    let partial = dir.join(format!("{file}.partial"));
    // A crash may have left a partial file behind; `create_new` below must not trip over it.
    let _ = std::fs::remove_file(&partial);
    let write = || -> std::io::Result<()> {
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&partial)?;
        out.write_all(pem.as_bytes())?;
        out.sync_all()
    };
    write().map_err(|e| Error::io(format!("write {}", partial.display()), e))?;
    std::fs::rename(&partial, &path).map_err(|e| Error::io(format!("write {}", path.display()), e))
}

/// Replaces the CI key with a new one of the same algorithm, stored in the state dir when the
/// instance has one. Rotations run one at a time.
pub(crate) async fn rotate(keys: &KeyRing, keep_old: bool) -> Result<Rotated, Error> {
    let _guard = keys.rotation_guard().await;
    let alg = keys.current().algorithm();
    let dir = keys.state_dir().cloned();
    let next = tokio::task::spawn_blocking(move || -> Result<SigningKey, Error> {
        let pem = generate_pem(alg.key_kind())?;
        if let Some(dir) = &dir {
            write_key_file(dir, CI_KEY_FILE, &pem)?;
        }
        Ok(SigningKey::from_pem(&pem, alg)?)
    });
    Ok(keys.install(joined(next.await)?, keep_old))
}

/// Undoes every rotation: the CI key the instance started with signs again, alone in the JWKS
/// beside the OIDC key, and is written back to the state dir (so a restart keeps it). Waits for a
/// rotation in progress.
pub(crate) async fn restore_initial(keys: &KeyRing) -> Result<(), Error> {
    let _guard = keys.rotation_guard().await;
    if let Some((dir, pem)) = keys.initial_pem_in_state_dir() {
        let (dir, pem) = (dir.clone(), pem.to_owned());
        joined(tokio::task::spawn_blocking(move || write_key_file(&dir, CI_KEY_FILE, &pem)).await)?;
    }
    keys.restore_initial();
    Ok(())
}

fn joined<T>(result: Result<Result<T, Error>, tokio::task::JoinError>) -> Result<T, Error> {
    match result {
        Ok(result) => result,
        // A panic is a bug; let it surface as one rather than as a key error.
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(Error::io("generate a key", std::io::Error::other(e))),
    }
}

#[cfg(test)]
mod tests;
