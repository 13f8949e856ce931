use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use tokio::signal::unix::{SignalKind, signal};
use tracing_subscriber::EnvFilter;

// mimalloc, not glibc's malloc: under load the allocator was a fifth of the request path's
// profile, most of it contention on malloc's arena locks (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Offline GitLab CI OIDC issuer: discovery, JWKS and a token mint API over HTTPS.
///
/// Prints one JSON line on stdout when ready; logs go to stderr.
#[derive(Debug, Parser)]
// `mock-gitlab --listen …` with no subcommand serves, as it always has.
#[command(name = "mock-gitlab", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Args,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Probe a running mock-gitlab: exit 0 if healthy, else 1 with one line on stderr.
    ///
    /// Healthy means GET /-/health answers 200 within 2 s over HTTPS that verifies against
    /// {state-dir}/ca.pem for the issuer's host name (sent through SNI), connecting to the
    /// address, never asking DNS. For a container HEALTHCHECK: no shell or curl needed.
    Healthcheck(HealthcheckArgs),
}

// The defaults are the container's (docker/Dockerfile), and the variables are the server's own,
// so a server configured through them is probed with no arguments.
#[derive(Debug, clap::Args)]
struct HealthcheckArgs {
    /// The address to connect to; a wildcard one (0.0.0.0:8443) is probed on loopback.
    #[arg(long, env = "MOCK_GITLAB_LISTEN", default_value = "127.0.0.1:8443")]
    address: SocketAddr,
    /// The issuer URL: its host is the TLS server name (SNI) the certificate must match.
    #[arg(
        long,
        env = "MOCK_GITLAB_EXTERNAL_URL",
        default_value = "https://gitlab.example.com:8443"
    )]
    external_url: String,
    /// The server's state dir; its ca.pem is the only CA trusted.
    #[arg(
        long,
        env = "MOCK_GITLAB_STATE_DIR",
        value_name = "DIR",
        default_value = "/state"
    )]
    state_dir: PathBuf,
}

// The server's flags; no doc comment, which clap would take for the command's about.
#[derive(Debug, clap::Args)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "MOCK_GITLAB_LISTEN", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Issuer URL [default: https://localhost:{port}].
    #[arg(long, env = "MOCK_GITLAB_EXTERNAL_URL")]
    external_url: Option<String>,
    /// CI signing key PEM: RSA (PKCS#8 or PKCS#1), or EC P-256 PKCS#8 with ES256
    /// [default: {state-dir}/ci-key.pem, else generate RSA-2048 or P-256].
    #[arg(long, env = "MOCK_GITLAB_SIGNING_KEY", value_name = "PEMFILE")]
    signing_key: Option<PathBuf>,
    /// OIDC key PEM, RSA (PKCS#8 or PKCS#1); published in the JWKS, never signs
    /// [default: {state-dir}/oidc-key.pem, else generate RSA-4096].
    #[arg(long, env = "MOCK_GITLAB_OIDC_KEY", value_name = "PEMFILE")]
    oidc_key: Option<PathBuf>,
    /// Algorithm of the CI signing key: RS256 (GitLab's) or ES256.
    #[arg(long, env = "MOCK_GITLAB_SIGNING_ALGORITHM", default_value = "RS256")]
    signing_algorithm: mock_gitlab::SigningAlgorithm,
    /// GitLab release to imitate, MAJOR.MINOR [default: the newest, see --list-versions].
    #[arg(long, env = "MOCK_GITLAB_GITLAB_VERSION", value_name = "X.Y")]
    gitlab_version: Option<mock_gitlab::GitlabVersion>,
    /// ID tokens' iss (GitLab 18.1+ ci_id_tokens.issuer_url); discovery keeps the instance URL.
    #[arg(long, env = "MOCK_GITLAB_ID_TOKENS_ISSUER_URL", value_name = "URL")]
    id_tokens_issuer_url: Option<String>,
    /// Print the version profiles, one line each, and exit.
    #[arg(long)]
    list_versions: bool,
    /// Directory for ca.pem, the keys (oidc-key.pem, ci-key.pem) and the CA and chain a restart
    /// reuses [default: a fresh temp dir].
    #[arg(long, env = "MOCK_GITLAB_STATE_DIR", value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// An issuer fault to start with, KIND or KIND:ARG (e.g. jwks_unavailable, slow:6000,
    /// throttle:2, jwks_status:503). Repeatable; the variable takes a comma-separated list.
    #[arg(
        long = "fault",
        env = "MOCK_GITLAB_FAULT",
        value_name = "KIND[:ARG]",
        value_delimiter = ','
    )]
    faults: Vec<mock_gitlab::Fault>,
    /// Who may reach the mock's own routes (/-/mock/…: minting, key rotation, faults, the
    /// request log, reset): `on` (everyone), `loopback` (peers on 127.0.0.0/8 or ::1 only) or
    /// `off` (404 like any unknown path). GitLab's /-/health is always served.
    #[arg(long, env = "MOCK_GITLAB_ADMIN", default_value = "on")]
    admin: mock_gitlab::AdminAccess,
    /// Seconds a client has to send a request's headers, and may send nothing at all, before its
    /// connection is closed.
    #[arg(long, value_name = "SECONDS", env = "MOCK_GITLAB_HEADER_READ_TIMEOUT", default_value_t = mock_gitlab::DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    header_read_timeout: u64,
    /// Seconds a client has to send a request's whole body; then the answer is 408.
    #[arg(long, value_name = "SECONDS", env = "MOCK_GITLAB_BODY_READ_TIMEOUT", default_value_t = mock_gitlab::DEFAULT_BODY_READ_TIMEOUT.as_secs())]
    body_read_timeout: u64,
}

