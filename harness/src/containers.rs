//! Both mocks as containers from the local fedlab image, for a user's tests (feature
//! `containers`): the federation a pipeline or a Python tool sees, with a real network between
//! STS and the issuer, behind the same [`Federation`] handle as the in-process mocks. Switching
//! a test is one line:
//!
//! ```no_run
//! # async fn test() -> Result<(), Box<dyn std::error::Error>> {
//! // let fed = fedlab::Federation::start().await?;
//! let fed = fedlab::containers::FederationContainers::start().await?;
//! let token = fed
//!     .mint(fedlab::IdToken::new("sts.amazonaws.com").project_path("mygroup/myproject"))
//!     .await?;
//! # let _ = token; Ok(()) }
//! ```
//!
//! The image is never pulled: build it first with `bash docker/build.sh`. Without it, or without
//! a Docker engine, [`FederationContainers::start`] fails at once with a message that says so.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::Deref;

use testcontainers::bollard::models::{HostConfig, PortBinding};
use testcontainers::core::{ContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, Image, ImageExt};

use crate::federation::Federation;
use crate::outage::IssuerContainer;
use crate::remote::RemoteMocks;

/// The image `docker/build.sh` builds.
pub const DEFAULT_IMAGE: (&str, &str) = ("fedlab", "local");
const GITLAB_PORT: u16 = 8443;
const STS_PORT: u16 = 8080;
const S3_PORT: u16 = 9000;
/// Where mock-sts finds the issuer's CA in its container.
const TRUSTED_CA: &str = "/trust/gitlab-ca.pem";

/// The two containers could not be started or read.
#[derive(Debug, thiserror::Error)]
pub enum ContainersError {
    #[error(
        "no Docker engine answered, or the image {image} is missing (it is never pulled: build it with `bash docker/build.sh`): {reason}"
    )]
    Start { image: String, reason: String },
    #[error("the federation in containers could not be reached: {0}")]
    Connect(#[from] crate::Error),
}

/// mock-gitlab in a container, its state (CA, chain, keys) in the container's `/state`.
#[derive(Debug, Clone)]
pub struct MockGitlabImage {
    name: String,
    tag: String,
    command: Vec<String>,
}

impl MockGitlabImage {
    /// mock-gitlab answering as `https://ISSUER_HOST:8443`.
    pub fn new(issuer_host: &str) -> Self {
        Self {
            name: DEFAULT_IMAGE.0.to_owned(),
            tag: DEFAULT_IMAGE.1.to_owned(),
            command: vec![
                format!("--listen=0.0.0.0:{GITLAB_PORT}"),
                format!("--external-url=https://{issuer_host}:{GITLAB_PORT}"),
                "--state-dir=/state".to_owned(),
            ],
        }
    }
}

impl Image for MockGitlabImage {
    fn name(&self) -> &str {
        &self.name
    }

    fn tag(&self) -> &str {
        &self.tag
    }

    /// The JSON ready line, printed once the server answers.
    fn ready_conditions(&self) -> Vec<WaitFor> {
        vec![WaitFor::message_on_stdout("\"mint_url\"")]
    }

    fn entrypoint(&self) -> Option<&str> {
        Some("/usr/local/bin/mock-gitlab")
    }

    fn cmd(&self) -> impl IntoIterator<Item = impl Into<Cow<'_, str>>> {
        self.command.iter().map(String::as_str)
    }

    fn expose_ports(&self) -> &[ContainerPort] {
        &[ContainerPort::Tcp(GITLAB_PORT)]
    }
}

/// mock-sts in a container, trusting the CA copied to [`TRUSTED_CA`].
#[derive(Debug, Clone)]
pub struct MockStsImage {
    name: String,
    tag: String,
}

impl Default for MockStsImage {
    fn default() -> Self {
        Self {
            name: DEFAULT_IMAGE.0.to_owned(),
            tag: DEFAULT_IMAGE.1.to_owned(),
        }
    }
}

impl Image for MockStsImage {
    fn name(&self) -> &str {
        &self.name
    }

    fn tag(&self) -> &str {
        &self.tag
    }

    fn ready_conditions(&self) -> Vec<WaitFor> {
        vec![WaitFor::message_on_stdout("\"s3_endpoint\"")]
    }

    fn entrypoint(&self) -> Option<&str> {
        Some("/usr/local/bin/mock-sts")
    }

    fn cmd(&self) -> impl IntoIterator<Item = impl Into<Cow<'_, str>>> {
        [
            Cow::Owned(format!("--listen=0.0.0.0:{STS_PORT}")),
            Cow::Owned(format!("--s3-listen=0.0.0.0:{S3_PORT}")),
            Cow::Owned(format!("--trust-ca={TRUSTED_CA}")),
        ]
    }

    fn expose_ports(&self) -> &[ContainerPort] {
        &[ContainerPort::Tcp(STS_PORT), ContainerPort::Tcp(S3_PORT)]
    }
}

