//! The front door: [`Federation`] starts mock-gitlab and mock-sts in-process (or connects to
//! running ones) and is the handle a test drives them through.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use mock_sts::LogEntry as Request;

use crate::aws_query::QueryClient;
use crate::backend::{Backend, Facts};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::expect::{self, Expectation, UnmetExpectations};
use crate::files::write_atomically;
use crate::proxy::{ProxyRequest, RunningProxy};
use crate::runtime::BackgroundRuntime;

/// A GitLab instance and an AWS account, both in-process on loopback ports, trusting each other
/// the way gitlab.com and AWS do. Everything stops when it is dropped, and the expectations
/// registered with [`Federation::expect`] are verified then.
///
/// [`Federation::connect`] gives the same handle over mocks that run elsewhere (docker-compose's
/// containers): then the calls that read or change a mock's state go over its `/-/mock/` routes,
/// and dropping it stops only fedlab's own proxy.
///
/// See the [crate documentation](crate) for a complete test.
#[derive(Debug)]
pub struct Federation {
    backend: Backend,
    facts: Facts,
    proxy: RunningProxy,
    gitlab_http: reqwest::Client,
    query: QueryClient,
    admin: Credentials,
    issuer_host: String,
    account_id: String,
    region: String,
    files: OnceLock<tempfile::TempDir>,
    jobs: AtomicU64,
    expectations: Mutex<Vec<Expectation>>,
    // Last, so the servers' handles are dropped before their runtime stops.
    pub(crate) runtime: BackgroundRuntime,
}

