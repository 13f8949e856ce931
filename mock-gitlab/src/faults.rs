//! Issuer faults: the ways a GitLab instance, or whatever sits in front of it, fails the
//! relying party that fetches its keys. AWS STS answers most of them with "Couldn't retrieve
//! verification key from your identity provider"; docs/gitlab-behaviour.md lists the evidence.
//!
//! This module holds the public [`Fault`] type, its `KIND[:ARG]` form for the command line, and
//! the set in force. The HTTP faults are applied by `fault_layer`, the TLS faults by `tls`.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use serde::{Deserialize, Deserializer, Serialize};

/// One injected issuer fault. In JSON (and scenario YAML) it is an object tagged by `kind`, e.g.
/// `{"kind": "slow", "ms": 6000}`; on the command line it is `KIND[:ARG]`, e.g. `slow:6000`.
/// Unknown kinds and unknown fields are errors, so a typo never silently injects nothing.
///
/// The HTTP faults act on the issuer's public routes only: the discovery document, the JWKS
/// (`/oauth/discovery/keys`, and `/-/jwks` where served), under any relative URL root. The mock's
/// own `/-/mock/*` routes and `/-/health` are never touched. The TLS faults act on connections
/// that name the issuer's host through SNI; a client that connects to an IP address without SNI
/// (see [`Ready::admin_url`](crate::Ready::admin_url)) always gets the normal chain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", from = "WireFault")]
#[non_exhaustive]
pub enum Fault {
    /// Discovery requests get no answer: the connection is closed before any byte of a response.
    /// STS: `InvalidIdentityToken`, "Couldn't retrieve verification key from your identity
    /// provider, …".
    DiscoveryUnavailable,
    /// JWKS requests get no answer: the connection is closed before any byte of a response.
    /// STS: `InvalidIdentityToken`, "Couldn't retrieve verification key …".
    JwksUnavailable,
    /// Discovery requests are answered with `status` (200 to 599) and a short text body.
    /// STS, for any non-200: "Couldn't retrieve verification key …".
    DiscoveryStatus {
        /// The HTTP status to answer with.
        status: u16,
    },
    /// JWKS requests are answered with `status` (200 to 599) and a short text body.
    /// STS, for any non-200: "Couldn't retrieve verification key …".
    JwksStatus {
        /// The HTTP status to answer with.
        status: u16,
    },
    /// JWKS requests are answered with `302 Found` and `Location: <location>`, as an instance
    /// behind a proxy that sends the keys elsewhere might. AWS's key fetch follows no redirect,
    /// so STS: "Couldn't retrieve verification key …" (inferred), and `location` is never asked.
    JwksRedirect {
        /// The absolute `http`/`https` URL the answer points to.
        location: String,
    },
    /// Discovery and JWKS answers are delayed by `ms` milliseconds. STS allows the issuer 5
    /// seconds; beyond that: "Couldn't retrieve verification key …".
    Slow {
        /// The delay in milliseconds.
        ms: u64,
    },
    /// The first `after` key fetches (discovery and JWKS requests together, counted from the
    /// moment the fault set was set) are answered normally, every later one with 429 and
    /// GitLab's rate-limit body `Retry later`. STS, once throttled: "Couldn't retrieve
    /// verification key …" (gitlab-org/gitlab#374001).
    Throttle {
        /// How many key fetches still get a normal answer.
        after: u64,
    },
    /// The JWKS body is cut off halfway, so it is not valid JSON.
    /// STS: "Couldn't retrieve verification key …" (inferred).
    MalformedJwks,
    /// The discovery document's `issuer` gets a trailing slash, so it no longer equals the
    /// issuer URL in the tokens. STS: rejected; the exact message is not documented.
    DiscoveryIssuerMismatch,
    /// The JWKS lacks the key that CI tokens are signed with (gitlab-org/gitlab#342243).
    /// STS: "Couldn't retrieve verification key …".
    CiKeyMissing,
    /// The JWKS publishes the CI signing key under a different `kid` than the tokens carry.
    /// STS: "Couldn't retrieve verification key …" (inferred: no key has the token's kid).
    KidMismatch,
    /// The TLS chain is sent out of order: the intermediate before the leaf. IAM: "Could not
    /// connect to openid configuration of provider"; STS: key retrieval fails (inferred).
    ChainOutOfOrder,
    /// The TLS chain is the leaf alone, without the intermediate. A client that trusts the root
    /// cannot build a path; AWS then falls back to the thumbprint, which was taken of the
    /// intermediate: "OpenIDConnect provider's HTTPS certificate doesn't match configured
    /// thumbprint" (inferred).
    ChainWithoutIntermediate,
    /// The served chain is replaced by a new intermediate and leaf under the same root, as after
    /// a certificate renewal. With a trusted root nothing changes; with a pinned thumbprint STS
    /// answers "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint".
    NewCertificate,
}

