//! The PKI in the state dir, so that a restarted instance keeps its CA and its thumbprint: a
//! verifier that trusts the old `ca.pem`, or an IAM provider that pinned the old thumbprint,
//! keeps working.
//!
//! Files: `ca.pem` (the root certificate, written by `server` as before), `ca-key.pem`,
//! `intermediate.pem`, `intermediate-key.pem`, `leaf.pem` and `leaf-key.pem`. Keys are written
//! with mode 0600; every file is written under a temporary name and then renamed, so a reader
//! never sees half a file. None of these names is `oidc-key.pem` or `ci-key.pem`, the files of
//! the token signing keys, which share the directory.

use std::fs;
use std::io::{self, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rcgen::KeyPair;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

use crate::pki::{Chain, Root};

/// The root certificate's file name; `server` writes it, this module reads it.
pub(crate) const ROOT_CERT: &str = "ca.pem";
const ROOT_KEY: &str = "ca-key.pem";
const INTERMEDIATE_CERT: &str = "intermediate.pem";
const INTERMEDIATE_KEY: &str = "intermediate-key.pem";
const LEAF_CERT: &str = "leaf.pem";
const LEAF_KEY: &str = "leaf-key.pem";

const KEY_MODE: u32 = 0o600;
const CERT_MODE: u32 = 0o644;

#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error("failed to write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// The stored root and chain, or why there is none to use (a missing or unreadable file).
/// Whether they still fit the issuer is for the caller to check.
pub(crate) fn load(dir: &Path) -> Result<(Root, Chain), String> {
    let root = Root::from_pem(&read(dir, ROOT_KEY)?, &read(dir, ROOT_CERT)?)?;
    let chain = Chain {
        intermediate: certificate(dir, INTERMEDIATE_CERT)?,
        intermediate_key: key(dir, INTERMEDIATE_KEY)?,
        leaf: certificate(dir, LEAF_CERT)?,
        leaf_key: key(dir, LEAF_KEY)?,
    };
    Ok((root, chain))
}

/// Writes everything but `ca.pem`, creating `dir` if needed.
pub(crate) fn save(dir: &Path, root: &Root, chain: &Chain) -> Result<(), StoreError> {
    fs::create_dir_all(dir).map_err(|source| StoreError::Write {
        path: dir.to_owned(),
        source,
    })?;
    let files = [
        (ROOT_KEY, root.key().serialize_pem(), KEY_MODE),
        (
            INTERMEDIATE_KEY,
            chain.intermediate_key.serialize_pem(),
            KEY_MODE,
        ),
        (LEAF_KEY, chain.leaf_key.serialize_pem(), KEY_MODE),
        (INTERMEDIATE_CERT, pem(&chain.intermediate), CERT_MODE),
        (LEAF_CERT, pem(&chain.leaf), CERT_MODE),
    ];
    for (name, contents, mode) in files {
        write_atomic(&dir.join(name), contents.as_bytes(), mode)?;
    }
    Ok(())
}

fn read(dir: &Path, name: &str) -> Result<String, String> {
    let path = dir.join(name);
    fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

fn certificate(dir: &Path, name: &str) -> Result<CertificateDer<'static>, String> {
    CertificateDer::from_pem_slice(read(dir, name)?.as_bytes()).map_err(|e| format!("{name}: {e}"))
}

fn key(dir: &Path, name: &str) -> Result<KeyPair, String> {
    KeyPair::from_pem(&read(dir, name)?).map_err(|e| format!("{name}: {e}"))
}

fn pem(der: &CertificateDer<'_>) -> String {
    let body = STANDARD.encode(der.as_ref());
    let mut text = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in body.as_bytes().chunks(64) {
        text.push_str(&String::from_utf8_lossy(line));
        text.push('\n');
    }
    text.push_str("-----END CERTIFICATE-----\n");
    text
}

/// Write then rename. The temporary file is created with its final mode, so a key is never
/// readable by others, not even for a moment.
fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> Result<(), StoreError> {
    let failed = |source| StoreError::Write {
        path: path.to_owned(),
        source,
    };
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    match fs::remove_file(&partial) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(failed(e)),
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&partial)
        .map_err(failed)?;
    file.write_all(contents).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    fs::rename(&partial, path).map_err(failed)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn a_saved_pki_loads_back_and_keys_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::generate().unwrap();
        let chain = root.sign_chain(&["localhost".to_owned()]).unwrap();
        save(dir.path(), &root, &chain).unwrap();
        // `server` writes ca.pem; without it nothing is reused.
        assert!(load(dir.path()).unwrap_err().contains("ca.pem"));
        fs::write(dir.path().join(ROOT_CERT), root.pem()).unwrap();

        let (loaded_root, loaded_chain) = load(dir.path()).unwrap();
        assert_eq!(loaded_root.der(), root.der());
        assert_eq!(loaded_chain.leaf, chain.leaf);
        assert_eq!(loaded_chain.intermediate, chain.intermediate);
        assert_eq!(
            loaded_chain.leaf_key.serialize_der(),
            chain.leaf_key.serialize_der()
        );
        for name in [ROOT_KEY, INTERMEDIATE_KEY, LEAF_KEY] {
            let mode = fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn the_pem_of_a_certificate_reads_back_as_the_same_der() {
        let root = Root::generate().unwrap();
        let text = pem(root.der());
        assert_eq!(
            CertificateDer::from_pem_slice(text.as_bytes()).unwrap(),
            *root.der()
        );
    }
}
