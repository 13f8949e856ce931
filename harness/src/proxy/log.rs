//! What the proxy was asked for, so a report can say which destination a client tried to reach.

use std::fmt;
use std::sync::{Mutex, PoisonError};

/// One request to fedlab's proxy: a `CONNECT` tunnel or a plain-HTTP request, and whether the
/// proxy answered it (an AWS host name the mocks serve) or refused it (anything else, never
/// forwarded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRequest {
    /// `CONNECT`, or the method of a plain-HTTP request (`GET`, `PUT`, …).
    pub method: String,
    /// `host:port` for a tunnel, `http://host[:port]` for a plain-HTTP request (never a path
    /// or query, which may carry a signature or a token).
    pub destination: String,
    /// `true` when the proxy refused it with 403 and connected nowhere.
    pub refused: bool,
}

impl fmt::Display for ProxyRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.refused {
            "refused"
        } else {
            "answered by mock-sts"
        };
        write!(f, "{} {} {what}", self.method, self.destination)
    }
}

#[derive(Debug, Default)]
pub(super) struct ProxyLog {
    entries: Mutex<Vec<ProxyRequest>>,
}

impl ProxyLog {
    pub(super) fn push(&self, entry: ProxyRequest) {
        self.lock().push(entry);
    }

    pub(super) fn entries(&self) -> Vec<ProxyRequest> {
        self.lock().clone()
    }

    pub(super) fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ProxyRequest>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
