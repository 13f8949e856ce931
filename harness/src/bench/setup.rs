//! Everything before the clock starts: the in-process federation with GitLab's tutorial account
//! (or the user's endpoint), the HTTP pool, a pool of tokens, session credentials, a bucket with
//! objects to read.

use std::time::Duration;

use super::answer::{expect_200, send_signed};
use super::options::{BenchError, BenchOptions, Endpoint, Stop, Workload};
use super::plan::{Plan, check_key_set, put_object};
use super::sign::{Service, identity};
use crate::aws_query::element;
use crate::credentials::Credentials;
use crate::{
    AssumeRoleWithWebIdentity, CreatedRole, Federation, IdToken, OidcProvider, Role, TrustPolicy,
};

/// The audience of GitLab's tutorial (`id_tokens: { ID_TOKEN: { aud: sts.amazonaws.com } }`).
pub(super) const AUDIENCE: &str = "sts.amazonaws.com";
/// The tutorial's condition: only `main` of projects in `mygroup`.
pub(super) const SUBJECT_PATTERN: &str = "project_path:mygroup/*:ref_type:branch:ref:main";
pub(super) const ROLE_NAME: &str = "fedlab-bench";
const SESSION_NAME: &str = "fedlab-bench";
const BUCKET: &str = "fedlab-bench";
/// Tokens minted for `assume`: each is verified in full on every use, so a few are enough to
/// keep one verification from being cached into meaning nothing.
pub(super) const TOKEN_POOL: usize = 8;
/// Objects PUT and GET in turn by `s3`, each 1 KiB.
const S3_KEYS: usize = 16;
const S3_OBJECT_BYTES: usize = 1024;
/// The longest session IAM allows (12 h), so credentials outlive any sensible run.
pub(super) const SESSION_SECONDS: u32 = 43_200;
/// A request taking longer than this counts as `transport: timeout` rather than stalling a run.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A run, ready to start.
pub(super) struct Prepared {
    pub(super) plan: Plan,
    pub(super) client: reqwest::Client,
    pub(super) target: String,
    /// Kept alive for the run when the target is in-process.
    pub(super) federation: Option<Federation>,
    /// mock-sts's request log, whose `x-mock-requests-total` header counts what it answered
    /// (`mixed` only).
    pub(super) counter_url: Option<String>,
}

pub(super) async fn prepare(options: &BenchOptions) -> Result<Prepared, BenchError> {
    match &options.endpoint {
        None => in_process(options).await,
        Some(endpoint) => against(endpoint, options).await,
    }
}

/// GitLab's tutorial account on `fed`: a provider for `AUDIENCE` and the role tokens whose `sub`
/// matches `SUBJECT_PATTERN` may assume.
pub(super) async fn tutorial_account(fed: &Federation) -> Result<CreatedRole, BenchError> {
    fed.create_provider(OidcProvider::new().client_id(AUDIENCE))
        .await?;
    let policy = TrustPolicy::for_issuer(fed)
        .string_equals("aud", AUDIENCE)
        .string_like("sub", SUBJECT_PATTERN);
    Ok(fed
        .create_role(Role::new(ROLE_NAME, policy).max_session_duration(SESSION_SECONDS))
        .await?)
}

async fn in_process(options: &BenchOptions) -> Result<Prepared, BenchError> {
    let fed = Federation::start().await?;
    let role = tutorial_account(&fed).await?;
    let client = http_client(options.connections, Some(fed.ca_pem().as_bytes()))?;
    let sts_url = format!("{}/", fed.sts_endpoint());
    let region = fed.region().to_owned();
    let mut tokens = Vec::new();
    let pool = if options.workload == Workload::Assume {
        TOKEN_POOL
    } else {
        1
    };
    for _ in 0..pool {
        let request = IdToken::new(AUDIENCE)
            .project_path("mygroup/myproject")
            .expires_in(token_lifetime(options));
        tokens.push(fed.mint(request).await?);
    }
    let plan = match options.workload {
        // `bench::run` hands it to its own setup.
        Workload::Mixed => return Err(setup("mixed has a setup of its own".to_owned())),
        Workload::Assume => Plan::Assume {
            url: sts_url,
            bodies: tokens
                .iter()
                .map(|token| assume_body(&role.arn, token.as_str()))
                .collect::<Result<_, _>>()?,
        },
        Workload::CallerIdentity => Plan::CallerIdentity {
            url: sts_url,
            identity: identity(&session(&fed, &role.arn, &tokens).await?),
            region,
        },
        Workload::Jwks => jwks_plan(&client, fed.issuer()).await?,
        Workload::Mint => Plan::Mint {
            url: fed.mint_url(),
            body: mint_body(options)?,
        },
        Workload::S3 => {
            let statement = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:GetObject"],
                    "Resource": format!("arn:aws:s3:::{BUCKET}/*"),
                }],
            })
            .to_string();
            let params = [
                ("Action", "PutRolePolicy"),
                ("Version", "2010-05-08"),
                ("RoleName", ROLE_NAME),
                ("PolicyName", "bench-objects"),
                ("PolicyDocument", statement.as_str()),
            ];
            fed.query()
                .call("iam", &params, Some(fed.admin_credentials()))
                .await?;
            let s3 = fed.s3_endpoint().to_owned();
            let admin = identity(fed.admin_credentials());
            let bucket = http::Request::put(format!("{s3}/{BUCKET}"))
                .header(http::header::HOST, super::sign::host_of(&s3))
                .body(Vec::new());
            send_signed(&client, bucket, &admin, Service::S3, &region)
                .await
                .map_err(|failure| setup(format!("CreateBucket {BUCKET}: {failure}")))?;
            let credentials = session(&fed, &role.arn, &tokens).await?;
            s3_plan(&client, s3, BUCKET.to_owned(), &credentials, region).await?
        }
    };
    Ok(Prepared {
        plan,
        client,
        target: "in-process".to_owned(),
        federation: Some(fed),
        counter_url: None,
    })
}

