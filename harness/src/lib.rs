//! fedlab: the GitLab CI → AWS OIDC federation path, offline and byte-faithful, for `cargo test`.
//!
//! [`Federation::start`] starts a mock GitLab instance (an OIDC issuer over real HTTPS that mints
//! CI ID tokens) and a mock AWS STS + IAM (which verifies those tokens against the issuer's JWKS,
//! evaluates real trust-policy JSON and answers with AWS's exact bytes), in-process, on loopback
//! ports. A test creates the provider and role the way its infrastructure code would, mints a
//! job's token, and checks what AWS would answer:
//!
//! ```
//! use fedlab::{Expectation, Federation, IdToken, OidcProvider, Role, TrustPolicy};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), fedlab::Error> {
//! let fed = Federation::start().await?;
//! fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com")).await?;
//! let policy = TrustPolicy::for_issuer(&fed).string_like("sub", "project_path:mygroup/*");
//! let role = fed.create_role(Role::new("gitlab-ci", policy)).await?;
//!
//! // A pipeline of mygroup/myproject may assume the role...
//! let token = fed.mint(IdToken::new("sts.amazonaws.com").project_path("mygroup/myproject")).await?;
//! let assumed = fed.assume(&role.arn, &token).await?;
//! assert_eq!(assumed.arn, "arn:aws:sts::123456789012:assumed-role/gitlab-ci/fedlab");
//!
//! // ...one of another group gets AWS's exact refusal.
//! let other = fed.mint(IdToken::new("sts.amazonaws.com").project_path("evil/project")).await?;
//! let refused = fed.assume(&role.arn, &other).await.unwrap_err();
//! let refused = refused.aws().expect("an AWS error answer");
//! assert_eq!((refused.status, refused.code.as_str()), (403, "AccessDenied"));
//! assert_eq!(
//!     refused.message.as_deref(),
//!     Some("Not authorized to perform sts:AssumeRoleWithWebIdentity")
//! );
//!
//! // Verified when `fed` is dropped: mock-sts saw exactly these two calls.
//! fed.expect(Expectation::action("AssumeRoleWithWebIdentity").role_arn(&role.arn).times(2));
//! # Ok(())
//! # }
//! ```
//!
//! To drive a real client (the aws CLI, boto3, your own tool) the way a GitLab job does,
//! [`Federation::job`] writes the token file and config and hands back the `AWS_*` environment,
//! ready for [`std::process::Command`]; [`Federation::requests`] then shows what mock-sts saw and
//! why it answered as it did (e.g. which trust-policy condition failed).
//!
//! [`Federation::connect`] gives the same handle over mocks that already run (docker-compose's
//! containers, described by [`RemoteMocks`]), and [`Federation::reset`] puts them back as they
//! started between cases; docs/targets.md has the details.
//!
//! Nothing is spawned as a process and nothing listens beyond 127.0.0.1. The mocks run on a
//! runtime of their own, so a test may block its thread on a child process; tests that are not
//! async use [`blocking::Federation`]. Dropping the federation stops both servers, removes its
//! temporary files and verifies the [`Expectation`]s.
//!
//! The same crate is the `fedlab` command line ([`cli::main`]), which replays the documented
//! cases in [`scenario`] files against real clients ([`runner`]), in parallel, and reports them
//! as text, JSON and JUnit; `fedlab repro` goes from an error pasted from a job log to the cases
//! that give it.

mod account;
mod assume;
mod aws_query;
mod backend;
pub mod bench;
pub mod blocking;
mod builder;
pub mod cli;
pub mod clients;
#[cfg(feature = "containers")]
pub mod containers;
mod credentials;
mod error;
mod expect;
pub mod explain;
mod federation;
mod files;
// The scenario fuzz target's hook and its replay test's; not part of the API.
#[doc(hidden)]
pub mod fuzz_api;
pub mod gitlab_ci;
mod iam;
mod job;
pub mod job_run;
mod judge;
pub mod lint;
pub mod outage;
pub mod permissions_report;
mod progress;
mod proxy;
mod remote;
mod report;
mod repro;
pub mod runner;
mod runtime;
pub mod s3_client;
pub mod scenario;
mod token;
mod up;

pub use assume::{AssumeRoleWithWebIdentity, AssumedRole, CallerIdentity, DEFAULT_SESSION_NAME};
pub use builder::FederationBuilder;
pub use credentials::Credentials;
pub use error::{AwsError, Error};
pub use expect::{Expectation, Times, UnmetExpectations};
pub use federation::Federation;
pub use iam::{CreatedRole, OidcProvider, PolicyDocument, Role, TrustPolicy};
pub use job::JobEnvironment;
pub use mock_gitlab::{Fault, GitlabVersion, IssuerRequest, SigningAlgorithm};
pub use proxy::ProxyRequest;
pub use remote::{
    COMPOSE_GITLAB_ADDRESS, COMPOSE_ISSUER, COMPOSE_S3_ENDPOINT, COMPOSE_STS_ENDPOINT, RemoteMocks,
};
pub use token::{IdToken, Token};

/// The mint API's request types (the body of mock-gitlab's `POST /-/mock/id_tokens`), for
/// [`IdToken::from_mint_request`] and scenario files.
pub mod mint {
    pub use mock_gitlab::{
        Audience, EnvironmentSpec, MintRequest, RefType, TokenKind, UserIdentity,
    };
}

// The README's Rust example compiles as a doc test, so it cannot drift from the API.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
struct ReadmeDoctests;

/// One request mock-sts answered: action, status, AWS error code and message, the role and key
/// involved, credentials issued, and mock-sts's explanation of its decision.
pub use mock_sts::LogEntry as Request;
