//! Files other programs read while fedlab writes them.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Write then rename, so a reader (a CLI reading the token file, a shell sourcing an env file)
/// never sees a half-written file.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), Error> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, text).map_err(|e| Error::io(&partial, e))?;
    std::fs::rename(&partial, path).map_err(|e| Error::io(path, e))
}
