//! The issuer URL and the forms of it that the different token kinds use.

use axum::http::Uri;

/// Why an external URL cannot be an issuer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("external url {url:?}: {reason}")]
pub(crate) struct IssuerError {
    url: String,
    reason: String,
}

impl IssuerError {
    /// Why the URL was refused, without the URL (for callers that name the setting themselves).
    pub(crate) fn reason(&self) -> &str {
        &self.reason
    }
}

/// The issuer URL plus the pieces the different token kinds derive from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issuer {
    url: String,
    host: String,
    authority: String,
    /// `scheme://host[:port]`: the URL without its relative root.
    base_url: String,
    /// GitLab's `relative_url_root`, e.g. `/gitlab`, or empty.
    relative_root: String,
}

impl Issuer {
    /// Parses `scheme://host[:port][/relative_root]`. A trailing slash is dropped because
    /// GitLab's `Gitlab.config.gitlab.url` never carries one (see docs/gitlab-behaviour.md).
    pub(crate) fn parse(url: &str) -> Result<Self, IssuerError> {
        let invalid = |reason: &str| IssuerError {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = url.trim_end_matches('/');
        let uri: Uri = trimmed
            .parse()
            .map_err(|e: axum::http::uri::InvalidUri| invalid(&e.to_string()))?;
        if uri.scheme().is_none() {
            return Err(invalid("missing scheme (expected e.g. https://host)"));
        }
        if uri.query().is_some() {
            return Err(invalid("a query string is not allowed"));
        }
        let authority = uri.authority().ok_or_else(|| invalid("missing host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("user info is not allowed"));
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if host.is_empty() {
            return Err(invalid("missing host"));
        }
        let scheme = uri.scheme_str().unwrap_or("https");
        Ok(Self {
            url: trimmed.to_owned(),
            host,
            authority: authority.as_str().to_owned(),
            base_url: format!("{scheme}://{authority}"),
            relative_root: uri.path().trim_end_matches('/').to_owned(),
        })
    }

    /// The full issuer URL, e.g. `https://gitlab.example.com`.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Host name or IP without port or brackets (used as a TLS SAN).
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// `host[:port]`, the legacy CI_JOB_JWT issuer form.
    pub(crate) fn authority(&self) -> &str {
        &self.authority
    }

    /// `scheme://host[:port]` without the relative root: GitLab's `Settings.gitlab.base_url`,
    /// the `aud` of `CI_JOB_JWT_V2` and, before 16.8, the `iss` of ID tokens.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The relative URL root (`/gitlab` in `https://host/gitlab`), or `""`. GitLab installed
    /// under one serves every path below it.
    pub(crate) fn relative_root(&self) -> &str {
        &self.relative_root
    }

    /// The issuer without its scheme, which is how `ci_config_ref_uri` names the instance.
    pub(crate) fn without_scheme(&self) -> &str {
        self.url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, rest)| rest)
    }

    /// Issuer URL joined with an absolute path.
    pub(crate) fn join(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_parts() {
        let i = Issuer::parse("https://gitlab.example.com:8443/gitlab/").unwrap();
        assert_eq!(i.url(), "https://gitlab.example.com:8443/gitlab");
        assert_eq!(i.host(), "gitlab.example.com");
        assert_eq!(i.authority(), "gitlab.example.com:8443");
        assert_eq!(i.base_url(), "https://gitlab.example.com:8443");
        assert_eq!(i.relative_root(), "/gitlab");
        let bare = Issuer::parse("https://gitlab.example.com/").unwrap();
        assert_eq!(bare.relative_root(), "");
        assert_eq!(bare.base_url(), bare.url());
        assert_eq!(i.without_scheme(), "gitlab.example.com:8443/gitlab");
        assert_eq!(
            i.join("/oauth/discovery/keys"),
            "https://gitlab.example.com:8443/gitlab/oauth/discovery/keys"
        );
    }

    #[test]
    fn issuer_rejects_garbage() {
        assert!(Issuer::parse("gitlab.example.com").is_err());
        assert!(Issuer::parse("https://").is_err());
        assert!(Issuer::parse("https://a@b.example").is_err());
        assert!(Issuer::parse("https://h.example/?x=1").is_err());
    }

    #[test]
    fn an_invalid_url_error_names_the_url_and_the_reason() {
        let e = Issuer::parse("gitlab.example.com").unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"external url "gitlab.example.com": missing scheme (expected e.g. https://host)"#
        );
    }
}
