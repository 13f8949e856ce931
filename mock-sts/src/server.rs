//! The Query-protocol front end: one route, dispatch on Action and Version, SigV4 for signed
//! actions, AWS's response headers, one log entry and one tracing event per request.

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;

use crate::auth::{Caller, authenticate};
use crate::config::Config;
use crate::errors::AwsError;
use crate::iam::{self, Iam};
use crate::oidc::KeyFetcher;
use crate::query::Params;
use crate::request_log::{LogEntry, RequestLog};
use crate::sessions::Sessions;
use crate::{ids, sigv4, times, web_identity, xml};

/// Shared server state.
#[derive(Debug)]
pub struct Sts {
    pub config: Config,
    iam: RwLock<Iam>,
    pub sessions: Sessions,
    pub keys: KeyFetcher,
    pub log: RequestLog,
}

impl Sts {
    pub fn new(config: Config, keys: KeyFetcher) -> Self {
        let log = RequestLog::new(config.request_log_capacity);
        Self {
            config,
            iam: RwLock::new(Iam::default()),
            sessions: Sessions::default(),
            keys,
            log,
        }
    }

    pub fn iam(&self) -> RwLockReadGuard<'_, Iam> {
        self.iam.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn iam_mut(&self) -> RwLockWriteGuard<'_, Iam> {
        self.iam.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What a handler learned that belongs in the request log.
#[derive(Debug, Default)]
pub struct Note {
    pub role_arn: Option<String>,
    pub role_session_name: Option<String>,
    pub access_key_id: Option<String>,
    pub issued_access_key_id: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Sts,
    Iam,
}

impl Service {
    fn namespace(self) -> &'static str {
        match self {
            Self::Sts => xml::STS_NAMESPACE,
            Self::Iam => xml::IAM_NAMESPACE,
        }
    }

    pub fn signing_name(self) -> &'static str {
        match self {
            Self::Sts => "sts",
            Self::Iam => "iam",
        }
    }
}

/// Where AWS sends requests that carry no Action (or a POST without Content-Type).
const NO_ACTION_LOCATION: &str = "https://aws.amazon.com/iam";

