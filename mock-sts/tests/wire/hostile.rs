//! Hostile clients on the wire: bodies over the size limit, headers and bodies sent too slowly,
//! half-closed sockets, headers over the cap and thousands of connections at once. Each ends in
//! an AWS-shaped 4xx or a closed connection, never a 5xx or a hang. The timeouts are set short
//! for the tests; no test measures how long anything took.

use std::sync::Arc;
use std::time::Duration;

use mock_sts::unknowns::MAX_QUERY_BODY_BYTES;
use tokio::io::AsyncWriteExt as _;

use crate::raw_http::{connect, form_head, parse, read_until_closed, send};
use crate::s3_support::{self, S3Answer, S3Request, UNSIGNED};
use crate::support::{AWS_FAULT, Answer, admin_keys, assert_error};

/// Short enough that a test does not wait long for a deadline to pass.
const SHORT: Duration = Duration::from_millis(200);
const TIMEOUT_MESSAGE: &str = "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.";

fn host(endpoint: &str) -> &str {
    endpoint.trim_start_matches("http://")
}

fn assert_closes_after(answer: &Answer) {
    assert_eq!(
        answer
            .headers
            .get("connection")
            .map(|v| v.to_str().unwrap()),
        Some("close"),
        "{answer:?}"
    );
}

fn too_large_message() -> String {
    format!("Request body is larger than the {MAX_QUERY_BODY_BYTES} bytes this endpoint accepts.")
}

#[tokio::test]
async fn a_body_declared_over_the_limit_is_refused_with_413_before_any_of_it_is_sent() {
    let sts = s3_support::start(|_| {}).await;
    let mut stream = connect(sts.endpoint()).await;
    let head = form_head(host(sts.endpoint()), MAX_QUERY_BODY_BYTES + 1);
    send(&mut stream, head.as_bytes()).await;
    let answer = parse(&read_until_closed(&mut stream).await);
    assert_error(
        &answer,
        413,
        AWS_FAULT,
        "RequestEntityTooLarge",
        &too_large_message(),
    );
    assert_closes_after(&answer);
    let logged = sts.requests();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].code.as_deref(), Some("RequestEntityTooLarge"));
}

#[tokio::test]
async fn a_chunked_body_is_refused_with_413_once_it_grows_past_the_limit() {
    let sts = s3_support::start(|_| {}).await;
    let mut stream = connect(sts.endpoint()).await;
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
        host(sts.endpoint())
    );
    send(&mut stream, head.as_bytes()).await;
    // Exactly the limit, which is allowed, then one byte more; no closing chunk follows.
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..MAX_QUERY_BODY_BYTES / chunk.len() {
        let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
        framed.extend_from_slice(&chunk);
        framed.extend_from_slice(b"\r\n");
        send(&mut stream, &framed).await;
    }
    send(&mut stream, b"1\r\na\r\n").await;
    let answer = parse(&read_until_closed(&mut stream).await);
    assert_error(
        &answer,
        413,
        AWS_FAULT,
        "RequestEntityTooLarge",
        &too_large_message(),
    );
    assert_closes_after(&answer);
}

#[tokio::test]
async fn a_body_at_the_limit_is_read_and_answered_for_what_it_says() {
    let sts = s3_support::start(|_| {}).await;
    let form = "Action=Probe&Version=2011-06-15&Pad=";
    let body = format!("{form}{}", "x".repeat(MAX_QUERY_BODY_BYTES - form.len()));
    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(sts.endpoint())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let text = answer.text().await.unwrap();
    assert!(text.contains("<Code>InvalidAction</Code>"), "{text}");
}

