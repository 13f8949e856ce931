//! The catalogue against mocks that already run, without Docker: a mock-gitlab and a mock-sts
//! started in-process on a runtime of their own stand in for docker-compose's containers, and
//! fedlab reaches them only by URL (`Federation::connect`, `Runner::remote`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose: a panic is the failure report"
)]

use std::net::{Ipv4Addr, SocketAddr};

use fedlab::runner::{Client, Runner, ScenarioResult, Verdict};
use fedlab::scenario::ScenarioSource;
use fedlab::{Fault, IdToken, OidcProvider, RemoteMocks, Role, TrustPolicy};

const SIGNING_KEY: &str = include_str!("../../mock-gitlab/tests/fixtures/ci-signing-key.pem");
const OIDC_KEY: &str = include_str!("../../mock-gitlab/tests/fixtures/oidc-signing-key.pem");
const LOOPBACK: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// Both mocks on a runtime of their own, as if in containers: fedlab's blocking calls can never
/// starve them. Dropped in order: servers, then their runtime.
struct RunningMocks {
    gitlab: mock_gitlab::RunningGitlab,
    sts: mock_sts::RunningSts,
    runtime: Option<tokio::runtime::Runtime>,
}

impl RunningMocks {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (gitlab, sts) = runtime.block_on(async {
            let mut gitlab = mock_gitlab::Config::new(LOOPBACK);
            gitlab.signing_key_pem = Some(SIGNING_KEY.to_owned());
            gitlab.oidc_key_pem = Some(OIDC_KEY.to_owned());
            let gitlab = mock_gitlab::spawn(gitlab)
                .await
                .expect("mock-gitlab starts");
            let mut sts = mock_sts::Config::new(LOOPBACK);
            sts.trust_ca_pems.push(gitlab.ca_pem().to_owned());
            let sts = mock_sts::spawn(sts).await.expect("mock-sts starts");
            (gitlab, sts)
        });
        Self {
            gitlab,
            sts,
            runtime: Some(runtime),
        }
    }

    /// What a user would pass on the command line: URLs, an address and the CA.
    fn target(&self) -> RemoteMocks {
        RemoteMocks {
            sts_endpoint: self.sts.endpoint().to_owned(),
            s3_endpoint: self.sts.s3_endpoint().to_owned(),
            issuer: self.gitlab.issuer().to_owned(),
            gitlab_address: self.gitlab.addr(),
            ..RemoteMocks::compose(self.gitlab.ca_pem())
        }
    }
}

