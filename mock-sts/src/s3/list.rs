//! ListObjectsV2: keys in UTF-8 binary order, `prefix`, `delimiter` (common prefixes), `max-keys`
//! (at most 1000), `start-after`, continuation tokens, and `encoding-type=url`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::context::Context;
use super::operation::{Operation, query_value, resource_arn};
use super::respond::Success;
use crate::errors::S3Error;
use crate::times;
use crate::xml::S3Xml;

const MAX_KEYS: usize = 1000;

struct Listing {
    contents: Vec<(String, super::store::Object)>,
    common_prefixes: Vec<String>,
    /// The last key the page covered, when more follow.
    next_after: Option<String>,
}

pub(crate) fn list_objects_v2(cx: &mut Context<'_>) -> Result<Success, S3Error> {
    let bucket = cx.bucket().to_owned();
    let param = |name: &str| query_value(cx.query, name);
    let prefix = param("prefix").unwrap_or_default();
    let delimiter = param("delimiter").filter(|d| !d.is_empty());
    let start_after = param("start-after");
    let token = param("continuation-token");
    let url_encoding = param("encoding-type").as_deref() == Some("url");
    let max_keys = match param("max-keys") {
        None => MAX_KEYS,
        Some(value) => value
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or(S3Error::InvalidMaxKeys { value })?
            .min(MAX_KEYS as i64) as usize,
    };
    let after = match &token {
        Some(token) => Some(decode_token(token)?),
        None => start_after.clone(),
    };
    let region = cx.s3.store.lock().bucket(&bucket)?.region.clone();
    cx.check_region(&region)?;
    let mut keys = vec![("s3:prefix".to_owned(), vec![prefix.clone()])];
    if let Some(delimiter) = &delimiter {
        keys.push(("s3:delimiter".to_owned(), vec![delimiter.clone()]));
    }
    keys.push(("s3:max-keys".to_owned(), vec![max_keys.to_string()]));
    cx.authorize(
        Operation::ListObjectsV2.iam_action(),
        &resource_arn(Some(&bucket), None),
        keys,
    )?;
    let listing = {
        let store = cx.s3.store.lock();
        let objects = &store.bucket(&bucket)?.objects;
        let mut listing = Listing {
            contents: Vec::new(),
            common_prefixes: Vec::new(),
            next_after: None,
        };
        let mut last = None;
        for (key, object) in objects {
            if after.as_ref().is_some_and(|a| key <= a) || !key.starts_with(&prefix) {
                continue;
            }
            let rolled_up = delimiter.as_ref().and_then(|d| {
                key[prefix.len()..]
                    .find(d.as_str())
                    .map(|at| key[..prefix.len() + at + d.len()].to_owned())
            });
            if let Some(common) = &rolled_up
                && listing.common_prefixes.last() == Some(common)
            {
                last = Some(key.clone());
                continue;
            }
            if listing.contents.len() + listing.common_prefixes.len() == max_keys {
                listing.next_after = last.clone();
                break;
            }
            match rolled_up {
                Some(common) => listing.common_prefixes.push(common),
                None => listing.contents.push((key.clone(), object.clone())),
            }
            last = Some(key.clone());
        }
        listing
    };
    let enc = |s: &str| {
        if url_encoding {
            url_encode(s)
        } else {
            s.to_owned()
        }
    };
    let mut xml = S3Xml::new("ListBucketResult");
    xml.leaf("Name", &bucket).leaf("Prefix", &enc(&prefix));
    if let Some(token) = &token {
        xml.leaf("ContinuationToken", token);
    }
    if let Some(next) = &listing.next_after {
        xml.leaf("NextContinuationToken", &URL_SAFE_NO_PAD.encode(next));
    }
    xml.leaf(
        "KeyCount",
        &(listing.contents.len() + listing.common_prefixes.len()).to_string(),
    )
    .leaf("MaxKeys", &max_keys.to_string());
    if let Some(delimiter) = &delimiter {
        xml.leaf("Delimiter", &enc(delimiter));
    }
    if url_encoding {
        xml.leaf("EncodingType", "url");
    }
    xml.leaf(
        "IsTruncated",
        if listing.next_after.is_some() {
            "true"
        } else {
            "false"
        },
    );
    if let Some(start_after) = &start_after {
        xml.leaf("StartAfter", &enc(start_after));
    }
    for (key, object) in &listing.contents {
        xml.open("Contents")
            .leaf("Key", &enc(key))
            .leaf("LastModified", &times::iso8601_millis(object.last_modified))
            .leaf("ETag", &object.etag);
        if let Some((algorithm, _)) = &object.checksum {
            xml.leaf("ChecksumAlgorithm", algorithm.as_str())
                .leaf("ChecksumType", "FULL_OBJECT");
        }
        xml.leaf("Size", &object.data.len().to_string())
            .leaf("StorageClass", "STANDARD")
            .close("Contents");
    }
    for common in &listing.common_prefixes {
        xml.open("CommonPrefixes")
            .leaf("Prefix", &enc(common))
            .close("CommonPrefixes");
    }
    Ok(Success::xml(xml.finish("ListBucketResult")))
}

fn decode_token(token: &str) -> Result<String, S3Error> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or(S3Error::InvalidContinuationToken)
}

/// `encoding-type=url`: unreserved characters and `/` stay, a space is `+`, the rest `%XX`.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b'/' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(b)),
            b if b.is_ascii_alphanumeric() => out.push(char::from(b)),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
