//! `fedlab bench WORKLOAD`: [`crate::bench`] from the command line, as text or JSON; exit 1 when
//! any answer failed its check.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;

use super::exit_codes;
use crate::bench::{BenchOptions, Endpoint, Stop, Workload, parse_duration};
use crate::remote::RemoteMocks;

#[derive(Debug, Args)]
pub(super) struct BenchArgs {
    /// What each request does.
    #[arg(value_enum)]
    workload: Workload,
    /// Concurrent requests, each on its own keep-alive HTTP/1.1 connection.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// How long to measure (`10s`, `500ms`, `2m`), after the warm-up.
    #[arg(long, value_parser = parse_duration, conflicts_with = "requests")]
    duration: Option<Duration>,
    /// Measure this many requests instead of a duration.
    #[arg(long)]
    requests: Option<u64>,
    /// Load sent first and not counted (`0s` for none).
    #[arg(long, value_parser = parse_duration, default_value = "2s")]
    warmup: Duration,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Load this service instead of the in-process federation: the STS endpoint (`assume`,
    /// `caller-identity`), the issuer URL (`jwks`), mock-gitlab's URL (`mint`) or the S3
    /// endpoint (`s3`). Loopback or your own service only.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// With --endpoint: the role to assume.
    #[arg(long, requires = "endpoint")]
    role_arn: Option<String>,
    /// With --endpoint: the web identity token (surrounding whitespace is dropped).
    #[arg(long, requires = "endpoint", conflicts_with = "token_file")]
    token: Option<String>,
    /// With --endpoint: a file holding the web identity token.
    #[arg(long, requires = "endpoint")]
    token_file: Option<PathBuf>,
    /// With --endpoint: where `caller-identity` (default: --endpoint) and `s3` get session
    /// credentials.
    #[arg(long, value_name = "URL", requires = "endpoint")]
    sts_endpoint: Option<String>,
    /// With --endpoint and `s3`: an existing bucket the role may put and get objects in.
    #[arg(long, requires = "endpoint")]
    bucket: Option<String>,
    /// With --endpoint: CA certificates (PEM) to trust instead of the system's.
    #[arg(long, requires = "endpoint")]
    ca_file: Option<PathBuf>,
    /// The region requests are signed for.
    #[arg(long, default_value = mock_sts::DEFAULT_REGION)]
    region: String,
    /// With --endpoint and `mixed`: mock-gitlab's issuer URL, as tokens and mock-sts see it.
    /// `mixed` drives a running mock-sts and mock-gitlab like `fedlab run --target remote`, and
    /// resets both first.
    #[arg(long, value_name = "URL", requires = "endpoint")]
    gitlab_url: Option<String>,
    /// With --endpoint and `mixed`: where this machine reaches mock-gitlab.
    #[arg(long, value_name = "HOST:PORT", requires = "endpoint")]
    gitlab_address: Option<SocketAddr>,
    /// With --endpoint and `mixed`: mock-gitlab's root CA (PEM).
    #[arg(long, value_name = "FILE", requires = "endpoint")]
    gitlab_ca: Option<PathBuf>,
    /// With --endpoint and `mixed`: mock-sts's S3 endpoint (`mixed` sends it nothing; default
    /// --endpoint).
    #[arg(long, value_name = "URL", requires = "endpoint")]
    s3_endpoint: Option<String>,
}

pub(super) async fn run(args: BenchArgs) -> anyhow::Result<i32> {
    let token = match (&args.token, &args.token_file) {
        (Some(token), _) => Some(token.trim().to_owned()),
        (None, Some(path)) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read --token-file {}", path.display()))?
                .trim()
                .to_owned(),
        ),
        (None, None) => None,
    };
    let mocks = match (args.workload, &args.endpoint) {
        (Workload::Mixed, Some(url)) => Some(running_mocks(url, &args)?),
        _ => None,
    };
    let endpoint = args
        .endpoint
        .filter(|_| mocks.is_none())
        .map(|url| Endpoint {
            url,
            role_arn: args.role_arn,
            token,
            sts_url: args.sts_endpoint,
            bucket: args.bucket,
            ca_file: args.ca_file,
        });
    let options = BenchOptions {
        connections: args.connections,
        stop: match (args.requests, args.duration) {
            (Some(count), _) => Stop::Requests(count),
            (None, Some(duration)) => Stop::After(duration),
            (None, None) => Stop::After(Duration::from_secs(10)),
        },
        warmup: args.warmup,
        endpoint,
        mocks,
        region: args.region,
        ..BenchOptions::new(args.workload)
    };
    let report = crate::bench::run(&options).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.text());
    }
    Ok(if report.error_count() > 0 {
        exit_codes::BENCH_ERRORS
    } else {
        exit_codes::OK
    })
}

/// `mixed` against a mock-sts at `sts_endpoint` and the mock-gitlab the flags name.
fn running_mocks(sts_endpoint: &str, args: &BenchArgs) -> anyhow::Result<RemoteMocks> {
    let (Some(issuer), Some(address), Some(ca)) =
        (&args.gitlab_url, args.gitlab_address, &args.gitlab_ca)
    else {
        anyhow::bail!(
            "`mixed` with --endpoint needs --gitlab-url, --gitlab-address and --gitlab-ca"
        );
    };
    let ca_pem = std::fs::read_to_string(ca)
        .with_context(|| format!("cannot read --gitlab-ca {}", ca.display()))?;
    let mut mocks = RemoteMocks::compose(ca_pem);
    mocks.sts_endpoint = sts_endpoint.to_owned();
    mocks.s3_endpoint = args
        .s3_endpoint
        .clone()
        .unwrap_or_else(|| sts_endpoint.to_owned());
    mocks.issuer = issuer.clone();
    mocks.gitlab_address = address;
    mocks.region = args.region.clone();
    Ok(mocks)
}
