//! Signing S3 requests as an SDK does (aws-sigv4 with S3's settings: the path encoded once and
//! not normalised, `x-amz-content-sha256` sent), and building `aws-chunked` bodies by hand with
//! their chunk signatures.

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};
use aws_smithy_runtime_api::client::identity::Identity;
use mock_sts::{Config, FixedClock};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use super::support::{Keys, NOW, signing_now};

pub(crate) const UNSIGNED: &str = "UNSIGNED-PAYLOAD";
pub(crate) const SIGNED_CHUNKS: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
pub(crate) const SIGNED_CHUNKS_TRAILER: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
pub(crate) const UNSIGNED_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/// An S3 answer as received.
#[derive(Debug)]
pub(crate) struct S3Answer {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: String,
}

impl S3Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// S3's error body with this answer's request and host IDs.
    pub(crate) fn expected_error(
        &self,
        code: &str,
        message: &str,
        extra: &[(&str, &str)],
    ) -> String {
        let mut body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>"
        );
        for (name, value) in extra {
            body.push_str(&format!("<{name}>{value}</{name}>"));
        }
        body.push_str(&format!(
            "<RequestId>{}</RequestId><HostId>{}</HostId></Error>",
            self.header("x-amz-request-id"),
            self.header("x-amz-id-2")
        ));
        body
    }

    pub(crate) fn assert_error(
        &self,
        status: u16,
        code: &str,
        message: &str,
        extra: &[(&str, &str)],
    ) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.body, self.expected_error(code, message, extra));
    }
}

/// A mock-sts on the fixed clock; `config` may change caps.
pub(crate) async fn start(change: impl FnOnce(&mut Config)) -> mock_sts::RunningSts {
    let mut config = Config::new(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0));
    config.clock = Arc::new(FixedClock(NOW));
    change(&mut config);
    mock_sts::spawn(config).await.expect("mock-sts starts")
}

/// One S3 request to build, sign and send.
pub(crate) struct S3Request<'a> {
    pub(crate) method: &'a str,
    /// Path and query, e.g. `/bucket/key?x-id=PutObject`.
    pub(crate) target: &'a str,
    pub(crate) region: &'a str,
    pub(crate) headers: Vec<(&'a str, String)>,
    /// `x-amz-content-sha256`: `None` signs the body's hash.
    pub(crate) payload: Option<&'a str>,
    pub(crate) body: Vec<u8>,
}

impl<'a> S3Request<'a> {
    pub(crate) fn new(method: &'a str, target: &'a str) -> Self {
        Self {
            method,
            target,
            region: "us-east-1",
            headers: Vec::new(),
            payload: None,
            body: Vec::new(),
        }
    }

    pub(crate) fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub(crate) fn header(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub(crate) fn region(mut self, region: &'a str) -> Self {
        self.region = region;
        self
    }

    pub(crate) fn payload(mut self, payload: &'a str) -> Self {
        self.payload = Some(payload);
        self
    }

    /// Signs with `keys` at the server's now; returns the request and its seed signature.
    pub(crate) fn sign(&self, endpoint: &str, keys: &Keys) -> (http::Request<Vec<u8>>, String) {
        let host = endpoint.trim_start_matches("http://").to_owned();
        let mut builder = http::Request::builder()
            .method(self.method)
            .uri(format!("{endpoint}{}", self.target))
            .header("host", host);
        for (name, value) in &self.headers {
            builder = builder.header(*name, value);
        }
        let mut request = builder.body(self.body.clone()).unwrap();
        let identity: Identity = Credentials::new(
            &keys.access_key_id,
            &keys.secret_access_key,
            keys.session_token.clone(),
            None,
            "s3 wire tests",
        )
        .into();
        let mut settings = SigningSettings::default();
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name("s3")
            .time(signing_now())
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
            .collect();
        let body = match self.payload {
            Some(declared) => SignableBody::Precomputed(declared.to_owned()),
            None => SignableBody::Bytes(&self.body),
        };
        let signable = SignableRequest::new(
            request.method().as_str(),
            request.uri().to_string(),
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            body,
        )
        .unwrap();
        let (instructions, signature) = sign(signable, &params).unwrap().into_parts();
        instructions.apply_to_request_http1x(&mut request);
        (request, signature)
    }
}

pub(crate) async fn send(request: http::Request<Vec<u8>>) -> S3Answer {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let request = reqwest::Request::try_from(request.map(reqwest::Body::from)).unwrap();
    let response = client.execute(request).await.unwrap();
    S3Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// Signs and sends.
pub(crate) async fn call(
    sts: &mock_sts::RunningSts,
    request: S3Request<'_>,
    keys: &Keys,
) -> S3Answer {
    let (request, _) = request.sign(sts.s3_endpoint(), keys);
    send(request).await
}

/// Signs chunks as the S3 API reference's chunked-upload page describes, chained from `seed`.
pub(crate) struct ChunkSigner {
    key: Vec<u8>,
    scope: String,
    amz_date: String,
    previous: String,
}

impl ChunkSigner {
    pub(crate) fn new(keys: &Keys, region: &str, seed: String) -> Self {
        let key = generate_signing_key(&keys.secret_access_key, signing_now(), region, "s3");
        let date = time::OffsetDateTime::from(signing_now());
        let amz_date = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            date.year(),
            u8::from(date.month()),
            date.day(),
            date.hour(),
            date.minute(),
            date.second()
        );
        Self {
            key: key.as_ref().to_vec(),
            scope: format!("{}/{region}/s3/aws4_request", &amz_date[..8]),
            amz_date,
            previous: seed,
        }
    }

    pub(crate) fn chunk(&mut self, data: &[u8]) -> String {
        let to_sign = format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n{}\n{}\n{}\n{}\n{}",
            self.amz_date,
            self.scope,
            self.previous,
            sha256_hex(b""),
            sha256_hex(data)
        );
        self.previous = calculate_signature(&self.key, to_sign.as_bytes());
        self.previous.clone()
    }

    pub(crate) fn trailer(&mut self, canonical: &str) -> String {
        let to_sign = format!(
            "AWS4-HMAC-SHA256-TRAILER\n{}\n{}\n{}\n{}",
            self.amz_date,
            self.scope,
            self.previous,
            sha256_hex(canonical.as_bytes())
        );
        self.previous = calculate_signature(&self.key, to_sign.as_bytes());
        self.previous.clone()
    }
}

pub(crate) fn sha256_hex(data: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
