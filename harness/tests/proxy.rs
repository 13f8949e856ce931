//! fedlab's proxy: the AWS host names answered by mock-sts with fedlab's own CA, every other
//! destination refused and recorded, never connected to.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_smithy_runtime_api::client::identity::Identity;
use fedlab::{Federation, IdToken, OidcProvider, ProxyRequest, Role, TrustPolicy};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// Sends `head` to the proxy and returns everything it answers before closing.
async fn ask_proxy(fed: &Federation, head: &str) -> String {
    let address = fed.proxy_url().trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut answer))
        .await
        .expect("the proxy answers and closes")
        .unwrap();
    answer
}

#[tokio::test]
async fn a_request_for_any_other_host_is_refused_logged_and_never_forwarded() {
    let fed = Federation::start().await.unwrap();
    // A listener of the test's own: were the proxy to forward anything, it would connect here.
    let bait = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = bait.local_addr().unwrap().port();

    let heads = [
        format!("CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
        format!("CONNECT localhost:{port} HTTP/1.1\r\n\r\n"),
        format!("GET http://localhost:{port}/latest/api/token?secret=1 HTTP/1.1\r\n\r\n"),
        "CONNECT sts.amazonaws.com:80 HTTP/1.1\r\n\r\n".to_owned(),
        "CONNECT s3.amazonaws.com.evil.example:443 HTTP/1.1\r\n\r\n".to_owned(),
    ];
    for head in &heads {
        let answer = ask_proxy(&fed, head).await;
        assert!(answer.starts_with("HTTP/1.1 403 "), "{head:?}: {answer}");
        assert!(answer.contains("fedlab's proxy refused"), "{answer}");
    }

    let nothing = tokio::time::timeout(Duration::from_millis(300), bait.accept()).await;
    assert!(
        nothing.is_err(),
        "the proxy connected to a refused destination"
    );
    let refused = |method: &str, destination: String| ProxyRequest {
        method: method.to_owned(),
        destination,
        refused: true,
    };
    assert_eq!(
        fed.proxy_refusals(),
        [
            refused("CONNECT", format!("127.0.0.1:{port}")),
            refused("CONNECT", format!("localhost:{port}")),
            refused("GET", format!("http://localhost:{port}")),
            refused("CONNECT", "sts.amazonaws.com:80".to_owned()),
            refused("CONNECT", "s3.amazonaws.com.evil.example:443".to_owned()),
        ]
    );
    assert!(fed.requests().is_empty(), "mock-sts saw a refused request");
}

/// A reqwest client that goes through the federation's proxy and trusts only its CA, as a
/// client that ignores `AWS_ENDPOINT_URL_STS` does with `HTTPS_PROXY` and `AWS_CA_BUNDLE`.
fn through_proxy(fed: &Federation) -> reqwest::Client {
    reqwest::Client::builder()
        .proxy(reqwest::Proxy::https(fed.proxy_url()).unwrap())
        .tls_certs_only([reqwest::Certificate::from_pem(fed.proxy_ca_pem().as_bytes()).unwrap()])
        .build()
        .unwrap()
}

fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no <{name}> in {xml}"))
        + open.len();
    &xml[start..start + xml[start..].find('<').unwrap()]
}

#[tokio::test]
async fn sts_amazonaws_com_through_the_proxy_reaches_mock_sts_with_the_answer_intact() {
    let fed = Federation::start().await.unwrap();
    fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))
        .await
        .unwrap();
    let role = fed
        .create_role(Role::new("gitlab-ci", TrustPolicy::for_issuer(&fed)))
        .await
        .unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    let http = through_proxy(&fed);
    let assume = |role_arn: String| {
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", role_arn.as_str()),
            ("RoleSessionName", "proxied"),
            ("WebIdentityToken", token.as_str()),
        ];
        let body = serde_urlencoded::to_string(form).unwrap();
        http.post("https://sts.amazonaws.com/")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };

    // An error answer: status, code, message and request id as mock-sts logged them.
    let refused = assume("arn:aws:iam::123456789012:role/missing".into())
        .await
        .unwrap();
    let status = refused.status().as_u16();
    let body = refused.text().await.unwrap();
    let logged = fed.requests().pop().unwrap();
    assert_eq!(status, logged.status);
    assert_eq!(Some(element(&body, "Code")), logged.code.as_deref());
    assert_eq!(element(&body, "RequestId"), logged.request_id);

    // A success: the credentials mock-sts issued arrive.
    let answer = assume(role.arn.clone()).await.unwrap();
    assert_eq!(answer.status(), 200);
    let body = answer.text().await.unwrap();
    let issued = fed.requests().pop().unwrap().issued_access_key_id.unwrap();
    assert_eq!(element(&body, "AccessKeyId"), issued);

    // Signed for the regional host name: mock-sts verifies the signature over the Host the
    // client sent, so it must arrive unchanged.
    let host = "sts.us-east-1.amazonaws.com";
    let credentials = aws_credential_types::Credentials::new(
        issued,
        element(&body, "SecretAccessKey"),
        Some(element(&body, "SessionToken").to_owned()),
        None,
        "test",
    );
    let identity: Identity = credentials.into();
    let form = "Action=GetCallerIdentity&Version=2011-06-15";
    let mut request = http::Request::builder()
        .method("POST")
        .uri(format!("https://{host}/"))
        .header("host", host)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.as_bytes().to_vec())
        .unwrap();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("sts")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    let signable = SignableRequest::new(
        "POST",
        format!("https://{host}/"),
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(form.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(&mut request);
    let request = reqwest::Request::try_from(request.map(reqwest::Body::from)).unwrap();
    let caller = http.execute(request).await.unwrap();
    assert_eq!(caller.status(), 200);
    assert_eq!(
        element(&caller.text().await.unwrap(), "Arn"),
        "arn:aws:sts::123456789012:assumed-role/gitlab-ci/proxied"
    );
    assert!(fed.proxy_refusals().is_empty());
    assert!(
        fed.proxy_requests()
            .iter()
            .any(|r| r.destination == "sts.us-east-1.amazonaws.com:443" && !r.refused)
    );
}

#[tokio::test]
async fn every_job_gets_the_proxy_its_ca_and_loopback_exempt() {
    let fed = Federation::start().await.unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    let job = fed.job("arn:aws:iam::123456789012:role/r", &token).unwrap();
    for name in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"] {
        assert_eq!(job.var(name), Some(fed.proxy_url()), "{name}");
    }
    for name in ["NO_PROXY", "no_proxy"] {
        assert_eq!(job.var(name), Some("127.0.0.1,localhost"), "{name}");
    }
    for name in ["AWS_CA_BUNDLE", "SSL_CERT_FILE"] {
        let path = job.var(name).unwrap();
        assert_eq!(std::fs::read_to_string(path).unwrap(), fed.proxy_ca_pem());
    }
    assert_eq!(job.var("AWS_ENDPOINT_URL"), Some(fed.sts_endpoint()));
}
