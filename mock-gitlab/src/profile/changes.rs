//! The table every version-dependent behaviour is read from: which GitLab release added (and
//! which removed) each thing the mock reproduces. docs/gitlab-behaviour.md ("Versions") gives
//! the public source of every row; the comments here name it briefly.

use crate::version::GitlabVersion;

/// One behaviour that exists only in some GitLab releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Feature {
    /// The `id_tokens:` keyword: mint kind `id_token`.
    IdTokens,
    /// `CI_JOB_JWT` and `CI_JOB_JWT_V1`: mint kind `ci_job_jwt`.
    CiJobJwt,
    /// `CI_JOB_JWT_V2`: mint kind `ci_job_jwt_v2`.
    CiJobJwtV2,
    /// The JWKS alias `/-/jwks`.
    LegacyJwksPath,
    /// `runner_id`, `runner_environment`, `sha` and `user_identities`.
    RunnerShaIdentities,
    /// `ci_config_ref_uri` and `ci_config_sha`.
    CiConfigClaims,
    /// `project_visibility`.
    ProjectVisibility,
    /// `environment_action`.
    EnvironmentAction,
    /// The `iss` of id_tokens and `CI_JOB_JWT_V2` is the instance URL with its relative root
    /// (before: the base URL without it).
    IssuerWithRelativeRoot,
    /// `user_access_level`.
    UserAccessLevel,
    /// `groups_direct`.
    GroupsDirect,
    /// id_tokens end with `jti, iat, nbf, exp, iss, sub, aud` (before: `jti, iss, iat, nbf,
    /// exp, sub, aud`, the legacy `reserved_claims` order).
    TokenClaimOrder,
    /// The project setting `ci_id_token_sub_claim_components` (mint field `sub_components`)
    /// with `project_path`, `ref_type` and `ref`.
    SubComponents,
    /// `ci_id_tokens.issuer_url`, which sets only the tokens' `iss`.
    IssuerOverride,
    /// `job_project_*` and `job_namespace_*`.
    JobProjectClaims,
    /// id_tokens put `project_*` before `namespace_*` (before: `namespace_*` first).
    ProjectBeforeNamespace,
    /// The `sub` components `ref_protected`, `environment_protected` and `deployment_tier`.
    SubComponentsExtended,
    /// `job_source`.
    JobSource,
    /// The `sub` component `project_id`.
    SubComponentProjectId,
    /// Informational only: what the newest modelled release changed, which the mock does not
    /// reproduce. Nothing asks for it.
    ReclaimedPathSetting,
}

/// A row of the table: `feature` exists from `since` until (not including) `until`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Change {
    pub(crate) feature: Feature,
    pub(crate) since: GitlabVersion,
    pub(crate) until: Option<GitlabVersion>,
    /// What `--list-versions` says at `since`.
    pub(crate) added: &'static str,
    /// What `--list-versions` says at `until`; empty when another row already says it.
    pub(crate) removed: &'static str,
}

const fn v(major: u16, minor: u16) -> GitlabVersion {
    GitlabVersion::new(major, minor)
}

const fn row(feature: Feature, since: GitlabVersion, added: &'static str) -> Change {
    Change {
        feature,
        since,
        until: None,
        added,
        removed: "",
    }
}

/// The legacy variables and the `/-/jwks` alias all went in 17.0 (gitlab-org/gitlab#423106,
/// #221031); one removal note covers the two token kinds.
const REMOVED_IN_17_0: GitlabVersion = v(17, 0);

