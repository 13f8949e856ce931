//! How a mock-sts instance is set up.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};

/// The account every fedlab environment lives in unless told otherwise.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
pub const DEFAULT_REGION: &str = "us-east-1";
/// AWS's documentation example keys: obviously fake, and what the aws CLI docs show.
pub const DEFAULT_ADMIN_ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const DEFAULT_ADMIN_SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

#[derive(Debug, Clone)]
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
    /// How many request-log entries to keep.
    pub request_log_capacity: usize,
}

impl Config {
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            region: DEFAULT_REGION.to_owned(),
            admin_access_key_id: DEFAULT_ADMIN_ACCESS_KEY_ID.to_owned(),
            admin_secret_access_key: DEFAULT_ADMIN_SECRET_ACCESS_KEY.to_owned(),
            trust_ca_pems: Vec::new(),
            clock: Arc::new(SystemClock),
            request_log_capacity: 10_000,
        }
    }
}
