//! `mock-sts`: serve the mock STS + IAM and print one JSON ready line; `mock-sts healthcheck`
//! probes a running one.

use std::net::SocketAddr;
use std::process::ExitCode;

use std::io::Write as _;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use tokio::signal::unix::{SignalKind, signal};

// mimalloc, not glibc's malloc: under load the allocator was a fifth of the request path's
// profile, most of it contention on malloc's arena locks (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Offline AWS STS + IAM that answers AssumeRoleWithWebIdentity as AWS does, and a minimal S3",
    // `mock-sts --listen …` with no subcommand serves, as it always has.
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Args,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Probe a running mock-sts: exit 0 if healthy, else 1 with one line on stderr.
    ///
    /// Healthy means GET /-/mock/health on the address answers 200 "ok" within 2 s. For a
    /// container HEALTHCHECK: no shell or curl needed.
    Healthcheck(HealthcheckArgs),
}

#[derive(Debug, clap::Args)]
struct HealthcheckArgs {
    /// The server's address; a wildcard one (0.0.0.0:8080) is probed on loopback. The variable
    /// is the server's own, so a container configured through it needs no arguments here.
    #[arg(long, env = "MOCK_STS_LISTEN", default_value = "127.0.0.1:8080")]
    address: SocketAddr,
}

// The server's flags; no doc comment, which clap would take for the command's about.
#[derive(Debug, clap::Args)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "MOCK_STS_LISTEN", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// PEM file of a CA to treat as one of AWS's trusted roots (repeatable).
    #[arg(long = "trust-ca", env = "MOCK_STS_TRUST_CA", value_delimiter = ',')]
    trust_ca: Vec<std::path::PathBuf>,
    #[arg(long, env = "MOCK_STS_ACCOUNT", default_value = mock_sts::DEFAULT_ACCOUNT_ID)]
    account: String,
    #[arg(long, env = "MOCK_STS_REGION", default_value = mock_sts::DEFAULT_REGION)]
    region: String,
    /// Access key ID allowed to call IAM.
    #[arg(long, env = "MOCK_STS_ADMIN_ACCESS_KEY_ID", default_value = mock_sts::DEFAULT_ADMIN_ACCESS_KEY_ID)]
    admin_access_key_id: String,
    #[arg(long, env = "MOCK_STS_ADMIN_SECRET_ACCESS_KEY", default_value = mock_sts::DEFAULT_ADMIN_SECRET_ACCESS_KEY, hide_default_value = true)]
    admin_secret_access_key: String,
    /// Address the S3 listener binds (port 0 picks a free port).
    #[arg(long, env = "MOCK_STS_S3_LISTEN", default_value = "127.0.0.1:0")]
    s3_listen: SocketAddr,
    /// The largest object S3 accepts, in bytes.
    #[arg(long, env = "MOCK_STS_S3_MAX_OBJECT_SIZE", default_value_t = mock_sts::DEFAULT_S3_MAX_OBJECT_SIZE)]
    s3_max_object_size: u64,
    /// All S3 objects together, in bytes.
    #[arg(long, env = "MOCK_STS_S3_MAX_TOTAL_SIZE", default_value_t = mock_sts::DEFAULT_S3_MAX_TOTAL_SIZE)]
    s3_max_total_size: u64,
    /// YAML or JSON file of OIDC providers and roles to start with (the shape of a scenario's
    /// `aws:` section, or of `GET /-/mock/state`).
    #[arg(long, env = "MOCK_STS_SEED")]
    seed: Option<std::path::PathBuf>,
    /// Who may reach the admin routes (/-/mock/…): `on` (everyone), `loopback` (peers on
    /// 127.0.0.0/8 or ::1 only) or `off`. /-/mock/health is always served.
    #[arg(long, env = "MOCK_STS_ADMIN", default_value = "on")]
    admin: mock_sts::AdminAccess,
    /// Seconds a client has to send a request's headers (also the idle limit of a keep-alive
    /// connection); the connection is then closed.
    #[arg(long, value_name = "SECONDS", env = "MOCK_STS_HEADER_READ_TIMEOUT", default_value_t = mock_sts::unknowns::HEADER_READ_TIMEOUT.as_secs())]
    header_read_timeout: u64,
    /// Seconds a client has to send a request's whole body; then the answer is RequestTimeout.
    #[arg(long, value_name = "SECONDS", env = "MOCK_STS_BODY_READ_TIMEOUT", default_value_t = mock_sts::unknowns::BODY_READ_TIMEOUT.as_secs())]
    body_read_timeout: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Healthcheck(check)) => Ok(healthcheck(&check).await),
        None => serve(cli.serve).await.map(|()| ExitCode::SUCCESS),
    }
}

/// Docker reads exit code 1 as unhealthy (2 is reserved), and keeps the output for
/// `docker inspect`: one line saying why.
async fn healthcheck(check: &HealthcheckArgs) -> ExitCode {
    match mock_sts::probe_health(check.address, mock_sts::HEALTHCHECK_TIMEOUT).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}`: the error and its sources on one line.
            eprintln!("mock-sts healthcheck: {:#}", anyhow::Error::new(err));
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> anyhow::Result<()> {
    // Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org).
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    tracing_subscriber::fmt()
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "mock_sts=info".into()),
        )
        .init();
    let mut config = mock_sts::Config::new(args.listen);
    config.account_id = args.account;
    config.region = args.region;
    config.admin_access_key_id = args.admin_access_key_id;
    config.admin_secret_access_key = args.admin_secret_access_key;
    config.s3_listen = args.s3_listen;
    config.s3_max_object_size = args.s3_max_object_size;
    config.s3_max_total_size = args.s3_max_total_size;
    config.admin = args.admin;
    config.header_read_timeout = std::time::Duration::from_secs(args.header_read_timeout);
    config.body_read_timeout = std::time::Duration::from_secs(args.body_read_timeout);
    for path in &args.trust_ca {
        let pem = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read --trust-ca {}", path.display()))?;
        config.trust_ca_pems.push(pem);
    }
    if let Some(path) = &args.seed {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read --seed {}", path.display()))?;
        let seed = mock_sts::Seed::from_yaml(&text)
            .with_context(|| format!("failed to read --seed {}", path.display()))?;
        config.seed = Some(seed);
    }
    // Registered before the ready line, so a signal sent right after it stops us cleanly.
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let running = mock_sts::spawn(config).await?;
    let line = serde_json::to_string(&running.ready)?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
    drop(running);
    Ok(())
}
