//! What a lint run produces: findings with a stable rule id, a severity, a pointer into the
//! policy and a one-line fix. Serialised as-is for `fedlab lint --json`.

use serde::Serialize;

/// How bad a finding is. `Error` fails `fedlab lint` (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// Every rule, one stable kebab-case id each (documented in `docs/lint.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    MalformedPolicy,
    NoAllow,
    AllowNotPrincipal,
    PrincipalWildcard,
    FederatedNotOidc,
    FederatedOtherIssuer,
    UnexpectedAction,
    MissingAud,
    MissingSub,
    WildcardUnderEquals,
    LikeWithoutWildcard,
    UnexposedClaim,
    SubAnyProject,
    SubSiblingPrefix,
    SubAnyRefType,
    SubAnyRef,
}

impl Rule {
    /// Every rule, in the order `docs/lint.md` documents them.
    pub const ALL: [Rule; 16] = [
        Rule::MalformedPolicy,
        Rule::NoAllow,
        Rule::AllowNotPrincipal,
        Rule::PrincipalWildcard,
        Rule::FederatedNotOidc,
        Rule::FederatedOtherIssuer,
        Rule::UnexpectedAction,
        Rule::MissingAud,
        Rule::MissingSub,
        Rule::WildcardUnderEquals,
        Rule::LikeWithoutWildcard,
        Rule::UnexposedClaim,
        Rule::SubAnyProject,
        Rule::SubSiblingPrefix,
        Rule::SubAnyRefType,
        Rule::SubAnyRef,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::MalformedPolicy => "malformed-policy",
            Self::NoAllow => "no-allow",
            Self::AllowNotPrincipal => "allow-not-principal",
            Self::PrincipalWildcard => "principal-wildcard",
            Self::FederatedNotOidc => "federated-not-oidc",
            Self::FederatedOtherIssuer => "federated-other-issuer",
            Self::UnexpectedAction => "unexpected-action",
            Self::MissingAud => "missing-aud",
            Self::MissingSub => "missing-sub",
            Self::WildcardUnderEquals => "wildcard-under-equals",
            Self::LikeWithoutWildcard => "like-without-wildcard",
            Self::UnexposedClaim => "unexposed-claim",
            Self::SubAnyProject => "sub-any-project",
            Self::SubSiblingPrefix => "sub-sibling-prefix",
            Self::SubAnyRefType => "sub-any-ref-type",
            Self::SubAnyRef => "sub-any-ref",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Self::MissingAud | Self::SubAnyRef => Severity::Warning,
            Self::LikeWithoutWildcard => Severity::Info,
            _ => Severity::Error,
        }
    }

    /// The IAM Access Analyzer policy check that covers the same problem, where there is one.
    pub fn access_analyzer_check(self) -> Option<&'static str> {
        match self {
            Self::AllowNotPrincipal => Some("Error - Role trust policy syntax error notprincipal"),
            Self::PrincipalWildcard => {
                Some("Error - Role trust policy unsupported wildcard in principal")
            }
            Self::FederatedNotOidc => {
                Some("Error - Invalid federated principal syntax in role trust policy")
            }
            Self::UnexpectedAction => Some("Error - Mismatched action for principal"),
            Self::MissingSub => Some("Security Warning - Missing condition key for oidc principal"),
            Self::WildcardUnderEquals => Some("General Warning - Wildcard without like operator"),
            _ => None,
        }
    }
}

/// Where a finding points: the statement, and the condition (operator and key) when it is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pointer {
    /// Index in `Statement` (0 for a lone statement object); `None` for the whole document.
    pub statement: Option<usize>,
    pub sid: Option<String>,
    /// The condition operator as written, e.g. `StringEquals`.
    pub operator: Option<String>,
    /// The condition key as written, e.g. `gitlab.example.com:sub`.
    pub key: Option<String>,
    /// A JSON pointer (RFC 6901) into the document, e.g.
    /// `/Statement/0/Condition/StringEquals/gitlab.example.com:sub`.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub severity: Severity,
    #[serde(skip)]
    pub rule: Rule,
    pub pointer: Pointer,
    pub message: String,
    /// One line: what to change.
    pub fix: String,
    /// The Access Analyzer check of the same problem, if there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_analyzer: Option<&'static str>,
}

impl Finding {
    pub fn new(rule: Rule, pointer: Pointer, message: String, fix: String) -> Self {
        Self {
            id: rule.id(),
            severity: rule.severity(),
            rule,
            pointer,
            message,
            fix,
            access_analyzer: rule.access_analyzer_check(),
        }
    }
}

/// What the linter was told about the issuer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintOptions {
    /// The issuer URL (`https://gitlab.example.com`) or host (`gitlab.example.com`). Without it
    /// the issuer is read from the policy's `Federated` provider ARNs.
    pub issuer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The issuer host the condition keys were checked against, when known.
    pub issuer_host: Option<String>,
    /// Sorted by severity (errors first), then by position in the document.
    pub findings: Vec<Finding>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Report {
    pub fn new(issuer_host: Option<String>, mut findings: Vec<Finding>) -> Self {
        findings.sort_by_key(|f| (f.severity, f.pointer.statement));
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        Self {
            issuer_host,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            findings,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }
}
