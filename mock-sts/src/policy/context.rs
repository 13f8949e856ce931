//! The request side of an evaluation: who asks, for what, and the condition keys the request carries.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

/// The four principal types a policy `Principal` element can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PrincipalKind {
    #[serde(rename = "AWS")]
    Aws,
    Federated,
    Service,
    CanonicalUser,
}

impl PrincipalKind {
    /// The member name used in a policy (`"AWS"`, `"Federated"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "AWS",
            Self::Federated => "Federated",
            Self::Service => "Service",
            Self::CanonicalUser => "CanonicalUser",
        }
    }

    /// Member names are case-sensitive in IAM's grammar, as element names are.
    pub(crate) fn from_policy_name(name: &str) -> Option<Self> {
        match name {
            "AWS" => Some(Self::Aws),
            "Federated" => Some(Self::Federated),
            "Service" => Some(Self::Service),
            "CanonicalUser" => Some(Self::CanonicalUser),
            _ => None,
        }
    }
}

/// The authenticated caller. For `AssumeRoleWithWebIdentity` it is the IAM OIDC provider ARN, e.g.
/// `Principal::Federated("arn:aws:iam::123456789012:oidc-provider/gitlab.example.com".into())`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Principal {
    #[serde(rename = "AWS")]
    Aws(String),
    Federated(String),
    Service(String),
    CanonicalUser(String),
}

impl Principal {
    pub fn kind(&self) -> PrincipalKind {
        match self {
            Self::Aws(_) => PrincipalKind::Aws,
            Self::Federated(_) => PrincipalKind::Federated,
            Self::Service(_) => PrincipalKind::Service,
            Self::CanonicalUser(_) => PrincipalKind::CanonicalUser,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Self::Aws(id) | Self::Federated(id) | Self::Service(id) | Self::CanonicalUser(id) => id,
        }
    }
}

/// What is being asked, and the request context keys a policy condition can test.
///
/// Key names are case-insensitive (`AWS:SourceIp` is `aws:sourceip`); values keep their case. A key holds a
/// list of values: one for single-valued keys such as `gitlab.example.com:sub`, several for multivalued ones
/// such as an `aud` array. A key inserted with no values counts as absent for every operator (IAM treats a key
/// that resolves to an empty set like a missing one: `ForAllValues` true, `ForAnyValue` false). \[I\]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestContext {
    pub principal: Principal,
    /// E.g. `sts:AssumeRoleWithWebIdentity`.
    pub action: String,
    /// The target resource ARN. `None` for trust policies, whose statements have no `Resource`.
    pub resource: Option<String>,
    #[serde(serialize_with = "serialize_keys")]
    keys: BTreeMap<String, ContextKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ContextKey {
    /// The name as first inserted, for display.
    name: String,
    values: Vec<String>,
}

impl RequestContext {
    pub fn new(principal: Principal, action: impl Into<String>) -> Self {
        Self {
            principal,
            action: action.into(),
            resource: None,
            keys: BTreeMap::new(),
        }
    }

    pub fn with_resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// Builder form of [`RequestContext::insert`].
    pub fn with_key<V: Into<String>>(
        mut self,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.insert(key, values);
        self
    }

    /// Sets a condition key, replacing any values already held under a name that differs only in case.
    pub fn insert<V: Into<String>>(
        &mut self,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> &mut Self {
        let name = key.into();
        let values = values.into_iter().map(Into::into).collect();
        self.keys
            .insert(fold_key(&name), ContextKey { name, values });
        self
    }

    pub fn remove(&mut self, key: &str) -> Option<Vec<String>> {
        self.keys.remove(&fold_key(key)).map(|entry| entry.values)
    }

    /// The values of a key, looked up case-insensitively. `Some(&[])` for a key inserted with no values.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.keys
            .get(&fold_key(key))
            .map(|entry| entry.values.as_slice())
    }

    /// Every key as inserted, ordered by folded name.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.keys
            .values()
            .map(|entry| (entry.name.as_str(), entry.values.as_slice()))
    }

    /// The values of a key, or `None` when it is absent or empty: the one notion of "missing" every operator uses.
    pub(crate) fn present_values(&self, key: &str) -> Option<&[String]> {
        self.get(key).filter(|values| !values.is_empty())
    }
}

/// A 12-digit AWS account number.
pub(crate) fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

fn fold_key(key: &str) -> String {
    key.to_lowercase()
}

fn serialize_keys<S: Serializer>(
    keys: &BTreeMap<String, ContextKey>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(
        keys.values()
            .map(|entry| (entry.name.as_str(), entry.values.as_slice())),
    )
}