pub async fn handle(
    State(sts): State<Arc<Sts>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let received = sts.config.clock.now();
    let request_id = ids::request_id();
    let mut note = Note::default();
    let params = request_params(&method, &uri, &headers, &body);
    let action = params.get("Action").map(str::to_owned);
    let post_without_type = method == Method::POST && !headers.contains_key(header::CONTENT_TYPE);

    let (response, error) = match action.as_deref() {
        Some(action) if !post_without_type => {
            let version = params.get("Version").unwrap_or("NO_VERSION_SPECIFIED");
            let request = sigv4::Request {
                method: &method,
                path: uri.path(),
                query: uri.query(),
                headers: &headers,
                body: &body,
            };
            let (service, result) = dispatch(
                &sts,
                action,
                version,
                &params,
                &request,
                &request_id,
                &mut note,
            )
            .await;
            let (status, body, error) = match result {
                Ok(body) => (StatusCode::OK, body, None),
                Err(err) => (
                    err.status(),
                    xml::error(&err, service.namespace(), &request_id),
                    Some(err),
                ),
            };
            let mut response = (status, body).into_response();
            set_aws_headers(&sts, &mut response, &request_id, service, received);
            (response, error)
        }
        _ => (redirect(&method, uri.query()), None),
    };

    let entry = LogEntry {
        seq: 0,
        time: received
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        method: method.to_string(),
        action,
        status: response.status().as_u16(),
        code: error.as_ref().map(|e| e.code().to_owned()),
        message: error.as_ref().and_then(AwsError::message),
        confidence: error.as_ref().map(AwsError::confidence),
        request_id,
        access_key_id: note.access_key_id,
        role_arn: note.role_arn,
        role_session_name: note.role_session_name,
        issued_access_key_id: note.issued_access_key_id,
        detail: note.detail,
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    tracing::info!(
        action = entry.action.as_deref().unwrap_or("-"),
        status = entry.status,
        code = entry.code.as_deref().unwrap_or("-"),
        request_id = %entry.request_id,
        role_arn = entry.role_arn.as_deref().unwrap_or("-"),
        detail = entry.detail.as_deref().unwrap_or("-"),
        "request"
    );
    sts.log.push(entry);
    response
}

/// Form body (POST with the form content type) first, then the query string; first key wins.
fn request_params(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Params {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let mut params = if *method == Method::POST && is_form {
        Params::parse(std::str::from_utf8(body).unwrap_or_default())
    } else {
        Params::default()
    };
    params.extend(Params::parse(uri.query().unwrap_or_default()));
    params
}

/// AWS's answer to a request without an Action (or a POST without Content-Type): a redirect to
/// the IAM console page, echoing a GET's query string.
fn redirect(method: &Method, query: Option<&str>) -> Response {
    let location = match query.filter(|q| *method == Method::GET && !q.is_empty()) {
        Some(query) => format!("{NO_ACTION_LOCATION}?{query}"),
        None => NO_ACTION_LOCATION.to_owned(),
    };
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

async fn dispatch(
    sts: &Sts,
    action: &str,
    version: &str,
    params: &Params,
    request: &sigv4::Request<'_>,
    request_id: &str,
    note: &mut Note,
) -> (Service, Result<String, AwsError>) {
    let invalid = || AwsError::InvalidAction {
        action: action.to_owned(),
        version: version.to_owned(),
    };
    match (version, action) {
        ("2011-06-15", "AssumeRoleWithWebIdentity") => (
            Service::Sts,
            web_identity::assume_role_with_web_identity(sts, params, request_id, note).await,
        ),
        ("2011-06-15", "GetCallerIdentity") => (
            Service::Sts,
            authenticate(sts, request, Service::Sts, note)
                .map(|caller| caller_identity(sts, &caller, request_id)),
        ),
        ("2010-05-08", iam_action) if IAM_ACTIONS.contains(&iam_action) => (
            Service::Iam,
            authenticate(sts, request, Service::Iam, note).and_then(|caller| match caller {
                Caller::Admin => iam_call(sts, iam_action, params, request_id),
                Caller::Session(session) => Err(AwsError::IamAccessDenied {
                    caller_arn: session.assumed_role_arn,
                    action: iam_action.to_owned(),
                }),
            }),
        ),
        ("2010-05-08", _) => (Service::Iam, Err(invalid())),
        _ => (Service::Sts, Err(invalid())),
    }
}

const IAM_ACTIONS: &[&str] = &[
    "CreateOpenIDConnectProvider",
    "GetOpenIDConnectProvider",
    "ListOpenIDConnectProviders",
    "DeleteOpenIDConnectProvider",
    "CreateRole",
    "GetRole",
    "DeleteRole",
    "UpdateAssumeRolePolicy",
];

fn iam_call(
    sts: &Sts,
    action: &str,
    params: &Params,
    request_id: &str,
) -> Result<String, AwsError> {
    let account = sts.config.account_id.as_str();
    let now = sts.config.clock.now();
    match action {
        "CreateOpenIDConnectProvider" => sts
            .iam_mut()
            .create_open_id_connect_provider(account, params, now)
            .map(|p| iam::provider_created_xml(&p, request_id)),
        "GetOpenIDConnectProvider" => sts
            .iam()
            .get_open_id_connect_provider(params)
            .map(|p| iam::provider_xml(p, request_id)),
        "ListOpenIDConnectProviders" => Ok(iam::providers_xml(sts.iam().providers(), request_id)),
        "DeleteOpenIDConnectProvider" => sts
            .iam_mut()
            .delete_open_id_connect_provider(params)
            .map(|()| iam::empty_xml(action, request_id)),
        "CreateRole" => sts
            .iam_mut()
            .create_role(account, params, now)
            .map(|r| iam::role_xml(action, &r, request_id)),
        "GetRole" => sts
            .iam()
            .get_role(params)
            .map(|r| iam::role_xml(action, &r, request_id)),
        "DeleteRole" => sts
            .iam_mut()
            .delete_role(params)
            .map(|()| iam::empty_xml(action, request_id)),
        "UpdateAssumeRolePolicy" => sts
            .iam_mut()
            .update_assume_role_policy(params)
            .map(|()| iam::empty_xml(action, request_id)),
        _ => Err(AwsError::InvalidAction {
            action: action.to_owned(),
            version: "2010-05-08".to_owned(),
        }),
    }
}

fn caller_identity(sts: &Sts, caller: &Caller, request_id: &str) -> String {
    let account = &sts.config.account_id;
    let (arn, user_id) = match caller {
        Caller::Admin => (format!("arn:aws:iam::{account}:root"), account.clone()),
        Caller::Session(session) => (
            session.assumed_role_arn.clone(),
            format!("{}:{}", session.role_id, session.role_session_name),
        ),
    };
    xml::success("GetCallerIdentity", xml::STS_NAMESPACE, request_id, |x| {
        x.leaf("Arn", &arn)
            .leaf("UserId", &user_id)
            .leaf("Account", account);
    })
}

fn set_aws_headers(
    sts: &Sts,
    response: &mut Response,
    request_id: &str,
    service: Service,
    received: time::OffsetDateTime,
) {
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set("x-amzn-requestid", request_id.to_owned());
    set("content-type", "text/xml".to_owned());
    set("date", times::http_date(sts.config.clock.now()));
    if service == Service::Sts {
        // Newer STS responses carry `1:<region>:S:<millis>:R:<8 characters>`, base64-encoded.
        let millis = received.unix_timestamp_nanos() / 1_000_000;
        let suffix: String = request_id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        let extended = format!("1:{}:S:{millis}:R:{suffix}", sts.config.region);
        set(
            "x-amz-sts-extended-request-id",
            base64::engine::general_purpose::STANDARD.encode(extended),
        );
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct SinceQuery {
    #[serde(default)]
    since: u64,
}

/// `GET /-/mock/requests?since=N`: the request log as JSON.
pub async fn requests(
    State(sts): State<Arc<Sts>>,
    Query(query): Query<SinceQuery>,
) -> axum::Json<Vec<LogEntry>> {
    axum::Json(sts.log.since(query.since))
}

pub async fn clear_requests(State(sts): State<Arc<Sts>>) -> StatusCode {
    sts.log.clear();
    StatusCode::NO_CONTENT
}
