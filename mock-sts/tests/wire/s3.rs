//! The S3 listener on the wire: success and error bytes, and every payload mode, with requests
//! signed as an SDK signs them and `aws-chunked` bodies built by hand.

use base64::Engine as _;

use super::s3_support::{
    ChunkSigner, S3Request, SIGNED_CHUNKS, SIGNED_CHUNKS_TRAILER, UNSIGNED, UNSIGNED_TRAILER, call,
    send, start,
};
use super::support::{Keys, admin_keys};

const NO_SUCH_BUCKET: &str = "The specified bucket does not exist";

fn crc32_b64(data: &[u8]) -> String {
    let crc = crc_fast::checksum(crc_fast::CrcAlgorithm::Crc32IsoHdlc, data) as u32;
    base64::engine::general_purpose::STANDARD.encode(crc.to_be_bytes())
}

async fn with_bucket(bucket: &str) -> mock_sts::RunningSts {
    let sts = start(|_| {}).await;
    let answer = call(
        &sts,
        S3Request::new("PUT", &format!("/{bucket}")),
        &admin_keys(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    sts
}

async fn get(sts: &mock_sts::RunningSts, target: &str) -> super::s3_support::S3Answer {
    call(sts, S3Request::new("GET", target), &admin_keys()).await
}

#[tokio::test]
async fn create_bucket_answers_with_its_location_and_list_buckets_lists_it() {
    let sts = start(|_| {}).await;
    let created = call(&sts, S3Request::new("PUT", "/fedlab-one"), &admin_keys()).await;
    assert_eq!((created.status, created.body.as_str()), (200, ""));
    assert_eq!(created.headers["location"], "/fedlab-one");
    let eu = S3Request::new("PUT", "/fedlab-eu")
        .region("eu-west-1")
        .body("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");
    let created = call(&sts, eu, &admin_keys()).await;
    assert_eq!(
        created.headers["location"],
        "http://fedlab-eu.s3.amazonaws.com/"
    );
    let listed = get(&sts, "/").await;
    assert_eq!(listed.status, 200);
    let owner = super::support::element(&listed.body, "ID").unwrap();
    assert_eq!(owner.len(), 64);
    assert_eq!(
        listed.body,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Buckets><Bucket><Name>fedlab-eu</Name><CreationDate>2023-11-14T22:13:20.000Z</CreationDate><BucketRegion>eu-west-1</BucketRegion></Bucket><Bucket><Name>fedlab-one</Name><CreationDate>2023-11-14T22:13:20.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket></Buckets><Owner><ID>{owner}</ID></Owner></ListAllMyBucketsResult>"
        )
    );
}

#[tokio::test]
async fn bucket_errors_are_s3_s_bytes() {
    let sts = with_bucket("fedlab-mine").await;
    let missing = get(&sts, "/fedlab-none/key").await;
    missing.assert_error(
        404,
        "NoSuchBucket",
        NO_SUCH_BUCKET,
        &[("BucketName", "fedlab-none")],
    );
    let taken = call(&sts, S3Request::new("PUT", "/examplebucket"), &admin_keys()).await;
    taken.assert_error(409, "BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", &[("BucketName", "examplebucket")]);
    let invalid = call(&sts, S3Request::new("PUT", "/Fedlab_Bad"), &admin_keys()).await;
    invalid.assert_error(
        400,
        "InvalidBucketName",
        "The specified bucket is not valid.",
        &[("BucketName", "Fedlab_Bad")],
    );
    let unspecified = call(
        &sts,
        S3Request::new("PUT", "/fedlab-eu").region("eu-west-1"),
        &admin_keys(),
    )
    .await;
    unspecified.assert_error(400, "IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.", &[]);
    // us-east-1 answers a repeated CreateBucket of your own bucket with success; elsewhere it is
    // BucketAlreadyOwnedByYou.
    let again = call(&sts, S3Request::new("PUT", "/fedlab-mine"), &admin_keys()).await;
    assert_eq!(again.status, 200);
    let config = "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>";
    let eu = || {
        S3Request::new("PUT", "/fedlab-eu")
            .region("eu-west-1")
            .body(config)
    };
    assert_eq!(call(&sts, eu(), &admin_keys()).await.status, 200);
    let twice = call(&sts, eu(), &admin_keys()).await;
    twice.assert_error(
        409,
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        &[("BucketName", "fedlab-eu")],
    );
    let wrong_region = get(&sts, "/fedlab-eu?list-type=2").await;
    wrong_region.assert_error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'", &[("Region", "eu-west-1")]);
    assert_eq!(wrong_region.headers["x-amz-bucket-region"], "eu-west-1");
}

#[tokio::test]
async fn an_unsigned_payload_is_stored_and_read_back_with_its_etag() {
    let sts = with_bucket("fedlab-objects").await;
    let put = S3Request::new("PUT", "/fedlab-objects/a%20b/c.txt?x-id=PutObject")
        .payload(UNSIGNED)
        .header("content-type", "text/plain")
        .header("x-amz-meta-owner", "fedlab")
        .body("hello");
    let stored = call(&sts, put, &admin_keys()).await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert_eq!(
        stored.headers["etag"],
        "\"5d41402abc4b2a76b9719d911017c592\""
    );
    let read = get(&sts, "/fedlab-objects/a%20b/c.txt").await;
    assert_eq!((read.status, read.body.as_str()), (200, "hello"));
    assert_eq!(read.headers["content-type"], "text/plain");
    assert_eq!(read.headers["x-amz-meta-owner"], "fedlab");
    let listed = get(
        &sts,
        "/fedlab-objects?list-type=2&delimiter=%2F&encoding-type=url",
    )
    .await;
    assert_eq!(
        listed.body,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>fedlab-objects</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><CommonPrefixes><Prefix>a+b/</Prefix></CommonPrefixes></ListBucketResult>"
    );
    let missing = get(&sts, "/fedlab-objects/nope").await;
    missing.assert_error(
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        &[("Key", "nope")],
    );
}

#[tokio::test]
async fn a_signed_payload_must_hash_to_what_was_declared() {
    let sts = with_bucket("fedlab-signed").await;
    let good = S3Request::new("PUT", "/fedlab-signed/k").body("signed body");
    assert_eq!(call(&sts, good, &admin_keys()).await.status, 200);
    let declared = super::s3_support::sha256_hex(b"another body");
    let lying = S3Request::new("PUT", "/fedlab-signed/k")
        .payload(&declared)
        .body("signed body");
    let answer = call(&sts, lying, &admin_keys()).await;
    let computed = super::s3_support::sha256_hex(b"signed body");
    answer.assert_error(
        400,
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        &[
            ("ClientComputedContentSHA256", &declared),
            ("S3ComputedContentSHA256", &computed),
        ],
    );
    let bad_crc = S3Request::new("PUT", "/fedlab-signed/k")
        .header("x-amz-checksum-crc32", crc32_b64(b"other"))
        .body("signed body");
    call(&sts, bad_crc, &admin_keys()).await.assert_error(
        400,
        "BadDigest",
        "The CRC32 you specified did not match the calculated checksum.",
        &[],
    );
}

/// `data` in chunks of `size`, each signed (or not, with `signer` None), then the final chunk and
/// optionally a trailer.
fn chunked_body(
    data: &[u8],
    size: usize,
    mut signer: Option<&mut ChunkSigner>,
    trailer: Option<&str>,
) -> Vec<u8> {
    let mut body = Vec::new();
    let mut chunks: Vec<&[u8]> = data.chunks(size).collect();
    chunks.push(b"");
    for chunk in chunks {
        match signer.as_deref_mut() {
            Some(signer) => body.extend(
                format!(
                    "{:x};chunk-signature={}\r\n",
                    chunk.len(),
                    signer.chunk(chunk)
                )
                .bytes(),
            ),
            None => body.extend(format!("{:x}\r\n", chunk.len()).bytes()),
        }
        body.extend_from_slice(chunk);
        if !chunk.is_empty() {
            body.extend(b"\r\n");
        }
    }
    if let Some(trailer) = trailer {
        body.extend(format!("{trailer}\r\n").bytes());
        if let Some(signer) = signer {
            let signature = signer.trailer(&format!("{trailer}\n"));
            body.extend(format!("x-amz-trailer-signature:{signature}\r\n").bytes());
        }
    }
    body.extend(b"\r\n");
    body
}

async fn put_chunked(
    sts: &mock_sts::RunningSts,
    mode: &'static str,
    data: &[u8],
    tamper: bool,
) -> super::s3_support::S3Answer {
    let keys: Keys = admin_keys();
    let trailer = mode != SIGNED_CHUNKS;
    let mut request = S3Request::new("PUT", "/fedlab-chunks/obj")
        .payload(mode)
        .header("content-encoding", "aws-chunked")
        .header("x-amz-decoded-content-length", data.len().to_string());
    if trailer {
        request = request.header("x-amz-trailer", "x-amz-checksum-crc32");
    }
    let (mut http_request, seed) = request.sign(sts.s3_endpoint(), &keys);
    let mut signer = ChunkSigner::new(&keys, "us-east-1", seed);
    let signer = (mode != UNSIGNED_TRAILER).then_some(&mut signer);
    let crc = format!("x-amz-checksum-crc32:{}", crc32_b64(data));
    let mut body = chunked_body(data, 8192, signer, trailer.then_some(crc.as_str()));
    if tamper {
        // One byte of the first chunk's data.
        let at = body.iter().position(|b| *b == b'\n').unwrap() + 1;
        body[at] ^= 1;
    }
    *http_request.body_mut() = body;
    send(http_request).await
}

#[tokio::test]
async fn every_aws_chunked_mode_stores_the_decoded_body_and_refuses_a_changed_one() {
    let sts = with_bucket("fedlab-chunks").await;
    let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    for mode in [SIGNED_CHUNKS, SIGNED_CHUNKS_TRAILER, UNSIGNED_TRAILER] {
        let stored = put_chunked(&sts, mode, &data, false).await;
        assert_eq!(stored.status, 200, "{mode}: {}", stored.body);
        let read = reqwest_bytes(&sts, "/fedlab-chunks/obj").await;
        assert_eq!(read, data, "{mode}");
        let changed = put_chunked(&sts, mode, &data, true).await;
        let expected = if mode == UNSIGNED_TRAILER {
            (
                "BadDigest",
                "The CRC32 you specified did not match the calculated checksum.",
            )
        } else {
            (
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            )
        };
        changed.assert_error(
            if mode == UNSIGNED_TRAILER { 400 } else { 403 },
            expected.0,
            expected.1,
            &[],
        );
    }
}

async fn reqwest_bytes(sts: &mock_sts::RunningSts, target: &str) -> Vec<u8> {
    let (request, _) = S3Request::new("GET", target).sign(sts.s3_endpoint(), &admin_keys());
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let request = reqwest::Request::try_from(request.map(reqwest::Body::from)).unwrap();
    client
        .execute(request)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn an_object_over_the_cap_is_entity_too_large_before_its_body_is_read() {
    let sts = start(|config| config.s3_max_object_size = 1024).await;
    call(&sts, S3Request::new("PUT", "/fedlab-cap"), &admin_keys()).await;
    let big = S3Request::new("PUT", "/fedlab-cap/big")
        .payload(UNSIGNED)
        .body(vec![b'x'; 4096]);
    call(&sts, big, &admin_keys()).await.assert_error(
        400,
        "EntityTooLarge",
        "Your proposed upload exceeds the maximum allowed size",
        &[("ProposedSize", "4096"), ("MaxSizeAllowed", "1024")],
    );
}

#[tokio::test]
async fn authentication_errors_are_s3_s() {
    let sts = with_bucket("fedlab-auth").await;
    let anonymous = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/fedlab-auth/k", sts.s3_endpoint()))
        .send()
        .await
        .unwrap();
    let answer = super::s3_support::S3Answer {
        status: anonymous.status().as_u16(),
        headers: anonymous.headers().clone(),
        body: anonymous.text().await.unwrap(),
    };
    answer.assert_error(403, "AccessDenied", "Access Denied", &[]);
    let unknown = Keys {
        access_key_id: "AKIAUNKNOWNKEY000000".into(),
        ..admin_keys()
    };
    call(&sts, S3Request::new("GET", "/fedlab-auth/k"), &unknown)
        .await
        .assert_error(
            403,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            &[("AWSAccessKeyId", "AKIAUNKNOWNKEY000000")],
        );
    let wrong = Keys {
        secret_access_key: "wrong".into(),
        ..admin_keys()
    };
    let mismatch = call(&sts, S3Request::new("GET", "/fedlab-auth/k"), &wrong).await;
    assert_eq!(mismatch.status, 403);
    assert!(mismatch.body.contains("<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n20231114T221320Z\n20231114/us-east-1/s3/aws4_request\n"), "{}", mismatch.body);
    assert!(
        mismatch
            .body
            .contains("<CanonicalRequest>GET\n/fedlab-auth/k\n"),
        "{}",
        mismatch.body
    );
}

#[tokio::test]
async fn every_s3_request_is_logged_with_its_action_resource_and_decision() {
    let sts = with_bucket("fedlab-log").await;
    get(&sts, "/fedlab-log/none").await;
    let entry = sts.requests().into_iter().last().unwrap();
    assert_eq!(entry.service.as_deref(), Some("s3"));
    assert_eq!(entry.action.as_deref(), Some("GetObject"));
    assert_eq!(entry.iam_action.as_deref(), Some("s3:GetObject"));
    assert_eq!(
        entry.resource.as_deref(),
        Some("arn:aws:s3:::fedlab-log/none")
    );
    assert_eq!(entry.decision.as_deref(), Some("allow"));
    assert_eq!(
        entry.principal_arn.as_deref(),
        Some("arn:aws:iam::123456789012:root")
    );
    assert_eq!(entry.code.as_deref(), Some("NoSuchKey"));
    assert_eq!(entry.status, 404);
}
