//! A minimal, real S3 on a listener of its own: buckets and objects in memory, SigV4 with S3's
//! rules and every payload mode the AWS CLI and SDKs send, each call authorised by the session's
//! policies, S3's XML errors, and one request-log entry per request with the action, resource and
//! decision. `docs/s3.md` lists what is served and what is not.
//!
//! Layout: `address` (bucket and key from Host and path), `operation` (which call, which IAM
//! action), `auth` (who signed, how the body is covered), `payload` (reading a body: cap, chunks,
//! checksums) with `checksum`, `names` (bucket naming rules), `store` (the objects), `buckets` and
//! `objects` (the calls), `context` (what a call works with, authorisation included), `respond`
//! (the HTTP answer and the log entry), `handler` (the flow), `walk` (the flow without a
//! listener, for the fuzz targets).

mod address;
mod auth;
mod buckets;
mod checksum;
mod context;
mod handler;
mod list;
mod names;
mod objects;
mod operation;
mod payload;
mod respond;
// The objects live in `state::Sts`, so a reset on the main listener empties them too.
pub(crate) mod store;
// Requests through the handler without a listener, for `fuzz_api` (which names it: a re-export
// here would make this module and `walk` use each other).
pub(crate) mod walk;

use std::sync::Arc;

use axum::Router;
use axum::routing::any;

use crate::state::Sts;

/// The S3 listener's state: mock-sts's (sessions, IAM, log, config) and the objects.
#[derive(Debug)]
pub(crate) struct S3 {
    pub(crate) sts: Arc<Sts>,
    /// mock-sts's buckets and objects, shared with its state.
    pub(crate) store: Arc<store::Store>,
}

/// Every path of the S3 listener goes to the one handler: S3 addresses by path and Host.
pub(crate) fn router(sts: Arc<Sts>) -> Router {
    let state = Arc::new(S3 {
        store: Arc::clone(&sts.s3_objects),
        sts,
    });
    Router::new()
        .fallback(any(handler::handle))
        .with_state(state)
}
