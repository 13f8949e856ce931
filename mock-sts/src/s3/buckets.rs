//! The bucket calls: CreateBucket (with AWS's region rules), HeadBucket, DeleteBucket,
//! GetBucketLocation and ListBuckets.

use axum::body::Body;
use http::StatusCode;

use super::context::Context;
use super::names::is_valid_bucket_name;
use super::operation::{Operation, resource_arn};
use super::payload;
use super::respond::Success;
use super::store::Bucket;
use crate::errors::S3Error;
use crate::xml::S3Xml;
use crate::{sigv4, times};

/// The region whose endpoint takes no LocationConstraint and whose buckets have none.
const US_EAST_1: &str = "us-east-1";
/// A CreateBucketConfiguration is a few hundred bytes; more is not a configuration.
const MAX_CONFIGURATION: u64 = 64 * 1024;

pub(crate) async fn create_bucket(cx: &mut Context<'_>, body: Body) -> Result<Success, S3Error> {
    let bucket = cx.bucket().to_owned();
    if !is_valid_bucket_name(&bucket) {
        return Err(S3Error::InvalidBucketName { bucket });
    }
    let resource = resource_arn(Some(&bucket), None);
    cx.authorize(Operation::CreateBucket.iam_action(), &resource, Vec::new())?;
    let headers = cx.headers;
    let config = payload::read(
        body,
        headers,
        &cx.signed.payload,
        &mut cx.signed.chain,
        MAX_CONFIGURATION,
        false,
    )
    .await
    .map_err(|err| match err {
        S3Error::EntityTooLarge { .. } => S3Error::MalformedXml,
        other => other,
    })?;
    let constraint = location_constraint(&config.data)?;
    let endpoint = cx.signed.region.clone();
    let region = match (endpoint.as_str(), constraint) {
        (US_EAST_1, Some(c)) if c == US_EAST_1 => {
            return Err(S3Error::InvalidLocationConstraint { constraint: c });
        }
        (US_EAST_1, Some(c)) => c,
        (US_EAST_1, None) => US_EAST_1.to_owned(),
        (_, None) => return Err(S3Error::IllegalLocationConstraint { constraint: None }),
        (endpoint, Some(c)) if c != endpoint => {
            return Err(S3Error::IllegalLocationConstraint {
                constraint: Some(c),
            });
        }
        (_, Some(c)) => c,
    };
    if cx.s3.sts.config.s3_foreign_buckets.contains(&bucket) {
        return Err(S3Error::BucketAlreadyExists { bucket });
    }
    let mut store = cx.s3.store.lock();
    if let Some(existing) = store.by_name.get(&bucket) {
        // us-east-1 answers a repeated CreateBucket of your own bucket there with success.
        if existing.region == US_EAST_1 && endpoint == US_EAST_1 {
            return Ok(created(&bucket, US_EAST_1));
        }
        return Err(S3Error::BucketAlreadyOwnedByYou { bucket });
    }
    store.by_name.insert(
        bucket.clone(),
        Bucket {
            region: region.clone(),
            created: cx.s3.sts.config.clock.now(),
            objects: Default::default(),
        },
    );
    Ok(created(&bucket, &region))
}

fn created(bucket: &str, region: &str) -> Success {
    let location = if region == US_EAST_1 {
        format!("/{bucket}")
    } else {
        format!("http://{bucket}.s3.amazonaws.com/")
    };
    Success::empty(StatusCode::OK).header("location", location)
}

/// `<CreateBucketConfiguration><LocationConstraint>…` or an empty body.
fn location_constraint(body: &[u8]) -> Result<Option<String>, S3Error> {
    let text = std::str::from_utf8(body).map_err(|_| S3Error::MalformedXml)?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    if !text.contains("<CreateBucketConfiguration")
        || !text.contains("</CreateBucketConfiguration>")
    {
        return Err(S3Error::MalformedXml);
    }
    let Some((_, after)) = text.split_once("<LocationConstraint>") else {
        return Ok(None);
    };
    let (value, _) = after
        .split_once("</LocationConstraint>")
        .ok_or(S3Error::MalformedXml)?;
    let value = value.trim();
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

pub(crate) fn head_bucket(cx: &mut Context<'_>) -> Result<Success, S3Error> {
    let bucket = cx.bucket().to_owned();
    let region = cx.s3.store.lock().bucket(&bucket)?.region.clone();
    cx.authorize(
        Operation::HeadBucket.iam_action(),
        &resource_arn(Some(&bucket), None),
        Vec::new(),
    )?;
    Ok(Success::empty(StatusCode::OK)
        .header("x-amz-bucket-region", region)
        .header("x-amz-access-point-alias", "false"))
}

pub(crate) fn delete_bucket(cx: &mut Context<'_>) -> Result<Success, S3Error> {
    let bucket = cx.bucket().to_owned();
    let region = cx.s3.store.lock().bucket(&bucket)?.region.clone();
    cx.check_region(&region)?;
    cx.authorize(
        Operation::DeleteBucket.iam_action(),
        &resource_arn(Some(&bucket), None),
        Vec::new(),
    )?;
    let mut store = cx.s3.store.lock();
    if !store.bucket(&bucket)?.objects.is_empty() {
        return Err(S3Error::BucketNotEmpty { bucket });
    }
    store.by_name.remove(&bucket);
    Ok(Success::empty(StatusCode::NO_CONTENT))
}

/// `<LocationConstraint>` is empty for us-east-1, as S3 answers it.
pub(crate) fn get_bucket_location(cx: &mut Context<'_>) -> Result<Success, S3Error> {
    let bucket = cx.bucket().to_owned();
    let region = cx.s3.store.lock().bucket(&bucket)?.region.clone();
    cx.authorize(
        Operation::GetBucketLocation.iam_action(),
        &resource_arn(Some(&bucket), None),
        Vec::new(),
    )?;
    let xml = S3Xml::new("LocationConstraint");
    let body = if region == US_EAST_1 {
        xml.finish("LocationConstraint")
    } else {
        let mut xml = xml;
        xml.text(&region);
        xml.finish("LocationConstraint")
    };
    Ok(Success::xml(body))
}

pub(crate) fn list_buckets(cx: &mut Context<'_>) -> Result<Success, S3Error> {
    cx.authorize(Operation::ListBuckets.iam_action(), "*", Vec::new())?;
    let owner = canonical_user_id(&cx.s3.sts.config.account_id);
    let store = cx.s3.store.lock();
    let mut xml = S3Xml::new("ListAllMyBucketsResult");
    xml.open("Buckets");
    for (name, bucket) in &store.by_name {
        xml.open("Bucket")
            .leaf("Name", name)
            .leaf("CreationDate", &times::iso8601_millis(bucket.created))
            .leaf("BucketRegion", &bucket.region)
            .close("Bucket");
    }
    xml.close("Buckets")
        .open("Owner")
        .leaf("ID", &owner)
        .close("Owner");
    Ok(Success::xml(xml.finish("ListAllMyBucketsResult")))
}

/// The account's canonical user ID: 64 hex characters, stable per account.
pub(crate) fn canonical_user_id(account: &str) -> String {
    sigv4::sha256_hex(format!("fedlab canonical user {account}").as_bytes())
}
