//! What a run is asked to do: the workload, the load, the target; and why it could not run.

use std::path::PathBuf;
use std::time::Duration;

/// What each request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Workload {
    /// AssumeRoleWithWebIdentity: token verification against the issuer's keys and a StringLike
    /// trust policy, as in GitLab's tutorial.
    Assume,
    /// GetCallerIdentity, SigV4-signed (per request) with session credentials.
    CallerIdentity,
    /// GET the issuer's JWKS and discovery document, alternately.
    Jwks,
    /// POST mock-gitlab's mint API (`/-/mock/id_tokens`): one RS256-signed ID token each.
    Mint,
    /// PutObject and GetObject of small objects, alternately, with session credentials.
    S3,
    /// A fixed rotation of valid AssumeRoleWithWebIdentity calls (each with its own session
    /// name, which the answer must echo), refused ones (tampered signature, wrong audience,
    /// expired token, bad DurationSeconds) and GetCallerIdentity with session credentials (which
    /// must answer that session's ARN). Reports mock-sts's own request count next to the number
    /// sent.
    Mixed,
}

impl Workload {
    pub fn name(self) -> &'static str {
        match self {
            Self::Assume => "assume",
            Self::CallerIdentity => "caller-identity",
            Self::Jwks => "jwks",
            Self::Mint => "mint",
            Self::S3 => "s3",
            Self::Mixed => "mixed",
        }
    }
}

/// When the measured part stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// After this long (requests in flight then still count).
    After(Duration),
    /// After this many requests.
    Requests(u64),
}

/// A service of the user's own instead of the in-process federation.
#[derive(Clone, Default)]
pub struct Endpoint {
    /// Where the workload's requests go: the STS endpoint (`assume`, `caller-identity`), the
    /// issuer URL (`jwks`), mock-gitlab's URL (`mint`) or the S3 endpoint (`s3`).
    pub url: String,
    /// The role to assume (`assume`, `caller-identity`, `s3`).
    pub role_arn: Option<String>,
    /// The web identity token (`assume`, `caller-identity`, `s3`).
    pub token: Option<String>,
    /// Where `caller-identity` and `s3` get their session credentials; defaults to `url` for
    /// `caller-identity` and is required for `s3`.
    pub sts_url: Option<String>,
    /// The bucket `s3` writes to and reads from (it must exist and the role may use it).
    pub bucket: Option<String>,
    /// A PEM file of CA certificates to trust instead of the system's, for HTTPS endpoints.
    pub ca_file: Option<PathBuf>,
}

// Hand-written so the token never reaches a log through `{:?}`.
impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &self.url)
            .field("role_arn", &self.role_arn)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("sts_url", &self.sts_url)
            .field("bucket", &self.bucket)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// One `fedlab bench` run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub workload: Workload,
    /// Concurrent requests, each on its own keep-alive connection.
    pub connections: usize,
    pub stop: Stop,
    /// Sent before measuring (not counted): connections opened, caches warm.
    pub warmup: Duration,
    /// `None`: the in-process federation.
    pub endpoint: Option<Endpoint>,
    /// `mixed` against mocks running elsewhere (reset before the run); `None`: in-process.
    pub mocks: Option<crate::RemoteMocks>,
    /// The region SigV4 signs for.
    pub region: String,
}

impl BenchOptions {
    pub fn new(workload: Workload) -> Self {
        Self {
            workload,
            connections: 32,
            stop: Stop::After(Duration::from_secs(10)),
            warmup: Duration::from_secs(2),
            endpoint: None,
            mocks: None,
            region: mock_sts::DEFAULT_REGION.to_owned(),
        }
    }
}

/// Why a benchmark could not run (an answer during the run is counted, never an error).
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("invalid options: {0}")]
    Options(String),
    #[error("setting up the benchmark failed: {0}")]
    Setup(String),
    #[error(transparent)]
    Federation(#[from] crate::Error),
}

/// Parses `10s`, `500ms`, `2m`, `1h` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 10s, 500ms or 2m"))?;
    let seconds = match unit {
        "" | "s" => number,
        "ms" => number / 1000.0,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => return Err(format!("{text:?}: unknown unit {unit:?} (ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_the_units_a_person_types() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert!(parse_duration("10 parsecs").is_err());
        assert!(parse_duration("s").is_err());
    }

    #[test]
    fn an_endpoint_never_shows_its_token_in_debug_output() {
        let endpoint = Endpoint {
            token: Some("eyJhbGciOi.secret.signature".to_owned()),
            ..Endpoint::default()
        };
        let shown = format!("{endpoint:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
