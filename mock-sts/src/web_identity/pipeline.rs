//! The checks of AssumeRoleWithWebIdentity, run in a given order.
//!
//! Each check either passes or fails with the error AWS answers. What a check needs from another
//! (the audience check needs the provider, which needs the claims, which need the decoded token)
//! is computed on first use and kept, so a check listed early pulls its dependencies forward and
//! fails with their errors when they fail. The first failure decides the answer.

use std::sync::Arc;

use time::{Duration, OffsetDateTime};

use crate::errors::AwsError;
use crate::iam::{Provider, Role};
use crate::jwt::Jwt;
use crate::oidc::{FetchError, VerifyingKey};
use crate::outcome::{Facts, Outcome};
use crate::policy::Decision;
use crate::query::Params;
use crate::sessions::Grant;
use crate::state::Sts;
use crate::trust_request::ASSUME_ROLE_WITH_WEB_IDENTITY;
use crate::unknowns::Check;
use crate::web_identity::answer;
use crate::web_identity::claims::{self, Claims, Refused};
use crate::web_identity::request::{self, DEFAULT_DURATION_SECS, RoleArn, Validated};
use crate::web_identity::session_policy;

/// Runs every check in `order` (then any check `order` leaves out) and, when all pass, issues
/// credentials.
pub(super) async fn run(sts: &Sts, params: &Params, request_id: &str, order: &[Check]) -> Outcome {
    let mut run = Run::new(sts, params);
    let result = match run.checks(order).await {
        Ok(()) => run.issue(request_id),
        Err(err) => Err(err),
    };
    Outcome::new(result, run.facts)
}

/// One request's way through the checks, with everything computed so far.
struct Run<'a> {
    sts: &'a Sts,
    params: &'a Params,
    /// Read once, so every check and the expiration agree on the time.
    now: OffsetDateTime,
    facts: Facts,
    request: Option<Validated<'a>>,
    role: Option<Arc<Role>>,
    jwt: Option<Jwt<'a>>,
    claims: Option<Arc<Claims>>,
    provider: Option<Arc<Provider>>,
    audience: Option<String>,
    key: Option<Arc<VerifyingKey>>,
    /// Which trust-policy statement allowed the call, logged only if the call then succeeds.
    allowed_by: Option<String>,
}

impl<'a> Run<'a> {
    fn new(sts: &'a Sts, params: &'a Params) -> Self {
        Self {
            sts,
            params,
            now: sts.config.clock.now(),
            facts: Facts::default(),
            request: None,
            role: None,
            jwt: None,
            claims: None,
            provider: None,
            audience: None,
            key: None,
            allowed_by: None,
        }
    }

    async fn checks(&mut self, order: &[Check]) -> Result<(), AwsError> {
        let mut done: Vec<Check> = Vec::with_capacity(Check::ALL.len());
        // A list that leaves a check out reorders the checks but never skips one.
        for check in order.iter().chain(Check::ALL.iter()).copied() {
            if !done.contains(&check) {
                self.check(check).await?;
                done.push(check);
            }
        }
        Ok(())
    }

    async fn check(&mut self, check: Check) -> Result<(), AwsError> {
        match check {
            Check::Parameters => self.request().map(drop),
            Check::Role => self.role().map(drop),
            Check::MaxSessionDuration => self.max_session_duration(),
            Check::JwtFormat => self.jwt().map(drop),
            Check::RequiredClaims => self.claims().map(drop),
            Check::Provider => self.provider().map(drop),
            Check::Audience => self.audience().map(drop),
            Check::Expiry => self.expiry(),
            Check::VerificationKey => self.key().await.map(drop),
            Check::Signature => self.signature().await,
            Check::TrustPolicy => self.trust_policy(),
        }
    }

    /// Records why the call is refused and answers AWS's AccessDenied.
    fn deny<T>(&mut self, detail: String) -> Result<T, AwsError> {
        self.facts.detail = Some(detail);
        Err(AwsError::WebIdentityAccessDenied)
    }

