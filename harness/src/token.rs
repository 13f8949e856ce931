//! CI ID tokens: what a GitLab job gets in `$ID_TOKEN`, minted by mock-gitlab.

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::aws_query::error_chain;
use crate::error::Error;
use crate::federation::Federation;

/// The token a job asks for, built field by field. Unset fields take mock-gitlab's defaults: the
/// job of project `mygroup/myproject` on branch `main`, pushed, unprotected, valid 5 minutes.
///
/// ```
/// use fedlab::IdToken;
/// let token = IdToken::new("sts.amazonaws.com")
///     .project_path("mygroup/myproject")
///     .tag("v1.2.3")
///     .claim("iss", "https://elsewhere.test")   // a final override, in place
///     .without_claim("nbf");                    // removed from the payload
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IdToken {
    body: Map<String, Value>,
}

impl IdToken {
    /// A token from the `id_tokens:` keyword (GitLab 15.7+) with this `aud`, as in
    /// `id_tokens: { ID_TOKEN: { aud: sts.amazonaws.com } }`.
    pub fn new(aud: impl Into<String>) -> Self {
        Self::with_field("aud", Value::String(aud.into()))
    }

    /// A token with several audiences (`aud:` given as a list).
    pub fn audiences<S: Into<String>>(auds: impl IntoIterator<Item = S>) -> Self {
        let auds = auds.into_iter().map(|a| Value::String(a.into())).collect();
        Self::with_field("aud", Value::Array(auds))
    }

    /// The legacy `CI_JOB_JWT` (GitLab ≤ 16.x): no `aud`, `iss` without `https://`, `sub`
    /// `job_<id>`. AWS refuses it with "Missing a required claim: aud".
    pub fn ci_job_jwt() -> Self {
        Self::with_field("kind", Value::from("ci_job_jwt"))
    }

    /// The legacy `CI_JOB_JWT_V2` (GitLab 14.6–16.x): `iss` and `aud` are the instance URL.
    pub fn ci_job_jwt_v2() -> Self {
        Self::with_field("kind", Value::from("ci_job_jwt_v2"))
    }

    /// The body of mock-gitlab's mint API (`POST /-/mock/id_tokens`) as JSON: what a scenario's
    /// `token:` section holds.
    pub fn from_mint_request(body: Map<String, Value>) -> Self {
        Self { body }
    }

    fn with_field(name: &str, value: Value) -> Self {
        let mut body = Map::new();
        body.insert(name.to_owned(), value);
        Self { body }
    }

    fn set(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.body.insert(name.to_owned(), value.into());
        self
    }

    /// `project_path` (and, derived from it, `namespace_path`). Defaults to `mygroup/myproject`.
    pub fn project_path(self, path: impl Into<String>) -> Self {
        self.set("project_path", path.into())
    }

    /// A pipeline for this branch: `ref` and `ref_type: branch`. Defaults to `main`.
    pub fn branch(self, name: impl Into<String>) -> Self {
        self.set("ref", name.into()).set("ref_type", "branch")
    }

    /// A pipeline for this tag: `ref` and `ref_type: tag`.
    pub fn tag(self, name: impl Into<String>) -> Self {
        self.set("ref", name.into()).set("ref_type", "tag")
    }

    /// `ref_protected`. Defaults to `false`.
    pub fn ref_protected(self, protected: bool) -> Self {
        self.set("ref_protected", protected)
    }

    /// `pipeline_source`, e.g. `merge_request_event`. Defaults to `push`.
    pub fn pipeline_source(self, source: impl Into<String>) -> Self {
        self.set("pipeline_source", source.into())
    }

    /// A deployment job: `environment` (and its `deployment_tier`, guessed from the name as GitLab
    /// does).
    pub fn environment(self, name: impl Into<String>) -> Self {
        let mut environment = Map::new();
        environment.insert("name".to_owned(), Value::String(name.into()));
        self.set("environment", Value::Object(environment))
    }

    /// `user_login` of the user who started the pipeline. Defaults to `fedlab`.
    pub fn user_login(self, login: impl Into<String>) -> Self {
        self.set("user_login", login.into())
    }

