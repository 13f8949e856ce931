//! Who may reach fedlab's admin routes (`/-/mock/…`): everyone, loopback peers only, or no one.
//! The health routes (mock-gitlab's `GET /-/health`, mock-sts's `GET /-/mock/health`) are not
//! governed by it: they are served to everyone, so a container's health check keeps working.
//!
//! mock-sts compiles this same file (`#[path]`): the two mocks share no library crate, and one
//! setting spelled and checked two ways would drift.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// `--admin on|loopback|off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AdminAccess {
    /// Every peer: what fedlab needs to drive the mocks, also from the Docker bridge.
    #[default]
    On,
    /// Only peers with a loopback address (`127.0.0.0/8`, `::1`, `::ffff:127.x.y.z`).
    Loopback,
    /// No peer: the routes answer as an unknown path does (mock-gitlab: 404; mock-sts: the
    /// emulated API's answer).
    Off,
}

impl AdminAccess {
    /// Whether a request from `peer` may reach the admin routes. `None` (a router driven in the
    /// same process, with no socket) counts as no loopback peer.
    pub fn allows(self, peer: Option<IpAddr>) -> bool {
        match self {
            Self::On => true,
            Self::Loopback => peer.is_some_and(is_loopback),
            Self::Off => false,
        }
    }
}

/// `::ffff:127.0.0.1` is how a dual-stack socket shows an IPv4 loopback peer.
fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// The value `--admin` was given that is none of `on`, `loopback`, `off`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("admin access must be on, loopback or off, not {0:?}")]
pub struct ParseAdminAccessError(String);

impl FromStr for AdminAccess {
    type Err = ParseAdminAccessError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "on" => Ok(Self::On),
            "loopback" => Ok(Self::Loopback),
            "off" => Ok(Self::Off),
            other => Err(ParseAdminAccessError(other.to_owned())),
        }
    }
}

impl fmt::Display for AdminAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::On => "on",
            Self::Loopback => "loopback",
            Self::Off => "off",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn loopback_lets_in_only_loopback_peers_of_either_family() {
        let access = AdminAccess::Loopback;
        assert!(access.allows(ip("127.0.0.1")));
        assert!(access.allows(ip("127.3.2.1")));
        assert!(access.allows(ip("::1")));
        assert!(access.allows(ip("::ffff:127.0.0.1")));
        assert!(!access.allows(ip("10.0.0.1")));
        assert!(!access.allows(ip("172.17.0.1")));
        assert!(!access.allows(ip("::ffff:10.0.0.1")));
        assert!(!access.allows(ip("fe80::1")));
        assert!(!access.allows(None));
    }

    #[test]
    fn on_lets_everyone_in_and_off_no_one() {
        for peer in [ip("10.0.0.1"), ip("127.0.0.1"), ip("::1"), None] {
            assert!(AdminAccess::On.allows(peer));
            assert!(!AdminAccess::Off.allows(peer));
        }
    }

    #[test]
    fn the_setting_reads_and_prints_as_the_flag_spells_it() {
        for access in [AdminAccess::On, AdminAccess::Loopback, AdminAccess::Off] {
            assert_eq!(access.to_string().parse::<AdminAccess>(), Ok(access));
        }
        assert!("yes".parse::<AdminAccess>().is_err());
        assert_eq!(AdminAccess::default(), AdminAccess::On);
    }
}
