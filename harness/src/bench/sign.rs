//! SigV4 for the benchmark's signed requests, done per request as an SDK does (a signature
//! carries its time, so a pool signed in advance would go stale in a long run).

use std::time::SystemTime;

use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_smithy_runtime_api::client::identity::Identity;

use crate::credentials::Credentials;

/// Which canonicalisation: STS's (the SDK defaults) or S3's (the path encoded once and not
/// normalised, `x-amz-content-sha256` sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Service {
    Sts,
    S3,
}

/// The credentials as aws-sigv4 wants them, built once outside the measurement.
pub(super) fn identity(credentials: &Credentials) -> Identity {
    aws_credential_types::Credentials::new(
        &credentials.access_key_id,
        &credentials.secret_access_key,
        credentials.session_token.clone(),
        None,
        "fedlab bench",
    )
    .into()
}

/// Signs `request` in place for `service` in `region`, as of now.
pub(super) fn sign_request(
    request: &mut http::Request<Vec<u8>>,
    identity: &Identity,
    service: Service,
    region: &str,
) -> Result<(), String> {
    let mut settings = SigningSettings::default();
    let name = match service {
        Service::Sts => "sts",
        Service::S3 => {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
            "s3"
        }
    };
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name(name)
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .map_err(|e| format!("SigV4 parameters: {e}"))?
        .into();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let uri = request.uri().to_string();
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(request.body()),
    )
    .map_err(|e| format!("SigV4 request: {e}"))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| format!("SigV4 signing: {e}"))?
        .into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

/// `host:port` of an `http(s)://host:port/...` URL: the `host` header SigV4 signs.
pub(super) fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned()
}
