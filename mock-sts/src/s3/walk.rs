//! Requests run through the S3 listener's handler as the server runs them, one after another on
//! one in-memory store, which is emptied after the last. For `fuzz_api`: a request signed with the
//! admin key ID gets the signature the admin secret gives it, so what follows the signature check
//! (the call, the body's framing and checksums, the answer) is reached too.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::State;
use http::{HeaderMap, HeaderValue, Method, Uri, header};
use http_body_util::BodyExt as _;
use rustls::RootCertStore;

use super::{S3, auth, handler};
use crate::clock::FixedClock;
use crate::config::Config;
use crate::errors::S3Error;
use crate::oidc::KeyFetcher;
use crate::sigv4;
use crate::state::Sts;

/// The clock of the S3 state: 2023-11-14T22:13:20Z, the time the seed requests are signed at.
const NOW: i64 = 1_700_000_000;

/// A request as the handler receives it.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) method: Method,
    pub(crate) uri: Uri,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// The status of each answer (`None` when no runtime could be built to run the handler).
pub(crate) fn walk(requests: Vec<Received>) -> Vec<Option<u16>> {
    let s3 = state();
    let statuses = requests
        .into_iter()
        .map(|received| answer(s3, received))
        .collect();
    s3.store.clear();
    statuses
}

fn state() -> &'static Arc<S3> {
    static STATE: OnceLock<Arc<S3>> = OnceLock::new();
    STATE.get_or_init(|| {
        let mut config = Config::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        config.clock = Arc::new(FixedClock(NOW));
        let sts = Arc::new(Sts::new(config, KeyFetcher::new(RootCertStore::empty(), 1)));
        Arc::new(S3 {
            store: Arc::clone(&sts.s3_objects),
            sts,
        })
    })
}

fn answer(s3: &Arc<S3>, mut received: Received) -> Option<u16> {
    if let Some((headers, uri)) = signed_as_admin(s3, &received) {
        received.headers = headers;
        received.uri = uri;
    }
    let response = ready(handler::handle(
        State(Arc::clone(s3)),
        received.method,
        received.uri,
        received.headers,
        Body::from(received.body),
    ))?;
    let status = response.status().as_u16();
    ready(response.into_body().collect())?.ok()?;
    Some(status)
}

/// The request with the signature the admin secret gives it, when it names the admin key and
/// its signature is the only thing wrong.
fn signed_as_admin(s3: &S3, received: &Received) -> Option<(HeaderMap, Uri)> {
    let request = sigv4::Request {
        method: &received.method,
        path: received.uri.path(),
        query: received.uri.query(),
        headers: &received.headers,
        body: &[],
    };
    let Err(S3Error::SignatureDoesNotMatch {
        signature_provided,
        string_to_sign,
        ..
    }) = auth::authenticate(&s3.sts, &request).result
    else {
        return None;
    };
    let parsed = sigv4::parse(&request).ok()??;
    let secret = &s3.sts.config.admin_secret_access_key;
    let signature = sigv4::signature_for(&parsed, secret, &string_to_sign).ok()?;
    let mut headers = received.headers.clone();
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let replaced = value
            .to_str()
            .ok()?
            .replace(&signature_provided, &signature);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&replaced).ok()?,
        );
    }
    let uri = received
        .uri
        .to_string()
        .replace(&signature_provided, &signature);
    Some((headers, Uri::try_from(uri).ok()?))
}

/// The output of a future that needs no waiting (every body here is in memory), or `None`.
fn ready<F: Future>(future: F) -> Option<F::Output> {
    // The handler bounds a call with the body's deadline (`tokio::time::timeout`), which needs a
    // runtime with a timer; an in-memory body never waits on it.
    thread_local! {
        static RUNTIME: Option<tokio::runtime::Runtime> = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .ok();
    }
    RUNTIME.with(|runtime| runtime.as_ref().map(|runtime| runtime.block_on(future)))
}