async fn against(endpoint: &Endpoint, options: &BenchOptions) -> Result<Prepared, BenchError> {
    let ca = match &endpoint.ca_file {
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            BenchError::Options(format!("cannot read --ca-file {}: {e}", path.display()))
        })?),
        None => None,
    };
    let client = http_client(options.connections, ca.as_deref())?;
    let url = endpoint.url.trim_end_matches('/').to_owned();
    let region = options.region.clone();
    let needed = |value: &Option<String>, flag: &str| {
        value.clone().ok_or_else(|| {
            BenchError::Options(format!(
                "--endpoint with `{}` needs {flag}",
                options.workload.name()
            ))
        })
    };
    let plan = match options.workload {
        // `bench::run` hands it to its own setup.
        Workload::Mixed => return Err(setup("mixed has a setup of its own".to_owned())),
        Workload::Assume => {
            let role_arn = needed(&endpoint.role_arn, "--role-arn")?;
            let token = needed(&endpoint.token, "--token or --token-file")?;
            Plan::Assume {
                url: format!("{url}/"),
                bodies: vec![assume_body(&role_arn, &token)?],
            }
        }
        Workload::CallerIdentity => {
            let role_arn = needed(&endpoint.role_arn, "--role-arn")?;
            let token = needed(&endpoint.token, "--token or --token-file")?;
            let sts = endpoint.sts_url.as_deref().unwrap_or(&url);
            let credentials = assume_once(&client, sts, &role_arn, &token).await?;
            Plan::CallerIdentity {
                url: format!("{url}/"),
                identity: identity(&credentials),
                region,
            }
        }
        Workload::Jwks => jwks_plan(&client, &url).await?,
        Workload::Mint => Plan::Mint {
            url: format!("{url}/-/mock/id_tokens"),
            body: mint_body(options)?,
        },
        Workload::S3 => {
            let role_arn = needed(&endpoint.role_arn, "--role-arn")?;
            let token = needed(&endpoint.token, "--token or --token-file")?;
            let sts = needed(&endpoint.sts_url, "--sts-endpoint")?;
            let bucket = needed(&endpoint.bucket, "--bucket")?;
            let credentials = assume_once(&client, &sts, &role_arn, &token).await?;
            s3_plan(&client, url.clone(), bucket, &credentials, region).await?
        }
    };
    Ok(Prepared {
        plan,
        client,
        target: url,
        federation: None,
        counter_url: None,
    })
}

/// One keep-alive HTTP/1.1 pool with a connection for each concurrent request, loopback or
/// the user's endpoint only (no proxy, no redirect followed).
pub(super) fn http_client(
    connections: usize,
    ca_pem: Option<&[u8]>,
) -> Result<reqwest::Client, BenchError> {
    let failed = |e: reqwest::Error| setup(format!("an HTTP client: {e}"));
    let mut builder = reqwest::Client::builder()
        .http1_only()
        .pool_max_idle_per_host(connections)
        .tcp_nodelay(true)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT);
    if let Some(pem) = ca_pem {
        builder =
            builder.tls_certs_only(reqwest::Certificate::from_pem_bundle(pem).map_err(failed)?);
    }
    builder.build().map_err(failed)
}

