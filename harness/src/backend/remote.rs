//! A mock-gitlab and a mock-sts running elsewhere, driven through their `/-/mock/` routes. Every
//! operation is a `'static` future on a clone (the clients are shared handles), so the federation
//! can run it on its own runtime, whatever runtime (or none) the caller is on.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use mock_gitlab::{Fault, IssuerRequest};
use mock_sts::{LogEntry, Seed};
use rustls::pki_types::ServerName;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::facts::Facts;
use super::thumbprint::served_thumbprint;
use crate::aws_query::error_chain;
use crate::error::Error;
use crate::remote::{RemoteMocks, loopback_or_ip};
use crate::runtime::BackgroundRuntime;

/// How often a follower of mock-sts's log asks for new entries (it has no push over HTTP).
const POLL: Duration = Duration::from_millis(25);
/// Any one admin request; the mocks answer these from memory.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub(crate) struct Remote {
    sts_http: reqwest::Client,
    gitlab_http: reqwest::Client,
    sts_endpoint: String,
    /// `https://ADDRESS[/root]`: mock-gitlab's own routes, reached without SNI.
    gitlab_admin: String,
    gitlab_address: SocketAddr,
    issuer_name: String,
    ca_pem: String,
    new_certificate_thumbprint: Arc<OnceLock<String>>,
}

/// Checks the settings, reaches both mocks (mock-sts's health, mock-gitlab's chain) and returns
/// the backend with what it learnt. Runs on the federation's runtime.
pub(super) async fn connect(settings: RemoteMocks) -> Result<(Remote, Facts), Error> {
    let sts_addr = loopback_or_ip("mock-sts's endpoint", &settings.sts_endpoint)?;
    let s3_addr = loopback_or_ip("mock-sts's S3 endpoint", &settings.s3_endpoint)?;
    let issuer_name = settings.issuer_name()?.to_owned();
    let failed = |what: &'static str| {
        move |e: reqwest::Error| Error::Start {
            what,
            reason: error_chain(&e),
        }
    };
    let ca = reqwest::Certificate::from_pem(settings.ca_pem.as_bytes())
        .map_err(failed("an HTTPS client for mock-gitlab"))?;
    // mock-gitlab's certificate names loopback for its own routes (asked without SNI). Reached at
    // another address (a GitLab CI service's), the chain is still verified against its CA, the
    // only root trusted, but not the name.
    let elsewhere = !settings.gitlab_address.ip().is_loopback();
    // The issuer's name is pinned to the address: fedlab never asks DNS.
    let gitlab_http = reqwest::Client::builder()
        .tls_certs_only([ca])
        .tls_danger_accept_invalid_hostnames(elsewhere)
        .no_proxy()
        .resolve(&issuer_name, settings.gitlab_address)
        .timeout(ADMIN_TIMEOUT)
        .build()
        .map_err(failed("an HTTPS client for mock-gitlab"))?;
    let sts_http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(ADMIN_TIMEOUT)
        .build()
        .map_err(failed("an HTTP client for mock-sts"))?;
    let sts_endpoint = settings.sts_endpoint.trim_end_matches('/').to_owned();
    let gitlab_admin = format!(
        "https://{}{}",
        settings.gitlab_address,
        settings.issuer_root()?
    );
    let remote = Remote {
        sts_http,
        gitlab_http,
        sts_endpoint: sts_endpoint.clone(),
        gitlab_admin: gitlab_admin.clone(),
        gitlab_address: settings.gitlab_address,
        issuer_name,
        ca_pem: settings.ca_pem.clone(),
        new_certificate_thumbprint: Arc::default(),
    };
    let health = format!("{sts_endpoint}/-/mock/health");
    check(remote.sts_http.get(&health).send().await, &health, 200)
        .await
        .map_err(|e| Error::Start {
            what: "a connection to mock-sts",
            reason: e.to_string(),
        })?;
    // Without SNI on loopback; elsewhere the certificate names only the issuer, so the chain is
    // asked for under its name (before any case sets a TLS fault).
    let thumbprint_name = if elsewhere {
        ServerName::try_from(remote.issuer_name.clone()).map_err(|e| Error::Start {
            what: "a connection to mock-gitlab",
            reason: format!("the issuer's host name: {e}"),
        })?
    } else {
        ServerName::IpAddress(settings.gitlab_address.ip().into())
    };
    let thumbprint = served_thumbprint(settings.gitlab_address, thumbprint_name, &settings.ca_pem)
        .await
        .map_err(|reason| Error::Start {
            what: "a connection to mock-gitlab",
            reason,
        })?;
    let facts = Facts {
        issuer: settings.issuer.trim_end_matches('/').to_owned(),
        ca_pem: settings.ca_pem,
        thumbprint,
        gitlab_version: settings.gitlab_version,
        mint_url: format!("{gitlab_admin}/-/mock/id_tokens"),
        sts_endpoint,
        s3_endpoint: settings.s3_endpoint.trim_end_matches('/').to_owned(),
        sts_addr,
        s3_addr,
    };
    Ok((remote, facts))
}

