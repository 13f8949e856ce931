//! Where scenarios come from: the catalogue embedded at build time, files and directories; and
//! the errors of loading them, each naming the file and, where there is one, the line.

use std::fmt;
use std::path::{Path, PathBuf};

use super::format::Scenario;
use super::locate::{line_at, line_of};
use super::placeholders::Placeholders;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_scenarios.rs"));
}

/// One scenario file, not yet rendered.
#[derive(Debug, Clone)]
pub struct ScenarioSource {
    /// A path, or `embedded:<file>` for the catalogue built into the binary (`<file>` relative
    /// to `scenarios/`, e.g. `embedded:wrong-audience.yaml`).
    pub origin: String,
    pub text: String,
}

/// A place in a scenario file: `file:line:column`, `file:line` or `file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub origin: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
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
    /// The file is not a valid scenario: YAML, a field, a placeholder or a rule.
    #[error("{at}: {message}")]
    Invalid { at: Position, message: String },
    #[error("no file, directory or embedded scenario named {wanted:?} (see `fedlab list`)")]
    NotFound { wanted: String },
    #[error("no scenario files (*.yaml, *.yml) in {place}")]
    Empty { place: String },
    #[error("{selection} selects none of the {total} scenario(s)")]
    NoneSelected { selection: String, total: usize },
    #[error("two scenarios are named {name:?}: {first} and {second} (names must be unique)")]
    DuplicateName {
        name: String,
        first: String,
        second: String,
    },
}

impl ScenarioSource {
    /// The catalogue compiled into this binary from `scenarios/` (subfolders included).
    pub fn embedded() -> Vec<Self> {
        embedded::EMBEDDED
            .iter()
            .map(|(name, text)| Self {
                origin: format!("embedded:{name}"),
                text: (*text).to_owned(),
            })
            .collect()
    }

    /// Files, or every `*.yaml`/`*.yml` inside a directory and its subdirectories, sorted by
    /// path. A directory without any is an error: an empty run would pass for nothing.
    pub fn load(paths: &[PathBuf]) -> Result<Vec<Self>, ScenarioError> {
        let mut files = Vec::new();
        for path in paths {
            if path.is_dir() {
                let mut found = Vec::new();
                yaml_files(path, &mut found)?;
                if found.is_empty() {
                    return Err(ScenarioError::Empty {
                        place: path.display().to_string(),
                    });
                }
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
            let found = Self::embedded()
                .into_iter()
                .find(|source| source.is_named(&wanted));
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

    /// Whether `wanted` names this source: its scenario name, its file name with or without the
    /// extension, or its path inside the catalogue.
    pub fn is_named(&self, wanted: &str) -> bool {
        let file = self.origin.trim_start_matches("embedded:");
        let file_name = Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        [file, file_name.as_str()]
            .iter()
            .any(|f| *f == wanted || f.trim_end_matches(".yaml").trim_end_matches(".yml") == wanted)
            || self.preview().is_ok_and(|s| s.name == wanted)
    }

    /// The name to report this source under: its scenario's name, or for a file that does not
    /// load, its file name without the extension.
    pub fn display_name(&self) -> String {
        match self.preview() {
            Ok(scenario) => scenario.name,
            Err(_) => Path::new(self.origin.trim_start_matches("embedded:"))
                .file_stem()
                .map_or_else(|| self.origin.clone(), |s| s.to_string_lossy().into_owned()),
        }
    }

    /// Parses with placeholders filled by stand-ins, to list and validate without an
    /// environment.
    pub fn preview(&self) -> Result<Scenario, ScenarioError> {
        self.render(&Placeholders::dummies())
    }

    /// Parses with the placeholders' run-time values.
    pub fn render(&self, values: &Placeholders) -> Result<Scenario, ScenarioError> {
        let text = values.substitute(&self.text).map_err(|(name, offset)| {
            self.invalid(
                Some(line_at(&self.text, offset)),
                None,
                format!(
                    "unknown placeholder {{{{{name}}}}} (known: {})",
                    Placeholders::NAMES.join(", ")
                ),
            )
        })?;
        let scenario: Scenario = serde_yaml::from_str(&text).map_err(|error| {
            let location = error.location();
            let line = location.as_ref().map(serde_yaml::Location::line);
            // A placeholder earlier on the line moves the column; the line stays right.
            let before_column = |text: &str, line: usize, column: usize| {
                text.lines()
                    .nth(line - 1)
                    .and_then(|l| l.get(..column - 1))
                    .map(str::to_owned)
            };
            let column =
                location
                    .as_ref()
                    .map(|l| (l.line(), l.column()))
                    .and_then(|(line, column)| {
                        let unmoved = before_column(&self.text, line, column)
                            .is_some_and(|b| Some(b) == before_column(&text, line, column));
                        unmoved.then_some(column)
                    });
            let mut message = error.to_string();
            if let Some(location) = error.location() {
                let suffix = format!(" at line {} column {}", location.line(), location.column());
                if let Some(stripped) = message.strip_suffix(&suffix) {
                    message = stripped.to_owned();
                }
            }
            self.invalid(line, column, message)
        })?;
        scenario.check().map_err(|invalid| {
            self.invalid(line_of(&self.text, &invalid.path), None, invalid.reason)
        })?;
        Ok(scenario)
    }

    fn invalid(
        &self,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    ) -> ScenarioError {
        ScenarioError::Invalid {
            at: Position {
                origin: self.origin.clone(),
                line,
                column,
            },
            message,
        }
    }
}

/// Every `*.yaml`/`*.yml` under `dir`, hidden directories left out.
fn yaml_files(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), ScenarioError> {
    let entries = std::fs::read_dir(dir).map_err(|error| ScenarioError::Read {
        path: dir.to_owned(),
        error,
    })?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if path.is_dir() && !hidden {
            yaml_files(&path, found)?;
        } else if is_yaml(&path) {
            found.push(path);
        }
    }
    Ok(())
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

    #[test]
    fn an_empty_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = ScenarioSource::load(&[dir.path().to_owned()]).unwrap_err();
        assert!(matches!(err, ScenarioError::Empty { .. }), "{err}");
    }

    #[test]
    fn subdirectories_are_loaded_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        std::fs::write(dir.path().join("b/x.yaml"), "").unwrap();
        std::fs::write(dir.path().join("a.yml"), "").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "").unwrap();
        let sources = ScenarioSource::load(&[dir.path().to_owned()]).unwrap();
        let names: Vec<_> = sources
            .iter()
            .map(|s| s.origin.trim_start_matches(&*dir.path().to_string_lossy()))
            .collect();
        assert_eq!(names, ["/a.yml", "/b/x.yaml"]);
    }
}
