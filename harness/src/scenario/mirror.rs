//! Schema-only mirrors of mock-gitlab's types that scenario files contain (the mint request, the
//! issuer faults, the signing algorithm). They are never deserialised into: loading goes through
//! mock-gitlab's own types. `tests` below fail when a mirror drifts from its original.

#![allow(dead_code, reason = "the fields only describe the schema")]

use schemars::JsonSchema;
use serde_json::{Map, Value};

/// The body of mock-gitlab's `POST /-/mock/id_tokens`. Every field is optional; a missing one
/// takes a fixed default. Kind `id_token` needs `aud` (or `claims.aud`); the legacy kinds refuse
/// `aud`, as GitLab fixes theirs.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "MintRequest")]
pub(super) struct MintRequest {
    /// Which token to imitate; default `id_token`.
    kind: Option<TokenKind>,
    /// The job's `id_tokens: NAME: aud:`: a string, or a list.
    aud: Option<Audience>,
    /// Default `mygroup/myproject`.
    project_path: Option<String>,
    /// Default `42`.
    project_id: Option<String>,
    /// Default `7`.
    namespace_id: Option<String>,
    /// Default: `project_path` without its last segment.
    namespace_path: Option<String>,
    /// Default: `project_id`.
    job_project_id: Option<String>,
    /// Default: `project_path`.
    job_project_path: Option<String>,
    /// Default: `namespace_id`.
    job_namespace_id: Option<String>,
    /// Default: the parent of `job_project_path` if that is set, else `namespace_path`.
    job_namespace_path: Option<String>,
    /// The `ref` claim: a branch or tag name (default `main`).
    #[schemars(rename = "ref")]
    git_ref: Option<String>,
    /// `branch` (default) or `tag`.
    ref_type: Option<RefType>,
    /// Whether the ref is protected.
    ref_protected: Option<bool>,
    /// Default `push`.
    pipeline_source: Option<String>,
    /// Default: `pipeline_source`.
    job_source: Option<String>,
    /// Default `fedlab`.
    user_login: Option<String>,
    /// Default `fedlab@example.com`.
    user_email: Option<String>,
    /// Default `1`.
    user_id: Option<String>,
    /// Default `developer`.
    user_access_level: Option<String>,
    /// Present in the token only when set.
    user_identities: Option<Vec<UserIdentity>>,
    /// Present in the token only when set.
    groups_direct: Option<Vec<String>>,
    /// Default `2002`.
    job_id: Option<String>,
    /// Default `1001`.
    pipeline_id: Option<String>,
    /// The commit SHA.
    sha: Option<String>,
    /// Default `1`.
    runner_id: Option<i64>,
    /// Default `self-hosted`.
    runner_environment: Option<String>,
    /// Default `private`.
    project_visibility: Option<String>,
    /// The job's environment; without it the token has no environment claims.
    environment: Option<EnvironmentSpec>,
    /// Token lifetime in seconds (GitLab uses the job timeout); default 300.
    expires_in: Option<i64>,
    /// The project's `ci_id_token_sub_claim_components`; default
    /// `["project_path", "ref_type", "ref"]`.
    sub_components: Option<Vec<String>>,
    /// Final overrides: a value replaces the claim in place (or appends it), `null` removes it.
    claims: Option<Map<String, Value>>,
}

/// Which GitLab token to imitate.
#[derive(JsonSchema)]
#[schemars(rename_all = "snake_case")]
enum TokenKind {
    /// `id_tokens:` keyword (15.7+), newest claim set.
    IdToken,
    /// Legacy `CI_JOB_JWT` / `CI_JOB_JWT_V1` (<= 16.11): bare-host iss, `job_<id>` sub, no aud.
    CiJobJwt,
    /// Legacy `CI_JOB_JWT_V2` (14.6–16.11): iss = aud = instance URL.
    CiJobJwtV2,
}

/// The `aud` claim: a string, or an array when the job's `aud:` is a list.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// Whether the pipeline ran for a branch or a tag.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum RefType {
    Branch,
    Tag,
}

/// The job's `environment:`; it adds the four environment claims.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct EnvironmentSpec {
    /// `environment`.
    name: String,
    /// `deployment_tier`; defaults to GitLab's guess from the name.
    tier: Option<String>,
    /// `environment_action`; default `start`.
    action: Option<String>,
    /// `environment_protected` (always false on CE; default false).
    protected: Option<bool>,
}

/// One `user_identities` entry.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct UserIdentity {
    /// E.g. `github`.
    provider: String,
    /// The user's id at that provider.
    extern_uid: String,
}

/// The CI signing key's JWS algorithm.
#[derive(JsonSchema)]
pub(super) enum SigningAlgorithm {
    /// RSA-2048, as GitLab's `ci_jwt_signing_key` (the default).
    #[schemars(rename = "RS256")]
    Rs256,
    /// EC P-256 (a mock extension, to exercise verifiers with EC keys).
    #[schemars(rename = "ES256")]
    Es256,
}

