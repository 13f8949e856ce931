//! The front door: [`Federation`] starts mock-gitlab and mock-sts in-process and is the handle a
//! test drives them through.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use mock_sts::LogEntry as Request;

use crate::aws_query::QueryClient;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::expect::{self, Expectation, UnmetExpectations};
use crate::files::write_atomically;
use crate::runtime::BackgroundRuntime;

/// Loopback only: nothing a federation starts listens beyond this machine.
const LOOPBACK: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// A GitLab instance and an AWS account, both in-process on loopback ports, trusting each other
/// the way gitlab.com and AWS do. Everything stops when it is dropped, and the expectations
/// registered with [`Federation::expect`] are verified then.
///
/// See the [crate documentation](crate) for a complete test.
#[derive(Debug)]
pub struct Federation {
    gitlab: mock_gitlab::RunningGitlab,
    sts: mock_sts::RunningSts,
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

/// How a [`Federation`] starts. Every setting has a default that matches what most jobs meet:
/// a public-CA issuer, the system clock, a fresh signing key.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct FederationBuilder {
    fixed_time: Option<i64>,
    signing_key_pem: Option<String>,
    trusted_issuer_ca: bool,
    account_id: String,
    region: String,
}

impl Default for FederationBuilder {
    fn default() -> Self {
        Self {
            fixed_time: None,
            signing_key_pem: None,
            trusted_issuer_ca: true,
            account_id: mock_sts::DEFAULT_ACCOUNT_ID.to_owned(),
            region: mock_sts::DEFAULT_REGION.to_owned(),
        }
    }
}

impl FederationBuilder {
    /// Pins both mocks' clock to this Unix time: token `iat`/`exp`, credential expiry, SigV4
    /// skew checks. Defaults to the system clock. (Real clients sign with the real time, so with
    /// a pinned clock only fedlab's own calls pass mock-sts's clock-skew check.)
    pub fn fixed_time(mut self, unix_seconds: i64) -> Self {
        self.fixed_time = Some(unix_seconds);
        self
    }

    /// The CI signing key mock-gitlab signs tokens with (RSA, PKCS#8 or PKCS#1 PEM), for
    /// reproducible tokens. Defaults to a fresh RSA-2048 key, which takes tens of milliseconds to
    /// generate.
    pub fn signing_key_pem(mut self, pem: impl Into<String>) -> Self {
        self.signing_key_pem = Some(pem.into());
        self
    }

    /// Whether mock-gitlab's CA is one of "AWS's trusted root CAs", as gitlab.com's public
    /// certificate is. Defaults to `true`. `false` models a self-managed GitLab with a private CA:
    /// STS then accepts the issuer only through a provider thumbprint (see
    /// [`Federation::thumbprint`]).
    pub fn trusted_issuer_ca(mut self, trusted: bool) -> Self {
        self.trusted_issuer_ca = trusted;
        self
    }

    /// The AWS account ID. Defaults to `123456789012`.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = account_id.into();
        self
    }

    /// The AWS region. Defaults to `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Starts both mocks and returns once both accept connections.
    pub async fn start(self) -> Result<Federation, Error> {
        let runtime = BackgroundRuntime::new()?;
        let mocks = runtime.run(start_mocks(self.clone())).await??;
        self.assemble(mocks, runtime)
    }

    /// The blocking API's start: the caller's thread waits on the mocks' own runtime.
    pub(crate) fn start_blocking(self) -> Result<Federation, Error> {
        let runtime = BackgroundRuntime::new()?;
        let mocks = runtime.block_on(start_mocks(self.clone()))??;
        self.assemble(mocks, runtime)
    }

    fn assemble(self, mocks: Mocks, runtime: BackgroundRuntime) -> Result<Federation, Error> {
        let (gitlab, sts) = (mocks.gitlab, mocks.sts);
        let ca = reqwest::Certificate::from_pem(gitlab.ca_pem().as_bytes())
            .map_err(|e| start_error("an HTTPS client for mock-gitlab", e))?;
        let gitlab_http = reqwest::Client::builder()
            .tls_certs_only([ca])
            .no_proxy()
            .build()
            .map_err(|e| start_error("an HTTPS client for mock-gitlab", e))?;
        // mock-sts answers some requests, as AWS does, with a redirect to aws.amazon.com; fedlab
        // never follows it off the machine.
        let sts_http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| start_error("an HTTP client for mock-sts", e))?;
        let query = QueryClient::new(sts_http, sts.endpoint(), &self.region)
            .with_signing_time(self.fixed_time);
        let issuer_host = gitlab.issuer().trim_start_matches("https://").to_owned();
        Ok(Federation {
            admin: Credentials {
                access_key_id: mock_sts::DEFAULT_ADMIN_ACCESS_KEY_ID.to_owned(),
                secret_access_key: mock_sts::DEFAULT_ADMIN_SECRET_ACCESS_KEY.to_owned(),
                session_token: None,
                expiration: None,
            },
            gitlab,
            sts,
            gitlab_http,
            query,
            issuer_host,
            account_id: self.account_id,
            region: self.region,
            files: OnceLock::new(),
            jobs: AtomicU64::new(0),
            expectations: Mutex::new(Vec::new()),
            runtime,
        })
    }
}

