//! The types a scenario file deserialises into. `scenarios/schema.json` is generated from them, so
//! their doc comments are the schema's descriptions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::answers::{AwsAnswer, Expected};
use super::clients::{ANY_PROGRAM, ClientCase, ClientPlan, OTHERS};
use super::mirror;
use super::params::QueryParams;
use super::policy_text::PolicyText;
use super::token_file::TokenFile;
use crate::assume::DEFAULT_SESSION_NAME;
use crate::builder::FederationBuilder;
use crate::federation::Federation;
use crate::s3_client::{S3Call, S3Operation};

/// One documented case of the GitLab CI → AWS OIDC federation path: the GitLab instance, the AWS
/// account, the job's token, the request a client makes, and the exact answer AWS gives.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "fedlab scenario")]
pub struct Scenario {
    /// Kebab-case, unique in a run: the case's name in reports and on the command line.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub name: String,
    /// What happens, in the user's terms.
    pub description: String,
    /// The public document (title and URL) or issue this case reproduces.
    #[schemars(length(min = 1))]
    pub source: String,
    /// What to change to get past this error (or what made the success work), as the source
    /// documents it; `fedlab repro` prints it.
    #[serde(default)]
    pub fix: Option<String>,
    /// Pins both mocks' clock to this Unix time, so answers that quote the time (an expired
    /// token's message) are the same on every run. Clients that sign with their own clock then
    /// fail mock-sts's skew check, so only error cases should pin it.
    #[serde(default)]
    pub clock: Option<i64>,
    /// The GitLab instance: its release and what happens to its keys.
    #[serde(default)]
    pub gitlab: GitlabSetup,
    /// What exists in the AWS account before the job runs, created through the IAM API.
    #[serde(default)]
    pub aws: AwsSetup,
    /// The ID token mock-gitlab mints: the body of `POST /-/mock/id_tokens`.
    #[schemars(with = "mirror::MintRequest")]
    pub token: mock_gitlab::MintRequest,
    /// The AssumeRoleWithWebIdentity the client makes.
    pub request: WebIdentityRequest,
    /// What AWS answers.
    pub expect: Expected,
    /// The S3 calls the job then makes with its credentials, in order, each with S3's answer.
    /// Only a case that expects credentials has them.
    #[serde(default)]
    pub s3: Vec<S3Step>,
    /// Where real clients legitimately differ, by client name (`builtin`, `raw-http`, `aws-cli`,
    /// `boto3`, `aws-sdk-rust`, `cmd:PROGRAM`), `cmd:*` for every program plugged in by command,
    /// or `others` for every client not named.
    #[serde(default)]
    #[schemars(extend("propertyNames" = {
        "anyOf": [
            {"enum": super::clients::KNOWN_CLIENTS},
            {"const": super::clients::OTHERS},
            {"pattern": "^cmd:."}
        ]
    }))]
    pub clients: BTreeMap<String, ClientCase>,
}

/// The GitLab side of a scenario.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
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
    #[schemars(with = "Option<mirror::SigningAlgorithm>")]
    pub signing_algorithm: Option<mock_gitlab::SigningAlgorithm>,
    /// Issuer faults in force when the job runs (set after the IAM setup and the token).
    #[serde(default)]
    #[schemars(with = "Vec<mirror::Fault>")]
    pub faults: Vec<mock_gitlab::Fault>,
    /// Issuer faults in force from the start, while IAM registers the providers (replaced by
    /// `faults` before the job).
    #[serde(default)]
    #[schemars(with = "Vec<mirror::Fault>")]
    pub faults_at_setup: Vec<mock_gitlab::Fault>,
    /// After the token is minted and before the job runs, an administrator rotates the CI
    /// signing key.
    #[serde(default)]
    pub rotate_signing_key: Option<Rotation>,
    /// A real outage of the issuer's container while the job runs (after the IAM setup and the
    /// token): only a federation in containers can stage it; other targets skip the scenario.
    #[serde(default)]
    pub outage: Option<Outage>,
}