/// Tokens outlive the warm-up and the run (an hour at least, for runs counted in requests).
pub(super) fn token_lifetime(options: &BenchOptions) -> Duration {
    let run = match options.stop {
        Stop::After(duration) => duration,
        Stop::Requests(_) => Duration::ZERO,
    };
    (options.warmup + run + Duration::from_secs(600)).max(Duration::from_secs(3600))
}

fn assume_body(role_arn: &str, token: &str) -> Result<Vec<u8>, BenchError> {
    let params = [
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", role_arn),
        ("RoleSessionName", SESSION_NAME),
        ("WebIdentityToken", token),
    ];
    serde_urlencoded::to_string(params)
        .map(String::into_bytes)
        .map_err(|e| setup(format!("an AssumeRoleWithWebIdentity body: {e}")))
}

fn mint_body(options: &BenchOptions) -> Result<Vec<u8>, BenchError> {
    let request = IdToken::new(AUDIENCE)
        .project_path("mygroup/myproject")
        .expires_in(token_lifetime(options));
    serde_json::to_vec(request.mint_request()).map_err(|e| setup(format!("a mint body: {e}")))
}

/// Session credentials from the in-process federation, as long-lived as IAM allows.
async fn session(
    fed: &Federation,
    role_arn: &str,
    tokens: &[crate::Token],
) -> Result<Credentials, BenchError> {
    let token = tokens
        .first()
        .ok_or_else(|| setup("no token was minted".to_owned()))?;
    let call = AssumeRoleWithWebIdentity::new(role_arn, token)
        .session_name(SESSION_NAME)
        .duration_seconds(SESSION_SECONDS);
    Ok(fed.assume_role_with_web_identity(call).await?.credentials)
}

/// Session credentials from the user's STS (its default duration).
async fn assume_once(
    client: &reqwest::Client,
    sts_url: &str,
    role_arn: &str,
    token: &str,
) -> Result<Credentials, BenchError> {
    let body = assume_body(role_arn, token)?;
    credentials_from(client, &format!("{}/", sts_url.trim_end_matches('/')), body).await
}

async fn credentials_from(
    client: &reqwest::Client,
    sts_url: &str,
    body: Vec<u8>,
) -> Result<Credentials, BenchError> {
    let response = client
        .post(sts_url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(body)
        .send()
        .await;
    let text = expect_200(response)
        .await
        .map_err(|failure| setup(format!("AssumeRoleWithWebIdentity: {failure}")))?;
    let field = |name: &str| {
        element(&text, name)
            .ok_or_else(|| setup(format!("AssumeRoleWithWebIdentity: 200 without {name}")))
    };
    Ok(Credentials {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: field("SecretAccessKey")?,
        session_token: Some(field("SessionToken")?),
        expiration: Some(field("Expiration")?),
    })
}

/// The issuer's discovery document, read once to find the JWKS as AWS does.
async fn jwks_plan(client: &reqwest::Client, issuer: &str) -> Result<Plan, BenchError> {
    let discovery_url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let text = expect_200(client.get(&discovery_url).send().await)
        .await
        .map_err(|failure| setup(format!("GET {discovery_url}: {failure}")))?;
    let document: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| setup(format!("{discovery_url} is not JSON: {e}")))?;
    let jwks_url = document
        .get("jwks_uri")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| setup(format!("{discovery_url} has no jwks_uri")))?
        .to_owned();
    let keys = expect_200(client.get(&jwks_url).send().await)
        .await
        .map_err(|failure| setup(format!("GET {jwks_url}: {failure}")))?;
    check_key_set(&keys).map_err(|failure| setup(format!("{jwks_url}: {failure}")))?;
    Ok(Plan::Jwks {
        jwks_url,
        discovery_url,
    })
}

/// Writes every object once, so that the run's GETs all find theirs.
async fn s3_plan(
    client: &reqwest::Client,
    endpoint: String,
    bucket: String,
    credentials: &Credentials,
    region: String,
) -> Result<Plan, BenchError> {
    let identity = identity(credentials);
    let object: Vec<u8> = (0..S3_OBJECT_BYTES).map(|i| b"fedlab"[i % 6]).collect();
    let keys: Vec<String> = (0..S3_KEYS).map(|i| format!("bench/object-{i}")).collect();
    for key in &keys {
        let request = put_object(&endpoint, &bucket, key, &object);
        send_signed(client, request, &identity, Service::S3, &region)
            .await
            .map_err(|failure| setup(format!("PutObject {bucket}/{key}: {failure}")))?;
    }
    Ok(Plan::S3 {
        endpoint,
        bucket,
        keys,
        object,
        identity,
        region,
    })
}

pub(super) fn setup(reason: String) -> BenchError {
    BenchError::Setup(reason)
}
