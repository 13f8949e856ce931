//! Real outages of the issuer's container, staged with the `docker` command: a scenario's
//! `gitlab.outage`. The most common production failure of the federation is STS failing to
//! reach the GitLab instance (GitLab issue 391928,
//! <https://gitlab.com/gitlab-org/gitlab/-/issues/391928>); a cut between two containers
//! reproduces it with the real resolver, sockets and timeouts instead of an emulated fault.

use std::time::{Duration, Instant};

use tokio::process::Command;

use crate::scenario::Outage;

/// How long a restored issuer may take to answer its health check again. A container whose
/// ports were published at random may come back on other host ports after a stop.
const RECOVERY_LIMIT: Duration = Duration::from_secs(30);

/// The issuer's container and the network STS reaches it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerContainer {
    /// Container name or ID.
    pub container: String,
    /// The network it shares with STS's container.
    pub network: String,
    /// The names STS knows it by on that network (e.g. `gitlab.example.com`), restored with it.
    pub aliases: Vec<String>,
}

/// A `docker` command failed, or the issuer did not come back.
#[derive(Debug, thiserror::Error)]
pub enum OutageError {
    #[error("`docker {args}` failed: {reason}")]
    Docker { args: String, reason: String },
    #[error("the issuer's container was not healthy {limit:?} after the outage ended")]
    NotRecovered { limit: Duration },
}

impl IssuerContainer {
    /// The container as Docker has it: its one network and its names there (a compose
    /// service's aliases, `gitlab.example.com` among them), to restore after a disconnection.
    pub async fn inspect(container: &str) -> Result<Self, OutageError> {
        let networks = docker(&[
            "inspect",
            "--format",
            "{{range $name, $net := .NetworkSettings.Networks}}{{$name}} {{join $net.Aliases \" \"}}\n{{end}}",
            container,
        ])
        .await?;
        let id = docker(&["inspect", "--format", "{{.Id}}", container]).await?;
        let short_id = id.trim().get(..12).unwrap_or_default();
        let mut lines = networks.lines().filter(|line| !line.trim().is_empty());
        let (Some(line), None) = (lines.next(), lines.next()) else {
            return Err(OutageError::Docker {
                args: format!("inspect {container}"),
                reason: "the issuer's container must be on exactly one network".to_owned(),
            });
        };
        let mut words = line.split_whitespace();
        let network = words.next().unwrap_or_default().to_owned();
        // Docker gives every container its short ID as an alias itself.
        let aliases = words
            .filter(|alias| *alias != short_id)
            .map(str::to_owned)
            .collect();
        Ok(Self {
            container: container.to_owned(),
            network,
            aliases,
        })
    }

    /// Cuts the issuer off as `outage` says.
    pub async fn begin(&self, outage: Outage) -> Result<(), OutageError> {
        match outage {
            Outage::Disconnected => {
                docker(&["network", "disconnect", &self.network, &self.container]).await
            }
            Outage::Paused => docker(&["pause", &self.container]).await,
            Outage::Stopped => docker(&["stop", "--time", "2", &self.container]).await,
        }
        .map(drop)
    }

    /// Ends the outage and waits until the issuer answers its health check again.
    pub async fn end(&self, outage: Outage) -> Result<(), OutageError> {
        match outage {
            Outage::Disconnected => {
                let mut args = vec!["network", "connect"];
                for alias in &self.aliases {
                    args.extend(["--alias", alias.as_str()]);
                }
                args.extend([self.network.as_str(), self.container.as_str()]);
                docker(&args).await?;
            }
            Outage::Paused => {
                docker(&["unpause", &self.container]).await?;
            }
            Outage::Stopped => {
                docker(&["start", &self.container]).await?;
            }
        }
        self.wait_healthy().await
    }

    /// Polls the container's health (its image's `HEALTHCHECK`) until it is `healthy`.
    pub async fn wait_healthy(&self) -> Result<(), OutageError> {
        let started = Instant::now();
        loop {
            let status = docker(&[
                "inspect",
                "--format",
                "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}",
                &self.container,
            ])
            .await?;
            if matches!(status.trim(), "healthy" | "running") && self.on_network().await? {
                return Ok(());
            }
            if started.elapsed() > RECOVERY_LIMIT {
                return Err(OutageError::NotRecovered {
                    limit: RECOVERY_LIMIT,
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn on_network(&self) -> Result<bool, OutageError> {
        let format = format!(
            "{{{{if index .NetworkSettings.Networks \"{}\"}}}}yes{{{{end}}}}",
            self.network
        );
        Ok(docker(&["inspect", "--format", &format, &self.container])
            .await?
            .trim()
            == "yes")
    }
}

/// Runs `docker ARGS` and returns its standard output.
async fn docker(args: &[&str]) -> Result<String, OutageError> {
    let failed = |reason: String| OutageError::Docker {
        args: args.join(" "),
        reason,
    };
    let output = Command::new("docker")
        .args(args)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| failed(e.to_string()))?;
    if !output.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
