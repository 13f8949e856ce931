//! Which S3 operation a request is, from its method, target and sub-resource query, and what IAM
//! action on which resource ARN authorises it, as the Service Authorization Reference page
//! "Actions, resources, and condition keys for Amazon S3"
//! (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html>) maps them.

use http::Method;

use super::address::Target;
use crate::errors::S3Error;
use crate::sigv4::percent_decode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    ListBuckets,
    CreateBucket,
    HeadBucket,
    DeleteBucket,
    GetBucketLocation,
    ListObjectsV2,
    PutObject,
    GetObject,
    HeadObject,
    DeleteObject,
}

impl Operation {
    /// The S3 API name, as the request log records it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::ListBuckets => "ListBuckets",
            Self::CreateBucket => "CreateBucket",
            Self::HeadBucket => "HeadBucket",
            Self::DeleteBucket => "DeleteBucket",
            Self::GetBucketLocation => "GetBucketLocation",
            Self::ListObjectsV2 => "ListObjectsV2",
            Self::PutObject => "PutObject",
            Self::GetObject => "GetObject",
            Self::HeadObject => "HeadObject",
            Self::DeleteObject => "DeleteObject",
        }
    }

    /// The IAM action that authorises it.
    pub(crate) fn iam_action(self) -> &'static str {
        match self {
            Self::ListBuckets => "s3:ListAllMyBuckets",
            Self::CreateBucket => "s3:CreateBucket",
            Self::HeadBucket | Self::ListObjectsV2 => "s3:ListBucket",
            Self::DeleteBucket => "s3:DeleteBucket",
            Self::GetBucketLocation => "s3:GetBucketLocation",
            Self::PutObject => "s3:PutObject",
            Self::GetObject | Self::HeadObject => "s3:GetObject",
            Self::DeleteObject => "s3:DeleteObject",
        }
    }
}

/// The resource ARN an action is authorised on: the bucket, the object, or `*`.
pub(crate) fn resource_arn(bucket: Option<&str>, key: Option<&str>) -> String {
    match (bucket, key) {
        (Some(bucket), Some(key)) => format!("arn:aws:s3:::{bucket}/{key}"),
        (Some(bucket), None) => format!("arn:aws:s3:::{bucket}"),
        _ => "*".to_owned(),
    }
}

/// Query parameters that leave the operation as it is (`x-id` is botocore's operation marker).
const PLAIN: &[&str] = &["x-id"];
const LIST_V2: &[&str] = &[
    "list-type",
    "prefix",
    "delimiter",
    "max-keys",
    "continuation-token",
    "start-after",
    "encoding-type",
    "fetch-owner",
];
const GET_OBJECT: &[&str] = &[
    "response-content-type",
    "response-content-language",
    "response-expires",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
];

pub(crate) fn classify(
    method: &Method,
    target: &Target,
    query: Option<&str>,
) -> Result<Operation, S3Error> {
    let names = query_names(query);
    let only = |allowed: &[&str]| -> Result<(), S3Error> {
        match names
            .iter()
            .find(|n| !PLAIN.contains(&n.as_str()) && !allowed.contains(&n.as_str()))
        {
            Some(name) => Err(S3Error::NotImplemented {
                what: format!("?{name}"),
            }),
            None => Ok(()),
        }
    };
    let not_allowed = |resource_type: &'static str| S3Error::MethodNotAllowed {
        method: method.to_string(),
        resource_type,
    };
    match (&target.bucket, &target.key) {
        (None, _) if *method == Method::GET => only(&[
            "bucket-region",
            "prefix",
            "max-buckets",
            "continuation-token",
        ])
        .map(|()| Operation::ListBuckets),
        (None, _) => Err(not_allowed("SERVICE")),
        (Some(_), None) => match *method {
            Method::PUT => only(&[]).map(|()| Operation::CreateBucket),
            Method::HEAD => only(&[]).map(|()| Operation::HeadBucket),
            Method::DELETE => only(&[]).map(|()| Operation::DeleteBucket),
            Method::GET if names.iter().any(|n| n == "location") => {
                only(&["location"]).map(|()| Operation::GetBucketLocation)
            }
            Method::GET if names.iter().any(|n| n == "list-type") => {
                only(LIST_V2).map(|()| Operation::ListObjectsV2)
            }
            Method::GET => Err(S3Error::NotImplemented {
                what: "ListObjects (version 1); use ListObjectsV2".to_owned(),
            }),
            _ => Err(not_allowed("BUCKET")),
        },
        (Some(_), Some(_)) => match *method {
            Method::PUT => only(&[]).map(|()| Operation::PutObject),
            Method::GET => only(GET_OBJECT).map(|()| Operation::GetObject),
            Method::HEAD => only(&[]).map(|()| Operation::HeadObject),
            Method::DELETE => only(&[]).map(|()| Operation::DeleteObject),
            Method::POST => only(&[]).and(Err(S3Error::NotImplemented {
                what: "POST on an object (multipart upload)".to_owned(),
            })),
            _ => Err(not_allowed("OBJECT")),
        },
    }
}

/// The decoded names of the query's parameters.
fn query_names(query: Option<&str>) -> Vec<String> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let name = piece.split_once('=').map_or(piece, |(name, _)| name);
            String::from_utf8_lossy(&percent_decode(name)).into_owned()
        })
        .collect()
}

/// The decoded value of one query parameter (`+` is a space, as form encoding has it).
pub(crate) fn query_value(query: Option<&str>, wanted: &str) -> Option<String> {
    query.unwrap_or_default().split('&').find_map(|piece| {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let name = String::from_utf8_lossy(&percent_decode(name)).into_owned();
        (name == wanted).then(|| {
            String::from_utf8_lossy(&percent_decode(&value.replace('+', " "))).into_owned()
        })
    })
}
