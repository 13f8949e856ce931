//! The world the wire tests run in: a mock-gitlab issuer minting real tokens, mock-sts instances
//! set up through signed IAM calls, and helpers to read and compare AWS answers.

use std::error::Error;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_smithy_runtime_api::client::identity::Identity;
use mock_sts::{Config, FixedClock, RunningSts};
use serde_json::{Value, json};

/// 2023-11-14T22:13:20Z, the instant both mocks treat as now.
pub(crate) const NOW: i64 = 1_700_000_000;
pub(crate) const ACCOUNT: &str = "123456789012";
pub(crate) const STS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
pub(crate) const IAM: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
pub(crate) const AWS_FAULT: &str = "http://webservices.amazon.com/AWSFault/2005-15-09";
pub(crate) const ACCESS_DENIED: &str = "Not authorized to perform sts:AssumeRoleWithWebIdentity";
/// The tutorial job's subject: project mygroup/myproject, branch main.
pub(crate) const MAIN_SUB: &str = "project_path:mygroup/myproject:ref_type:branch:ref:main";

const SIGNING_KEY: &str = include_str!("../../../mock-gitlab/tests/fixtures/ci-signing-key.pem");
const OIDC_KEY: &str = include_str!("../../../mock-gitlab/tests/fixtures/oidc-signing-key.pem");
const LOOPBACK: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

type BoxError = Box<dyn Error + Send + Sync>;

/// mock-gitlab with the fixture key and the fixed clock, and an HTTPS client that trusts only its CA.
pub(crate) struct Issuer {
    gitlab: mock_gitlab::RunningGitlab,
    https: reqwest::Client,
}

impl Issuer {
    /// The newest GitLab release mock-gitlab imitates.
    pub(crate) async fn start() -> Self {
        Self::try_start(None).await.expect("mock-gitlab starts")
    }

    /// An older GitLab release, e.g. one that still hands out the legacy `CI_JOB_JWT`.
    pub(crate) async fn start_version(version: &str) -> Self {
        let version = version.parse().expect("a GitLab version");
        Self::try_start(Some(version))
            .await
            .expect("mock-gitlab starts")
    }

    async fn try_start(version: Option<mock_gitlab::GitlabVersion>) -> Result<Self, BoxError> {
        let mut config = mock_gitlab::Config::new(LOOPBACK);
        config.signing_key_pem = Some(SIGNING_KEY.to_owned());
        // A fixed OIDC key too: generating RSA-4096 for every test would cost a second each.
        config.oidc_key_pem = Some(OIDC_KEY.to_owned());
        config.gitlab_version = version;
        config.clock = Arc::new(mock_gitlab::FixedClock(NOW));
        let gitlab = mock_gitlab::spawn(config).await?;
        let ca = reqwest::Certificate::from_pem(gitlab.ca_pem().as_bytes())?;
        let https = reqwest::Client::builder()
            .tls_certs_only([ca])
            .no_proxy()
            .build()?;
        Ok(Self { gitlab, https })
    }

    pub(crate) fn set_faults(&self, faults: Vec<mock_gitlab::Fault>) {
        self.gitlab.set_faults(faults);
    }

    /// `https://localhost:PORT`
    pub(crate) fn url(&self) -> &str {
        self.gitlab.issuer()
    }

    /// The issuer without its scheme: the provider ARN's tail and the condition-key prefix.
    pub(crate) fn host(&self) -> &str {
        self.url().trim_start_matches("https://")
    }

    pub(crate) fn ca_pem(&self) -> &str {
        self.gitlab.ca_pem()
    }

    pub(crate) fn thumbprint(&self) -> &str {
        self.gitlab.thumbprint()
    }

    /// What the issuer saw: discovery, JWKS and mint requests.
    pub(crate) fn requests(&self) -> Vec<mock_gitlab::IssuerRequest> {
        self.gitlab.requests()
    }

    /// A token from mock-gitlab's mint API, as a GitLab runner would get one for a job.
    pub(crate) async fn mint(&self, request: Value) -> String {
        let response = self
            .https
            .post(&self.gitlab.ready().mint_url)
            .json(&request)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        match body["token"].as_str() {
            Some(token) if status.is_success() => token.to_owned(),
            _ => panic!("minting failed: HTTP {status}: {body}"),
        }
    }

    /// The tutorial job's token: audience `sts.amazonaws.com`, mygroup/myproject on main.
    pub(crate) async fn main_branch_token(&self) -> String {
        self.mint(json!({"aud": "sts.amazonaws.com", "project_path": "mygroup/myproject"}))
            .await
    }
}

