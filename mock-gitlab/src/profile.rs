//! The GitLab release an instance imitates, and what follows from it: which token kinds, claims,
//! routes and issuer rules exist. Everything is read from the table in `changes.rs`, so a
//! release between two listed ones behaves exactly as that release did.

mod changes;

pub(crate) use changes::Feature;
use changes::{CHANGES, Change};

use crate::config::Config;
use crate::error::Error;
use crate::issuer::Issuer;
use crate::version::GitlabVersion;

/// The behaviour of one GitLab release, plus the one setting that only some releases have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Profile {
    version: GitlabVersion,
    /// `ci_id_tokens.issuer_url` (18.1+): the tokens' `iss`, and nothing else.
    issuer_override: Option<Issuer>,
}

impl Profile {
    /// The profile `config` asks for (default: the newest). Refuses releases outside the
    /// modelled range and settings the release does not have, so a test never silently runs
    /// against behaviour GitLab never had.
    pub(crate) fn from_config(config: &Config) -> Result<Self, Error> {
        let version = config.gitlab_version.unwrap_or(GitlabVersion::NEWEST);
        Self::new(version, config.id_tokens_issuer_url.as_deref())
    }

    pub(crate) fn new(
        version: GitlabVersion,
        issuer_override: Option<&str>,
    ) -> Result<Self, Error> {
        let (oldest, newest) = (GitlabVersion::OLDEST, GitlabVersion::NEWEST);
        if version < oldest || version > newest {
            return Err(Error::Config {
                reason: format!(
                    "gitlab version {version} is not modelled: mock-gitlab knows GitLab {oldest} \
                     (the id_tokens keyword) to {newest} (see --list-versions)"
                ),
            });
        }
        let issuer_override = match issuer_override {
            None => None,
            Some(url) => {
                let since = introduced(Feature::IssuerOverride);
                if version < since {
                    return Err(Error::Config {
                        reason: format!(
                            "id_tokens_issuer_url needs GitLab {since} or later (the setting \
                             ci_id_tokens.issuer_url arrived in {since}); this profile is GitLab \
                             {version}"
                        ),
                    });
                }
                let issuer = Issuer::parse(url).map_err(|e| Error::Config {
                    reason: format!("id tokens issuer url {url:?}: {}", e.reason()),
                })?;
                Some(issuer)
            }
        };
        Ok(Self {
            version,
            issuer_override,
        })
    }

    /// The release this profile imitates.
    pub(crate) fn version(&self) -> GitlabVersion {
        self.version
    }

    /// Whether this release has `feature`.
    pub(crate) fn has(&self, feature: Feature) -> bool {
        CHANGES.iter().any(|c| {
            c.feature == feature
                && c.since <= self.version
                && c.until.is_none_or(|until| self.version < until)
        })
    }

    /// `iss` of `CI_JOB_JWT_V2`, and of id_tokens without `ci_id_tokens.issuer_url`: the base
    /// URL (no relative root) before 16.8, the full instance URL from then on.
    pub(crate) fn instance_iss<'a>(&self, instance: &'a Issuer) -> &'a str {
        if self.has(Feature::IssuerWithRelativeRoot) {
            instance.url()
        } else {
            instance.base_url()
        }
    }

    /// `iss` of id_tokens: the 18.1 override when set, else [`Profile::instance_iss`].
    pub(crate) fn id_token_iss<'a>(&'a self, instance: &'a Issuer) -> &'a str {
        match &self.issuer_override {
            Some(issuer) => issuer.url(),
            None => self.instance_iss(instance),
        }
    }
}

/// The release that added `feature` (every feature has one row; a test checks that).
pub(crate) fn introduced(feature: Feature) -> GitlabVersion {
    row(feature).map_or(GitlabVersion::OLDEST, |c| c.since)
}

/// The release that removed `feature`, if one did.
pub(crate) fn removed(feature: Feature) -> Option<GitlabVersion> {
    row(feature).and_then(|c| c.until)
}

fn row(feature: Feature) -> Option<&'static Change> {
    CHANGES.iter().find(|c| c.feature == feature)
}

/// What `mock-gitlab --list-versions` prints: one line per release at which something the mock
/// reproduces changes, from the oldest modelled release to the newest. Any release in between
/// is accepted too and behaves as that release did.
pub fn list_versions() -> String {
    let oldest = GitlabVersion::OLDEST;
    let mut versions: Vec<GitlabVersion> = CHANGES
        .iter()
        .flat_map(|c| [Some(c.since), c.until])
        .flatten()
        .filter(|v| *v >= oldest)
        .collect();
    versions.push(GitlabVersion::NEWEST);
    versions.sort();
    versions.dedup();
    let mut out = String::new();
    for version in versions {
        let notes: Vec<&str> = if version == oldest {
            // Everything an earlier release brought is part of the oldest profile.
            CHANGES
                .iter()
                .filter(|c| c.since <= oldest && c.until.is_none_or(|u| u > oldest))
                .map(|c| c.added)
                .collect()
        } else {
            let removals = CHANGES
                .iter()
                .filter(|c| c.until == Some(version) && !c.removed.is_empty())
                .map(|c| c.removed);
            let additions = CHANGES
                .iter()
                .filter(|c| c.since == version)
                .map(|c| c.added);
            removals.chain(additions).collect()
        };
        let prefix = if version == oldest {
            "oldest profile: "
        } else {
            ""
        };
        out.push_str(&format!(
            "{:<6} {prefix}{}\n",
            version.to_string(),
            notes.join("; ")
        ));
    }
    out
}

#[cfg(test)]
mod tests;
