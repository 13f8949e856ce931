//! Hooks for the fuzz targets in `fuzz/` and for the tests that replay their saved inputs
//! (`tests/fuzz_corpus.rs`): each takes arbitrary bytes through one parser of the request path,
//! with the code the server runs. Not part of the API: it may change with any release.
//!
//! Every function must return for any input and never panic. What it returns only says how far
//! the input got (a token that passed every check, a policy that parsed), which the replay tests
//! use to show that the saved inputs still reach the code behind the parsers.

mod http_text;
mod trust_policy;

use std::hint::black_box;

use crate::query::Params;
use crate::{s3, sigv4, web_identity};

pub use trust_policy::trust_policy;

/// The secret the SigV4 target verifies against: any will do, the signatures are the input's.
const SIGV4_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// A `WebIdentityToken` through every AssumeRoleWithWebIdentity step that needs no issuer key:
/// decoding, required and session claims, lifetime, header checks, the trust-policy context and
/// the success XML. `true` when the token passed them all.
pub fn jwt(input: &[u8]) -> bool {
    let token = String::from_utf8_lossy(input);
    web_identity::walk_token(token.trim_ascii()).is_ok()
}

/// A Query-protocol form body through `Params` and the AssumeRoleWithWebIdentity parameter
/// checks (model constraints, role ARN, session policies). `true` when the parameters passed.
pub fn query(input: &[u8]) -> bool {
    let params = Params::parse(&String::from_utf8_lossy(input));
    black_box((params.get("Action"), params.get("Version")));
    black_box(params.list("Tags"));
    web_identity::check_params(&params).is_ok()
}

/// One request (see the input format in `http_text`) through SigV4's auth-value parsing (the
/// `Authorization` header or the presigned `X-Amz-*` query), the canonical request under both
/// path rules, and both verifications. `true` when the request carried auth values that parse.
pub fn sigv4_auth(input: &[u8]) -> bool {
    let Some(received) = http_text::requests(input).into_iter().next() else {
        return false;
    };
    let request = sigv4::Request {
        method: &received.method,
        path: received.uri.path(),
        query: received.uri.query(),
        headers: &received.headers,
        body: &received.body,
    };
    sigv4::walk(&request, SIGV4_SECRET)
}

/// Up to eight requests (see `http_text`) through the S3 listener's handler on one empty store:
/// host- and path-style addressing, the operation, SigV4 with S3's rules (the admin key's
/// requests re-signed so the call runs), the body's framing (`aws-chunked` included) and
/// checksums, and the answer. `true` when some request got a 2xx.
pub fn s3_request(input: &[u8]) -> bool {
    s3::walk::walk(http_text::requests(input))
        .into_iter()
        .flatten()
        .any(|status| (200..300).contains(&status))
}
