//! Where a federation's mocks are: started in-process and owned ([`Backend::InProcess`]), or
//! running elsewhere and reached over HTTP ([`Backend::Remote`]). [`crate::Federation`] asks its
//! backend for what changes at run time; what never changes is in [`Facts`].

mod facts;
mod remote;
mod thumbprint;

use mock_gitlab::{Fault, IssuerRequest};
use mock_sts::{LogEntry, Seed};

use crate::error::Error;
use crate::remote::RemoteMocks;
use crate::runtime::BackgroundRuntime;

pub(crate) use facts::Facts;
use remote::Remote;

/// A backend over `settings`' mocks, once they answer, and what it learnt of them.
pub(crate) async fn connect(settings: RemoteMocks) -> Result<(Backend, Facts), Error> {
    let (remote, facts) = remote::connect(settings).await?;
    Ok((Backend::Remote(remote), facts))
}

#[derive(Debug)]
pub(crate) enum Backend {
    /// Boxed: the running servers' handles are several times the size of a remote's.
    InProcess {
        gitlab: Box<mock_gitlab::RunningGitlab>,
        sts: Box<mock_sts::RunningSts>,
    },
    Remote(Remote),
}

impl Backend {
    pub(crate) async fn rotate_signing_key(
        &self,
        keep_old: bool,
        runtime: &BackgroundRuntime,
    ) -> Result<String, Error> {
        match self {
            Self::InProcess { gitlab, .. } => {
                gitlab
                    .rotate_signing_key(keep_old)
                    .await
                    .map_err(|e| Error::Start {
                        what: "a new signing key",
                        reason: e.to_string(),
                    })
            }
            Self::Remote(remote) => runtime.run(remote.clone().rotate(keep_old)).await?,
        }
    }

    pub(crate) fn set_faults(
        &self,
        faults: Vec<Fault>,
        runtime: &BackgroundRuntime,
    ) -> Result<(), Error> {
        match self {
            Self::InProcess { gitlab, .. } => {
                gitlab.set_faults(faults);
                Ok(())
            }
            Self::Remote(remote) => runtime.wait(remote.clone().set_faults(faults))?,
        }
    }

    pub(crate) fn issuer_requests(
        &self,
        runtime: &BackgroundRuntime,
    ) -> Result<Vec<IssuerRequest>, Error> {
        match self {
            Self::InProcess { gitlab, .. } => Ok(gitlab.requests()),
            Self::Remote(remote) => runtime.wait(remote.clone().issuer_requests())?,
        }
    }

    /// mock-sts's log entries after `after` (0: all it keeps).
    pub(crate) fn requests_since(
        &self,
        after: u64,
        runtime: &BackgroundRuntime,
    ) -> Result<Vec<LogEntry>, Error> {
        match self {
            Self::InProcess { sts, .. } => Ok(sts.requests_since(after)),
            Self::Remote(remote) => runtime.wait(remote.clone().requests_since(after))?,
        }
    }

    /// The entries after `after`, waiting until there is one; empty once mock-sts has stopped
    /// (or, remote, stopped answering).
    pub(crate) async fn requests_after(
        &self,
        after: u64,
        runtime: &BackgroundRuntime,
    ) -> Vec<LogEntry> {
        match self {
            Self::InProcess { sts, .. } => {
                // Subscribed before looking, so an answer logged in between still wakes us.
                let mut updates = sts.log_updates();
                loop {
                    let new = sts.requests_since(after);
                    if !new.is_empty() || updates.changed().await.is_err() {
                        return new;
                    }
                }
            }
            Self::Remote(remote) => runtime
                .run(remote.clone().requests_after(after))
                .await
                .unwrap_or_default(),
        }
    }

    pub(crate) fn iam_state(&self, runtime: &BackgroundRuntime) -> Result<Seed, Error> {
        match self {
            Self::InProcess { sts, .. } => Ok(sts.iam_state()),
            Self::Remote(remote) => runtime.wait(remote.clone().iam_state())?,
        }
    }

    pub(crate) async fn reset(&self, runtime: &BackgroundRuntime) -> Result<(), Error> {
        match self {
            Self::InProcess { gitlab, sts } => {
                sts.reset();
                gitlab.reset().await.map_err(|e| Error::Start {
                    what: "a reset of mock-gitlab",
                    reason: e.to_string(),
                })
            }
            Self::Remote(remote) => runtime.run(remote.clone().reset()).await?,
        }
    }

    /// See [`crate::Federation::new_certificate_thumbprint`].
    pub(crate) fn new_certificate_thumbprint(&self, runtime: &BackgroundRuntime) -> &str {
        match self {
            Self::InProcess { gitlab, .. } => gitlab.new_certificate_thumbprint(),
            Self::Remote(remote) => remote.new_certificate_thumbprint(runtime),
        }
    }
}
