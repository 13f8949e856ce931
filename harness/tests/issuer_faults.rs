//! What AWS answers when the GitLab instance misbehaves, one issuer fault at a time, and how STS
//! caches the instance's keys: through the public kit, with exact AWS bytes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::time::Duration;

use fedlab::{Fault, Federation, IdToken, OidcProvider, Role, TrustPolicy};

const KEY_UNAVAILABLE: &str = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";
const THUMBPRINT_MISMATCH: &str =
    "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint";

/// A provider (with the instance's thumbprint, so IAM does not connect at creation) and a role
/// any token of the instance may assume.
async fn account(fed: &Federation) -> Result<String, fedlab::Error> {
    fed.create_provider(
        OidcProvider::new()
            .client_id("sts.amazonaws.com")
            .thumbprint(fed.thumbprint()),
    )
    .await?;
    let role = fed
        .create_role(Role::new("gitlab-ci", TrustPolicy::for_issuer(fed)))
        .await?;
    Ok(role.arn)
}

/// The AWS answer to a fresh job while `fault` is in force (`None` for credentials).
async fn answer_under(fault: Fault, trusted_issuer_ca: bool) -> Option<(u16, String, String)> {
    let fed = Federation::builder()
        .trusted_issuer_ca(trusted_issuer_ca)
        .start()
        .await
        .unwrap();
    let role = account(&fed).await.unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    fed.set_faults([fault]);
    match fed.assume(&role, &token).await {
        Ok(_) => None,
        Err(err) => {
            let aws = err.aws().expect("an AWS answer").clone();
            Some((aws.status, aws.code, aws.message.unwrap_or_default()))
        }
    }
}

fn key_unavailable() -> Option<(u16, String, String)> {
    Some((400, "InvalidIdentityToken".into(), KEY_UNAVAILABLE.into()))
}

macro_rules! refused_with_key_unavailable {
    ($($name:ident: $fault:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            assert_eq!(answer_under($fault, true).await, key_unavailable());
        }
    )*};
}

refused_with_key_unavailable! {
    an_unreachable_discovery_document_means_no_verification_key: Fault::DiscoveryUnavailable;
    an_unreachable_jwks_means_no_verification_key: Fault::JwksUnavailable;
    a_discovery_error_status_means_no_verification_key: Fault::DiscoveryStatus { status: 503 };
    a_jwks_error_status_means_no_verification_key: Fault::JwksStatus { status: 500 };
    a_discovery_answer_after_six_seconds_means_no_verification_key: Fault::Slow { ms: 6000 };
    a_throttled_key_fetch_means_no_verification_key: Fault::Throttle { after: 1 };
    a_malformed_jwks_means_no_verification_key: Fault::MalformedJwks;
    a_discovery_document_of_another_issuer_means_no_verification_key: Fault::DiscoveryIssuerMismatch;
    a_jwks_without_the_ci_key_means_no_verification_key: Fault::CiKeyMissing;
    a_jwks_with_another_kid_means_no_verification_key: Fault::KidMismatch;
    a_chain_out_of_order_means_no_verification_key: Fault::ChainOutOfOrder;
}

#[tokio::test]
async fn answers_within_five_seconds_each_are_slow_but_fine() {
    assert_eq!(answer_under(Fault::Slow { ms: 4500 }, true).await, None);
}

#[tokio::test]
async fn a_chain_without_its_intermediate_matches_no_thumbprint() {
    let expected = Some((
        400,
        "InvalidIdentityToken".into(),
        THUMBPRINT_MISMATCH.into(),
    ));
    assert_eq!(
        answer_under(Fault::ChainWithoutIntermediate, true).await,
        expected
    );
}

#[tokio::test]
async fn a_renewed_certificate_matches_the_stored_thumbprint_only_when_a_trusted_ca_signed_it() {
    let expected = Some((
        400,
        "InvalidIdentityToken".into(),
        THUMBPRINT_MISMATCH.into(),
    ));
    assert_eq!(answer_under(Fault::NewCertificate, false).await, expected);
    assert_eq!(answer_under(Fault::NewCertificate, true).await, None);
}

#[tokio::test]
async fn clearing_the_faults_lets_the_next_job_in() {
    let fed = Federation::start().await.unwrap();
    let role = account(&fed).await.unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    fed.set_faults([Fault::JwksStatus { status: 503 }]);
    assert!(fed.assume(&role, &token).await.is_err());

    fed.set_faults([]);

    assert!(fed.assume(&role, &token).await.is_ok());
}

fn key_fetches(fed: &Federation) -> usize {
    fed.issuer_requests()
        .iter()
        .filter(|r| r.path.ends_with("/oauth/discovery/keys"))
        .count()
}

#[tokio::test]
async fn two_jobs_within_the_cache_lifetime_fetch_the_keys_once() {
    let fed = Federation::start().await.unwrap();
    let role = account(&fed).await.unwrap();
    for _ in 0..2 {
        let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
        fed.assume(&role, &token).await.unwrap();
    }
    assert_eq!(key_fetches(&fed), 1);
}

#[tokio::test]
async fn after_a_rotation_a_new_kid_refetches_the_keys_and_a_dropped_one_fails() {
    let fed = Federation::start().await.unwrap();
    let role = account(&fed).await.unwrap();
    let old = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    fed.assume(&role, &old).await.unwrap();
    fed.rotate_signing_key(false).await.unwrap();
    // mock-sts refetches for an unknown kid at most every five seconds (docs/unknowns.md).
    tokio::time::sleep(Duration::from_millis(5100)).await;

    let new = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    let with_new_key = fed.assume(&role, &new).await;
    let with_dropped_key = fed.assume(&role, &old).await;

    assert!(with_new_key.is_ok(), "{with_new_key:?}");
    assert_eq!(key_fetches(&fed), 2);
    let refused = with_dropped_key.unwrap_err();
    assert_eq!(
        refused.aws().unwrap().message.as_deref(),
        Some(KEY_UNAVAILABLE)
    );
}