impl Remote {
    /// `body` sent to one of mock-gitlab's own routes; the answer, if 200.
    async fn to_gitlab(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> Result<reqwest::Response, Error> {
        let url = format!("{}{path}", self.gitlab_admin);
        let sent = self
            .gitlab_http
            .request(method, &url)
            .json(body)
            .send()
            .await;
        check(sent, &url, 200).await
    }

    pub(super) async fn rotate(self, keep_old: bool) -> Result<String, Error> {
        let body = json!({ "keep_old": keep_old });
        let answered = self
            .to_gitlab(reqwest::Method::POST, "/-/mock/keys/rotate", &body)
            .await?;
        let url = answered.url().to_string();
        let answer: Value = json_of(answered, &url).await?;
        answer
            .get("kid")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| unexpected(&url, &answer.to_string()))
    }

    pub(super) async fn set_faults(self, faults: Vec<Fault>) -> Result<(), Error> {
        self.put_faults(&json!({ "faults": faults })).await
    }

    async fn put_faults(&self, body: &Value) -> Result<(), Error> {
        self.to_gitlab(reqwest::Method::PUT, "/-/mock/faults", body)
            .await
            .map(drop)
    }

    pub(super) async fn issuer_requests(self) -> Result<Vec<IssuerRequest>, Error> {
        let url = format!("{}/-/mock/requests", self.gitlab_admin);
        get_json(&self.gitlab_http, &url).await
    }

    pub(super) async fn requests_since(self, after: u64) -> Result<Vec<LogEntry>, Error> {
        let url = format!("{}/-/mock/requests?since={after}", self.sts_endpoint);
        get_json(&self.sts_http, &url).await
    }

    pub(super) async fn requests_after(self, after: u64) -> Vec<LogEntry> {
        loop {
            match self.clone().requests_since(after).await {
                Ok(new) if new.is_empty() => tokio::time::sleep(POLL).await,
                Ok(new) => return new,
                Err(_) => return Vec::new(),
            }
        }
    }

    pub(super) async fn iam_state(self) -> Result<Seed, Error> {
        let url = format!("{}/-/mock/state", self.sts_endpoint);
        let text = check(self.sts_http.get(&url).send().await, &url, 200)
            .await?
            .text()
            .await
            .map_err(|e| transport(&url, &e))?;
        Seed::from_json(&text).map_err(|e| unexpected(&url, &e.to_string()))
    }

    /// Both mocks back as they started: mock-gitlab first, so mock-sts's emptied key cache is
    /// never refilled from a rotated key.
    pub(super) async fn reset(self) -> Result<(), Error> {
        for (client, url) in [
            (
                &self.gitlab_http,
                format!("{}/-/mock/reset", self.gitlab_admin),
            ),
            (
                &self.sts_http,
                format!("{}/-/mock/reset", self.sts_endpoint),
            ),
        ] {
            check(client.post(&url).send().await, &url, 204).await?;
        }
        Ok(())
    }

    /// Learnt once, on first use, by setting the `new_certificate` fault for one handshake (and
    /// putting back the faults that were in force); empty when that failed.
    pub(super) fn new_certificate_thumbprint(&self, runtime: &BackgroundRuntime) -> &str {
        self.new_certificate_thumbprint.get_or_init(|| {
            let learnt = runtime.wait(self.clone().learn_new_certificate_thumbprint());
            match learnt {
                Ok(Ok(thumbprint)) => thumbprint,
                Ok(Err(reason)) | Err(reason) => {
                    tracing::warn!(%reason, "the renewed certificate's thumbprint is unknown");
                    String::new()
                }
            }
        })
    }

    async fn learn_new_certificate_thumbprint(self) -> Result<String, Error> {
        let url = format!("{}/-/mock/faults", self.gitlab_admin);
        let before: Value = get_json(&self.gitlab_http, &url).await?;
        let mut faults = before.get("faults").cloned().unwrap_or_else(|| json!([]));
        if let Some(list) = faults.as_array_mut() {
            list.push(json!({ "kind": "new_certificate" }));
        }
        self.put_faults(&json!({ "faults": faults })).await?;
        let served = match ServerName::try_from(self.issuer_name.clone()) {
            Ok(name) => served_thumbprint(self.gitlab_address, name, &self.ca_pem)
                .await
                .map_err(|reason| unexpected(&self.gitlab_admin, &reason)),
            Err(e) => Err(unexpected(&self.issuer_name, &e.to_string())),
        };
        self.put_faults(&before).await?;
        served
    }
}

/// The answer, if it came with `status`.
async fn check(
    sent: Result<reqwest::Response, reqwest::Error>,
    url: &str,
    status: u16,
) -> Result<reqwest::Response, Error> {
    let response = sent.map_err(|e| transport(url, &e))?;
    if response.status().as_u16() == status {
        return Ok(response);
    }
    let got = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    Err(Error::Unexpected { status: got, body })
}

async fn get_json<T: DeserializeOwned>(client: &reqwest::Client, url: &str) -> Result<T, Error> {
    json_of(check(client.get(url).send().await, url, 200).await?, url).await
}

async fn json_of<T: DeserializeOwned>(response: reqwest::Response, url: &str) -> Result<T, Error> {
    response.json().await.map_err(|e| transport(url, &e))
}

fn transport(url: &str, err: &reqwest::Error) -> Error {
    Error::Transport {
        endpoint: url.to_owned(),
        reason: error_chain(err),
    }
}

fn unexpected(url: &str, body: &str) -> Error {
    Error::Unexpected {
        status: 200,
        body: format!("{url}: {body}"),
    }
}