fn start_error(what: &'static str, err: impl std::fmt::Display) -> Error {
    Error::Start {
        what,
        reason: err.to_string(),
    }
}

struct Mocks {
    gitlab: mock_gitlab::RunningGitlab,
    sts: mock_sts::RunningSts,
}

/// Runs on the mocks' runtime, so their servers live there.
async fn start_mocks(options: FederationBuilder) -> Result<Mocks, Error> {
    let mut gitlab = mock_gitlab::Config::new(LOOPBACK);
    gitlab.signing_key_pem = options.signing_key_pem;
    if let Some(now) = options.fixed_time {
        gitlab.clock = Arc::new(mock_gitlab::FixedClock(now));
    }
    let gitlab = mock_gitlab::spawn(gitlab)
        .await
        .map_err(|e| start_error("mock-gitlab", format!("{e:#}")))?;
    let mut sts = mock_sts::Config::new(LOOPBACK);
    sts.account_id = options.account_id;
    sts.region = options.region;
    if options.trusted_issuer_ca {
        sts.trust_ca_pems.push(gitlab.ca_pem().to_owned());
    }
    if let Some(now) = options.fixed_time {
        sts.clock = Arc::new(mock_sts::FixedClock(now));
    }
    let sts = mock_sts::spawn(sts)
        .await
        .map_err(|e| start_error("mock-sts", format!("{e:#}")))?;
    Ok(Mocks { gitlab, sts })
}

impl Federation {
    /// Starts both mocks with the defaults of [`FederationBuilder`].
    pub async fn start() -> Result<Self, Error> {
        Self::builder().start().await
    }

    /// Settings for a federation that differs from the defaults.
    pub fn builder() -> FederationBuilder {
        FederationBuilder::default()
    }

    /// The issuer URL, `https://localhost:PORT`: tokens' `iss` and the provider URL.
    pub fn issuer(&self) -> &str {
        self.gitlab.issuer()
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
        self.gitlab.thumbprint()
    }

    /// mock-gitlab's root CA certificate (PEM).
    pub fn ca_pem(&self) -> &str {
        self.gitlab.ca_pem()
    }

    /// mock-sts's endpoint, `http://127.0.0.1:PORT`, for STS and IAM alike.
    pub fn sts_endpoint(&self) -> &str {
        self.sts.endpoint()
    }

    /// mock-gitlab's mint API (`POST` a token request, get a signed token).
    pub fn mint_url(&self) -> String {
        self.gitlab.url("/-/mock/id_tokens")
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

    /// Every request mock-sts has answered so far, oldest first, with its explanation.
    pub fn requests(&self) -> Vec<Request> {
        self.sts.requests()
    }

    /// The requests answered after sequence number `after` (see [`Request::seq`]), waiting until
    /// there is at least one. Empty only when mock-sts has stopped.
    pub async fn requests_after(&self, after: u64) -> Vec<Request> {
        // Subscribed before looking, so an answer logged in between still wakes us.
        let mut updates = self.sts.log_updates();
        loop {
            let new = self.sts.requests_since(after);
            if !new.is_empty() || updates.changed().await.is_err() {
                return new;
            }
        }
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