    fn request(&mut self) -> Result<Validated<'a>, AwsError> {
        if let Some(request) = self.request {
            return Ok(request);
        }
        let request = request::validate(self.params)?;
        self.facts.role_arn = Some(request.role_arn.to_owned());
        self.facts.role_session_name = Some(request.session_name.to_owned());
        self.request = Some(request);
        Ok(request)
    }

    /// A missing role is AccessDenied, and so is an ARN that names a role only approximately
    /// (another path, another letter case): the answer must not reveal which roles exist.
    fn role(&mut self) -> Result<Arc<Role>, AwsError> {
        if let Some(role) = &self.role {
            return Ok(Arc::clone(role));
        }
        let request = self.request()?;
        let arn = RoleArn::parse(request.role_arn)?;
        let found = if arn.account == self.sts.config.account_id {
            self.sts.iam().role(arn.name)
        } else {
            None
        };
        let Some(role) = found else {
            return self.deny(format!("role {} does not exist", request.role_arn));
        };
        if let Some(mismatch) = arn.mismatch(&role) {
            return self.deny(mismatch);
        }
        self.role = Some(Arc::clone(&role));
        Ok(role)
    }

    fn max_session_duration(&mut self) -> Result<(), AwsError> {
        let duration = self.request()?.duration.unwrap_or(DEFAULT_DURATION_SECS);
        let maximum = self.role()?.max_session_duration;
        if duration > maximum {
            self.facts.detail = Some(format!(
                "DurationSeconds {duration} > role MaxSessionDuration {maximum}"
            ));
            return Err(AwsError::DurationExceedsMaxSession);
        }
        Ok(())
    }

    fn jwt(&mut self) -> Result<&Jwt<'a>, AwsError> {
        let jwt = match self.jwt.take() {
            Some(jwt) => jwt,
            None => Jwt::decode(self.request()?.token)?,
        };
        Ok(self.jwt.insert(jwt))
    }

    fn claims(&mut self) -> Result<Arc<Claims>, AwsError> {
        if let Some(claims) = &self.claims {
            return Ok(Arc::clone(claims));
        }
        let claims = Arc::new(Claims::read(self.jwt()?)?);
        self.claims = Some(Arc::clone(&claims));
        Ok(claims)
    }

    /// The IAM OIDC provider for `iss`: exact, case- and trailing-slash-sensitive.
    fn provider(&mut self) -> Result<Arc<Provider>, AwsError> {
        if let Some(provider) = &self.provider {
            return Ok(Arc::clone(provider));
        }
        let claims = self.claims()?;
        let found = self.sts.iam().provider_for_issuer(&claims.issuer);
        let provider = found.ok_or_else(|| AwsError::NoOpenIdConnectProvider {
            issuer: claims.issuer.clone(),
        })?;
        self.provider = Some(Arc::clone(&provider));
        Ok(provider)
    }

    /// The first `aud` value registered as one of the provider's client IDs.
    fn audience(&mut self) -> Result<String, AwsError> {
        if let Some(audience) = &self.audience {
            return Ok(audience.clone());
        }
        let provider = self.provider()?;
        let claims = self.claims()?;
        let Some(audience) = claims
            .audiences
            .iter()
            .find(|aud| provider.client_ids.contains(aud))
        else {
            self.facts.detail = Some(format!(
                "token aud {:?} is not in the provider's client ID list {:?}",
                claims.audiences, provider.client_ids
            ));
            return Err(AwsError::IncorrectAudience);
        };
        self.audience = Some(audience.clone());
        Ok(audience.clone())
    }

    fn expiry(&mut self) -> Result<(), AwsError> {
        let claims = self.claims()?;
        claims
            .check_lifetime(self.now.unix_timestamp())
            .map_err(|refused| self.refused(refused))
    }

    /// Keeps a check's detail for the log and answers its error.
    fn refused(&mut self, refused: Refused) -> AwsError {
        if refused.detail.is_some() {
            self.facts.detail = refused.detail;
        }
        refused.error
    }

    /// The issuer's key for the token, fetched over HTTPS. An algorithm outside the allowed list
    /// or a critical header extension fails here already, before any fetch: no key could verify
    /// it.
    async fn key(&mut self) -> Result<Arc<VerifyingKey>, AwsError> {
        if let Some(key) = &self.key {
            return Ok(key.clone());
        }
        let provider = self.provider()?;
        let claims = self.claims()?;
        let jwt = self.jwt()?;
        let kid = jwt.header_str("kid").map(str::to_owned);
        if let Err(refused) = claims::check_header(jwt) {
            return Err(self.refused(refused));
        }
        let sts = self.sts;
        let fetched = sts
            .keys
            .key(&claims.issuer, &provider.thumbprints, kid.as_deref())
            .await;
        let key = match fetched {
            Ok(key) => key,
            Err(err) => {
                self.facts.detail = Some(err.to_string());
                return Err(match err {
                    FetchError::Unavailable(_) => AwsError::VerificationKeyUnavailable,
                    FetchError::ThumbprintMismatch => AwsError::ThumbprintMismatch,
                });
            }
        };
        self.key = Some(key.clone());
        Ok(key)
    }

    async fn signature(&mut self) -> Result<(), AwsError> {
        let key = self.key().await?;
        let jwt = self.jwt()?;
        if !key.verifies(jwt) {
            self.facts.detail = Some("signature does not verify with the issuer's key".to_owned());
            return Err(AwsError::InvalidSignature);
        }
        Ok(())
    }

    fn trust_policy(&mut self) -> Result<(), AwsError> {
        let session_name = self.request()?.session_name;
        let role = self.role()?;
        let provider = self.provider()?;
        let claims = self.claims()?;
        let request = answer::trust_request(
            &provider,
            &claims,
            session_name,
            self.now,
            &self.sts.config.region,
        );
        let evaluation = request.evaluate(&role.trust_policy);
        if let Some(refused) = evaluation.refused() {
            let action = match refused.action {
                ASSUME_ROLE_WITH_WEB_IDENTITY => String::new(),
                other => format!(" (the token asks for {other} too)"),
            };
            return self.deny(format!("trust policy{action}: {}", refused.evaluation));
        }
        // Statement numbers per action, the extra actions named: "statement 0; sts:TagSession by 1".
        let allowed: Vec<String> = evaluation
            .actions
            .iter()
            .filter_map(|a| match (&a.evaluation.decision, a.action) {
                (Decision::Allow { statement, .. }, ASSUME_ROLE_WITH_WEB_IDENTITY) => {
                    Some(format!("statement {statement}"))
                }
                (Decision::Allow { statement, .. }, action) => {
                    Some(format!("{action} by statement {statement}"))
                }
                _ => None,
            })
            .collect();
        self.allowed_by = Some(format!("allowed by trust policy {}", allowed.join("; ")));
        Ok(())
    }

    /// Credentials for the role, once every check has passed and the session policies parse
    /// and fit (checked last: a choice, see docs/unknowns.md).
    fn issue(&mut self, request_id: &str) -> Result<String, AwsError> {
        let request = self.request()?;
        let role = self.role()?;
        let provider = self.provider()?;
        let audience = self.audience()?;
        let claims = self.claims()?;
        let (policies, packed) = session_policy::read(self.params, claims.session_tags.as_ref())?;
        let duration = request.duration.unwrap_or(DEFAULT_DURATION_SECS);
        let expiration =
            self.now.replace_nanosecond(0).unwrap_or(self.now) + Duration::seconds(duration);
        let issued = self.sts.sessions.issue(
            Grant {
                account: &self.sts.config.account_id,
                role_name: &role.name,
                role_arn: &role.arn,
                role_id: &role.role_id,
                role_session_name: request.session_name,
                provider_arn: &provider.arn,
                expiration,
                policies,
                tags: claims.tag_pairs(),
                source_identity: claims.source_identity.clone(),
            },
            self.now,
        );
        let session = match issued {
            Ok(session) => session,
            Err(err) => {
                self.facts.detail = Some(err.to_string());
                return Err(err.into());
            }
        };
        self.facts.issued_access_key_id = Some(session.access_key_id.clone());
        self.facts.detail = self.allowed_by.take();
        Ok(answer::success_xml(
            &audience,
            &session,
            &provider.arn,
            &claims,
            packed,
            request_id,
        ))
    }
}