/// How the issuer's container is cut off from STS's for the job, and restored after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outage {
    /// `docker network disconnect`: the issuer's name no longer resolves on STS's network.
    Disconnected,
    /// `docker pause`: the issuer's address still accepts nothing, so STS's connection hangs
    /// until its 5-second limit.
    Paused,
    /// `docker stop`: the container is gone until it is started again with the same state.
    Stopped,
}

/// A rotation of the CI signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// Whether the old public key stays published in the JWKS.
    pub keep_old: bool,
}

/// The AWS account before the job runs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AwsSetup {
    /// Whether the issuer's CA is one of AWS's trusted root CAs (like gitlab.com's public
    /// certificate). `false` models a self-managed GitLab with a private CA: STS then accepts
    /// the issuer only through a provider thumbprint.
    #[serde(default = "yes")]
    #[schemars(default = "yes")]
    pub trusted_issuer_ca: bool,
    /// `aws iam create-open-id-connect-provider`, in order.
    #[serde(default)]
    pub providers: Vec<ProviderSetup>,
    /// `aws iam create-role`, in order.
    #[serde(default)]
    pub roles: Vec<RoleSetup>,
    /// `aws iam create-policy`: customer managed policies, created after the roles and before
    /// any attachment.
    #[serde(default)]
    pub managed_policies: Vec<ManagedPolicySetup>,
}

impl Default for AwsSetup {
    fn default() -> Self {
        Self {
            trusted_issuer_ca: true,
            providers: Vec::new(),
            roles: Vec::new(),
            managed_policies: Vec::new(),
        }
    }
}

fn yes() -> bool {
    true
}

/// An OIDC provider registration.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderSetup {
    /// The provider URL as given to `aws iam create-open-id-connect-provider --url`.
    pub url: String,
    /// The audiences (`--client-id-list`).
    #[serde(default)]
    pub client_ids: Vec<String>,
    /// `--thumbprint-list`; without one IAM connects to the issuer to compute it.
    #[serde(default)]
    pub thumbprints: Vec<String>,
    /// IAM refuses to register this provider with exactly this answer (the job then runs without
    /// it). Without it, the provider must be created.
    #[serde(default)]
    pub expect_error: Option<AwsAnswer>,
}

/// A role and its trust policy.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleSetup {
    /// The role name.
    pub name: String,
    /// The role's path, default `/`.
    #[serde(default)]
    pub path: Option<String>,
    /// The trust policy JSON, verbatim.
    pub trust_policy: String,
    /// `MaxSessionDuration` in seconds (default 3600).
    #[serde(default)]
    pub max_session_duration: Option<u32>,
    /// `aws iam put-role-policy`: the role's inline permission policies, in order.
    #[serde(default)]
    pub policies: Vec<InlinePolicySetup>,
    /// `aws iam attach-role-policy`: managed policy ARNs (AWS's, like
    /// `arn:aws:iam::aws:policy/AmazonS3FullAccess`, or the account's own), in order.
    #[serde(default)]
    pub attached_policies: Vec<String>,
}

/// An inline permission policy of a role.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicySetup {
    /// `--policy-name`.
    pub name: String,
    /// The policy: JSON text, verbatim, or the same document written in YAML.
    pub document: PolicyText,
}

/// A customer managed policy.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicySetup {
    /// `--policy-name`; its ARN is `arn:aws:iam::ACCOUNT:policy{path}{name}`.
    pub name: String,
    /// `--path`, default `/`.
    #[serde(default)]
    pub path: Option<String>,
    /// `--description`.
    #[serde(default)]
    pub description: Option<String>,
    /// The policy: JSON text, verbatim, or the same document written in YAML.
    pub document: PolicyText,
}

