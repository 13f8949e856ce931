//! Every behaviour AWS has not shown publicly, and the choice fedlab makes for it.
//!
//! Keeping them in one place lets a user see at a glance which answers are guesses, and lets a
//! later finding change one line: the code reads each constant here rather than repeating the
//! choice. Where the choice is a guess, it is the strict one (refuse what AWS might refuse); the
//! constants that accept more than that (a port in a provider URL, whitespace around a token) say
//! why. Messages for these cases live in the error table with
//! `Confidence::Chosen`. `docs/unknowns.md` explains each choice with its public sources.

use std::time::Duration;

/// One check AssumeRoleWithWebIdentity makes before it issues credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// The parameters meet the model's constraints (`ValidationError`, `MalformedInput`).
    Parameters,
    /// `RoleArn` is an ARN in this account and names an existing role exactly (`AccessDenied`).
    Role,
    /// `DurationSeconds` is within the role's `MaxSessionDuration`.
    MaxSessionDuration,
    /// The token is a compact JWS of three base64url JSON parts.
    JwtFormat,
    /// The claims in `REQUIRED_CLAIMS` are present and the timestamps are integers.
    RequiredClaims,
    /// An IAM OIDC provider is registered for the token's `iss`.
    Provider,
    /// One of the token's `aud` values is in the provider's client ID list.
    Audience,
    /// `exp` (with `EXPIRY_LEEWAY_SECS`) and `nbf` (with `NOT_BEFORE_LEEWAY_SECS`) allow now.
    Expiry,
    /// The token's algorithm is allowed and the issuer's key for it can be fetched over HTTPS.
    VerificationKey,
    /// The signature verifies with that key.
    Signature,
    /// The role's trust policy allows the call.
    TrustPolicy,
}

impl Check {
    /// Every check, in declaration order.
    pub const ALL: [Check; 11] = [
        Check::Parameters,
        Check::Role,
        Check::MaxSessionDuration,
        Check::JwtFormat,
        Check::RequiredClaims,
        Check::Provider,
        Check::Audience,
        Check::Expiry,
        Check::VerificationKey,
        Check::Signature,
        Check::TrustPolicy,
    ];
}

/// The order AssumeRoleWithWebIdentity runs its checks in; the first failing check decides the
/// answer. A check that needs what another computes (the audience check needs the provider)
/// computes it first and fails with that computation's own error; a check left out of the list
/// still runs, after the listed ones.
///
/// Attested: parameters before the role, the role before the token is parsed. Chosen:
/// MaxSessionDuration right after the role (as AssumeRole does); required claims in the order of
/// `REQUIRED_CLAIMS`; provider, audience and expiry before any network fetch; the signature before
/// the trust policy.
pub const WEB_IDENTITY_CHECK_ORDER: &[Check] = &[
    Check::Parameters,
    Check::Role,
    Check::MaxSessionDuration,
    Check::JwtFormat,
    Check::RequiredClaims,
    Check::Provider,
    Check::Audience,
    Check::Expiry,
    Check::VerificationKey,
    Check::Signature,
    Check::TrustPolicy,
];

/// Which claims must be present, in the order they are reported. `aud` first, so GitLab's legacy
/// `CI_JOB_JWT` (no aud, and an iss without https://) gets the attested "Missing a required claim: aud".
pub const REQUIRED_CLAIMS: &[&str] = &["aud", "sub", "iss", "exp"];

/// Whether a `RoleArn` whose path differs from the role's (`role/other/path/name` for a role at
/// `/`) is refused. AWS does not document whether it checks the path; fedlab requires the ARN to
/// be the role's ARN. A name that differs in letter case is always refused: role names are case
/// sensitive in ARNs, as the IAM User Guide's "Troubleshooting IAM roles" page says.
pub const ROLE_ARN_PATH_MUST_MATCH: bool = true;

/// Whether ASCII whitespace around `WebIdentityToken` is dropped before the token is decoded
/// (after the parameter checks, which see the raw value). Token files written with `echo` end in a
/// newline, SDKs send the file verbatim, and AWS decodes such tokens, so fedlab accepts them too.
/// Whitespace inside the token is never dropped.
pub const TRIM_TOKEN_WHITESPACE: bool = true;

/// Grace after `exp` before a token counts as expired: the IAM User Guide's five-minute window
/// for clock skew (301 s late is expired, 299 s late is accepted).
pub const EXPIRY_LEEWAY_SECS: i64 = 300;

/// How far in the future `nbf` may be. AWS's tolerance is undocumented; fedlab allows the same
/// five minutes it allows on `exp`.
pub const NOT_BEFORE_LEEWAY_SECS: i64 = 300;

