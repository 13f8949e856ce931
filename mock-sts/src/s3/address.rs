//! Which bucket and key a request names: virtual-hosted style (`<bucket>.s3[.<region>].amazonaws.com`
//! in the Host header) or path style (`/<bucket>/<key>`, for every other host, the loopback IP
//! fedlab documents included), as the S3 User Guide page "Virtual hosting of buckets"
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html>) describes.

use crate::sigv4::percent_decode;

/// What a request addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) bucket: Option<String>,
    /// The key decoded from the path; `None` for bucket- and service-level requests.
    pub(crate) key: Option<String>,
}

/// `host` is the Host header (port allowed), `raw_path` the path as received.
pub(crate) fn resolve(host: Option<&str>, raw_path: &str) -> Target {
    let path = String::from_utf8_lossy(&percent_decode(raw_path)).into_owned();
    let path = path.strip_prefix('/').unwrap_or(&path);
    if let Some(bucket) = host.and_then(virtual_host_bucket) {
        return Target {
            bucket: Some(bucket.to_owned()),
            key: non_empty(path),
        };
    }
    match path.split_once('/') {
        Some((bucket, key)) => Target {
            bucket: non_empty(bucket),
            key: non_empty(key),
        },
        None => Target {
            bucket: non_empty(path),
            key: None,
        },
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// The bucket of a virtual-hosted-style host name, if `host` is one.
fn virtual_host_bucket(host: &str) -> Option<&str> {
    let host = strip_port(host);
    let (bucket, endpoint) = host.split_once(".s3")?;
    let rest = endpoint.strip_suffix(".amazonaws.com")?;
    // `.s3.amazonaws.com`, `.s3.<region>.amazonaws.com`, `.s3-<region>.amazonaws.com`.
    let endpoint_ok = rest.is_empty()
        || rest
            .strip_prefix('.')
            .or_else(|| rest.strip_prefix('-'))
            .is_some_and(is_region);
    (endpoint_ok && !bucket.is_empty()).then_some(bucket)
}

/// A bracketed IPv6 literal is never a bucket host, so it is left whole.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host;
    }
    host.split_once(':').map_or(host, |(name, _)| name)
}

fn is_region(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(bucket: Option<&str>, key: Option<&str>) -> Target {
        Target {
            bucket: bucket.map(str::to_owned),
            key: key.map(str::to_owned),
        }
    }

    #[test]
    fn a_loopback_host_is_path_style() {
        assert_eq!(
            resolve(Some("127.0.0.1:9000"), "/b/a/b%20c"),
            target(Some("b"), Some("a/b c"))
        );
        assert_eq!(
            resolve(Some("127.0.0.1:9000"), "/b"),
            target(Some("b"), None)
        );
        assert_eq!(
            resolve(Some("127.0.0.1:9000"), "/b/"),
            target(Some("b"), None)
        );
        assert_eq!(resolve(Some("127.0.0.1:9000"), "/"), target(None, None));
    }

    #[test]
    fn an_s3_host_name_with_a_bucket_label_is_virtual_hosted() {
        assert_eq!(
            resolve(Some("my.bucket.s3.amazonaws.com"), "/k"),
            target(Some("my.bucket"), Some("k"))
        );
        assert_eq!(
            resolve(Some("b.s3.eu-west-1.amazonaws.com:443"), "/"),
            target(Some("b"), None)
        );
        assert_eq!(
            resolve(Some("s3.eu-west-1.amazonaws.com"), "/b/k"),
            target(Some("b"), Some("k"))
        );
        assert_eq!(resolve(Some("s3.amazonaws.com"), "/"), target(None, None));
    }
}
