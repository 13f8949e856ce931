//! S3's chunked upload, checked against the worked example of the S3 API reference page
//! "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks"
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>): 66,560 bytes of `a`
//! in chunks of 64 KiB and 1 KiB, with the seed and chunk signatures the page prints.

use http::{HeaderMap, HeaderValue, Method};
use time::macros::datetime;

use crate::sigv4::parse::parse;
use crate::sigv4::s3::{S3SigError, verify_s3};
use crate::sigv4::types::Request;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const CHUNK_1: &str = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
const CHUNK_2: &str = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
const FINAL: &str = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";
const STREAMING: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";

fn example_headers(signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: &str| {
        headers.insert(name, HeaderValue::from_str(value).unwrap());
    };
    set("host", "s3.amazonaws.com");
    set("x-amz-date", "20130524T000000Z");
    set("x-amz-storage-class", "REDUCED_REDUNDANCY");
    set("x-amz-content-sha256", STREAMING);
    set("content-encoding", "aws-chunked");
    set("x-amz-decoded-content-length", "66560");
    set("content-length", "66824");
    set(
        "authorization",
        &format!(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature={signature}"
        ),
    );
    headers
}

fn verify_example(signature: &str) -> Result<crate::sigv4::ChunkChain, S3SigError> {
    let headers = example_headers(signature);
    let request = Request {
        method: &Method::PUT,
        path: "/examplebucket/chunkObject.txt",
        query: None,
        headers: &headers,
        body: &[],
    };
    let auth = parse(&request).unwrap().unwrap();
    verify_s3(
        &request,
        &auth,
        SECRET,
        datetime!(2013-05-24 00:00:00 UTC),
        STREAMING,
    )
}

#[test]
fn the_documented_seed_and_chunk_signatures_verify_in_order() {
    let mut chain = verify_example(SEED).unwrap();
    assert!(chain.verify_chunk(&[b'a'; 65536], CHUNK_1));
    assert!(chain.verify_chunk(&[b'a'; 1024], CHUNK_2));
    assert!(chain.verify_chunk(b"", FINAL));
}

#[test]
fn a_changed_chunk_breaks_its_signature_and_every_later_one() {
    let mut chain = verify_example(SEED).unwrap();
    assert!(!chain.verify_chunk(&[b'b'; 65536], CHUNK_1));
    // The chain moves on with the server's own signature, so the honest next chunk fails too.
    assert!(!chain.verify_chunk(&[b'a'; 1024], CHUNK_2));
}

#[test]
fn a_wrong_seed_signature_is_a_mismatch_that_shows_the_canonical_request() {
    let wrong = FINAL;
    match verify_example(wrong) {
        Err(S3SigError::Mismatch(mismatch)) => {
            assert!(
                mismatch
                    .canonical_request
                    .starts_with("PUT\n/examplebucket/chunkObject.txt\n\n")
            );
            assert!(mismatch.canonical_request.ends_with(STREAMING));
            assert!(
                mismatch
                    .string_to_sign
                    .starts_with("AWS4-HMAC-SHA256\n20130524T000000Z\n")
            );
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
}
