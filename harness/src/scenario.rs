//! The scenario file format (documented in `scenarios/README.md`).
//!
//! A scenario is YAML so that real trust-policy JSON and `.gitlab-ci.yml` snippets paste in
//! verbatim. Placeholders such as `{{issuer_host}}` are replaced before parsing, because the
//! environment (ports, thumbprints) only exists at run time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_scenarios.rs"));
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Kebab-case, unique in the catalogue.
    pub name: String,
    pub description: String,
    /// The seed file, document or issue this case reproduces.
    pub source: String,
    /// What exists in the AWS account before the job runs, created through the IAM API.
    #[serde(default)]
    pub aws: AwsSetup,
    /// The ID token mock-gitlab mints: the body of `POST /-/mock/id_tokens`.
    pub token: serde_json::Value,
    /// The AssumeRoleWithWebIdentity the client makes.
    pub request: WebIdentityRequest,
    pub expect: Expectation,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsSetup {
    /// Whether the issuer's CA is one of AWS's trusted root CAs (like gitlab.com's public
    /// certificate). `false` models a self-managed GitLab with a private CA: STS then accepts
    /// the issuer only through a provider thumbprint.
    #[serde(default = "yes")]
    pub trusted_issuer_ca: bool,
    #[serde(default)]
    pub providers: Vec<ProviderSetup>,
    #[serde(default)]
    pub roles: Vec<RoleSetup>,
}

impl Default for AwsSetup {
    fn default() -> Self {
        Self {
            trusted_issuer_ca: true,
            providers: Vec::new(),
            roles: Vec::new(),
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSetup {
    /// The provider URL as given to `aws iam create-open-id-connect-provider --url`.
    pub url: String,
    #[serde(default)]
    pub client_ids: Vec<String>,
    #[serde(default)]
    pub thumbprints: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSetup {
    pub name: String,
    #[serde(default)]
    pub path: Option<String>,
    /// The trust policy JSON, verbatim.
    pub trust_policy: String,
    #[serde(default)]
    pub max_session_duration: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebIdentityRequest {
    /// A role name from `aws.roles` (or any name: a role that does not exist is a valid case).
    #[serde(default)]
    pub role: Option<String>,
    /// A full RoleArn, for cases the name cannot express (another account, a malformed ARN).
    #[serde(default)]
    pub role_arn: Option<String>,
    #[serde(default)]
    pub session_name: Option<String>,
    #[serde(default)]
    pub duration_seconds: Option<u32>,
}

/// What AWS answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Expectation {
    /// Credentials are issued and work: GetCallerIdentity signed with them succeeds.
    Credentials,
    /// AWS refuses with exactly this code and message (and status, when given).
    Error {
        code: String,
        message: String,
        #[serde(default)]
        status: Option<u16>,
    },
}

/// One scenario file, not yet rendered.
#[derive(Debug, Clone)]
pub struct ScenarioSource {
    /// A path, or `embedded:<file>` for the catalogue built into the binary.
    pub origin: String,
    pub text: String,
}

pub const DEFAULT_SESSION_NAME: &str = "fedlab";

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

    /// Parses with placeholders filled by dummies, to list and validate without an environment.
    pub fn preview(&self) -> Result<Scenario, ScenarioError> {
        let dummies = Variables::placeholder_names()
            .iter()
            .map(|name| ((*name).to_owned(), format!("{name}-value")))
            .collect();
        self.render(&Variables(dummies))
    }

    pub fn render(&self, variables: &Variables) -> Result<Scenario, ScenarioError> {
        let text = substitute(&self.text, variables).map_err(|name| {
            ScenarioError::UnknownPlaceholder {
                origin: self.origin.clone(),
                name,
                known: Variables::placeholder_names().join(", "),
            }
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

impl Scenario {
    fn check(&self) -> Result<(), String> {
        if self.source.trim().is_empty() {
            return Err(
                "`source` must name the seed, document or issue this case reproduces".into(),
            );
        }
        match (&self.request.role, &self.request.role_arn) {
            (Some(_), None) | (None, Some(_)) => Ok(()),
            _ => Err("`request` needs exactly one of `role` and `role_arn`".into()),
        }
    }

    /// The RoleArn the client sends.
    pub fn role_arn(&self, account: &str) -> String {
        if let Some(arn) = &self.request.role_arn {
            return arn.clone();
        }
        let name = self.request.role.as_deref().unwrap_or_default();
        let path = self
            .aws
            .roles
            .iter()
            .find(|r| r.name == name)
            .and_then(|r| r.path.clone())
            .unwrap_or_else(|| "/".to_owned());
        format!("arn:aws:iam::{account}:role{path}{name}")
    }

    pub fn session_name(&self) -> &str {
        self.request
            .session_name
            .as_deref()
            .unwrap_or(DEFAULT_SESSION_NAME)
    }
}

/// Values for `{{name}}` placeholders.
#[derive(Debug, Clone, Default)]
pub struct Variables(pub BTreeMap<String, String>);

impl Variables {
    pub fn placeholder_names() -> &'static [&'static str] {
        &[
            "issuer",
            "issuer_host",
            "account",
            "thumbprint",
            "unreachable_issuer",
            "unreachable_issuer_host",
        ]
    }
}

/// Replaces every `{{ name }}`; an unknown name is an error naming it.
fn substitute(text: &str, variables: &Variables) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = after[..end].trim();
        match variables.0.get(name) {
            Some(value) => out.push_str(value),
            None => return Err(name.to_owned()),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        Variables(BTreeMap::from([(
            "issuer_host".to_owned(),
            "localhost:1".to_owned(),
        )]))
    }

    #[test]
    fn placeholders_are_replaced_and_unknown_ones_named() {
        assert_eq!(
            substitute(r#""{{issuer_host}}:sub": "x""#, &vars()).as_deref(),
            Ok(r#""localhost:1:sub": "x""#)
        );
        assert_eq!(substitute("{{ nope }}", &vars()), Err("nope".to_owned()));
        assert_eq!(
            substitute("${aws:username}", &vars()).as_deref(),
            Ok("${aws:username}")
        );
    }

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
    fn role_names_become_arns_with_their_path() {
        let source = ScenarioSource {
            origin: "t".into(),
            text: "name: n\ndescription: d\nsource: s\naws:\n  roles:\n    - name: r\n      path: /ci/\n      trust_policy: '{}'\ntoken: {}\nrequest:\n  role: r\nexpect:\n  result: credentials\n".into(),
        };
        let scenario = source.preview().unwrap();
        assert_eq!(
            scenario.role_arn("123456789012"),
            "arn:aws:iam::123456789012:role/ci/r"
        );
        assert_eq!(scenario.expect, Expectation::Credentials);
    }
}
