//! The URL paths mock-gitlab serves, in one place so the router, the discovery document and
//! the ready line cannot disagree.

/// OpenID Connect discovery, served by doorkeeper-openid_connect in GitLab.
pub(crate) const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
/// The JWKS (`jwks#keys` in GitLab's `config/routes.rb`).
pub(crate) const JWKS_PATH: &str = "/oauth/discovery/keys";
/// GitLab's health check.
pub(crate) const HEALTH_PATH: &str = "/-/health";
/// The test-only mint API; GitLab has no such endpoint.
pub(crate) const MINT_PATH: &str = "/-/mock/id_tokens";
/// The JWKS alias GitLab served before 17.0 (`jwks#index`, gitlab-org/gitlab#221031).
pub(crate) const LEGACY_JWKS_PATH: &str = "/-/jwks";
/// The test-only CI key rotation route; GitLab has no such endpoint.
pub(crate) const KEYS_ROTATE_PATH: &str = "/-/mock/keys/rotate";
/// The test-only fault API: `GET`, `PUT` and `DELETE`.
pub(crate) const FAULTS_PATH: &str = "/-/mock/faults";
/// The test-only request log: `GET` and `DELETE`.
pub(crate) const REQUESTS_PATH: &str = "/-/mock/requests";
/// The test-only reset: `POST` puts faults, request log and CI keys back as they were at start.
pub(crate) const RESET_PATH: &str = "/-/mock/reset";