/// One S3 call the job makes with the credentials it got, and what S3 answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct S3Step {
    /// The operation, as S3's API reference names it.
    pub call: S3Operation,
    /// The bucket (every call but `ListBuckets`).
    #[serde(default)]
    pub bucket: Option<String>,
    /// The object key (`PutObject`, `GetObject`, `HeadObject`, `DeleteObject`).
    #[serde(default)]
    pub key: Option<String>,
    /// `PutObject`'s body (default empty).
    #[serde(default)]
    pub body: Option<String>,
    /// S3's error answer (code, exact message, status); without it the call must succeed. A
    /// HEAD's error answer has no body: `code` and `message` are then what mock-sts's log records,
    /// and a client is expected to report the status alone.
    #[serde(default)]
    pub expect: Option<AwsAnswer>,
}

impl S3Step {
    /// The call a client makes.
    pub fn call(&self) -> S3Call {
        S3Call {
            operation: self.call,
            bucket: self.bucket.clone().unwrap_or_default(),
            key: self.key.clone().unwrap_or_default(),
            body: self.body.clone().unwrap_or_default(),
        }
    }
}

/// The AssumeRoleWithWebIdentity call.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebIdentityRequest {
    /// A role name from `aws.roles` (or any name: a role that does not exist is a valid case).
    #[serde(default)]
    pub role: Option<String>,
    /// A full RoleArn, for cases the name cannot express (another account, a malformed ARN).
    #[serde(default)]
    pub role_arn: Option<String>,
    /// `RoleSessionName`, default `fedlab`.
    #[serde(default)]
    pub session_name: Option<String>,
    /// `DurationSeconds`; a client then calls AssumeRoleWithWebIdentity itself, as GitLab's
    /// tutorial does.
    #[serde(default)]
    pub duration_seconds: Option<u32>,
    /// The job wrote the token file with `echo "$TOKEN" > file`, so it ends with a newline that
    /// clients send along (botocore reads the file verbatim).
    #[serde(default)]
    pub token_file_newline: bool,
    /// What the token file holds instead of the minted token as it is (another text, another
    /// header, another signature). Every client reads the file, so every client can run it.
    #[serde(default)]
    pub token_file: Option<TokenFile>,
    /// Query parameters sent exactly as written, added to the request or replacing its own
    /// (e.g. `DurationSeconds: "abc"`). Only a client that sends raw HTTP can: a scenario with
    /// `params` must skip `others` and name the clients that run it.
    #[serde(default)]
    pub params: QueryParams,
    /// `Policy`: a session policy (JSON text, or the document in YAML). The session's
    /// permissions are its intersection with the role's. A client then calls
    /// AssumeRoleWithWebIdentity itself, as credential providers never send one.
    #[serde(default)]
    pub policy: Option<PolicyText>,
    /// `PolicyArns`: managed policies as session policies, by ARN.
    #[serde(default)]
    pub policy_arns: Vec<String>,
}

impl Scenario {
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
        if let Some(now) = self.clock {
            builder = builder.fixed_time(now);
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

impl Scenario {
    /// This client's plan: its own `clients` entry, else (for a `cmd:` client) the `cmd:*` entry
    /// for every program, else the `others` entry, else the scenario's `expect` as it is.
    /// Entries are not merged: the most specific one is used whole.
    pub fn plan_for(&self, client: &str) -> ClientPlan<'_> {
        let any_program = client
            .starts_with("cmd:")
            .then(|| self.clients.get(ANY_PROGRAM))
            .flatten();
        let case = self
            .clients
            .get(client)
            .or(any_program)
            .or_else(|| self.clients.get(OTHERS));
        match case {
            Some(ClientCase {
                skip: Some(reason), ..
            }) => ClientPlan::Skip(reason),
            Some(case) => ClientPlan::Run {
                expect: case.expect.as_ref().unwrap_or(&self.expect),
                assume_requests: case.assume_requests,
            },
            None => ClientPlan::Run {
                expect: &self.expect,
                assume_requests: None,
            },
        }
    }
}
