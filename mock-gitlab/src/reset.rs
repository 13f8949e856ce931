//! Putting a running instance back as it started, so one instance can serve many independent
//! cases: `POST /-/mock/reset` and `RunningGitlab::reset`.

use crate::error::Error;
use crate::faults::FaultSet;
use crate::key_setup;
use crate::keys::KeyRing;
use crate::request_log::RequestLog;

/// No faults, an empty request log (sequence numbers go on, so a reader's `?since=` stays
/// meaningful), and the CI key the instance started with, every rotation undone. The version
/// profile, the issuer and the certificates never change at run time, so they stay.
pub(crate) async fn reset(
    faults: &FaultSet,
    requests: &RequestLog,
    keys: &KeyRing,
) -> Result<(), Error> {
    faults.set(Vec::new());
    key_setup::restore_initial(keys).await?;
    // Last, so the log is empty once the answer leaves, whatever the steps above logged.
    requests.clear();
    Ok(())
}
