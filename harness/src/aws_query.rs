//! A small AWS Query-protocol client: form POSTs, optionally SigV4-signed with aws-sigv4, and just
//! enough XML reading for the fields fedlab needs. It is how fedlab itself talks to mock-sts, the
//! way a user's own tooling (the aws CLI, Terraform) would.

use std::time::SystemTime;

use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_smithy_runtime_api::client::identity::Identity;

use crate::credentials::Credentials;
use crate::error::{AwsError, Error};

#[derive(Debug, Clone)]
pub(crate) struct QueryClient {
    http: reqwest::Client,
    endpoint: String,
    region: String,
    /// Signing time; `None` is now. Pinned when the server's clock is pinned, or mock-sts would
    /// refuse the signature as skewed.
    signing_time: Option<SystemTime>,
}

impl QueryClient {
    pub(crate) fn new(http: reqwest::Client, endpoint: &str, region: &str) -> Self {
        Self {
            http,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region: region.to_owned(),
            signing_time: None,
        }
    }

    /// Signs as of `unix_seconds` instead of now.
    pub(crate) fn with_signing_time(mut self, unix_seconds: Option<i64>) -> Self {
        self.signing_time = unix_seconds.map(|seconds| {
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(seconds.unsigned_abs())
        });
        self
    }

    /// Sends `params` (Action and Version first, as SDKs do); signs for `service` when
    /// `credentials` are given. The answer's body on 200, the AWS error otherwise.
    pub(crate) async fn call(
        &self,
        service: &str,
        params: &[(&str, &str)],
        credentials: Option<&Credentials>,
    ) -> Result<String, Error> {
        let body = serde_urlencoded::to_string(params).map_err(|e| self.unexpected(e))?;
        let url = format!("{}/", self.endpoint);
        let mut request = http::Request::builder()
            .method("POST")
            .uri(&url)
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header("host", host_of(&url))
            .body(body.into_bytes())
            .map_err(|e| self.unexpected(e))?;
        if let Some(credentials) = credentials {
            self.sign(&mut request, service, credentials)?;
        }
        let request = reqwest::Request::try_from(request.map(reqwest::Body::from))
            .map_err(|e| self.transport(&e))?;
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| self.transport(&e))?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| self.transport(&e))?;
        if status == 200 {
            return Ok(text);
        }
        match (element(&text, "Code"), text.contains("<ErrorResponse")) {
            (Some(code), true) => Err(Error::Aws(AwsError {
                status,
                code,
                message: element(&text, "Message"),
                request_id: element(&text, "RequestId"),
            })),
            _ => Err(Error::Unexpected { status, body: text }),
        }
    }

    fn sign(
        &self,
        request: &mut http::Request<Vec<u8>>,
        service: &str,
        credentials: &Credentials,
    ) -> Result<(), Error> {
        let time = self.signing_time.unwrap_or_else(SystemTime::now);
        let identity = identity(credentials, "fedlab");
        sign_request(
            request,
            service,
            &self.region,
            time,
            &identity,
            SigningSettings::default(),
        )
        .map_err(|e| self.unexpected(e))
    }

    fn transport(&self, err: &reqwest::Error) -> Error {
        Error::Transport {
            endpoint: self.endpoint.clone(),
            reason: error_chain(err),
        }
    }

    /// A request fedlab could not even build or sign: a bug in fedlab, reported, not panicked on.
    fn unexpected(&self, err: impl std::fmt::Display) -> Error {
        Error::Transport {
            endpoint: self.endpoint.clone(),
            reason: format!("failed to build the request: {err}"),
        }
    }
}

/// The credentials as aws-sigv4 wants them; `name` says who signs in aws-sigv4's own debug output.
pub(crate) fn identity(credentials: &Credentials, name: &'static str) -> Identity {
    aws_credential_types::Credentials::new(
        &credentials.access_key_id,
        &credentials.secret_access_key,
        credentials.session_token.clone(),
        None,
        name,
    )
    .into()
}

/// S3's canonicalisation: the path encoded once and not normalised, and the payload's hash sent
/// as `x-amz-content-sha256` (signed payload), as the SDKs sign over plain HTTP.
pub(crate) fn s3_signing_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings
}

/// Signs `request` in place with SigV4 for `service` in `region` as of `time` (aws-sigv4 does the
/// work; `settings` carry what a service differs in, e.g. [`s3_signing_settings`]).
pub(crate) fn sign_request(
    request: &mut http::Request<Vec<u8>>,
    service: &str,
    region: &str,
    time: SystemTime,
    identity: &Identity,
    settings: SigningSettings,
) -> Result<(), String> {
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| format!("SigV4 parameters: {e}"))?
        .into();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let signable = SignableRequest::new(
        request.method().as_str(),
        request.uri().to_string(),
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

/// `reqwest` hides the interesting part (connection refused, certificate unknown) in the
/// source chain; a test log needs all of it.
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// `host:port` of an `http(s)://host:port/...` URL: the `host` header SigV4 signs.
pub(crate) fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned()
}

/// The text of the first `<name>…</name>`, XML-unescaped. Query responses are flat enough that
/// this is all fedlab needs; it is not a general XML parser.
pub(crate) fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    Some(unescape(&xml[start..end]))
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_found_and_unescaped() {
        let xml = "<A>\n  <Code>X</Code>\n  <Message>a &lt;b&gt; &amp; c</Message>\n</A>";
        assert_eq!(element(xml, "Code").as_deref(), Some("X"));
        assert_eq!(element(xml, "Message").as_deref(), Some("a <b> & c"));
        assert_eq!(element(xml, "Missing"), None);
    }
}