/// Publishes each `(container port, host port)` on 127.0.0.1 only: testcontainers would publish
/// on every interface, at random ports that Docker draws again when a container is reconnected
/// or restarted (which an outage does).
fn loopback_only(ports: Vec<(u16, u16)>) -> impl Fn(&mut HostConfig) + Send + Sync + 'static {
    move |config: &mut HostConfig| {
        config.publish_all_ports = Some(false);
        config.port_bindings = Some(
            ports
                .iter()
                .map(|(container, host)| {
                    let binding = PortBinding {
                        host_ip: Some("127.0.0.1".to_owned()),
                        host_port: Some(host.to_string()),
                    };
                    (format!("{container}/tcp"), Some(vec![binding]))
                })
                .collect::<HashMap<_, _>>(),
        );
    }
}

/// A port free on 127.0.0.1 now, for a container to publish on.
fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// mock-gitlab and mock-sts in two containers on a network of their own, and a [`Federation`]
/// connected to them (through `Deref`). The containers and the network are removed when it is
/// dropped.
pub struct FederationContainers {
    federation: Federation,
    remote: RemoteMocks,
    issuer: IssuerContainer,
    // Dropped after the federation, which stops talking to them first.
    _sts: ContainerAsync<MockStsImage>,
    _gitlab: ContainerAsync<MockGitlabImage>,
}

impl std::fmt::Debug for FederationContainers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FederationContainers")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl FederationContainers {
    /// Starts both containers from [`DEFAULT_IMAGE`] and connects to them.
    pub async fn start() -> Result<Self, ContainersError> {
        let suffix = uuid_suffix();
        let network = format!("fedlab-{suffix}");
        // A container's name resolves on its network, so the issuer's name is the container's:
        // unique per federation, and back under the same name after a restart.
        // `.test` is reserved (RFC 2606): while the issuer is cut off, Docker's resolver may ask the
        // host's, and nothing anywhere resolves the name.
        let issuer_host = format!("gitlab-{suffix}.test");
        let image = format!("{}:{}", DEFAULT_IMAGE.0, DEFAULT_IMAGE.1);
        let failed = |e: testcontainers::TestcontainersError| ContainersError::Start {
            image: image.clone(),
            reason: e.to_string(),
        };
        let no_port = |e: std::io::Error| ContainersError::Start {
            image: image.clone(),
            reason: format!("no free port on 127.0.0.1: {e}"),
        };
        let (gitlab_port, sts_port, s3_port) = (
            free_port().map_err(no_port)?,
            free_port().map_err(no_port)?,
            free_port().map_err(no_port)?,
        );
        let gitlab = MockGitlabImage::new(&issuer_host)
            .with_container_name(&issuer_host)
            .with_network(&network)
            .with_host_config_modifier(loopback_only(vec![(GITLAB_PORT, gitlab_port)]))
            .start()
            .await
            .map_err(failed)?;
        let ca_pem = gitlab
            .copy_file_from("/state/ca.pem", Vec::new())
            .await
            .map_err(failed)?;
        let sts = MockStsImage::default()
            .with_container_name(format!("sts-{suffix}"))
            .with_network(&network)
            .with_copy_to(TRUSTED_CA, ca_pem.clone())
            .with_host_config_modifier(loopback_only(vec![
                (STS_PORT, sts_port),
                (S3_PORT, s3_port),
            ]))
            .start()
            .await
            .map_err(failed)?;
        let remote = RemoteMocks {
            sts_endpoint: format!("http://127.0.0.1:{sts_port}"),
            s3_endpoint: format!("http://127.0.0.1:{s3_port}"),
            issuer: format!("https://{issuer_host}:{GITLAB_PORT}"),
            gitlab_address: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), gitlab_port),
            issuer_container: Some(gitlab.id().to_owned()),
            ..RemoteMocks::compose(String::from_utf8_lossy(&ca_pem))
        };
        let federation = Federation::connect(remote.clone()).await?;
        Ok(Self {
            federation,
            remote,
            issuer: IssuerContainer {
                container: gitlab.id().to_owned(),
                network,
                aliases: Vec::new(),
            },
            _sts: sts,
            _gitlab: gitlab,
        })
    }

    /// Where the containers answer, for [`crate::runner::Runner::remote`]: the whole catalogue
    /// against them, outages included.
    pub fn remote(&self) -> &RemoteMocks {
        &self.remote
    }

    /// The issuer's container, for staging outages ([`IssuerContainer::begin`]).
    pub fn issuer_container(&self) -> &IssuerContainer {
        &self.issuer
    }
}

impl Deref for FederationContainers {
    type Target = Federation;

    fn deref(&self) -> &Federation {
        &self.federation
    }
}

/// Eight hex digits, unique enough for names on one engine: the clock, the process and a
/// counter for federations started in one process.
fn uuid_suffix() -> String {
    static STARTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(
        "{:08x}",
        nanos ^ std::process::id().rotate_left(16) ^ n.wrapping_mul(0x9e37_79b9)
    )
}