#[tokio::test]
async fn headers_that_never_finish_get_the_connection_closed_without_an_answer() {
    let sts = s3_support::start(|config| config.header_read_timeout = SHORT).await;
    for endpoint in [sts.endpoint(), sts.s3_endpoint()] {
        let mut stream = connect(endpoint).await;
        send(&mut stream, b"POST / HTTP/1.1\r\nHost: slow\r\nContent-Ty").await;
        assert_eq!(read_until_closed(&mut stream).await, b"", "{endpoint}");
    }
    assert!(sts.requests().is_empty());
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let sts = s3_support::start(|config| config.header_read_timeout = SHORT).await;
    let mut stream = connect(sts.endpoint()).await;
    assert_eq!(read_until_closed(&mut stream).await, b"");
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_request_timeout() {
    let sts = s3_support::start(|config| config.body_read_timeout = SHORT).await;
    let mut stream = connect(sts.endpoint()).await;
    send(&mut stream, form_head(host(sts.endpoint()), 100).as_bytes()).await;
    send(&mut stream, b"Action=GetCallerIdentity").await;
    let answer = parse(&read_until_closed(&mut stream).await);
    assert_error(&answer, 400, AWS_FAULT, "RequestTimeout", TIMEOUT_MESSAGE);
    assert_closes_after(&answer);
}

#[tokio::test]
async fn an_s3_object_body_that_stops_arriving_is_answered_s3s_request_timeout() {
    let sts = s3_support::start(|config| config.body_read_timeout = SHORT).await;
    let admin = admin_keys();
    let created = s3_support::call(&sts, S3Request::new("PUT", "/slow-bucket"), &admin).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let (signed, _) = S3Request::new("PUT", "/slow-bucket/object")
        .payload(UNSIGNED)
        .sign(sts.s3_endpoint(), &admin);
    let mut head = "PUT /slow-bucket/object HTTP/1.1\r\nContent-Length: 100\r\n".to_owned();
    for (name, value) in signed.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str("\r\n");
    let mut stream = connect(sts.s3_endpoint()).await;
    send(&mut stream, head.as_bytes()).await;
    send(&mut stream, b"ten bytes.").await;
    let raw = parse(&read_until_closed(&mut stream).await);
    assert_closes_after(&raw);
    let answer = S3Answer {
        status: raw.status,
        headers: raw.headers,
        body: raw.body,
    };
    answer.assert_error(400, "RequestTimeout", TIMEOUT_MESSAGE, &[]);
    let listed = s3_support::call(&sts, S3Request::new("GET", "/slow-bucket"), &admin).await;
    assert!(
        !listed.body.contains("<Key>object</Key>"),
        "{}",
        listed.body
    );
}

#[tokio::test]
async fn a_body_cut_short_by_a_half_close_is_answered_incomplete_body() {
    let sts = s3_support::start(|_| {}).await;
    let mut stream = connect(sts.endpoint()).await;
    send(&mut stream, form_head(host(sts.endpoint()), 100).as_bytes()).await;
    send(&mut stream, b"Action=GetCallerIdentity").await;
    stream.shutdown().await.unwrap();
    let answer = parse(&read_until_closed(&mut stream).await);
    assert_error(
        &answer,
        400,
        AWS_FAULT,
        "IncompleteBody",
        "You did not provide the number of bytes specified by the Content-Length HTTP header",
    );
}

#[tokio::test]
async fn a_client_that_half_closes_after_its_request_still_gets_the_answer() {
    let sts = s3_support::start(|_| {}).await;
    let mut stream = connect(sts.endpoint()).await;
    let request = format!(
        "GET /?Action=Probe&Version=2011-06-15 HTTP/1.1\r\nHost: {}\r\n\r\n",
        host(sts.endpoint())
    );
    send(&mut stream, request.as_bytes()).await;
    stream.shutdown().await.unwrap();
    let answer = parse(&read_until_closed(&mut stream).await);
    assert_error(
        &answer,
        400,
        AWS_FAULT,
        "InvalidAction",
        "Could not find operation Probe for version 2011-06-15",
    );
}

#[tokio::test]
async fn headers_over_the_cap_are_refused_with_a_4xx_or_a_closed_connection() {
    let sts = s3_support::start(|_| {}).await;
    let mut stream = connect(sts.endpoint()).await;
    let filler = "x".repeat(mock_sts::unknowns::MAX_HEADER_BYTES);
    let head = format!(
        "GET /?Action=Probe&Version=2011-06-15 HTTP/1.1\r\nHost: big\r\nX-Filler: {filler}\r\n\r\n"
    );
    send(&mut stream, head.as_bytes()).await;
    let received = read_until_closed(&mut stream).await;
    // The refusal may be lost to the reset of a socket closed with bytes still unread; what
    // must never come is an answer to the request.
    if !received.is_empty() {
        assert_eq!(parse(&received).status, 431);
    }
    assert!(sts.requests().is_empty());
}

/// Every connection is open before any sends its request, and each answer names its own
/// request's action.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_thousand_connections_at_once_are_each_answered_for_their_own_request() {
    const CLIENTS: usize = 2000;
    let sts = s3_support::start(|_| {}).await;
    let endpoint = sts.endpoint().to_owned();
    let all_open = Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let mut clients = tokio::task::JoinSet::new();
    for i in 0..CLIENTS {
        let endpoint = endpoint.clone();
        let all_open = Arc::clone(&all_open);
        clients.spawn(async move {
            let mut stream = connect(&endpoint).await;
            all_open.wait().await;
            let request = format!(
                "GET /?Action=Probe{i}&Version=2011-06-15 HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                host(&endpoint)
            );
            send(&mut stream, request.as_bytes()).await;
            (i, parse(&read_until_closed(&mut stream).await))
        });
    }
    let mut answered = 0;
    while let Some(joined) = clients.join_next().await {
        let (i, answer) = joined.unwrap();
        assert_error(
            &answer,
            400,
            AWS_FAULT,
            "InvalidAction",
            &format!("Could not find operation Probe{i} for version 2011-06-15"),
        );
        answered += 1;
    }
    assert_eq!(answered, CLIENTS);
    assert_eq!(sts.requests().len(), CLIENTS);
}
