//! CI ID tokens: what a GitLab job gets in `$ID_TOKEN`, minted by mock-gitlab.

use std::fmt;
use std::time::Duration;

use mock_gitlab::{Audience, EnvironmentSpec, MintRequest, MintResponse, RefType, TokenKind};
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
    request: MintRequest,
}

impl IdToken {
    /// A token from the `id_tokens:` keyword (GitLab 15.7+) with this `aud`, as in
    /// `id_tokens: { ID_TOKEN: { aud: sts.amazonaws.com } }`.
    pub fn new(aud: impl Into<String>) -> Self {
        Self::from_mint_request(MintRequest {
            aud: Some(Audience::One(aud.into())),
            ..MintRequest::default()
        })
    }

    /// A token with several audiences (`aud:` given as a list).
    pub fn audiences<S: Into<String>>(auds: impl IntoIterator<Item = S>) -> Self {
        Self::from_mint_request(MintRequest {
            aud: Some(Audience::Many(auds.into_iter().map(Into::into).collect())),
            ..MintRequest::default()
        })
    }

    /// The legacy `CI_JOB_JWT` (GitLab ≤ 16.x): no `aud`, `iss` without `https://`, `sub`
    /// `job_<id>`. AWS refuses it with "Missing a required claim: aud".
    pub fn ci_job_jwt() -> Self {
        Self::from_mint_request(MintRequest {
            kind: TokenKind::CiJobJwt,
            ..MintRequest::default()
        })
    }

    /// The legacy `CI_JOB_JWT_V2` (GitLab 14.6–16.x): `iss` and `aud` are the instance URL.
    pub fn ci_job_jwt_v2() -> Self {
        Self::from_mint_request(MintRequest {
            kind: TokenKind::CiJobJwtV2,
            ..MintRequest::default()
        })
    }

    /// Any body of mock-gitlab's mint API (`POST /-/mock/id_tokens`): what a scenario's `token:`
    /// section holds.
    pub fn from_mint_request(request: MintRequest) -> Self {
        Self { request }
    }

    /// `project_path` (and, derived from it, `namespace_path`). Defaults to `mygroup/myproject`.
    pub fn project_path(mut self, path: impl Into<String>) -> Self {
        self.request.project_path = Some(path.into());
        self
    }

    /// A pipeline for this branch: `ref` and `ref_type: branch`. Defaults to `main`.
    pub fn branch(mut self, name: impl Into<String>) -> Self {
        self.request.git_ref = Some(name.into());
        self.request.ref_type = Some(RefType::Branch);
        self
    }

    /// A pipeline for this tag: `ref` and `ref_type: tag`.
    pub fn tag(mut self, name: impl Into<String>) -> Self {
        self.request.git_ref = Some(name.into());
        self.request.ref_type = Some(RefType::Tag);
        self
    }

    /// `ref_protected`. Defaults to `false`.
    pub fn ref_protected(mut self, protected: bool) -> Self {
        self.request.ref_protected = Some(protected);
        self
    }

    /// `pipeline_source`, e.g. `merge_request_event`. Defaults to `push`.
    pub fn pipeline_source(mut self, source: impl Into<String>) -> Self {
        self.request.pipeline_source = Some(source.into());
        self
    }

    /// A deployment job: `environment` (and its `deployment_tier`, guessed from the name as GitLab
    /// does).
    pub fn environment(mut self, name: impl Into<String>) -> Self {
        self.request.environment = Some(EnvironmentSpec {
            name: name.into(),
            tier: None,
            action: None,
            protected: false,
        });
        self
    }

    /// `user_login` of the user who started the pipeline. Defaults to `fedlab`.
    pub fn user_login(mut self, login: impl Into<String>) -> Self {
        self.request.user_login = Some(login.into());
        self
    }

    /// Which claims make up `sub`, as the project setting "ID token sub claim components" does.
    /// Defaults to `project_path`, `ref_type`, `ref`.
    pub fn sub_components<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.request.sub_components = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Lifetime: `exp = iat + expires_in`. Defaults to GitLab's 5 minutes.
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.request.expires_in = Some(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX));
        self
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
        self.request
            .claims
            .get_or_insert_with(Map::new)
            .insert(name, value);
        self
    }

    /// The mint API body this token asks for.
    pub fn mint_request(&self) -> &MintRequest {
        &self.request
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
            .json(&token.request)
            .send()
            .await
            .map_err(failed)?;
        let status = response.status();
        let body: Value = response.json().await.map_err(failed)?;
        if !status.is_success() {
            let reason = body.get("message").and_then(Value::as_str);
            return Err(Error::Mint(
                reason.map_or_else(|| format!("HTTP {status}: {body}"), str::to_owned),
            ));
        }
        let minted: MintResponse = serde_json::from_value(body)
            .map_err(|e| Error::Mint(format!("unreadable answer: {e}")))?;
        Ok(Token {
            jwt: minted.token,
            claims: minted.claims,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_removals_go_to_the_claims_section() {
        let token = IdToken::new("a").claim("exp", 5).without_claim("aud");
        assert_eq!(
            serde_json::to_value(token.mint_request()).unwrap()["claims"],
            serde_json::json!({"exp": 5, "aud": null})
        );
    }

    #[test]
    fn a_branch_or_tag_sets_the_ref_and_its_type() {
        let body = |token: IdToken| serde_json::to_value(token.mint_request()).unwrap();
        assert_eq!(
            body(IdToken::new("a").tag("v1")),
            serde_json::json!({"kind": "id_token", "aud": "a", "ref": "v1", "ref_type": "tag"})
        );
        assert_eq!(body(IdToken::new("a").branch("dev"))["ref_type"], "branch");
    }
}