fn read_pem(what: &str, path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("failed to read {what} {}", path.display()))
}

/// A temp dir this process created; removed when dropped, which includes every return
/// from `main`, so a failed start leaves nothing behind either.
struct OwnedDir(PathBuf);

impl OwnedDir {
    /// A fresh directory under the system temp dir, readable only by this user.
    /// `create` (not `create_all`) fails if the random name already exists.
    fn create() -> anyhow::Result<Self> {
        use std::os::unix::fs::DirBuilderExt as _;
        let path =
            std::env::temp_dir().join(format!("mock-gitlab-{}", uuid::Uuid::new_v4().simple()));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .with_context(|| format!("failed to create {}", path.display()))?;
        Ok(Self(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for OwnedDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            tracing::warn!(dir = %self.0.display(), error = %e, "could not remove the state dir");
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Healthcheck(check)) => Ok(healthcheck(check).await),
        None => serve(cli.serve).await.map(|()| ExitCode::SUCCESS),
    }
}

/// Docker reads exit code 1 as unhealthy (2 is reserved), and keeps the output for
/// `docker inspect`: one line saying why.
async fn healthcheck(check: HealthcheckArgs) -> ExitCode {
    let probe = mock_gitlab::HealthProbe {
        address: check.address,
        external_url: check.external_url,
        state_dir: check.state_dir,
        timeout: mock_gitlab::HEALTHCHECK_TIMEOUT,
    };
    match mock_gitlab::probe_health(&probe).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}`: the error and its sources on one line.
            eprintln!("mock-gitlab healthcheck: {:#}", anyhow::Error::new(err));
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> anyhow::Result<()> {
    if args.list_versions {
        print!("{}", mock_gitlab::list_versions());
        return Ok(());
    }
    // Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org).
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    tracing_subscriber::fmt()
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let mut config = mock_gitlab::Config::new(args.listen);
    config.external_url = args.external_url;
    config.faults = args.faults;
    if let Some(path) = &args.signing_key {
        config.signing_key_pem = Some(read_pem("signing key", path)?);
    }
    if let Some(path) = &args.oidc_key {
        config.oidc_key_pem = Some(read_pem("OIDC key", path)?);
    }
    config.signing_algorithm = args.signing_algorithm;
    config.gitlab_version = args.gitlab_version;
    config.id_tokens_issuer_url = args.id_tokens_issuer_url;
    config.admin = args.admin;
    config.header_read_timeout = std::time::Duration::from_secs(args.header_read_timeout);
    config.body_read_timeout = std::time::Duration::from_secs(args.body_read_timeout);
    // The ready line always names a ca.pem file, so without --state-dir the binary makes
    // (and later removes) a temp dir of its own; the library writes nothing in that case.
    let owned_dir = match &args.state_dir {
        Some(_) => None,
        None => Some(OwnedDir::create()?),
    };
    config.state_dir = match &owned_dir {
        Some(dir) => Some(dir.path().to_owned()),
        None => args.state_dir,
    };

    // Registered before the ready line so a signal sent right after it is never fatal.
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;

    let running = mock_gitlab::spawn(config)
        .await
        .context("failed to start mock-gitlab")?;
    let line = serde_json::to_string(running.ready())?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}")?;
        out.flush()?;
    }

    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    tracing::info!("shutting down");
    running.shutdown().await;
    drop(owned_dir);
    Ok(())
}
