//! Pure claim-set construction for the mint API: request in, ordered JSON object out.

mod ci;
mod context;
mod error;
mod id_token;
mod job;
mod legacy;
mod payload;
mod project;
mod request;
mod response;
mod sub;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod version_tests;

pub(crate) use context::MintContext;
pub(crate) use error::ClaimsError;
pub(crate) use payload::build_claims;
pub use request::{Audience, EnvironmentSpec, MintRequest, RefType, TokenKind, UserIdentity};
pub use response::MintResponse;
