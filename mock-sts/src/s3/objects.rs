//! The object calls: PutObject, GetObject (with a single byte range), HeadObject, DeleteObject.

use axum::body::{Body, Bytes};
use http::StatusCode;

use super::checksum;
use super::context::Context;
use super::operation::{Operation, query_value, resource_arn};
use super::payload;
use super::respond::Success;
use super::store::Object;
use crate::errors::S3Error;
use crate::times;

/// What S3 stores an object as when the client names no type.
const DEFAULT_CONTENT_TYPE: &str = "binary/octet-stream";
const META_PREFIX: &str = "x-amz-meta-";

/// The bucket must exist and be in the signed region.
fn bucket_region(cx: &mut Context<'_>) -> Result<(), S3Error> {
    let bucket = cx.bucket().to_owned();
    let region = cx.s3.store.lock().bucket(&bucket)?.region.clone();
    cx.check_region(&region)
}

pub(crate) async fn put_object(cx: &mut Context<'_>, body: Body) -> Result<Success, S3Error> {
    bucket_region(cx)?;
    let (bucket, key) = (cx.bucket().to_owned(), cx.key().to_owned());
    cx.authorize(
        Operation::PutObject.iam_action(),
        &resource_arn(Some(&bucket), Some(&key)),
        Vec::new(),
    )?;
    if cx.headers.contains_key("x-amz-copy-source") {
        return Err(S3Error::NotImplemented {
            what: "x-amz-copy-source".to_owned(),
        });
    }
    let max = cx.s3.sts.config.s3_max_object_size;
    let headers = cx.headers;
    let payload = payload::read(
        body,
        headers,
        &cx.signed.payload,
        &mut cx.signed.chain,
        max,
        true,
    )
    .await?;
    let etag = format!("\"{}\"", hex(&checksum::md5_bytes(&payload.data)));
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let metadata = headers
        .iter()
        .filter_map(|(name, value)| {
            let name = name.as_str().strip_prefix(META_PREFIX)?;
            Some((name.to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    let object = Object {
        data: payload.data,
        etag: etag.clone(),
        last_modified: cx.s3.sts.config.clock.now(),
        content_type: header("content-type"),
        metadata,
        checksum: payload.checksum.clone(),
    };
    let max_total = cx.s3.sts.config.s3_max_total_size;
    cx.s3.store.lock().put(&bucket, &key, object, max_total)?;
    let mut success = Success::empty(StatusCode::OK)
        .header("etag", etag)
        .header("x-amz-server-side-encryption", "AES256");
    if let Some((algorithm, value)) = payload.checksum {
        success = success
            .header(&checksum::header_name(algorithm), value)
            .header("x-amz-checksum-type", "FULL_OBJECT");
    }
    Ok(success)
}

/// GetObject and HeadObject: the same checks and headers; HEAD sends no body.
pub(crate) fn get_object(cx: &mut Context<'_>, head: bool) -> Result<Success, S3Error> {
    bucket_region(cx)?;
    let (bucket, key) = (cx.bucket().to_owned(), cx.key().to_owned());
    let operation = if head {
        Operation::HeadObject
    } else {
        Operation::GetObject
    };
    cx.authorize(
        operation.iam_action(),
        &resource_arn(Some(&bucket), Some(&key)),
        Vec::new(),
    )?;
    let found = cx
        .s3
        .store
        .lock()
        .bucket(&bucket)?
        .objects
        .get(&key)
        .cloned();
    let Some(object) = found else {
        // Without s3:ListBucket a missing key is access denied, so the key's absence stays hidden
        // (the GetObject API reference, "Permissions").
        // The log keeps the call's own action and resource; the second check shows in the detail.
        let (action, resource) = (cx.record.iam_action.take(), cx.record.resource.take());
        let checked = cx.authorize(
            "s3:ListBucket",
            &resource_arn(Some(&bucket), None),
            Vec::new(),
        );
        cx.record.detail = cx
            .record
            .detail
            .take()
            .map(|d| format!("key {key} does not exist; s3:ListBucket: {d}"));
        cx.record.iam_action = action;
        cx.record.resource = resource;
        checked?;
        return Err(S3Error::NoSuchKey { key });
    };
    let size = object.data.len() as u64;
    let range = match cx.headers.get("range").and_then(|v| v.to_str().ok()) {
        Some(spec) => Some(
            parse_range(spec, size).ok_or_else(|| S3Error::InvalidRange {
                range: spec.to_owned(),
                size,
            })?,
        ),
        None => None,
    };
    let (status, body) = match range {
        Some((start, end)) => (
            StatusCode::PARTIAL_CONTENT,
            object.data.slice(start as usize..=end as usize),
        ),
        None => (StatusCode::OK, object.data.clone()),
    };
    let content_type = query_value(cx.query, "response-content-type")
        .or_else(|| object.content_type.clone())
        .unwrap_or_else(|| DEFAULT_CONTENT_TYPE.to_owned());
    let mut success = Success {
        status,
        headers: Vec::new(),
        body: if head { Bytes::new() } else { body.clone() },
    }
    .header("content-type", content_type)
    .header("content-length", body.len().to_string())
    .header("etag", object.etag.clone())
    .header("last-modified", times::http_date(object.last_modified))
    .header("accept-ranges", "bytes")
    .header("x-amz-server-side-encryption", "AES256");
    if let Some((start, end)) = range {
        success = success.header("content-range", format!("bytes {start}-{end}/{size}"));
    }
    let checksum_wanted = cx
        .headers
        .get("x-amz-checksum-mode")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"ENABLED"));
    if let (true, None, Some((algorithm, value))) = (checksum_wanted, range, &object.checksum) {
        success = success
            .header(&checksum::header_name(*algorithm), value.clone())
            .header("x-amz-checksum-type", "FULL_OBJECT");
    }
    for (name, value) in &object.metadata {
        success = success.header(&format!("{META_PREFIX}{name}"), value.clone());
    }
    Ok(success)
}

pub(crate) fn delete_object(cx: &mut Context<'_>) -> Result<Success, S3Error> {
    bucket_region(cx)?;
    let (bucket, key) = (cx.bucket().to_owned(), cx.key().to_owned());
    cx.authorize(
        Operation::DeleteObject.iam_action(),
        &resource_arn(Some(&bucket), Some(&key)),
        Vec::new(),
    )?;
    cx.s3.store.lock().delete(&bucket, &key)?;
    Ok(Success::empty(StatusCode::NO_CONTENT))
}

/// One `bytes=` range (`a-b`, `a-`, `-n`), clamped to the object; `None` if unsatisfiable.
fn parse_range(spec: &str, size: u64) -> Option<(u64, u64)> {
    let (first, last) = spec.trim().strip_prefix("bytes=")?.split_once('-')?;
    if size == 0 {
        return None;
    }
    let (start, end) = match (first.trim(), last.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok().filter(|n| *n > 0)?;
            (size.saturating_sub(n), size - 1)
        }
        (start, "") => (start.parse().ok()?, size - 1),
        (start, end) => (start.parse().ok()?, end.parse::<u64>().ok()?.min(size - 1)),
    };
    (start <= end && start < size).then_some((start, end))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
