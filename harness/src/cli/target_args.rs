//! `fedlab run --target`: the mocks a run uses. In-process (a federation per case) by default;
//! `compose` for docker-compose.yml's containers; `remote` for mocks started any other way.
//! docs/targets.md describes them.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};

use crate::credentials::Credentials;
use crate::remote::RemoteMocks;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum TargetKind {
    /// A fresh mock-gitlab and mock-sts in this process for every case, side by side.
    InProcess,
    /// docker-compose.yml's containers, at the addresses it publishes (each overridable below).
    Compose,
    /// Mocks started some other way: --sts-endpoint, --s3-endpoint, --gitlab-url and
    /// --gitlab-address are required.
    Remote,
}

#[derive(Debug, Args)]
pub(super) struct Targeting {
    /// Where the mocks run. Against `compose` or `remote` cases run one at a time and both mocks
    /// are reset before each; scenarios they cannot express are skipped, with the reason.
    #[arg(long, value_enum, env = "FEDLAB_TARGET", default_value = "in-process")]
    target: TargetKind,
    /// mock-sts's STS and IAM endpoint (compose: http://127.0.0.1:8080).
    #[arg(long, value_name = "URL", env = "FEDLAB_STS_ENDPOINT")]
    sts_endpoint: Option<String>,
    /// mock-sts's S3 endpoint (compose: http://127.0.0.1:9000).
    #[arg(long, value_name = "URL", env = "FEDLAB_S3_ENDPOINT")]
    s3_endpoint: Option<String>,
    /// mock-gitlab's issuer URL, as tokens and mock-sts see it (compose:
    /// https://gitlab.example.com:8443).
    #[arg(long, value_name = "URL", env = "FEDLAB_GITLAB_URL")]
    gitlab_url: Option<String>,
    /// Where this machine reaches mock-gitlab; the issuer's name is pinned to it, never looked up
    /// (compose: 127.0.0.1:8443).
    #[arg(long, value_name = "HOST:PORT", env = "FEDLAB_GITLAB_ADDRESS")]
    gitlab_address: Option<SocketAddr>,
    /// mock-gitlab's root CA (PEM), required for compose and remote: e.g.
    /// `docker cp "$(docker-compose ps -q gitlab)":/state/ca.pem ./ca.pem`.
    #[arg(long, value_name = "FILE", env = "FEDLAB_GITLAB_CA")]
    gitlab_ca: Option<PathBuf>,
    /// mock-gitlab's container, for the scenarios that cut it off from mock-sts for real
    /// (`gitlab.outage`); without it they are skipped. Compose:
    /// `--gitlab-container "$(docker-compose ps -q gitlab)"`.
    #[arg(long, value_name = "NAME", env = "FEDLAB_GITLAB_CONTAINER")]
    gitlab_container: Option<String>,
    /// The key ID mock-sts accepts for IAM.
    #[arg(
        long,
        value_name = "KEY",
        env = "FEDLAB_ADMIN_ACCESS_KEY_ID",
        default_value = mock_sts::DEFAULT_ADMIN_ACCESS_KEY_ID
    )]
    admin_access_key_id: String,
    /// The secret key mock-sts accepts for IAM.
    #[arg(
        long,
        value_name = "SECRET",
        env = "FEDLAB_ADMIN_SECRET_ACCESS_KEY",
        default_value = mock_sts::DEFAULT_ADMIN_SECRET_ACCESS_KEY,
        hide_default_value = true,
        hide_env_values = true
    )]
    admin_secret_access_key: String,
}

impl Targeting {
    /// The remote mocks to run against, or `None` for in-process federations.
    pub(super) fn remote(&self) -> anyhow::Result<Option<RemoteMocks>> {
        let explicit = self.sts_endpoint.is_some()
            || self.s3_endpoint.is_some()
            || self.gitlab_url.is_some()
            || self.gitlab_address.is_some()
            || self.gitlab_ca.is_some()
            || self.gitlab_container.is_some();
        match self.target {
            TargetKind::InProcess if explicit => {
                bail!("endpoint options need --target compose or --target remote")
            }
            TargetKind::InProcess => Ok(None),
            TargetKind::Compose => Ok(Some(self.overriding(RemoteMocks::compose(self.ca()?)))),
            TargetKind::Remote => {
                let missing: Vec<&str> = [
                    ("--sts-endpoint", self.sts_endpoint.is_none()),
                    ("--s3-endpoint", self.s3_endpoint.is_none()),
                    ("--gitlab-url", self.gitlab_url.is_none()),
                    ("--gitlab-address", self.gitlab_address.is_none()),
                ]
                .into_iter()
                .filter_map(|(name, absent)| absent.then_some(name))
                .collect();
                if !missing.is_empty() {
                    bail!("--target remote needs {}", missing.join(", "));
                }
                Ok(Some(self.overriding(RemoteMocks::compose(self.ca()?))))
            }
        }
    }

    fn ca(&self) -> anyhow::Result<String> {
        let Some(path) = &self.gitlab_ca else {
            bail!(
                "--gitlab-ca is required against running mocks: mock-gitlab's CA, e.g. \
                 docker cp \"$(docker-compose ps -q gitlab)\":/state/ca.pem ./ca.pem"
            );
        };
        std::fs::read_to_string(path).with_context(|| format!("failed to read {}", path.display()))
    }

    /// `base` with every option given on the command line (or in the environment) in place.
    fn overriding(&self, base: RemoteMocks) -> RemoteMocks {
        RemoteMocks {
            sts_endpoint: self.sts_endpoint.clone().unwrap_or(base.sts_endpoint),
            s3_endpoint: self.s3_endpoint.clone().unwrap_or(base.s3_endpoint),
            issuer: self.gitlab_url.clone().unwrap_or(base.issuer),
            gitlab_address: self.gitlab_address.unwrap_or(base.gitlab_address),
            issuer_container: self.gitlab_container.clone().or(base.issuer_container),
            admin: Credentials {
                access_key_id: self.admin_access_key_id.clone(),
                secret_access_key: self.admin_secret_access_key.clone(),
                session_token: None,
                expiration: None,
            },
            ..base
        }
    }
}
