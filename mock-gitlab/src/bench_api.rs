//! Hooks for mock-gitlab's micro-benchmarks (`benches/`): minting with the mint API's code,
//! without HTTP. Not part of the API: it may change with any release.

use crate::claims::MintRequest;
use crate::config::Config;
use crate::error::Error;
use crate::mint;
use crate::state::AppState;

/// An issuer's state, ready to mint.
#[derive(Debug)]
pub struct Minter {
    state: AppState,
}

impl Minter {
    /// The issuer `config` describes. Give it keys (`signing_key_pem`, `oidc_key_pem`):
    /// generating them is not what a benchmark of minting measures.
    pub fn new(config: &Config) -> Result<Self, Error> {
        Ok(Self {
            state: AppState::from_config(config)?,
        })
    }

    /// One ID token for `request`, as `POST /-/mock/id_tokens` mints it: claims built,
    /// serialised and signed; `None` for a request the mint API refuses.
    pub fn mint(&self, request: &MintRequest) -> Option<String> {
        mint::issue(&self.state, request)
            .ok()
            .map(|minted| minted.token)
    }
}