    /// Which claims make up `sub`, as the project setting "ID token sub claim components" does.
    /// Defaults to `project_path`, `ref_type`, `ref`.
    pub fn sub_components<S: Into<String>>(self, names: impl IntoIterator<Item = S>) -> Self {
        let names: Vec<Value> = names.into_iter().map(|n| Value::String(n.into())).collect();
        self.set("sub_components", names)
    }

    /// Lifetime: `exp = iat + expires_in`. Defaults to GitLab's 5 minutes.
    pub fn expires_in(self, lifetime: Duration) -> Self {
        let seconds = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        self.set("expires_in", seconds)
    }

    /// Sets a claim after everything else, in place if GitLab emits it, appended otherwise:
    /// the way to forge what GitLab would never sign (another `iss`, an `exp` in the past).
    pub fn claim(self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.override_claim(name.into(), value.into())
    }

    /// Removes a claim from the payload.
    pub fn without_claim(self, name: impl Into<String>) -> Self {
        self.override_claim(name.into(), Value::Null)
    }

    fn override_claim(mut self, name: String, value: Value) -> Self {
        let claims = self
            .body
            .entry("claims")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(claims) = claims {
            claims.insert(name, value);
        }
        self
    }

    /// The mint API body this token asks for.
    pub fn to_mint_request(&self) -> &Map<String, Value> {
        &self.body
    }
}

/// A signed token as mock-gitlab issued it.
#[derive(Clone, PartialEq)]
pub struct Token {
    jwt: String,
    claims: Map<String, Value>,
}

impl Token {
    /// The compact JWT, `header.payload.signature`.
    pub fn as_str(&self) -> &str {
        &self.jwt
    }

    /// The signed payload, decoded.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// A claim's value, e.g. `token.claim("sub")`.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }
}

// Hand-written: a test log shows which token it was, never the signed JWT itself.
impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl Federation {
    /// Asks mock-gitlab for a token over HTTPS, as a GitLab runner gets one for a job.
    pub async fn mint(&self, token: IdToken) -> Result<Token, Error> {
        let url = self.mint_url();
        let failed = |err: reqwest::Error| Error::Transport {
            endpoint: url.clone(),
            reason: error_chain(&err),
        };
        let response = self
            .gitlab_http()
            .post(&url)
            .json(&token.body)
            .send()
            .await
            .map_err(failed)?;
        let status = response.status();
        let body: Value = response.json().await.map_err(failed)?;
        let jwt = body.get("token").and_then(Value::as_str);
        let claims = body.get("claims").and_then(Value::as_object);
        match (jwt, claims) {
            (Some(jwt), Some(claims)) if status.is_success() => Ok(Token {
                jwt: jwt.to_owned(),
                claims: claims.clone(),
            }),
            _ => Err(Error::Mint(
                body.get("message")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("HTTP {status}: {body}"), str::to_owned),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builder_field_is_a_field_of_the_mint_api() {
        let token = IdToken::new("sts.amazonaws.com")
            .project_path("g/p")
            .tag("v1")
            .ref_protected(true)
            .pipeline_source("web")
            .environment("production")
            .user_login("someone")
            .sub_components(["project_path", "ref"])
            .expires_in(Duration::from_secs(60))
            .claim("iss", "https://elsewhere.test")
            .without_claim("nbf");
        let body = Value::Object(token.to_mint_request().clone());
        let parsed: Result<mock_gitlab::claims::MintRequest, _> = serde_json::from_value(body);
        assert!(parsed.is_ok(), "{parsed:?}");
        for legacy in [IdToken::ci_job_jwt(), IdToken::ci_job_jwt_v2()] {
            let body = Value::Object(legacy.to_mint_request().clone());
            let parsed: Result<mock_gitlab::claims::MintRequest, _> = serde_json::from_value(body);
            assert!(parsed.is_ok(), "{parsed:?}");
        }
    }

    #[test]
    fn overrides_and_removals_go_to_the_claims_section() {
        let token = IdToken::new("a").claim("exp", 5).without_claim("aud");
        assert_eq!(
            token.to_mint_request()["claims"],
            serde_json::json!({"exp": 5, "aud": null})
        );
    }
}
