//! The types a scenario file deserialises into, and the rules YAML cannot express.

use serde::Deserialize;

use crate::assume::DEFAULT_SESSION_NAME;
use crate::builder::FederationBuilder;
use crate::federation::Federation;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Kebab-case, unique in the catalogue.
    pub name: String,
    pub description: String,
    /// The public document (title and URL) or issue this case reproduces.
    pub source: String,
    /// The GitLab instance: its release and what happens to its keys.
    #[serde(default)]
    pub gitlab: GitlabSetup,
    /// What exists in the AWS account before the job runs, created through the IAM API.
    #[serde(default)]
    pub aws: AwsSetup,
    /// The ID token mock-gitlab mints: the body of `POST /-/mock/id_tokens`.
    pub token: mock_gitlab::MintRequest,
    /// The AssumeRoleWithWebIdentity the client makes.
    pub request: WebIdentityRequest,
    pub expect: Expected,
}

/// The GitLab side of a scenario.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitlabSetup {
    /// The release mock-gitlab imitates, quoted: `"16.11"`. Defaults to the newest.
    #[serde(default)]
    pub version: Option<String>,
    /// GitLab 18.1's `ci_id_tokens_issuer_url`: the ID tokens' `iss` (placeholders allowed).
    #[serde(default)]
    pub id_tokens_issuer_url: Option<String>,
    /// The CI key's algorithm, `RS256` (default) or `ES256`.
    #[serde(default)]
    pub signing_algorithm: Option<mock_gitlab::SigningAlgorithm>,
    /// Issuer faults in force when the job runs (set after the IAM setup and the token).
    #[serde(default)]
    pub faults: Vec<mock_gitlab::Fault>,
    /// Issuer faults in force from the start, while IAM registers the providers (replaced by
    /// `faults` before the job).
    #[serde(default)]
    pub faults_at_setup: Vec<mock_gitlab::Fault>,
    /// After the token is minted and before the job runs, an administrator rotates the CI
    /// signing key.
    #[serde(default)]
    pub rotate_signing_key: Option<Rotation>,
}

/// A rotation of the CI signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// Whether the old public key stays published in the JWKS.
    pub keep_old: bool,
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
    /// IAM refuses to register this provider with exactly this answer (the job then runs without
    /// it). Without it, the provider must be created.
    #[serde(default)]
    pub expect_error: Option<AwsAnswer>,
}

/// An AWS error answer: code, message (`null` for none) and, optionally, status.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsAnswer {
    pub code: String,
    #[serde(deserialize_with = "required_but_nullable")]
    pub message: Option<String>,
    #[serde(default)]
    pub status: Option<u16>,
}

impl AwsAnswer {
    /// Whether an answer is this one (the status only when one is expected).
    pub fn matches(&self, answer: &crate::error::AwsError) -> bool {
        self.code == answer.code
            && self.message == answer.message
            && self.status.is_none_or(|status| status == answer.status)
    }
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
    /// The job wrote the token file with `echo "$TOKEN" > file`, so it ends with a newline that
    /// clients send along (botocore reads the file verbatim).
    #[serde(default)]
    pub token_file_newline: bool,
}

/// What AWS answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Expected {
    /// Credentials are issued and work: GetCallerIdentity signed with them succeeds.
    Credentials,
    /// AWS refuses with exactly this code and message (and status, when given). `message` must
    /// be written out; `message: null` means AWS sends no `<Message>` element at all.
    Error {
        code: String,
        #[serde(deserialize_with = "required_but_nullable")]
        message: Option<String>,
        #[serde(default)]
        status: Option<u16>,
    },
}

/// Serde treats a missing `Option` field as `None`; going through a function makes the field
/// required, so forgetting `message` is a load error rather than "expects no message".
fn required_but_nullable<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(deserializer)
}

impl Scenario {
    /// Rules the YAML schema cannot express.
    pub(super) fn check(&self) -> Result<(), String> {
        if self.source.trim().is_empty() {
            return Err(
                "`source` must name the public document or issue this case reproduces".into(),
            );
        }
        match (&self.request.role, &self.request.role_arn) {
            (Some(_), None) | (None, Some(_)) => Ok(()),
            _ => Err("`request` needs exactly one of `role` and `role_arn`".into()),
        }
    }

    /// The federation this scenario runs in: its GitLab release and key algorithm, and whether
    /// AWS trusts the issuer's CA.
    pub fn federation(&self) -> FederationBuilder {
        let mut builder = Federation::builder().trusted_issuer_ca(self.aws.trusted_issuer_ca);
        if let Some(version) = &self.gitlab.version {
            builder = builder.gitlab_version(version);
        }
        if let Some(url) = &self.gitlab.id_tokens_issuer_url {
            builder = builder.id_tokens_issuer_url(url);
        }
        if let Some(algorithm) = self.gitlab.signing_algorithm {
            builder = builder.signing_algorithm(algorithm);
        }
        builder.faults(self.gitlab.faults_at_setup.clone())
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

    /// `RoleSessionName`, [`DEFAULT_SESSION_NAME`] unless the scenario sets one.
    pub fn session_name(&self) -> &str {
        self.request
            .session_name
            .as_deref()
            .unwrap_or(DEFAULT_SESSION_NAME)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ScenarioError, ScenarioSource};

    fn scenario(text: &str) -> Result<Scenario, ScenarioError> {
        ScenarioSource {
            origin: "t".into(),
            text: text.into(),
        }
        .preview()
    }

    const HEAD: &str = "name: n\ndescription: d\nsource: s\n";

    #[test]
    fn role_names_become_arns_with_their_path() {
        let scenario = scenario(&format!("{HEAD}aws:\n  roles:\n    - name: r\n      path: /ci/\n      trust_policy: '{{}}'\ntoken: {{}}\nrequest:\n  role: r\nexpect:\n  result: credentials\n")).unwrap();
        assert_eq!(
            scenario.role_arn("123456789012"),
            "arn:aws:iam::123456789012:role/ci/r"
        );
        assert_eq!(scenario.expect, Expected::Credentials);
    }

    #[test]
    fn an_error_expectation_must_spell_out_its_message_or_null() {
        let with = |expect: &str| {
            scenario(&format!(
                "{HEAD}token: {{}}\nrequest: {{role: r}}\nexpect: {expect}\n"
            ))
        };
        let no_message = with("{result: error, code: MalformedInput, message: null}").unwrap();
        assert_eq!(
            no_message.expect,
            Expected::Error {
                code: "MalformedInput".into(),
                message: None,
                status: None
            }
        );
        let missing = with("{result: error, code: MalformedInput}").unwrap_err();
        assert!(
            missing.to_string().contains("missing field `message`"),
            "{missing}"
        );
    }

    #[test]
    fn a_typo_in_the_token_section_is_a_load_error() {
        let err = scenario(&format!("{HEAD}token: {{aud: a, project_pat: x}}\nrequest: {{role: r}}\nexpect: {{result: credentials}}\n")).unwrap_err();
        assert!(err.to_string().contains("project_pat"), "{err}");
    }
}
