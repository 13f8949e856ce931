//! A token taken through every step AssumeRoleWithWebIdentity makes with it that needs no issuer
//! key and no IAM state: decoding, the required claims, the session claims, the lifetime, the
//! header checks, the trust-policy context and the success XML. For `fuzz_api`, which runs it on
//! arbitrary bytes: each step is the pipeline's own function.

use std::hint::black_box;
use std::sync::Arc;

use time::{Duration, OffsetDateTime};

use crate::errors::AwsError;
use crate::iam::Provider;
use crate::jwt::Jwt;
use crate::sessions::{Scope, Session, SessionPolicies};
use crate::web_identity::answer;
use crate::web_identity::claims::{self, Claims};

/// The time the lifetime checks compare with: 2023-11-14, the clock of the wire tests.
const NOW: i64 = 1_700_000_000;

/// The success XML the token would get, or the first check's error.
pub(crate) fn walk(token: &str) -> Result<String, AwsError> {
    let now = OffsetDateTime::from_unix_timestamp(NOW).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let jwt = Jwt::decode(token)?;
    let claims = Claims::read(&jwt)?;
    claims
        .check_lifetime(now.unix_timestamp())
        .map_err(|refused| refused.error)?;
    claims::check_header(&jwt).map_err(|refused| refused.error)?;
    // The provider the pipeline would find for this issuer, registered for every audience.
    let provider = Provider {
        arn: format!(
            "arn:aws:iam::123456789012:oidc-provider/{}",
            claims.issuer.trim_start_matches("https://")
        ),
        url: claims.issuer.clone(),
        client_ids: claims.audiences.clone(),
        thumbprints: Vec::new(),
        tags: Vec::new(),
        created: now,
    };
    let request = answer::trust_request(&provider, &claims, "fuzz-session", now, "us-east-1");
    for action in request.actions() {
        black_box(request.context_for(action));
    }
    let session = session(&provider.arn, &claims, now);
    let audience = claims.audiences.first().cloned().unwrap_or_default();
    Ok(answer::success_xml(
        &audience,
        &session,
        &provider.arn,
        &claims,
        None,
        "00000000-0000-0000-0000-000000000000",
    ))
}

fn session(provider_arn: &str, claims: &Claims, now: OffsetDateTime) -> Session {
    Session {
        access_key_id: "ASIAFUZZFUZZFUZZFUZZ".to_owned(),
        secret_access_key: "fuzz".to_owned(),
        session_token: "fuzz".to_owned(),
        role_id: "AROAFUZZFUZZFUZZFUZZ".to_owned(),
        role_session_name: "fuzz-session".to_owned(),
        assumed_role_arn: "arn:aws:sts::123456789012:assumed-role/fuzz/fuzz-session".to_owned(),
        expiration: now + Duration::hours(1),
        scope: Arc::new(Scope {
            role_name: "fuzz".to_owned(),
            role_arn: "arn:aws:iam::123456789012:role/fuzz".to_owned(),
            provider_arn: provider_arn.to_owned(),
            policies: SessionPolicies::default(),
            tags: claims.tag_pairs(),
            source_identity: claims.source_identity.clone(),
        }),
    }
}
