//! A GitLab release as `MAJOR.MINOR`, the unit in which GitLab's behaviour changes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// A GitLab release such as `16.5`. Patch releases are not modelled: every change the mock
/// copies arrived in a minor release. Ordered as releases are (`16.11` < `17.0`).
///
/// Parsed from and displayed as `"16.5"`, and serialised as that string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GitlabVersion {
    major: u16,
    minor: u16,
}

impl GitlabVersion {
    /// The oldest release mock-gitlab models: 15.7, where the `id_tokens:` keyword arrived.
    pub const OLDEST: Self = Self::new(15, 7);
    /// The newest release mock-gitlab models, and the default profile.
    pub const NEWEST: Self = Self::new(19, 2);

    /// The release `major.minor`.
    pub const fn new(major: u16, minor: u16) -> Self {
        Self { major, minor }
    }

    /// The major version, e.g. `16` in `16.5`.
    pub const fn major(self) -> u16 {
        self.major
    }

    /// The minor version, e.g. `5` in `16.5`.
    pub const fn minor(self) -> u16 {
        self.minor
    }
}

impl fmt::Display for GitlabVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for GitlabVersion {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let invalid = || Error::Config {
            reason: format!("gitlab version {s:?}: expected MAJOR.MINOR, e.g. 16.5"),
        };
        let (major, minor) = s.split_once('.').ok_or_else(invalid)?;
        let number = |part: &str| -> Result<u16, Error> {
            // u16::from_str accepts a leading '+', which no version is written with.
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse().map_err(|_| invalid())
        };
        Ok(Self::new(number(major)?, number(minor)?))
    }
}

impl Serialize for GitlabVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for GitlabVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_parses_displays_and_orders_like_a_release() {
        let v: GitlabVersion = "16.5".parse().unwrap();
        assert_eq!(v, GitlabVersion::new(16, 5));
        assert_eq!(v.to_string(), "16.5");
        assert!(GitlabVersion::new(16, 11) > GitlabVersion::new(16, 5));
        assert!(GitlabVersion::new(16, 11) < GitlabVersion::new(17, 0));
        assert!(GitlabVersion::OLDEST < GitlabVersion::NEWEST);
    }

    #[test]
    fn malformed_versions_are_refused_with_the_expected_form() {
        for bad in [
            "16", "16.", ".5", "16.5.1", "v16.5", "16.+5", "16.x", "", "99999.1",
        ] {
            let e = bad.parse::<GitlabVersion>().unwrap_err();
            assert!(e.to_string().contains("MAJOR.MINOR"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_version_is_a_json_string() {
        let v = GitlabVersion::new(18, 1);
        assert_eq!(serde_json::to_string(&v).unwrap(), r#""18.1""#);
        let back: GitlabVersion = serde_json::from_str(r#""18.1""#).unwrap();
        assert_eq!(back, v);
        assert!(serde_json::from_str::<GitlabVersion>("18.1").is_err());
        assert!(serde_json::from_str::<GitlabVersion>(r#""18""#).is_err());
    }
}
