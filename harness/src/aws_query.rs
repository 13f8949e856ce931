//! A small AWS Query-protocol client: form POSTs, optionally SigV4-signed with aws-sigv4, and
//! just enough XML reading for the fields fedlab needs.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_smithy_runtime_api::client::identity::Identity;

/// Static or session credentials.
#[derive(Debug, Clone)]
pub struct Keys {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

/// An AWS error answer, as read from `<ErrorResponse>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFailure {
    pub status: u16,
    pub code: String,
    pub message: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("AWS answered {} {}: {}", .0.status, .0.code, .0.message.as_deref().unwrap_or("(no message)"))]
    Aws(AwsFailure),
    #[error("failed to sign the request: {0}")]
    Sign(String),
    #[error("request to {endpoint} failed: {source}")]
    Transport {
        endpoint: String,
        source: reqwest::Error,
    },
    #[error("unexpected answer (HTTP {status}): {body}")]
    Unexpected { status: u16, body: String },
}

#[derive(Debug, Clone)]
pub struct QueryClient {
    http: reqwest::Client,
    endpoint: String,
    region: String,
    /// Signing time; `None` is now. Pinned when the server's clock is pinned.
    signing_time: Option<SystemTime>,
}

impl QueryClient {
    pub fn new(http: reqwest::Client, endpoint: &str, region: &str) -> Self {
        Self {
            http,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region: region.to_owned(),
            signing_time: None,
        }
    }

    /// Signs as of `unix_seconds` instead of now.
    pub fn with_signing_time(mut self, unix_seconds: i64) -> Self {
        self.signing_time = Some(
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(unix_seconds.unsigned_abs()),
        );
        self
    }

    /// Sends `params` (Action and Version first, as SDKs do); signs when `keys` is given.
    pub async fn call(
        &self,
        service: &str,
        params: &[(&str, &str)],
        keys: Option<&Keys>,
    ) -> Result<String, QueryError> {
        let body =
            serde_urlencoded::to_string(params).map_err(|e| QueryError::Sign(e.to_string()))?;
        let url = format!("{}/", self.endpoint);
        let mut request = http::Request::builder()
            .method("POST")
            .uri(&url)
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header("host", host_of(&url))
            .body(body.clone().into_bytes())
            .map_err(|e| QueryError::Sign(e.to_string()))?;
        if let Some(keys) = keys {
            self.sign(&mut request, service, keys)?;
        }
        let request =
            reqwest::Request::try_from(request.map(reqwest::Body::from)).map_err(|source| {
                QueryError::Transport {
                    endpoint: self.endpoint.clone(),
                    source,
                }
            })?;
        let response =
            self.http
                .execute(request)
                .await
                .map_err(|source| QueryError::Transport {
                    endpoint: self.endpoint.clone(),
                    source,
                })?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|source| QueryError::Transport {
                endpoint: self.endpoint.clone(),
                source,
            })?;
        if status == 200 {
            return Ok(text);
        }
        match (element(&text, "Code"), text.contains("<ErrorResponse")) {
            (Some(code), true) => Err(QueryError::Aws(AwsFailure {
                status,
                code,
                message: element(&text, "Message"),
            })),
            _ => Err(QueryError::Unexpected { status, body: text }),
        }
    }

    fn sign(
        &self,
        request: &mut http::Request<Vec<u8>>,
        service: &str,
        keys: &Keys,
    ) -> Result<(), QueryError> {
        let identity: Identity = Credentials::new(
            &keys.access_key_id,
            &keys.secret_access_key,
            keys.session_token.clone(),
            None,
            "fedlab",
        )
        .into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(service)
            .time(self.signing_time.unwrap_or_else(SystemTime::now))
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| QueryError::Sign(e.to_string()))?
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
        .map_err(|e| QueryError::Sign(e.to_string()))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| QueryError::Sign(e.to_string()))?
            .into_parts();
        instructions.apply_to_request_http1x(request);
        Ok(())
    }
}

fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned()
}

/// The text of the first `<name>…</name>`, XML-unescaped. Query responses are flat enough that
/// this is all fedlab needs; it is not a general XML parser.
pub fn element(xml: &str, name: &str) -> Option<String> {
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