/// What [`Fault`] is read from. serde's `deny_unknown_fields` does not reach the unit variants
/// of an internally tagged enum, so here they are empty struct variants, which it does reach:
/// `{"kind": "jwks_unavailable", "status": 503}` is an error, not a silent `jwks_unavailable`.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum WireFault {
    DiscoveryUnavailable {},
    JwksUnavailable {},
    DiscoveryStatus {
        #[serde(deserialize_with = "answerable_status")]
        status: u16,
    },
    JwksStatus {
        #[serde(deserialize_with = "answerable_status")]
        status: u16,
    },
    JwksRedirect {
        #[serde(deserialize_with = "absolute_url")]
        location: String,
    },
    Slow {
        ms: u64,
    },
    Throttle {
        after: u64,
    },
    MalformedJwks {},
    DiscoveryIssuerMismatch {},
    CiKeyMissing {},
    KidMismatch {},
    ChainOutOfOrder {},
    ChainWithoutIntermediate {},
    NewCertificate {},
}

impl From<WireFault> for Fault {
    fn from(wire: WireFault) -> Self {
        match wire {
            WireFault::DiscoveryUnavailable {} => Self::DiscoveryUnavailable,
            WireFault::JwksUnavailable {} => Self::JwksUnavailable,
            WireFault::DiscoveryStatus { status } => Self::DiscoveryStatus { status },
            WireFault::JwksStatus { status } => Self::JwksStatus { status },
            WireFault::JwksRedirect { location } => Self::JwksRedirect { location },
            WireFault::Slow { ms } => Self::Slow { ms },
            WireFault::Throttle { after } => Self::Throttle { after },
            WireFault::MalformedJwks {} => Self::MalformedJwks,
            WireFault::DiscoveryIssuerMismatch {} => Self::DiscoveryIssuerMismatch,
            WireFault::CiKeyMissing {} => Self::CiKeyMissing,
            WireFault::KidMismatch {} => Self::KidMismatch,
            WireFault::ChainOutOfOrder {} => Self::ChainOutOfOrder,
            WireFault::ChainWithoutIntermediate {} => Self::ChainWithoutIntermediate,
            WireFault::NewCertificate {} => Self::NewCertificate,
        }
    }
}

/// Accepts the statuses a server can send as a final answer; hyper turns 1xx into 500.
fn answerable_status<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
    let status = u16::deserialize(deserializer)?;
    if is_answerable(status) {
        Ok(status)
    } else {
        Err(serde::de::Error::custom(format!(
            "status {status} is not one a server can answer with (200 to 599)"
        )))
    }
}

fn is_answerable(status: u16) -> bool {
    (200..=599).contains(&status)
}

/// Accepts an absolute `http`/`https` URL that fits in a `Location` header.
fn absolute_url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let location = String::deserialize(deserializer)?;
    if is_redirect_target(&location) {
        Ok(location)
    } else {
        Err(serde::de::Error::custom(format!(
            "location {location:?} is not an absolute http or https URL"
        )))
    }
}

fn is_redirect_target(location: &str) -> bool {
    let scheme_ok = ["http://", "https://"]
        .iter()
        .any(|scheme| location.len() > scheme.len() && location.starts_with(scheme));
    scheme_ok && axum::http::HeaderValue::from_str(location).is_ok()
}

impl Fault {
    /// The `kind` name, as in JSON and on the command line.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::DiscoveryUnavailable => "discovery_unavailable",
            Self::JwksUnavailable => "jwks_unavailable",
            Self::DiscoveryStatus { .. } => "discovery_status",
            Self::JwksStatus { .. } => "jwks_status",
            Self::JwksRedirect { .. } => "jwks_redirect",
            Self::Slow { .. } => "slow",
            Self::Throttle { .. } => "throttle",
            Self::MalformedJwks => "malformed_jwks",
            Self::DiscoveryIssuerMismatch => "discovery_issuer_mismatch",
            Self::CiKeyMissing => "ci_key_missing",
            Self::KidMismatch => "kid_mismatch",
            Self::ChainOutOfOrder => "chain_out_of_order",
            Self::ChainWithoutIntermediate => "chain_without_intermediate",
            Self::NewCertificate => "new_certificate",
        }
    }

    /// The argument of the `KIND:ARG` form, if this kind has one.
    fn argument(&self) -> Option<String> {
        match self {
            Self::DiscoveryStatus { status } | Self::JwksStatus { status } => {
                Some(status.to_string())
            }
            Self::JwksRedirect { location } => Some(location.clone()),
            Self::Slow { ms } => Some(ms.to_string()),
            Self::Throttle { after } => Some(after.to_string()),
            _ => None,
        }
    }
}

