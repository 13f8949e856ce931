//! One S3 request: address, operation, authentication, then the call, whose own steps check the
//! bucket, the region and the authorisation in S3's order.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;

use super::S3;
use super::address::{self, Target};
use super::auth;
use super::context::{Context, Record};
use super::operation::{self, Operation};
use super::respond::{self, Exchange, Success};
use super::{buckets, list, objects};
use crate::auth::Caller;
use crate::body;
use crate::errors::S3Error;
use crate::sigv4;

pub(crate) async fn handle(
    State(s3): State<Arc<S3>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let exchange = Exchange {
        method: &method,
        headers: &headers,
        received: s3.sts.config.clock.now(),
        request_id: respond::request_id(),
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let target = address::resolve(host, uri.path());
    let mut record = Record::default();
    // Reading the body is the only wait in a call, so the body's deadline bounds the whole call;
    // a call cut short has stored nothing (objects are stored after their body is read).
    let within = s3.sts.config.body_read_timeout;
    let call = run(&s3, &method, &uri, &headers, body, &target, &mut record);
    let finished = tokio::time::timeout(within, call).await;
    match finished {
        Ok(result) => respond::respond(&s3.sts, &exchange, record, result),
        Err(_elapsed) => {
            let result = Err(S3Error::RequestTimeout);
            body::closing(respond::respond(&s3.sts, &exchange, record, result))
        }
    }
}

async fn run(
    s3: &S3,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
    target: &Target,
    record: &mut Record,
) -> Result<Success, S3Error> {
    let operation = operation::classify(method, target, uri.query())?;
    record.operation = Some(operation.name());
    // The signature covers headers only: S3 checks the body against the declared hash after.
    let request = sigv4::Request {
        method,
        path: uri.path(),
        query: uri.query(),
        headers,
        body: &[],
    };
    let authentication = auth::authenticate(&s3.sts, &request);
    record.access_key_id = authentication.access_key_id;
    let signed = authentication.result?;
    describe_caller(s3, &signed.caller, record);
    let mut cx = Context {
        s3,
        signed,
        target,
        headers,
        query: uri.query(),
        record,
    };
    match operation {
        Operation::ListBuckets => buckets::list_buckets(&mut cx),
        Operation::CreateBucket => buckets::create_bucket(&mut cx, body).await,
        Operation::HeadBucket => buckets::head_bucket(&mut cx),
        Operation::DeleteBucket => buckets::delete_bucket(&mut cx),
        Operation::GetBucketLocation => buckets::get_bucket_location(&mut cx),
        Operation::ListObjectsV2 => list::list_objects_v2(&mut cx),
        Operation::PutObject => objects::put_object(&mut cx, body).await,
        Operation::GetObject => objects::get_object(&mut cx, false),
        Operation::HeadObject => objects::get_object(&mut cx, true),
        Operation::DeleteObject => objects::delete_object(&mut cx),
    }
}

/// The principal, and for a session its role's ARN and session name, as the log records them.
fn describe_caller(s3: &S3, caller: &Caller, record: &mut Record) {
    match caller {
        Caller::Admin => {
            record.principal_arn = Some(super::context::root_arn(&s3.sts.config.account_id));
        }
        Caller::Session(session) => {
            record.principal_arn = Some(session.assumed_role_arn.clone());
            record.role_session_name = Some(session.role_session_name.clone());
            let role_name = session
                .assumed_role_arn
                .split_once(":assumed-role/")
                .and_then(|(_, rest)| rest.split_once('/'))
                .map(|(role, _)| role);
            record.role_arn = role_name
                .and_then(|name| s3.sts.iam().role(name))
                .filter(|role| role.role_id == session.role_id)
                .map(|role| role.arn.clone());
        }
    }
}
