//! Every behaviour AWS has not shown publicly ([?] in `aws-sts.md`), and the strict choice fedlab makes.
//!
//! Keeping them in one place lets a user see at a glance which answers are guesses, and lets a later
//! finding change one line. Messages for these cases live in `errors.rs` with `Confidence::Chosen`.

use std::time::Duration;

/// The order AssumeRoleWithWebIdentity checks things in. Attested: parameters < role < JWT parsing.
/// Chosen: MaxSessionDuration right after the role (as AssumeRole does); required claims in the
/// order below; provider, audience and expiry before any network fetch; signature before the trust
/// policy.
pub const WEB_IDENTITY_CHECK_ORDER: &[&str] = &[
    "parameters",
    "role",
    "max-session-duration",
    "jwt-format",
    "required-claims",
    "provider",
    "audience",
    "expiry",
    "verification-key",
    "signature",
    "trust-policy",
];

/// Which claims must be present, in the order they are reported. `aud` first, so GitLab's legacy
/// `CI_JOB_JWT` (no aud, and an iss without https://) gets the attested "Missing a required claim: aud".
pub const REQUIRED_CLAIMS: &[&str] = &["aud", "sub", "iss", "exp"];

/// Grace after `exp` before a token counts as expired (security-cases.md row 17: 301 s late is
/// expired, 299 s late is accepted).
pub const EXPIRY_LEEWAY_SECS: i64 = 300;

/// How far in the future `nbf` may be. AWS's tolerance is undocumented; fedlab allows the same
/// five minutes it allows on `exp`.
pub const NOT_BEFORE_LEEWAY_SECS: i64 = 300;

/// The whole key retrieval (discovery document plus JWKS) must finish within this, like AWS's
/// documented 5-second limit; fedlab applies it to both fetches together, the strict reading.
pub const KEY_FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// How long fetched keys are reused. AWS caches for an unknown time; a short cache keeps key
/// rotation scenarios honest while sparing the issuer a fetch per call.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(60);

/// A token whose `kid` is not in the cached JWKS triggers one refetch, at most this often.
pub const UNKNOWN_KID_REFETCH_INTERVAL: Duration = Duration::from_secs(5);

/// The discovery document's `issuer` must equal the token's `iss`; a mismatch is reported as
/// "Couldn't retrieve verification key" because it happens during key retrieval.
pub const REQUIRE_DISCOVERY_ISSUER_MATCH: bool = true;

/// Signature algorithms accepted (AWS docs list these six); anything else is an invalid signature.
pub const ALLOWED_ALGORITHMS: &[&str] = &["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

/// In thumbprint mode (issuer certificate not from a trusted CA) fedlab still requires the chain to
/// verify up to the pinned certificate and the name to match, not only the thumbprint.
pub const THUMBPRINT_MODE_VERIFIES_CHAIN: bool = true;

/// IAM accepts provider URLs with a port (AWS says a URL "should not contain a port number"); a
/// local issuer always has one.
pub const ALLOW_PROVIDER_URL_PORT: bool = true;