/// One issuer fault, tagged by `kind` (README, "Issuer faults", gives what AWS answers to each).
#[derive(JsonSchema)]
#[schemars(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum Fault {
    /// Discovery requests get no answer: the connection is closed.
    DiscoveryUnavailable {},
    /// JWKS requests get no answer: the connection is closed.
    JwksUnavailable {},
    /// Discovery requests are answered with `status` and a short text body.
    DiscoveryStatus {
        #[schemars(range(min = 200, max = 599))]
        status: u16,
    },
    /// JWKS requests are answered with `status` and a short text body.
    JwksStatus {
        #[schemars(range(min = 200, max = 599))]
        status: u16,
    },
    /// JWKS requests are answered with 302 to `location`, an absolute http(s) URL (AWS follows
    /// no redirect).
    JwksRedirect { location: String },
    /// Discovery and JWKS answers are delayed by `ms` milliseconds (AWS waits 5 seconds).
    Slow { ms: u64 },
    /// The first `after` key fetches are answered, every later one with 429 `Retry later`.
    Throttle { after: u64 },
    /// The JWKS body is cut off halfway.
    MalformedJwks {},
    /// The discovery document's `issuer` gets a trailing slash.
    DiscoveryIssuerMismatch {},
    /// The JWKS lacks the key CI tokens are signed with (gitlab-org/gitlab#342243).
    CiKeyMissing {},
    /// The JWKS publishes the CI key under another `kid` than the tokens carry.
    KidMismatch {},
    /// The TLS chain is sent out of order: the intermediate before the leaf.
    ChainOutOfOrder {},
    /// The TLS chain is the leaf alone, without the intermediate.
    ChainWithoutIntermediate {},
    /// A renewed intermediate and leaf under the same root.
    NewCertificate {},
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemars::SchemaGenerator;

    fn properties<T: JsonSchema>() -> Vec<String> {
        let schema = SchemaGenerator::default().into_root_schema_for::<T>();
        let mut names: Vec<String> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn the_mint_request_mirror_has_exactly_mock_gitlabs_fields() {
        // Written without `..`, so a field added to mock-gitlab breaks this build until the
        // mirror (and this literal) have it too.
        let full = mock_gitlab::MintRequest {
            kind: mock_gitlab::TokenKind::IdToken,
            aud: Some(mock_gitlab::Audience::One("a".into())),
            project_path: Some(String::new()),
            project_id: Some(String::new()),
            namespace_id: Some(String::new()),
            namespace_path: Some(String::new()),
            job_project_id: Some(String::new()),
            job_project_path: Some(String::new()),
            job_namespace_id: Some(String::new()),
            job_namespace_path: Some(String::new()),
            git_ref: Some(String::new()),
            ref_type: Some(mock_gitlab::RefType::Branch),
            ref_protected: Some(false),
            pipeline_source: Some(String::new()),
            job_source: Some(String::new()),
            user_login: Some(String::new()),
            user_email: Some(String::new()),
            user_id: Some(String::new()),
            user_access_level: Some(String::new()),
            user_identities: Some(Vec::new()),
            groups_direct: Some(Vec::new()),
            job_id: Some(String::new()),
            pipeline_id: Some(String::new()),
            sha: Some(String::new()),
            runner_id: Some(1),
            runner_environment: Some(String::new()),
            project_visibility: Some(String::new()),
            environment: None,
            expires_in: Some(1),
            sub_components: Some(Vec::new()),
            claims: Some(Map::new()),
        };
        let mut written = serde_json::to_value(&full).unwrap();
        let object = written.as_object_mut().unwrap();
        object.insert("environment".into(), Value::Null);
        let mut fields: Vec<String> = object.keys().cloned().collect();
        fields.sort();
        assert_eq!(properties::<MintRequest>(), fields);
    }

    /// The kinds serde lists when it meets an unknown one: mock-gitlab's own, complete list.
    fn mock_gitlab_fault_kinds() -> Vec<String> {
        let err = "no_such_fault".parse::<mock_gitlab::Fault>().unwrap_err();
        let text = err.to_string();
        let listed = text
            .split_once("expected one of ")
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("no list of kinds in {text:?}"));
        let mut kinds: Vec<String> = listed
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        kinds.sort();
        kinds
    }

    #[test]
    fn the_fault_mirror_has_exactly_mock_gitlabs_kinds() {
        let schema =
            serde_json::to_value(SchemaGenerator::default().into_root_schema_for::<Fault>())
                .unwrap();
        let mut kinds: Vec<String> = schema["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|variant| {
                variant["properties"]["kind"]["const"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        kinds.sort();
        assert_eq!(kinds, mock_gitlab_fault_kinds());
    }

    #[test]
    fn the_signing_algorithm_mirror_has_mock_gitlabs_names() {
        for name in ["RS256", "ES256"] {
            let parsed: mock_gitlab::SigningAlgorithm =
                serde_json::from_value(Value::String(name.into())).unwrap();
            assert_eq!(parsed.as_str(), name);
        }
        assert!(serde_json::from_value::<mock_gitlab::SigningAlgorithm>("HS256".into()).is_err());
    }
}
