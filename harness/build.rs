//! Embeds every `scenarios/**/*.yaml` file in the `fedlab` binary, so `fedlab run` with no path
//! runs the whole catalogue from anywhere.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Every `*.yaml`/`*.yml` under `dir`, hidden directories left out; each directory is watched so
/// an added or removed file rebuilds the catalogue.
fn yaml_files(dir: &Path, found: &mut Vec<PathBuf>) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if path.is_dir() && !hidden {
            yaml_files(&path, found);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            found.push(path);
        }
    }
}

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = Path::new(&manifest_dir).join("../scenarios");
    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    files.sort();
    let mut code = String::from("pub(crate) const EMBEDDED: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        // Relative to scenarios/, with `/` on every platform: `sub/name.yaml`.
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let absolute = path.canonicalize().unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            absolute.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()))
        .join("embedded_scenarios.rs");
    if let Err(err) = std::fs::write(&out, code) {
        println!("cargo:warning=failed to write {}: {err}", out.display());
    }
}
