//! How a [`Federation`] starts: the settings, and starting both mocks on their own runtime; or
//! how it connects to mocks that already run.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use mock_gitlab::{Fault, GitlabVersion, KeyKind, SigningAlgorithm};
use tokio::sync::OnceCell;

use crate::backend::{self, Backend, Facts};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::federation::{Account, Federation};
use crate::proxy::RunningProxy;
use crate::remote::RemoteMocks;
use crate::runtime::BackgroundRuntime;

/// Loopback only: nothing a federation starts listens beyond this machine.
const LOOPBACK: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// How a [`Federation`] starts. Every setting has a default that matches what most jobs meet:
/// the newest GitLab, a public-CA issuer, the system clock.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct FederationBuilder {
    fixed_time: Option<i64>,
    signing_key_pem: Option<String>,
    oidc_key_pem: Option<String>,
    signing_algorithm: SigningAlgorithm,
    gitlab_version: Option<String>,
    id_tokens_issuer_url: Option<String>,
    faults: Vec<Fault>,
    trusted_issuer_ca: bool,
    account_id: String,
    region: String,
}

impl Default for FederationBuilder {
    fn default() -> Self {
        Self {
            fixed_time: None,
            signing_key_pem: None,
            oidc_key_pem: None,
            signing_algorithm: SigningAlgorithm::default(),
            gitlab_version: None,
            id_tokens_issuer_url: None,
            faults: Vec::new(),
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

    /// The GitLab release mock-gitlab imitates, e.g. `"16.11"` (the last one with the legacy
    /// `CI_JOB_JWT`): its claims, token kinds and routes. Defaults to the newest. An unknown
    /// release fails [`FederationBuilder::start`].
    pub fn gitlab_version(mut self, version: impl Into<String>) -> Self {
        self.gitlab_version = Some(version.into());
        self
    }

    /// GitLab 18.1's `ci_id_tokens_issuer_url`: the `iss` of ID tokens becomes this URL (where a
    /// non-public instance publishes its discovery document and keys) while the instance keeps
    /// serving its own. Refused by releases before 18.1.
    pub fn id_tokens_issuer_url(mut self, url: impl Into<String>) -> Self {
        self.id_tokens_issuer_url = Some(url.into());
        self
    }

    /// Issuer faults in force from the start, e.g. `Fault::JwksUnavailable` or
    /// `Fault::Slow { ms: 6000 }` (see [`Federation::set_faults`] to change them later).
    /// They shape only the issuer's public routes as AWS meets them, never minting.
    pub fn faults(mut self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.faults = faults.into_iter().collect();
        self
    }

    /// The CI signing key tokens are signed with (PKCS#8 or PKCS#1 PEM; RSA for RS256, P-256
    /// for ES256), for reproducible tokens. Defaults to a key generated once per process and
    /// shared by every federation that is not given one, so starting many stays fast.
    pub fn signing_key_pem(mut self, pem: impl Into<String>) -> Self {
        self.signing_key_pem = Some(pem.into());
        self
    }

    /// The instance's OIDC key (published in the JWKS before the CI key; it signs no CI token).
    /// Defaults to an RSA-4096 key generated once per process.
    pub fn oidc_key_pem(mut self, pem: impl Into<String>) -> Self {
        self.oidc_key_pem = Some(pem.into());
        self
    }

    /// The CI key's algorithm: RS256 (GitLab's) or ES256 (which AWS accepts too). Defaults to
    /// RS256.
    pub fn signing_algorithm(mut self, algorithm: SigningAlgorithm) -> Self {
        self.signing_algorithm = algorithm;
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
        let (mocks, proxy) = runtime.run(start_mocks(self.clone())).await??;
        Federation::assemble(mocks, proxy, self.account(), self.fixed_time, runtime)
    }

    /// The blocking API's start: the caller's thread waits on the mocks' own runtime.
    pub(crate) fn start_blocking(self) -> Result<Federation, Error> {
        let runtime = BackgroundRuntime::new()?;
        let (mocks, proxy) = runtime.block_on(start_mocks(self.clone()))??;
        Federation::assemble(mocks, proxy, self.account(), self.fixed_time, runtime)
    }

    fn account(&self) -> Account {
        Account {
            id: self.account_id.clone(),
            region: self.region.clone(),
            admin: Credentials {
                access_key_id: mock_sts::DEFAULT_ADMIN_ACCESS_KEY_ID.to_owned(),
                secret_access_key: mock_sts::DEFAULT_ADMIN_SECRET_ACCESS_KEY.to_owned(),
                session_token: None,
                expiration: None,
            },
        }
    }
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

    /// A federation over a mock-gitlab and a mock-sts that already run (docker-compose's, say),
    /// once mock-sts answers its health check and mock-gitlab's chain verifies against
    /// [`RemoteMocks::ca_pem`]. Only fedlab's proxy starts, in front of the remote mock-sts.
    /// Nothing is reset: call [`Federation::reset`] for a clean start.
    ///
    /// The calls that are not async ([`Federation::requests`], [`Federation::set_faults`], …)
    /// then block their thread on an HTTP request, so the mocks must not run on the caller's own
    /// thread (a current-thread runtime): in containers, another process, or a runtime of their own.
    pub async fn connect(remote: RemoteMocks) -> Result<Self, Error> {
        let runtime = BackgroundRuntime::new()?;
        let account = remote_account(&remote);
        let (mocks, proxy) = runtime.run(connect_mocks(remote)).await??;
        Self::assemble(mocks, proxy, account, None, runtime)
    }

    /// The blocking API's connect.
    pub(crate) fn connect_blocking(remote: RemoteMocks) -> Result<Self, Error> {
        let runtime = BackgroundRuntime::new()?;
        let account = remote_account(&remote);
        let (mocks, proxy) = runtime.block_on(connect_mocks(remote))??;
        Self::assemble(mocks, proxy, account, None, runtime)
    }
}

fn remote_account(remote: &RemoteMocks) -> Account {
    Account {
        id: remote.account_id.clone(),
        region: remote.region.clone(),
        admin: remote.admin.clone(),
    }
}

/// Runs on the federation's runtime, so the proxy lives there.
async fn connect_mocks(remote: RemoteMocks) -> Result<((Backend, Facts), RunningProxy), Error> {
    let (backend, facts) = backend::connect(remote).await?;
    let proxy = RunningProxy::start(facts.sts_addr, facts.s3_addr)
        .await
        .map_err(|e| start_error("fedlab's proxy", e))?;
    Ok(((backend, facts), proxy))
}

fn start_error(what: &'static str, err: impl std::fmt::Display) -> Error {
    Error::Start {
        what,
        reason: err.to_string(),
    }
}

/// Runs on the mocks' runtime, so their servers (and fedlab's proxy in front of mock-sts) live
/// there.
async fn start_mocks(
    options: FederationBuilder,
) -> Result<((Backend, Facts), RunningProxy), Error> {
    let mut gitlab = mock_gitlab::Config::new(LOOPBACK);
    gitlab.gitlab_version = options
        .gitlab_version
        .as_deref()
        .map(str::parse::<GitlabVersion>)
        .transpose()
        .map_err(|e| start_error("mock-gitlab", e))?;
    gitlab.signing_algorithm = options.signing_algorithm;
    gitlab.id_tokens_issuer_url = options.id_tokens_issuer_url;
    gitlab.faults = options.faults;
    let (signing_key, oidc_key) = match (options.signing_key_pem, options.oidc_key_pem) {
        (Some(signing), Some(oidc)) => (signing, oidc),
        (signing, oidc) => {
            let shared = shared_keys(options.signing_algorithm).await?;
            (
                signing.unwrap_or(shared.signing),
                oidc.unwrap_or(shared.oidc),
            )
        }
    };
    gitlab.signing_key_pem = Some(signing_key);
    gitlab.oidc_key_pem = Some(oidc_key);
    if let Some(now) = options.fixed_time {
        gitlab.clock = Arc::new(mock_gitlab::FixedClock(now));
    }
    let gitlab = mock_gitlab::spawn(gitlab)
        .await
        .map_err(|e| start_error("mock-gitlab", e))?;
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
        .map_err(|e| start_error("mock-sts", e))?;
    let proxy = RunningProxy::start(sts.addr, sts.s3_addr)
        .await
        .map_err(|e| start_error("fedlab's proxy", e))?;
    let facts = Facts::in_process(&gitlab, &sts);
    let backend = Backend::InProcess {
        gitlab: Box::new(gitlab),
        sts: Box::new(sts),
    };
    Ok(((backend, facts), proxy))
}

/// Keys generated once per process: RSA-4096 takes most of a second, and a test binary starts
/// many federations.
#[derive(Debug)]
struct SharedKeys {
    signing: String,
    oidc: String,
}

async fn shared_keys(algorithm: SigningAlgorithm) -> Result<SharedKeys, Error> {
    static OIDC: OnceCell<String> = OnceCell::const_new();
    static RS256: OnceCell<String> = OnceCell::const_new();
    static ES256: OnceCell<String> = OnceCell::const_new();
    let signing = match algorithm {
        SigningAlgorithm::Es256 => &ES256,
        _ => &RS256,
    };
    Ok(SharedKeys {
        signing: shared_key(signing, algorithm.key_kind()).await?,
        oidc: shared_key(&OIDC, KeyKind::Rsa4096).await?,
    })
}

/// One generation per key, however many federations start at once: the others wait for it
/// rather than spend seconds of CPU on keys nobody keeps.
async fn shared_key(cell: &'static OnceCell<String>, kind: KeyKind) -> Result<String, Error> {
    cell.get_or_try_init(|| async move {
        tokio::task::spawn_blocking(move || mock_gitlab::generate_key_pem(kind))
            .await
            .map_err(|e| start_error("a signing key", e))?
            .map_err(|e| start_error("a signing key", e))
    })
    .await
    .cloned()
}