impl Federation {
    /// Wires the running mocks into a federation: HTTP clients that trust mock-gitlab's CA (and
    /// nothing else) and never follow a redirect off the machine.
    pub(crate) fn assemble(
        (backend, facts): (Backend, Facts),
        proxy: RunningProxy,
        account: Account,
        fixed_time: Option<i64>,
        runtime: BackgroundRuntime,
    ) -> Result<Self, Error> {
        let Account {
            id: account_id,
            region,
            admin,
        } = account;
        let failed = |what: &'static str| {
            move |e: reqwest::Error| Error::Start {
                what,
                reason: e.to_string(),
            }
        };
        let ca = reqwest::Certificate::from_pem(facts.ca_pem.as_bytes())
            .map_err(failed("an HTTPS client for mock-gitlab"))?;
        // The mint route is asked at an IP address, so no name is ever looked up.
        let gitlab_http = reqwest::Client::builder()
            .tls_certs_only([ca])
            .no_proxy()
            .build()
            .map_err(failed("an HTTPS client for mock-gitlab"))?;
        // mock-sts answers some requests, as AWS does, with a redirect to aws.amazon.com; fedlab
        // never follows it off the machine.
        let sts_http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(failed("an HTTP client for mock-sts"))?;
        let query =
            QueryClient::new(sts_http, &facts.sts_endpoint, &region).with_signing_time(fixed_time);
        let issuer_host = facts.issuer.trim_start_matches("https://").to_owned();
        Ok(Self {
            admin,
            backend,
            facts,
            proxy,
            gitlab_http,
            query,
            issuer_host,
            account_id,
            region,
            files: OnceLock::new(),
            jobs: AtomicU64::new(0),
            expectations: Mutex::new(Vec::new()),
            runtime,
        })
    }

    /// The issuer URL, `https://localhost:PORT`: tokens' `iss` and the provider URL.
    pub fn issuer(&self) -> &str {
        &self.facts.issuer
    }

    /// The issuer without `https://`: the name AWS gives the provider in ARNs and condition keys
    /// (`localhost:PORT:sub`).
    pub fn issuer_host(&self) -> &str {
        &self.issuer_host
    }

    /// The ARN IAM gives an OIDC provider for this issuer.
    pub fn provider_arn(&self) -> String {
        format!(
            "arn:aws:iam::{}:oidc-provider/{}",
            self.account_id, self.issuer_host
        )
    }

    /// Lowercase SHA-1 of the top intermediate certificate mock-gitlab serves: what AWS pins as
    /// a provider thumbprint.
    pub fn thumbprint(&self) -> &str {
        &self.facts.thumbprint
    }

    /// The GitLab release mock-gitlab imitates, e.g. `19.2`.
    pub fn gitlab_version(&self) -> String {
        self.facts.gitlab_version.to_string()
    }

    /// Rotates mock-gitlab's CI signing key, as a GitLab administrator can: tokens minted from
    /// now on are signed with a new key. With `keep_old` the old public key stays in the JWKS, so
    /// tokens minted before still verify; without it they no longer can. Returns the new `kid`.
    pub async fn rotate_signing_key(&self, keep_old: bool) -> Result<String, Error> {
        self.backend
            .rotate_signing_key(keep_old, &self.runtime)
            .await
    }

    /// Puts both mocks back as they started, so one federation can serve many independent
    /// cases: mock-sts's account as seeded (or empty), no sessions, issuer keys cached, buckets or
    /// log entries (sequence numbers go on); mock-gitlab without faults or log entries and with
    /// its first signing key; fedlab's proxy log emptied. Expectations stay registered.
    pub async fn reset(&self) -> Result<(), Error> {
        self.backend.reset(&self.runtime).await?;
        self.proxy.clear_requests();
        Ok(())
    }

    /// mock-gitlab's root CA certificate (PEM).
    pub fn ca_pem(&self) -> &str {
        &self.facts.ca_pem
    }

    /// mock-sts's endpoint, `http://127.0.0.1:PORT`, for STS and IAM alike.
    pub fn sts_endpoint(&self) -> &str {
        &self.facts.sts_endpoint
    }

    /// mock-sts's S3 endpoint, `http://127.0.0.1:PORT` (path-style addressing): a job's
    /// `AWS_ENDPOINT_URL_S3`.
    pub fn s3_endpoint(&self) -> &str {
        &self.facts.s3_endpoint
    }

    /// fedlab's proxy, `http://127.0.0.1:PORT`: every job's `HTTPS_PROXY` and `HTTP_PROXY`. It
    /// answers `sts.amazonaws.com`, `sts.REGION.amazonaws.com` and `iam.amazonaws.com` itself
    /// (forwarding to mock-sts) and refuses every other destination.
    pub fn proxy_url(&self) -> &str {
        self.proxy.url()
    }

    /// The CA certificate (PEM) of the proxy's TLS certificates for the AWS host names.
    pub fn proxy_ca_pem(&self) -> &str {
        self.proxy.ca_pem()
    }

    /// Writes [`Federation::proxy_ca_pem`] to a file in the federation's temporary directory
    /// (what jobs get as `AWS_CA_BUNDLE` and `SSL_CERT_FILE`) and returns its path.
    pub fn proxy_ca_file(&self) -> Result<PathBuf, Error> {
        let path = self.files_dir()?.join("fedlab-proxy-ca.pem");
        if !path.exists() {
            write_atomically(&path, self.proxy_ca_pem())?;
        }
        Ok(path)
    }

    /// Every request fedlab's proxy got so far, oldest first: tunnels it answered and
    /// destinations it refused (never connected to).
    pub fn proxy_requests(&self) -> Vec<ProxyRequest> {
        self.proxy.requests()
    }

    /// The destinations the proxy refused so far: where a client tried to go off the machine.
    pub fn proxy_refusals(&self) -> Vec<ProxyRequest> {
        let mut requests = self.proxy.requests();
        requests.retain(|r| r.refused);
        requests
    }

    /// mock-gitlab's mint API (`POST` a token request, get a signed token), on the instance's
    /// admin address: reached without SNI, it always gets the normal certificate chain, so
    /// minting works whatever TLS faults are set.
    pub fn mint_url(&self) -> String {
        self.facts.mint_url.clone()
    }

    /// Replaces the issuer faults in force (an empty list clears them): how the GitLab instance
    /// fails AWS's key retrieval from now on. See [`Fault`](mock_gitlab::Fault) for the kinds.
    /// A remote mock-gitlab that cannot be told is reported in the log (see
    /// [`Federation::try_set_faults`]).
    pub fn set_faults(&self, faults: impl IntoIterator<Item = mock_gitlab::Fault>) {
        if let Err(err) = self.try_set_faults(faults) {
            tracing::warn!(%err, "the issuer faults were not set");
        }
    }

    /// [`Federation::set_faults`], saying whether a remote mock-gitlab took them.
    pub fn try_set_faults(
        &self,
        faults: impl IntoIterator<Item = mock_gitlab::Fault>,
    ) -> Result<(), Error> {
        self.backend
            .set_faults(faults.into_iter().collect(), &self.runtime)
    }

    /// What the issuer saw: discovery, JWKS and mint requests, with status and fault (empty, and
    /// logged, when a remote mock-gitlab does not answer).
    pub fn issuer_requests(&self) -> Vec<mock_gitlab::IssuerRequest> {
        self.backend
            .issuer_requests(&self.runtime)
            .unwrap_or_else(|err| {
                tracing::warn!(%err, "mock-gitlab's request log is unreadable");
                Vec::new()
            })
    }

    /// The thumbprint of the chain the `NewCertificate` fault serves (a new intermediate under
    /// the same root): what a provider would need once the certificate changes. A remote
    /// mock-gitlab is asked once, by setting that fault for one handshake.
    pub fn new_certificate_thumbprint(&self) -> &str {
        self.backend.new_certificate_thumbprint(&self.runtime)
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// The keys that may call IAM (AWS's documentation example keys).
    pub fn admin_credentials(&self) -> &Credentials {
        &self.admin
    }

    /// Every request mock-sts has answered so far (that its log keeps), oldest first, with its
    /// explanation; empty, and logged, when a remote mock-sts does not answer.
    pub fn requests(&self) -> Vec<Request> {
        self.backend
            .requests_since(0, &self.runtime)
            .unwrap_or_else(|err| {
                tracing::warn!(%err, "mock-sts's request log is unreadable");
                Vec::new()
            })
    }

    /// The account's providers, roles and policies now, as mock-sts's `GET /-/mock/state`
    /// answers them (an empty account, and a log line, when a remote mock-sts does not answer).
    pub fn iam_state(&self) -> mock_sts::Seed {
        self.backend.iam_state(&self.runtime).unwrap_or_else(|err| {
            tracing::warn!(%err, "mock-sts's IAM state is unreadable");
            mock_sts::Seed::default()
        })
    }

    /// The requests answered after sequence number `after` (see [`Request::seq`]), waiting until
    /// there is at least one. Empty only when mock-sts has stopped.
    pub async fn requests_after(&self, after: u64) -> Vec<Request> {
        self.backend.requests_after(after, &self.runtime).await
    }

    pub(crate) fn query(&self) -> &QueryClient {
        &self.query
    }

    pub(crate) fn gitlab_http(&self) -> &reqwest::Client {
        &self.gitlab_http
    }

    /// A fresh directory for one job's files, inside the federation's own temporary directory
    /// (created on first use, removed on drop).
    pub(crate) fn new_job_dir(&self) -> Result<PathBuf, Error> {
        let root = self.files_dir()?;
        let n = self.jobs.fetch_add(1, Ordering::Relaxed) + 1;
        let dir = root.join(format!("job-{n}"));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(dir)
    }

    fn files_dir(&self) -> Result<&Path, Error> {
        if self.files.get().is_none() {
            let dir = tempfile::Builder::new()
                .prefix("fedlab-")
                .tempdir()
                .map_err(|e| Error::io(std::env::temp_dir(), e))?;
            // Another thread may have won the race; its directory is as good as ours.
            let _ = self.files.set(dir);
        }
        match self.files.get() {
            Some(dir) => Ok(dir.path()),
            None => Err(Error::io(
                std::env::temp_dir(),
                std::io::Error::other("no work directory"),
            )),
        }
    }

    /// Writes mock-gitlab's CA certificate to a file (for tools that want `AWS_CA_BUNDLE`-style
    /// paths) and returns its path.
    pub fn ca_pem_file(&self) -> Result<PathBuf, Error> {
        let path = self.files_dir()?.join("gitlab-ca.pem");
        write_atomically(&path, self.ca_pem())?;
        Ok(path)
    }

    /// Registers an expectation, verified when the federation is dropped (or by
    /// [`Federation::verify`]). A test that fails for another reason first does not get a
    /// second panic from its expectations.
    pub fn expect(&self, expectation: Expectation) {
        self.lock_expectations().push(expectation);
    }

    /// Checks every registered expectation against what mock-sts has seen so far.
    pub fn check_expectations(&self) -> Result<(), UnmetExpectations> {
        let expectations = self.lock_expectations().clone();
        if expectations.is_empty() {
            return Ok(());
        }
        expect::check(&expectations, &self.requests())
    }

    /// Panics with a readable report unless every registered expectation holds.
    #[track_caller]
    pub fn verify(&self) {
        if let Err(unmet) = self.check_expectations() {
            panic!("{unmet}");
        }
    }

    fn lock_expectations(&self) -> std::sync::MutexGuard<'_, Vec<Expectation>> {
        self.expectations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// The AWS account a federation's mock-sts serves, and the keys that may call its IAM.
#[derive(Debug)]
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) region: String,
    pub(crate) admin: Credentials,
}

impl Drop for Federation {
    fn drop(&mut self) {
        // A test that is already failing gets its own message, not a second panic (which would
        // abort the test binary).
        if std::thread::panicking() {
            return;
        }
        if let Err(unmet) = self.check_expectations() {
            panic!("{unmet}");
        }
    }
}
