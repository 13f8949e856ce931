//! SigV4 for the benchmark's signed requests, done per request as an SDK does (a signature
//! carries its time, so a pool signed in advance would go stale in a long run).

use std::time::SystemTime;

use aws_sigv4::http_request::SigningSettings;
use aws_smithy_runtime_api::client::identity::Identity;

use crate::aws_query;
use crate::credentials::Credentials;

pub(super) use crate::aws_query::host_of;

/// Which canonicalisation: STS's (the SDK defaults) or S3's (the path encoded once and not
/// normalised, `x-amz-content-sha256` sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Service {
    Sts,
    S3,
}

/// The credentials as aws-sigv4 wants them, built once outside the measurement.
pub(super) fn identity(credentials: &Credentials) -> Identity {
    aws_query::identity(credentials, "fedlab bench")
}

/// Signs `request` in place for `service` in `region`, as of now.
pub(super) fn sign_request(
    request: &mut http::Request<Vec<u8>>,
    identity: &Identity,
    service: Service,
    region: &str,
) -> Result<(), String> {
    let (name, settings) = match service {
        Service::Sts => ("sts", SigningSettings::default()),
        Service::S3 => ("s3", aws_query::s3_signing_settings()),
    };
    aws_query::sign_request(request, name, region, SystemTime::now(), identity, settings)
}
