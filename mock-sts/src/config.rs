//! How a mock-sts instance is set up.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::admin_access::AdminAccess;
use crate::clock::{Clock, SystemClock};
use crate::seed::Seed;

/// The account every fedlab environment lives in unless told otherwise.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
/// The region mock-sts reports and puts into `aws:RequestedRegion`.
pub const DEFAULT_REGION: &str = "us-east-1";
/// AWS's documentation example keys: obviously fake, and what the aws CLI docs show.
pub const DEFAULT_ADMIN_ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const DEFAULT_ADMIN_SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// The largest object PutObject accepts (64 MiB): a body is refused with `EntityTooLarge` as soon
/// as it is known to be larger, and never buffered beyond this.
pub const DEFAULT_S3_MAX_OBJECT_SIZE: u64 = 64 * 1024 * 1024;
/// How many live sessions mock-sts keeps (and, apart from them, how many expired sessions it
/// remembers for `ExpiredToken`); see `docs/state-limits.md`.
pub const DEFAULT_SESSION_CAPACITY: usize = 10_000;
/// How many issuers' signing keys mock-sts caches (one entry per issuer and thumbprint list).
pub const DEFAULT_KEY_CACHE_CAPACITY: usize = 256;
/// How many request-log entries mock-sts keeps.
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 10_000;
/// All objects together (256 MiB); a PutObject that would pass it is refused with `EntityTooLarge`.
pub const DEFAULT_S3_MAX_TOTAL_SIZE: u64 = 256 * 1024 * 1024;

/// Everything a mock-sts needs to start. `Config::new` fills in the defaults above.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub account_id: String,
    pub region: String,
    /// Credentials allowed to call IAM (and GetCallerIdentity as the account root).
    pub admin_access_key_id: String,
    pub admin_secret_access_key: String,
    /// PEM certificates STS treats as "AWS's library of trusted root CAs". An issuer certificate
    /// chaining to none of them is checked against the provider's thumbprints instead.
    pub trust_ca_pems: Vec<String>,
    pub clock: Arc<dyn Clock>,
    /// How many request-log entries to keep (a ring: the oldest go first; 0 keeps none).
    pub request_log_capacity: usize,
    /// How many live sessions to keep (at least one). When full, issuing drops the session
    /// closest to its expiry; expired sessions are remembered apart, as many again.
    pub session_capacity: usize,
    /// How many issuers' signing keys to cache (at least one); the stalest entry goes first.
    pub key_cache_capacity: usize,
    /// Providers and roles to start with, created through IAM's own validation.
    pub seed: Option<Seed>,
    /// Where the S3 listener binds (port 0 picks a free port); its own socket, as S3 has its own
    /// endpoint.
    pub s3_listen: SocketAddr,
    pub s3_max_object_size: u64,
    pub s3_max_total_size: u64,
    /// Bucket names that belong to "another account" (`BucketAlreadyExists`).
    pub s3_foreign_buckets: Vec<String>,
    /// How long a client has to send a request's headers (and how long a keep-alive connection
    /// may sit idle), on both listeners; past it the connection is closed without an answer.
    pub header_read_timeout: Duration,
    /// How long a client has to send a request's whole body once its headers are in; past it
    /// the answer is `RequestTimeout` and the connection is closed.
    pub body_read_timeout: Duration,
    /// Who may reach the admin routes (`/-/mock/…`); health is always served.
    pub admin: AdminAccess,
}

impl Config {
    /// The defaults, listening on `listen`.
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            region: DEFAULT_REGION.to_owned(),
            admin_access_key_id: DEFAULT_ADMIN_ACCESS_KEY_ID.to_owned(),
            admin_secret_access_key: DEFAULT_ADMIN_SECRET_ACCESS_KEY.to_owned(),
            trust_ca_pems: Vec::new(),
            clock: Arc::new(SystemClock),
            request_log_capacity: DEFAULT_REQUEST_LOG_CAPACITY,
            session_capacity: DEFAULT_SESSION_CAPACITY,
            key_cache_capacity: DEFAULT_KEY_CACHE_CAPACITY,
            seed: None,
            s3_listen: SocketAddr::new(listen.ip(), 0),
            s3_max_object_size: DEFAULT_S3_MAX_OBJECT_SIZE,
            s3_max_total_size: DEFAULT_S3_MAX_TOTAL_SIZE,
            s3_foreign_buckets: crate::unknowns::S3_FOREIGN_BUCKETS
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
            header_read_timeout: crate::unknowns::HEADER_READ_TIMEOUT,
            body_read_timeout: crate::unknowns::BODY_READ_TIMEOUT,
            admin: AdminAccess::On,
        }
    }
}

// Hand-written so the admin secret never reaches a log line through `{:?}`.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("account_id", &self.account_id)
            .field("region", &self.region)
            .field("admin_access_key_id", &self.admin_access_key_id)
            .field("admin_secret_access_key", &"<redacted>")
            .field("trust_ca_pems", &self.trust_ca_pems.len())
            .field("clock", &self.clock)
            .field("request_log_capacity", &self.request_log_capacity)
            .field("session_capacity", &self.session_capacity)
            .field("key_cache_capacity", &self.key_cache_capacity)
            .field("seed", &self.seed)
            .field("s3_listen", &self.s3_listen)
            .field("s3_max_object_size", &self.s3_max_object_size)
            .field("s3_max_total_size", &self.s3_max_total_size)
            .field("s3_foreign_buckets", &self.s3_foreign_buckets)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("admin", &self.admin)
            .finish()
    }
}
