//! The S3 calls a job makes with the credentials it got, and fedlab's own way of making them:
//! path-style REST over HTTP, signed by aws-sigv4 with a signed payload, as the SDKs sign when
//! they talk to an endpoint over plain HTTP.

use std::time::SystemTime;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::aws_query::{element, host_of, identity, s3_signing_settings, sign_request};
use crate::credentials::Credentials;

/// The S3 operations a scenario's job can call: the ones mock-sts's S3 serves, except
/// GetBucketLocation, which no documented job calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum S3Operation {
    CreateBucket,
    HeadBucket,
    ListBuckets,
    DeleteBucket,
    PutObject,
    GetObject,
    HeadObject,
    ListObjectsV2,
    DeleteObject,
}

impl S3Operation {
    /// The operation's name, as S3's API reference and mock-sts's request log spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::CreateBucket => "CreateBucket",
            Self::HeadBucket => "HeadBucket",
            Self::ListBuckets => "ListBuckets",
            Self::DeleteBucket => "DeleteBucket",
            Self::PutObject => "PutObject",
            Self::GetObject => "GetObject",
            Self::HeadObject => "HeadObject",
            Self::ListObjectsV2 => "ListObjectsV2",
            Self::DeleteObject => "DeleteObject",
        }
    }

    /// Whether the operation names an object (and so needs a key).
    pub fn on_object(self) -> bool {
        matches!(
            self,
            Self::PutObject | Self::GetObject | Self::HeadObject | Self::DeleteObject
        )
    }

    /// Whether the operation names a bucket.
    pub fn on_bucket(self) -> bool {
        self != Self::ListBuckets
    }

    fn method(self) -> &'static str {
        match self {
            Self::CreateBucket | Self::PutObject => "PUT",
            Self::HeadBucket | Self::HeadObject => "HEAD",
            Self::ListBuckets | Self::GetObject | Self::ListObjectsV2 => "GET",
            Self::DeleteBucket | Self::DeleteObject => "DELETE",
        }
    }
}

/// One S3 call: the operation and what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Call {
    pub operation: S3Operation,
    pub bucket: String,
    pub key: String,
    /// PutObject's body.
    pub body: String,
}

/// What a client says one S3 call got: `None` for success, else the error code it reports.
pub type S3Reported = Option<String>;

/// fedlab's own S3 client, for the built-in clients.
#[derive(Debug, Clone)]
pub(crate) struct S3Client {
    http: reqwest::Client,
    endpoint: String,
    region: String,
}

impl S3Client {
    pub(crate) fn new(http: reqwest::Client, endpoint: &str, region: &str) -> Self {
        Self {
            http,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region: region.to_owned(),
        }
    }

    /// Makes the call; `Ok(None)` on a 2xx, `Ok(Some(code))` on an S3 error (a HEAD's error has
    /// no body, so its code is the status, as botocore reports it), `Err` when no answer came.
    pub(crate) async fn call(
        &self,
        call: &S3Call,
        credentials: &Credentials,
    ) -> Result<S3Reported, String> {
        let mut request = self.request(call)?;
        sign_request(
            &mut request,
            "s3",
            &self.region,
            SystemTime::now(),
            &identity(credentials, "fedlab"),
            s3_signing_settings(),
        )?;
        let request = reqwest::Request::try_from(request.map(reqwest::Body::from))
            .map_err(|e| e.to_string())?;
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| crate::aws_query::error_chain(&e))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if status.is_success() {
            return Ok(None);
        }
        Ok(Some(
            element(&text, "Code").unwrap_or_else(|| status.as_u16().to_string()),
        ))
    }

    fn request(&self, call: &S3Call) -> Result<http::Request<Vec<u8>>, String> {
        let mut url = reqwest::Url::parse(&self.endpoint).map_err(|e| e.to_string())?;
        let mut path = String::from("/");
        if call.operation.on_bucket() {
            path.push_str(&uri_encode(&call.bucket));
        }
        if call.operation.on_object() {
            let segments: Vec<String> = call.key.split('/').map(uri_encode).collect();
            path.push('/');
            path.push_str(&segments.join("/"));
        }
        // Already encoded as SigV4 wants it, so the URL keeps it as it is.
        url.set_path(&path);
        if call.operation == S3Operation::ListObjectsV2 {
            url.set_query(Some("list-type=2"));
        }
        let body = match call.operation {
            S3Operation::PutObject => call.body.clone().into_bytes(),
            // Outside us-east-1 a bucket is created where the request says, as SDKs send it.
            S3Operation::CreateBucket if self.region != "us-east-1" => format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                 <LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                self.region
            )
            .into_bytes(),
            _ => Vec::new(),
        };
        let text = url.to_string();
        http::Request::builder()
            .method(call.operation.method())
            .uri(&text)
            .header("host", host_of(&text))
            .header("content-length", body.len())
            .body(body)
            .map_err(|e| e.to_string())
    }
}

/// SigV4's URI encoding of one path segment: every byte but the unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) as `%XX`, as the SDKs send S3 keys (`+` and `=` included, which URL
/// libraries leave alone).
fn uri_encode(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(operation: S3Operation, bucket: &str, key: &str) -> S3Call {
        S3Call {
            operation,
            bucket: bucket.into(),
            key: key.into(),
            body: "hello".into(),
        }
    }

    #[test]
    fn requests_are_path_style_with_the_key_segments_encoded() {
        let client = S3Client::new(
            reqwest::Client::new(),
            "http://127.0.0.1:9000/",
            "us-east-1",
        );
        let put = client
            .request(&call(S3Operation::PutObject, "b", "dir/a b.txt"))
            .unwrap();
        assert_eq!(put.method(), "PUT");
        assert_eq!(put.uri(), "http://127.0.0.1:9000/b/dir/a%20b.txt");
        let special = client
            .request(&call(S3Operation::GetObject, "b", "a+b=c&d"))
            .unwrap();
        assert_eq!(special.uri(), "http://127.0.0.1:9000/b/a%2Bb%3Dc%26d");
        assert_eq!(put.body(), b"hello");
        let list = client
            .request(&call(S3Operation::ListObjectsV2, "b", ""))
            .unwrap();
        assert_eq!(list.uri(), "http://127.0.0.1:9000/b?list-type=2");
        let buckets = client
            .request(&call(S3Operation::ListBuckets, "", ""))
            .unwrap();
        assert_eq!(buckets.uri(), "http://127.0.0.1:9000/");
    }

    #[test]
    fn buckets_outside_us_east_1_are_created_with_a_location_constraint() {
        let client = S3Client::new(reqwest::Client::new(), "http://127.0.0.1:9000", "eu-west-1");
        let create = client
            .request(&call(S3Operation::CreateBucket, "b", ""))
            .unwrap();
        let body = String::from_utf8(create.body().clone()).unwrap();
        assert!(body.contains("<LocationConstraint>eu-west-1</LocationConstraint>"));
    }
}
