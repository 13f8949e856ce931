//! Where scenarios come from: the catalogue embedded at build time, files and directories.

use std::path::{Path, PathBuf};

use super::format::Scenario;
use super::placeholders::Placeholders;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_scenarios.rs"));
}

/// One scenario file, not yet rendered.
#[derive(Debug, Clone)]
pub struct ScenarioSource {
    /// A path, or `embedded:<file>` for the catalogue built into the binary.
    pub origin: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    // Causes are part of the message (not `#[source]`), so plain `to_string()` keeps them and
    // `{:#}` does not print them twice.
    #[error("failed to read {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{origin}: unknown placeholder {{{{{name}}}}} (known: {known})")]
    UnknownPlaceholder {
        origin: String,
        name: String,
        known: String,
    },
    #[error("{origin}: {error}")]
    Parse {
        origin: String,
        error: serde_yaml::Error,
    },
    #[error("{origin}: {reason}")]
    Invalid { origin: String, reason: String },
    #[error("no file, directory or embedded scenario named {wanted:?} (see `fedlab list`)")]
    NotFound { wanted: String },
}

impl ScenarioSource {
    /// The catalogue compiled into this binary from `scenarios/`.
    pub fn embedded() -> Vec<Self> {
        embedded::EMBEDDED
            .iter()
            .map(|(name, text)| Self {
                origin: format!("embedded:{name}"),
                text: (*text).to_owned(),
            })
            .collect()
    }

    /// Files, or every `*.yaml`/`*.yml` directly inside a directory, sorted by path.
    pub fn load(paths: &[PathBuf]) -> Result<Vec<Self>, ScenarioError> {
        let mut files = Vec::new();
        for path in paths {
            if path.is_dir() {
                let entries = std::fs::read_dir(path).map_err(|error| ScenarioError::Read {
                    path: path.clone(),
                    error,
                })?;
                let mut found: Vec<PathBuf> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| is_yaml(p))
                    .collect();
                found.sort();
                files.extend(found);
            } else {
                files.push(path.clone());
            }
        }
        files
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path).map_err(|error| ScenarioError::Read {
                    path: path.clone(),
                    error,
                })?;
                Ok(Self {
                    origin: path.display().to_string(),
                    text,
                })
            })
            .collect()
    }

    /// Files and directories that exist on disk, otherwise the name (or file name) of an
    /// embedded scenario, so `fedlab run wrong-audience` works from anywhere.
    pub fn resolve(arguments: &[PathBuf]) -> Result<Vec<Self>, ScenarioError> {
        let mut sources = Vec::new();
        for argument in arguments {
            if argument.exists() {
                sources.extend(Self::load(std::slice::from_ref(argument))?);
                continue;
            }
            let wanted = argument.to_string_lossy();
            let found = Self::embedded().into_iter().find(|source| {
                let file_name = source.origin.trim_start_matches("embedded:");
                file_name == wanted
                    || file_name.trim_end_matches(".yaml") == wanted
                    || source.preview().is_ok_and(|s| s.name == wanted)
            });
            match found {
                Some(source) => sources.push(source),
                None => {
                    return Err(ScenarioError::NotFound {
                        wanted: wanted.into_owned(),
                    });
                }
            }
        }
        Ok(sources)
    }

    /// Parses with placeholders filled by stand-ins, to list and validate without an
    /// environment.
    pub fn preview(&self) -> Result<Scenario, ScenarioError> {
        self.render(&Placeholders::dummies())
    }

    /// Parses with the placeholders' run-time values.
    pub fn render(&self, values: &Placeholders) -> Result<Scenario, ScenarioError> {
        let text =
            values
                .substitute(&self.text)
                .map_err(|name| ScenarioError::UnknownPlaceholder {
                    origin: self.origin.clone(),
                    name,
                    known: Placeholders::NAMES.join(", "),
                })?;
        let scenario: Scenario =
            serde_yaml::from_str(&text).map_err(|error| ScenarioError::Parse {
                origin: self.origin.clone(),
                error,
            })?;
        scenario.check().map_err(|reason| ScenarioError::Invalid {
            origin: self.origin.clone(),
            reason,
        })?;
        Ok(scenario)
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "yaml" || ext == "yml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_scenario_parses_and_names_its_source() {
        let sources = ScenarioSource::embedded();
        assert!(!sources.is_empty(), "no scenarios embedded from scenarios/");
        for source in sources {
            let scenario = source.preview().unwrap_or_else(|e| panic!("{e}"));
            assert!(!scenario.source.is_empty(), "{}", source.origin);
        }
    }
}