/// An AWS answer as received.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: String,
}

/// Static or session credentials.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: Option<String>,
}

pub(crate) fn admin_keys() -> Keys {
    Keys {
        access_key_id: mock_sts::DEFAULT_ADMIN_ACCESS_KEY_ID.to_owned(),
        secret_access_key: mock_sts::DEFAULT_ADMIN_SECRET_ACCESS_KEY.to_owned(),
        session_token: None,
    }
}

/// The keys an AssumeRoleWithWebIdentity success issued.
pub(crate) fn issued_keys(answer: &Answer) -> Keys {
    Keys {
        access_key_id: element(&answer.body, "AccessKeyId").unwrap(),
        secret_access_key: element(&answer.body, "SecretAccessKey").unwrap(),
        session_token: element(&answer.body, "SessionToken"),
    }
}

/// `NOW` as a signing time, since the server's clock is pinned there.
pub(crate) fn signing_now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW.unsigned_abs())
}

/// A mock-sts on the fixed clock, trusting `trusted_ca` (if any) as one of AWS's root CAs.
pub(crate) struct Sts {
    pub(crate) running: RunningSts,
    http: reqwest::Client,
}

impl Sts {
    pub(crate) async fn start(trusted_ca: Option<&str>) -> Self {
        let mut config = Config::new(LOOPBACK);
        config.clock = Arc::new(FixedClock(NOW));
        config.trust_ca_pems.extend(trusted_ca.map(str::to_owned));
        Self::start_with(config).await
    }

    pub(crate) async fn start_with(config: Config) -> Self {
        let running = mock_sts::spawn(config).await.expect("mock-sts starts");
        // mock-sts answers some requests, as AWS does, with a redirect off the machine; never follow it.
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { running, http }
    }

    /// A provider for `issuer` with client ID `sts.amazonaws.com` and the given thumbprints, and
    /// role `gitlab-ci` (path `/`) that lets the main branch of mygroup/myproject in.
    pub(crate) async fn standard(
        issuer: &Issuer,
        trust_issuer_ca: bool,
        thumbprints: &[&str],
    ) -> Self {
        let sts = Self::start(trust_issuer_ca.then(|| issuer.ca_pem())).await;
        sts.create_provider(issuer.url(), thumbprints).await;
        sts.create_role("gitlab-ci", None, &main_branch_policy(issuer.host()))
            .await;
        sts
    }

    pub(crate) async fn create_provider(&self, url: &str, thumbprints: &[&str]) {
        let mut form = vec![
            ("Action", "CreateOpenIDConnectProvider".to_owned()),
            ("Version", "2010-05-08".to_owned()),
            ("Url", url.to_owned()),
            ("ClientIDList.member.1", "sts.amazonaws.com".to_owned()),
        ];
        let names: Vec<String> = (1..=thumbprints.len())
            .map(|i| format!("ThumbprintList.member.{i}"))
            .collect();
        for (name, thumbprint) in names.iter().zip(thumbprints) {
            form.push((name.as_str(), (*thumbprint).to_owned()));
        }
        let answer = self.iam(&pairs(&form)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    pub(crate) async fn create_role(&self, name: &str, path: Option<&str>, trust_policy: &str) {
        let mut form = vec![
            ("Action", "CreateRole"),
            ("Version", "2010-05-08"),
            ("RoleName", name),
            ("AssumeRolePolicyDocument", trust_policy),
        ];
        form.extend(path.map(|path| ("Path", path)));
        let answer = self.iam(&form).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    /// An unsigned form POST, as SDKs send Query calls.
    pub(crate) async fn post(&self, form: &[(&str, &str)]) -> Answer {
        let response = self
            .http
            .post(format!("{}/", self.running.endpoint()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).unwrap())
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// A form POST signed for `service` with `keys` at `signed_at`.
    pub(crate) async fn signed(
        &self,
        service: &str,
        form: &[(&str, &str)],
        keys: &Keys,
        signed_at: SystemTime,
    ) -> Answer {
        let url = format!("{}/", self.running.endpoint());
        let host = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let mut request = http::Request::builder()
            .method("POST")
            .uri(&url)
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header("host", host)
            .body(serde_urlencoded::to_string(form).unwrap().into_bytes())
            .unwrap();
        sign_request(&mut request, service, keys, signed_at);
        let request = reqwest::Request::try_from(request.map(reqwest::Body::from)).unwrap();
        read(self.http.execute(request).await.unwrap()).await
    }

    /// An IAM call with the admin keys, signed at the server's pinned now.
    pub(crate) async fn iam(&self, form: &[(&str, &str)]) -> Answer {
        self.signed("iam", form, &admin_keys(), signing_now()).await
    }

    /// AssumeRoleWithWebIdentity for `role_arn` with session name `GitLabRunner-42-574`.
    pub(crate) async fn assume_arn(&self, role_arn: &str, token: &str) -> Answer {
        self.post(&[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", role_arn),
            ("RoleSessionName", "GitLabRunner-42-574"),
            ("WebIdentityToken", token),
        ])
        .await
    }

    /// AssumeRoleWithWebIdentity for the role `name` (at path `/`) of this account.
    pub(crate) async fn assume(&self, name: &str, token: &str) -> Answer {
        self.assume_arn(&format!("arn:aws:iam::{ACCOUNT}:role/{name}"), token)
            .await
    }

    /// The request-log detail of the newest entry.
    pub(crate) fn last_detail(&self) -> String {
        let entries = self.running.requests();
        let last = entries.last().expect("a logged request");
        last.detail.clone().unwrap_or_default()
    }
}

fn pairs<'a>(form: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn read(response: reqwest::Response) -> Answer {
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// Signs as aws-sdk-rust does (aws-sigv4 with default settings).
fn sign_request(
    request: &mut http::Request<Vec<u8>>,
    service: &str,
    keys: &Keys,
    signed_at: SystemTime,
) {
    let identity: Identity = Credentials::new(
        &keys.access_key_id,
        &keys.secret_access_key,
        keys.session_token.clone(),
        None,
        "mock-sts wire tests",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(signed_at)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    let signable = SignableRequest::new(
        request.method().as_str(),
        request.uri().to_string(),
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(request.body()),
    )
    .unwrap();
    let (instructions, _signature) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(request);
}

/// A trust policy that lets `sub` of the provider for `issuer_host` assume the role.
pub(crate) fn trust_policy(issuer_host: &str, sub: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer_host}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("{issuer_host}:sub"): sub}}
        }]
    })
    .to_string()
}