/// Whether a token issued in the future (`iat` later than now plus `NOT_BEFORE_LEEWAY_SECS`) is
/// refused, with the same "Token is not valid yet" as a future `nbf`. AWS documents no check of a
/// future `iat` (it does check an old one: "Token too old"); a token minted by a clock that runs
/// ahead is the case, and RFC 7519 section 4.1.6 lets a recipient judge a token by its age, so
/// fedlab refuses what it cannot date.
pub const REFUSE_FUTURE_IAT: bool = true;

/// How long after its expiry a session's credentials still answer `ExpiredToken`; after that (or
/// once `Config::session_capacity` newer expired sessions are remembered) they answer as keys
/// never issued (`InvalidClientTokenId`, S3's `InvalidAccessKeyId`). AWS documents no limit; a
/// public report has it answer "invalid" for role credentials weeks old. A day outlasts any
/// session (12 h at most) and any test that moves its clock.
pub const EXPIRED_SESSION_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

/// Each request of the key retrieval (the discovery document, then the JWKS) must be answered in
/// full within this, like AWS's documented 5-second limit on the identity provider's latency.
pub const KEY_FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether the key fetch (discovery document, then JWKS) follows an HTTP redirect. AWS
/// documents that the `jwks_uri` must answer with the keys and says nothing of redirects; a
/// followed redirect would let whoever answers one choose where the keys come from (RFC 8725
/// section 3.10), so fedlab follows none and answers a 3xx like any other failed fetch.
pub const FOLLOW_ISSUER_REDIRECTS: bool = false;

/// How long fetched keys are reused. AWS caches for an unknown time; a short cache keeps key
/// rotation scenarios honest while sparing the issuer a fetch per call.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(60);

/// A token whose `kid` is not in the cached JWKS triggers one refetch, at most this often.
pub const UNKNOWN_KID_REFETCH_INTERVAL: Duration = Duration::from_secs(5);

/// The largest discovery document or JWKS STS reads, in bytes; a larger one is "Couldn't retrieve
/// verification key". AWS documents no limit. GitLab's are a few kilobytes (its JWKS holds two or
/// three RSA keys); 64 KiB leaves room for many keys while an issuer cannot make STS buffer
/// without end.
pub const MAX_ISSUER_DOCUMENT_BYTES: usize = 64 * 1024;

/// Whether a token without `kid` needs a JWKS of exactly one key. AWS does not say how it picks a
/// key without a `kid`; fedlab refuses to guess among several ("Couldn't retrieve verification
/// key") rather than try the first.
pub const KIDLESS_TOKEN_NEEDS_SINGLE_KEY: bool = true;

/// Whether a JWK that declares an `alg` may only verify tokens of that `alg`, as RFC 8725
/// ("JSON Web Token Best Current Practices") advises. AWS does not document it; a mismatch fails as
/// an invalid signature.
pub const JWK_ALG_MUST_MATCH_TOKEN: bool = true;

/// Whether a JWK must be meant for signatures to verify a token: a `use` other than `sig`, or
/// `key_ops` listing only other operations that RFC 7517 defines, rules it out (RFC 7517 sections 4.2 and 4.3). AWS does not say;
/// Project Wycheproof counts a signature accepted with such a key as a failure, and GitLab
/// publishes its keys with `use: sig`.
pub const JWK_USE_MUST_ALLOW_VERIFY: bool = true;

/// Whether an RSA key with the ROCA fingerprint (CVE-2017-15361: a modulus whose factors can be
/// recovered, from Infineon's RSALib) is refused. AWS does not say; Project Wycheproof counts a
/// signature accepted with such a key as a failure.
pub const REFUSE_ROCA_KEYS: bool = true;

/// The discovery document's `issuer` must equal the token's `iss`; a mismatch is reported as
/// "Couldn't retrieve verification key" because it happens during key retrieval.
pub const REQUIRE_DISCOVERY_ISSUER_MATCH: bool = true;