/// The JSON field that carries a kind's command-line argument, and whether it is text (else a
/// whole number).
fn argument_field(kind: &str) -> Option<(&'static str, bool)> {
    match kind {
        "discovery_status" | "jwks_status" => Some(("status", false)),
        "jwks_redirect" => Some(("location", true)),
        "slow" => Some(("ms", false)),
        "throttle" => Some(("after", false)),
        _ => None,
    }
}

/// Why a `KIND[:ARG]` text is not a [`Fault`]; the message names the text, the reason and the
/// accepted form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "fault {input:?}: {reason} (write KIND or KIND:ARG, e.g. jwks_unavailable, slow:6000, throttle:2, jwks_status:503, jwks_redirect:https://keys.test/jwks)"
)]
pub struct ParseFaultError {
    input: String,
    reason: String,
}

/// Parses the command-line form `KIND[:ARG]`. The result goes through the same deserializer as
/// JSON, so both forms accept and reject exactly the same faults.
impl FromStr for Fault {
    type Err = ParseFaultError;

    fn from_str(text: &str) -> Result<Self, ParseFaultError> {
        let invalid = |reason: String| ParseFaultError {
            input: text.to_owned(),
            reason,
        };
        let (kind, argument) = match text.trim().split_once(':') {
            Some((kind, argument)) => (kind.trim(), Some(argument.trim())),
            None => (text.trim(), None),
        };
        let mut object = serde_json::Map::new();
        object.insert("kind".to_owned(), kind.into());
        if let Some(argument) = argument {
            let (field, text) =
                argument_field(kind).ok_or_else(|| invalid(format!("{kind} takes no argument")))?;
            if text {
                object.insert(field.to_owned(), argument.into());
            } else {
                let number: u64 = argument
                    .parse()
                    .map_err(|_| invalid(format!("{argument:?} is not a whole number")))?;
                object.insert(field.to_owned(), number.into());
            }
        }
        serde_json::from_value(object.into()).map_err(|e| invalid(e.to_string()))
    }
}

/// The command-line form, `KIND` or `KIND:ARG`.
impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.argument() {
            Some(argument) => write!(f, "{}:{argument}", self.kind()),
            None => f.write_str(self.kind()),
        }
    }
}

/// Rejects what serde would have rejected, for faults built in Rust rather than parsed. The
/// error says which fault and why.
pub(crate) fn validate(faults: &[Fault]) -> Result<(), String> {
    for fault in faults {
        if let Fault::DiscoveryStatus { status } | Fault::JwksStatus { status } = fault
            && !is_answerable(*status)
        {
            return Err(format!(
                "fault {fault}: status {status} is not one a server can answer with (200 to 599)"
            ));
        }
        if let Fault::JwksRedirect { location } = fault
            && !is_redirect_target(location)
        {
            return Err(format!(
                "fault {}: location {location:?} is not an absolute http or https URL",
                fault.kind()
            ));
        }
    }
    Ok(())
}

/// The faults in force and what they count. Replaced whole on every change, so the throttle
/// count starts again whenever the set is set.
#[derive(Debug)]
pub(crate) struct FaultSet {
    current: RwLock<Arc<ActiveFaults>>,
}

/// One generation of the fault set.
#[derive(Debug, Default)]
pub(crate) struct ActiveFaults {
    faults: Vec<Fault>,
    key_fetches: AtomicU64,
}

impl FaultSet {
    pub(crate) fn new(faults: Vec<Fault>) -> Self {
        Self {
            current: RwLock::new(Arc::new(ActiveFaults::new(faults))),
        }
    }

    /// Replaces the set and restarts the throttle count.
    pub(crate) fn set(&self, faults: Vec<Fault>) {
        let next = Arc::new(ActiveFaults::new(faults));
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = next;
    }

    /// The generation in force; a request keeps it for its whole life.
    pub(crate) fn current(&self) -> Arc<ActiveFaults> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    pub(crate) fn list(&self) -> Vec<Fault> {
        self.current().faults.clone()
    }
}

impl ActiveFaults {
    fn new(faults: Vec<Fault>) -> Self {
        Self {
            faults,
            key_fetches: AtomicU64::new(0),
        }
    }

    pub(crate) fn faults(&self) -> &[Fault] {
        &self.faults
    }

    pub(crate) fn contains(&self, fault: &Fault) -> bool {
        self.faults.contains(fault)
    }

    /// Counts one key fetch and returns the first `throttle` fault it exceeds, if any.
    pub(crate) fn throttled(&self) -> Option<&Fault> {
        let fetch = self.key_fetches.fetch_add(1, Ordering::Relaxed) + 1;
        self.faults
            .iter()
            .find(|f| matches!(f, Fault::Throttle { after } if fetch > *after))
    }
}

#[cfg(test)]
mod tests;