pub(crate) fn main_branch_policy(issuer_host: &str) -> String {
    trust_policy(issuer_host, MAIN_SUB)
}

/// The text of the first `<name>…</name>`, XML-unescaped; Query answers are flat enough for it.
pub(crate) fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    Some(
        xml[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    )
}

/// The exact `<ErrorResponse>` AWS sends, with the request ID taken from the answer.
pub(crate) fn error_body(
    namespace: &str,
    code: &str,
    message: Option<&str>,
    answer: &Answer,
) -> String {
    let request_id = element(&answer.body, "RequestId").expect("RequestId");
    let message = message
        .map(|m| format!("    <Message>{m}</Message>\n"))
        .unwrap_or_default();
    format!(
        "<ErrorResponse xmlns=\"{namespace}\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>{code}</Code>\n{message}  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n"
    )
}

/// The answer is exactly AWS's error: status, body bytes, content type, and a request ID header
/// equal to the body's.
pub(crate) fn assert_error(
    answer: &Answer,
    status: u16,
    namespace: &str,
    code: &str,
    message: &str,
) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(
        answer.body,
        error_body(namespace, code, Some(message), answer)
    );
    assert_eq!(answer.headers["content-type"], "text/xml");
    assert_eq!(
        answer.headers["x-amzn-requestid"].to_str().unwrap(),
        element(&answer.body, "RequestId").unwrap()
    );
}

pub(crate) fn assert_sts_error(answer: &Answer, status: u16, code: &str, message: &str) {
    assert_error(answer, status, STS, code, message);
}

/// Filters for what changes from run to run even with a fixed clock and key.
pub(crate) fn secret_filters() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"ASIA[A-Z2-7]{16}", "[ACCESS-KEY-ID]");
    settings.add_filter(r"AROA[A-Z2-7]{17}", "[ROLE-ID]");
    settings.add_filter(
        r"<SecretAccessKey>[^<]{40}</SecretAccessKey>",
        "<SecretAccessKey>[SECRET]</SecretAccessKey>",
    );
    settings.add_filter(
        r"<SessionToken>IQoJb3JpZ2luX2Vj[A-Za-z0-9+/=]{100,}</SessionToken>",
        "<SessionToken>[SESSION-TOKEN]</SessionToken>",
    );
    settings.add_filter(
        r"<RequestId>[0-9a-f-]{36}</RequestId>",
        "<RequestId>[REQUEST-ID]</RequestId>",
    );
    settings.add_filter(r"localhost:\d+", "localhost:[PORT]");
    settings
}