/// Signature algorithms accepted: the RSA PKCS#1 and ECDSA families. No AWS page lists them; HMAC
/// and `none` cannot work with an issuer's public keys. Anything else is an invalid signature.
pub const ALLOWED_ALGORITHMS: &[&str] = &["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

/// Whether a token whose header has a `crit` member is refused. RFC 7515 section 4.1.11 makes a
/// JWS invalid when `crit` names an extension the recipient does not understand (or is empty, or
/// not a list of names); mock-sts understands none, so any `crit` fails as an invalid signature.
/// AWS does not say what it does with `crit`.
pub const REFUSE_CRITICAL_HEADER_PARAMETERS: bool = true;

/// Whether the issuer must send its certificate chain in order (leaf first, each certificate
/// issued by the next). AWS documents only that IAM cannot register a provider whose chain is out
/// of order ("Could not connect to openid configuration of provider"); fedlab also refuses such a
/// chain when STS fetches keys, so both fail with AWS's communication errors.
pub const REQUIRE_ORDERED_CHAIN: bool = true;

/// In thumbprint mode (issuer certificate not from a trusted CA) fedlab still requires the chain to
/// verify up to the pinned certificate and the name to match, not only the thumbprint.
pub const THUMBPRINT_MODE_VERIFIES_CHAIN: bool = true;

/// Whether CreateOpenIDConnectProvider accepts a URL with a port. The IAM User Guide says the URL
/// "should not contain a port number", without saying IAM refuses one; a local issuer always has
/// one, so fedlab accepts it. `false` refuses such URLs with `InvalidInput`.
pub const ALLOW_PROVIDER_URL_PORT: bool = true;

/// Whether whitespace counts toward IAM's policy-size quotas (ACLSizePerRole, 2048 characters for
/// a trust policy; 10,240 for a role's inline policies together). The IAM quotas page says IAM
/// does not count whitespace when it sizes policies; that trust policies are sized the same way is
/// inferred, not shown. The lenient reading (not counting) follows the documentation.
pub const POLICY_SIZE_COUNTS_WHITESPACE: bool = false;

/// Where `SourceIdentity` sits in a successful AssumeRoleWithWebIdentity answer. The recorded live
/// answer has none; the API reference's hand-written sample puts it after `Credentials`. fedlab
/// writes it right before `SubjectFromWebIdentityToken` (`false`: right after it). SDKs read
/// elements by name, so only byte-for-byte comparisons see the difference.
pub const SOURCE_IDENTITY_BEFORE_SUBJECT: bool = true;

/// Whether a token whose session tags or source identity break the documented shape or limits
/// (at most 50 tags, keys of 1–128 and values of at most 256 letters, digits, spaces and
/// `_.:/=+-@`, each tag a list of one string, transitive keys among the tags, a source identity
/// of 2–64 `[\w+=,.@-]`) is refused. AWS documents the limits but not its answer; fedlab refuses
/// with `InvalidIdentityToken` and a chosen message, checked with the other claims.
pub const REFUSE_MALFORMED_SESSION_CLAIMS: bool = true;

/// How much packed session policy and tag text a session may carry: `PackedPolicySize` is the
/// rounded-up percentage of this budget used, and over 100 % the call fails with
/// `PackedPolicyTooLarge`. AWS compresses the inline session policy, the policy ARNs and the
/// session tags into a binary format whose size it does not disclose; fedlab counts the policy's
/// characters without whitespace, each ARN's characters and each tag's key and value against
/// 2,048 characters, the plaintext limit of session policies.
pub const PACKED_POLICY_BUDGET: usize = 2048;

/// S3 bucket names that count as another account's (`BucketAlreadyExists`). One account lives in
/// mock-sts, so "taken by someone else" is modelled by names that certainly are taken on AWS:
/// those of AWS's own documentation examples. `Config::s3_foreign_buckets` starts from this list.
pub const S3_FOREIGN_BUCKETS: &[&str] =
    &["examplebucket", "awsexamplebucket", "doc-example-bucket"];

/// `true`: a chunk or trailer signature that does not match is `SignatureDoesNotMatch` (403) with
/// the plain message, without the canonical request S3 adds for the seed signature.
pub const S3_CHUNK_SIGNATURE_MISMATCH_IS_SIGNATURE_DOES_NOT_MATCH: bool = true;

/// How long a client has to send a request's line and headers, counted from when the connection
/// waits for them (so also how long a keep-alive connection may sit idle between requests). Past
/// it the connection is closed without an answer, as hyper does. AWS documents no value; real
/// clients send their headers in one write, and 30 s is hyper's own default.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client has to send a request's whole body, counted from the end of its headers.
/// Past it the answer is `RequestTimeout` (400) and the connection is closed. S3's answer is
/// attested; its own limit is an idle timeout of unknown length. A whole-body deadline is the
/// stricter choice (a client trickling a byte now and then cannot hold a request open), and at
/// 60 s a 64 MiB object (the default S3 cap) still needs only about 1 MiB/s. The Query API's
/// answer to a slow body is unknown: the same code and words, `Confidence::Chosen`.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest request line plus headers read, in bytes: past it hyper answers
/// `431 Request Header Fields Too Large` without a body and closes the connection. AWS's limit
/// for STS and IAM is unknown (S3's documented one is 8 KiB of headers). 64 KiB leaves room for a
/// GET carrying a 20,000-character web identity token and a session policy in its query string.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// The largest body the STS and IAM endpoint reads, in bytes: a larger one (by its
/// `Content-Length`, or once read that far) is answered `413 RequestEntityTooLarge` without being
/// read further. AWS's limit is unknown. IAM's model allows a policy document of 131,072
/// characters, three times that once percent-encoded; 1 MiB holds such a request with room to
/// spare (axum's default was 2 MB, answered in plain text).
pub const MAX_QUERY_BODY_BYTES: usize = 1024 * 1024;