impl Drop for RunningMocks {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn sources(names: &[&str]) -> Vec<ScenarioSource> {
    let names: Vec<_> = names.iter().map(|n| n.into()).collect();
    ScenarioSource::resolve(&names).unwrap()
}

fn run_remote(
    target: RemoteMocks,
    sources: &[ScenarioSource],
    client: Client,
) -> Vec<ScenarioResult> {
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(
            Runner::new()
                .remote(target)
                .run_all(sources, &[client], |_| {}),
        )
}

fn assert_all_pass(results: &[ScenarioResult]) {
    assert!(
        results.iter().all(|r| r.verdict == Verdict::Pass),
        "{:#?}",
        verdicts(results)
    );
}

fn verdicts(results: &[ScenarioResult]) -> Vec<(&str, &Verdict)> {
    results
        .iter()
        .map(|r| (r.name.as_str(), &r.verdict))
        .collect()
}

#[test]
fn scenarios_pass_with_the_builtin_client_against_running_mocks() {
    let mocks = RunningMocks::start();
    let results = run_remote(
        mocks.target(),
        &sources(&[
            "id-tokens-aud-sts-succeeds",
            "wrong-audience",
            "signing-key-rotated-old-key-dropped",
            "jwks-unreachable",
        ]),
        Client::builtin(),
    );
    assert_all_pass(&results);
}

#[test]
fn a_reset_before_each_case_keeps_the_cases_apart() {
    let mocks = RunningMocks::start();
    // The same case twice: without a reset the second CreateRole would meet the first's role.
    let once = sources(&["id-tokens-aud-sts-succeeds"]);
    let twice = [once.clone(), once].concat();
    let results = run_remote(mocks.target(), &twice, Client::builtin());
    assert_all_pass(&results);
    let (first, second) = (&results[0], &results[1]);
    assert_eq!(second.setup_requests.len(), first.setup_requests.len());
    let first_last = first.requests.last().unwrap().seq;
    assert!(second.setup_requests.iter().all(|r| r.seq > first_last));
    assert_eq!(second.requests.len(), first.requests.len());
}

#[test]
fn a_scenario_the_running_mocks_cannot_express_is_skipped_with_its_reason() {
    let mocks = RunningMocks::start();
    let results = run_remote(
        mocks.target(),
        &sources(&[
            "legacy-ci-job-jwt-v2-succeeds",
            "self-managed-thumbprint-succeeds",
        ]),
        Client::builtin(),
    );
    match verdicts(&results).as_slice() {
        [(_, Verdict::Skipped(release)), (_, Verdict::Skipped(ca))] => {
            assert!(release.contains("16.11"), "{release}");
            assert!(ca.contains("--trust-ca"), "{ca}");
        }
        other => panic!("expected two skips, got {other:#?}"),
    }
    assert!(
        mocks.sts.requests().is_empty(),
        "a skipped case touches nothing"
    );
}

#[test]
fn judging_still_fails_a_client_that_claims_success_without_calling_sts() {
    let mocks = RunningMocks::start();
    let results = run_remote(
        mocks.target(),
        &sources(&["id-tokens-aud-sts-succeeds"]),
        Client::command("true"),
    );
    match &results[0].verdict {
        Verdict::Fail(problems) => assert!(
            problems.iter().any(|p| p.contains("never received")),
            "{problems:?}"
        ),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn mocks_that_cannot_be_reached_make_every_case_a_setup_error() {
    let mocks = RunningMocks::start();
    let unreachable = RemoteMocks {
        sts_endpoint: "http://127.0.0.1:9".to_owned(),
        ..mocks.target()
    };
    let results = run_remote(
        unreachable,
        &sources(&["id-tokens-aud-sts-succeeds"]),
        Client::builtin(),
    );
    assert!(
        matches!(&results[0].verdict, Verdict::SetupError(reason) if reason.contains("mock-sts")),
        "{:?}",
        results[0].verdict
    );
}

#[test]
fn a_remote_federation_reads_changes_and_resets_both_mocks_over_http() {
    let mocks = RunningMocks::start();
    let fed = fedlab::blocking::Federation::connect(mocks.target()).unwrap();
    assert_eq!(fed.issuer(), mocks.gitlab.issuer());
    assert_eq!(fed.thumbprint(), mocks.gitlab.thumbprint());
    assert_eq!(fed.sts_endpoint(), mocks.sts.endpoint());

    fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))
        .unwrap();
    let policy = TrustPolicy::for_issuer(&fed).string_like("sub", "project_path:mygroup/*");
    let role = fed.create_role(Role::new("gitlab-ci", policy)).unwrap();
    let token = fed
        .mint(IdToken::new("sts.amazonaws.com").project_path("mygroup/myproject"))
        .unwrap();
    fed.assume(&role.arn, &token).unwrap();
    assert_eq!(fed.requests().len(), 3);
    assert_eq!(fed.requests(), mocks.sts.requests());
    assert_eq!(fed.iam_state(), mocks.sts.iam_state());
    assert!(
        fed.issuer_requests()
            .iter()
            .any(|r| r.path == "/-/mock/id_tokens")
    );

    let rotated = fed.rotate_signing_key(false).unwrap();
    assert_ne!(rotated, mocks.gitlab.kid());
    fed.set_faults([Fault::JwksUnavailable]);
    assert_eq!(mocks.gitlab.faults(), [Fault::JwksUnavailable]);
    assert_eq!(
        fed.new_certificate_thumbprint(),
        mocks.gitlab.new_certificate_thumbprint()
    );
    assert_eq!(
        mocks.gitlab.faults(),
        [Fault::JwksUnavailable],
        "the faults in force are put back"
    );

    fed.reset().unwrap();
    assert!(fed.requests().is_empty());
    assert!(fed.iam_state().roles.is_empty());
    assert!(mocks.gitlab.faults().is_empty());
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).unwrap();
    let kid = jsonwebtoken::decode_header(token.as_str()).unwrap().kid;
    assert_eq!(kid.as_deref(), Some(mocks.gitlab.kid()));
}
