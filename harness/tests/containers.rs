//! The federation in containers (feature `containers`): both mocks started from the local
//! fedlab image with testcontainers, reached through the same `Federation` handle as in-process,
//! and the issuer cut off from STS for real.
//!
//! Needs a Docker engine and the image (`bash docker/build.sh`):
//! `REQUIRE_DOCKER=1 cargo test -p fedlab --features containers --test containers -- --ignored`.
//! Without an engine the tests say so and return, unless `REQUIRE_DOCKER=1`, when they fail.
#![cfg(feature = "containers")]
#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions; a failure is the test failing"
)]

use fedlab::containers::FederationContainers;
use fedlab::scenario::Outage;
use fedlab::{Federation, IdToken, OidcProvider, Role, TrustPolicy};

const VERIFICATION_KEY_UNAVAILABLE: &str = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

/// `None` when the tests should not run here (no engine, and Docker is not required).
async fn containers() -> Option<FederationContainers> {
    let required = std::env::var_os("REQUIRE_DOCKER").is_some_and(|v| v == "1");
    match FederationContainers::start().await {
        Ok(fed) => Some(fed),
        Err(e) if !required => {
            eprintln!("skipped: {e} (set REQUIRE_DOCKER=1 to make this a failure)");
            None
        }
        Err(e) => panic!("REQUIRE_DOCKER=1 but the containers did not start: {e}"),
    }
}

async fn gitlab_ci_role(fed: &Federation) -> String {
    fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))
        .await
        .unwrap();
    let policy = TrustPolicy::for_issuer(fed).string_like("sub", "project_path:mygroup/*");
    fed.create_role(Role::new("gitlab-ci", policy))
        .await
        .unwrap()
        .arn
}

fn job_token() -> IdToken {
    IdToken::new("sts.amazonaws.com").project_path("mygroup/myproject")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker engine and the fedlab:local image"]
async fn a_job_assumes_its_role_against_the_mocks_in_containers() {
    let Some(fed) = containers().await else {
        return;
    };
    let role_arn = gitlab_ci_role(&fed).await;
    let token = fed.mint(job_token()).await.unwrap();
    let assumed = fed.assume(&role_arn, &token).await.unwrap();
    assert_eq!(
        assumed.arn,
        "arn:aws:sts::123456789012:assumed-role/gitlab-ci/fedlab"
    );
    // Judged by what STS logged, read over HTTP from the container.
    let last = fed.requests().pop().unwrap();
    assert_eq!(
        (last.action.as_deref(), last.status),
        (Some("AssumeRoleWithWebIdentity"), 200)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Docker engine and the fedlab:local image"]
async fn each_real_outage_of_the_issuer_gives_aws_answer_and_the_federation_recovers() {
    let Some(fed) = containers().await else {
        return;
    };
    for outage in [Outage::Disconnected, Outage::Paused, Outage::Stopped] {
        // STS keeps an issuer's keys for a while once fetched: each outage starts afresh.
        fed.reset().await.unwrap();
        let role_arn = gitlab_ci_role(&fed).await;
        let token = fed.mint(job_token()).await.unwrap();
        fed.issuer_container().begin(outage).await.unwrap();
        let refused = fed.assume(&role_arn, &token).await;
        fed.issuer_container().end(outage).await.unwrap();
        let refused = refused.expect_err("no key can be fetched during the outage");
        let refused = refused.aws().expect("an AWS error answer");
        assert_eq!(
            (
                refused.status,
                refused.code.as_str(),
                refused.message.as_deref()
            ),
            (
                400,
                "InvalidIdentityToken",
                Some(VERIFICATION_KEY_UNAVAILABLE)
            ),
            "{outage:?}"
        );
        // Back, with the same CA, chain and keys: the same token is honoured.
        let assumed = fed.assume(&role_arn, &token).await;
        assert!(assumed.is_ok(), "{outage:?}: {assumed:?}");
    }
}