pub(crate) const CHANGES: &[Change] = &[
    // gitlab-org/gitlab#356986; the id_tokens keyword reference.
    row(
        Feature::IdTokens,
        GitlabVersion::OLDEST,
        "id_tokens keyword (kind id_token)",
    ),
    // 12.10: the predefined variables reference; MR !28063.
    Change {
        feature: Feature::CiJobJwt,
        since: v(12, 10),
        until: Some(REMOVED_IN_17_0),
        added: "CI_JOB_JWT and CI_JOB_JWT_V1 (kind ci_job_jwt)",
        removed: "kinds ci_job_jwt and ci_job_jwt_v2 removed (CI_JOB_JWT, CI_JOB_JWT_V1, CI_JOB_JWT_V2)",
    },
    // 14.6: MR !72555 and the predefined variables reference.
    Change {
        feature: Feature::CiJobJwtV2,
        since: v(14, 6),
        until: Some(REMOVED_IN_17_0),
        added: "CI_JOB_JWT_V2 (kind ci_job_jwt_v2)",
        removed: "",
    },
    // Added in 13.x with the dedicated CI key (MR !34249); the exact release does not matter
    // here, only that the oldest modelled release has it.
    Change {
        feature: Feature::LegacyJwksPath,
        since: GitlabVersion::OLDEST,
        until: Some(REMOVED_IN_17_0),
        added: "JWKS also at /-/jwks",
        removed: "/-/jwks removed (404)",
    },
    // The claim table of the ID token docs; MR !118246.
    row(
        Feature::RunnerShaIdentities,
        v(16, 0),
        "claims runner_id, runner_environment, sha, user_identities (if set)",
    ),
    row(
        Feature::CiConfigClaims,
        v(16, 2),
        "claims ci_config_ref_uri, ci_config_sha",
    ),
    row(
        Feature::ProjectVisibility,
        v(16, 3),
        "claim project_visibility",
    ),
    row(
        Feature::EnvironmentAction,
        v(16, 5),
        "claim environment_action (with an environment)",
    ),
    // #429159 / #429855, feature flag removed by MR !141151 (milestone inferred).
    row(
        Feature::IssuerWithRelativeRoot,
        v(16, 8),
        "iss of id_token and ci_job_jwt_v2 keeps the relative URL root",
    ),
    // #432052.
    row(
        Feature::UserAccessLevel,
        v(16, 9),
        "claim user_access_level",
    ),
    // #435848.
    row(
        Feature::GroupsDirect,
        v(16, 11),
        "claim groups_direct (if the request lists groups)",
    ),
    // Registered claims from JSONWebToken::Token (milestone inferred, see the docs).
    row(
        Feature::TokenClaimOrder,
        v(17, 0),
        "id_token ends jti, iat, nbf, exp, iss, sub, aud",
    ),
    // #360592, #477260.
    row(
        Feature::SubComponents,
        v(17, 10),
        "sub_components (ci_id_token_sub_claim_components: project_path, ref_type, ref)",
    ),
    // #391928; "Configure a non-public GitLab instance" in the AWS docs.
    row(
        Feature::IssuerOverride,
        v(18, 1),
        "--id-tokens-issuer-url (ci_id_tokens.issuer_url) sets the tokens' iss",
    ),
    // #563038.
    row(
        Feature::JobProjectClaims,
        v(18, 4),
        "claims job_project_id, job_project_path, job_namespace_id, job_namespace_path",
    ),
    // UserProjectTokenClaims, which came with the job_ claims (inferred, see the docs).
    row(
        Feature::ProjectBeforeNamespace,
        v(18, 4),
        "id_token lists project_* before namespace_*",
    ),
    row(
        Feature::SubComponentsExtended,
        v(18, 7),
        "sub components ref_protected, environment_protected, deployment_tier",
    ),
    // #459001.
    row(Feature::JobSource, v(18, 9), "claim job_source"),
    // MR !254058 / !255969.
    row(
        Feature::SubComponentProjectId,
        v(19, 1),
        "sub component project_id (the reclaimed-path block is not modelled)",
    ),
    row(
        Feature::ReclaimedPathSetting,
        GitlabVersion::NEWEST,
        "newest documented release (setting block_jwt_for_reclaimed_paths, not modelled)",
    ),
];
