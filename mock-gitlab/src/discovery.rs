//! `/.well-known/openid-configuration` and `/oauth/discovery/keys`.
//!
//! docs/gitlab-behaviour.md says where each part of both documents comes from.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;

use crate::issuer::Issuer;
use crate::paths::JWKS_PATH;
use crate::state::AppState;

/// `JwksController#keys` (`app/controllers/jwks_controller.rb` in gitlab-org/gitlab) calls
/// `expires_in 24.hours, public: true, must_revalidate: true, 'no-transform': true`, and
/// this is how Rails renders it. GitLab added it because AWS stops caching a JWKS that
/// forbids caching (gitlab-org/gitlab#374001, MR !138405).
const JWKS_CACHE_CONTROL: &str = "max-age=86400, public, must-revalidate, no-transform=true";

// The scope list https://gitlab.com/.well-known/openid-configuration advertised when this
// mock was written. It drifts between GitLab releases, which is why it is data here.
const SCOPES_SUPPORTED: &[&str] = &[
    "api",
    "read_api",
    "read_user",
    "create_runner",
    "manage_runner",
    "k8s_proxy",
    "self_rotate",
    "mcp",
    "read_repository",
    "write_repository",
    "read_registry",
    "write_registry",
    "read_virtual_registry",
    "write_virtual_registry",
    "read_observability",
    "write_observability",
    "ai_features",
    "sudo",
    "admin_mode",
    "read_service_ping",
    "openid",
    "profile",
    "email",
    "ai_workflows",
    "user:*",
];

// doorkeeper-openid_connect's own `%w[iss sub aud exp iat]`, then the claims GitLab
// configures in `config/initializers/doorkeeper_openid_connect.rb`, then the six CI claims
// `JwksController#provider_response` appends (gitlab-org/gitlab#428061).
const CLAIMS_SUPPORTED: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "sub_legacy",
    "name",
    "nickname",
    "preferred_username",
    "email",
    "email_verified",
    "website",
    "profile",
    "picture",
    "groups",
    "groups_direct",
    "https://gitlab.org/claims/groups/owner",
    "https://gitlab.org/claims/groups/maintainer",
    "https://gitlab.org/claims/groups/developer",
    "project_path",
    "ci_config_ref_uri",
    "ref_path",
    "sha",
    "environment",
    "jti",
];

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The discovery document. Field order is the wire order, which is the order of
/// `DiscoveryController#provider_response` in doorkeeper-openid_connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct DiscoveryDocument {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    revocation_endpoint: String,
    introspection_endpoint: String,
    userinfo_endpoint: String,
    jwks_uri: String,
    scopes_supported: Vec<String>,
    response_types_supported: Vec<String>,
    response_modes_supported: Vec<String>,
    grant_types_supported: Vec<String>,
    token_endpoint_auth_methods_supported: Vec<String>,
    subject_types_supported: Vec<String>,
    id_token_signing_alg_values_supported: Vec<String>,
    claim_types_supported: Vec<String>,
    claims_supported: Vec<String>,
    code_challenge_methods_supported: Vec<String>,
}

impl DiscoveryDocument {
    fn for_issuer(issuer: &Issuer) -> Self {
        Self {
            issuer: issuer.url().to_owned(),
            authorization_endpoint: issuer.join("/oauth/authorize"),
            token_endpoint: issuer.join("/oauth/token"),
            revocation_endpoint: issuer.join("/oauth/revoke"),
            introspection_endpoint: issuer.join("/oauth/introspect"),
            userinfo_endpoint: issuer.join("/oauth/userinfo"),
            jwks_uri: issuer.join(JWKS_PATH),
            scopes_supported: strings(SCOPES_SUPPORTED),
            response_types_supported: strings(&["code"]),
            response_modes_supported: strings(&["query", "fragment", "form_post"]),
            grant_types_supported: strings(&[
                "authorization_code",
                "password",
                "client_credentials",
                "device_code",
                "refresh_token",
            ]),
            token_endpoint_auth_methods_supported: strings(&[
                "client_secret_basic",
                "client_secret_post",
            ]),
            subject_types_supported: strings(&["public"]),
            id_token_signing_alg_values_supported: strings(&["RS256"]),
            claim_types_supported: strings(&["normal"]),
            claims_supported: strings(CLAIMS_SUPPORTED),
            code_challenge_methods_supported: strings(&["plain", "S256"]),
        }
    }
}

pub(crate) async fn provider(State(state): State<Arc<AppState>>) -> Json<DiscoveryDocument> {
    Json(DiscoveryDocument::for_issuer(&state.issuer))
}

pub(crate) async fn keys(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let body = state.keys.jwks();
    ([(header::CACHE_CONTROL, JWKS_CACHE_CONTROL)], Json(body))
}
