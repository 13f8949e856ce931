//! What every request handler shares: the issuer, the signing key and the clock.

use std::sync::Arc;

use crate::config::{Clock, Issuer};
use crate::keys::SigningKey;

/// Router state, built once from a `Config` and shared behind an `Arc`.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) issuer: Issuer,
    pub(crate) key: SigningKey,
    pub(crate) clock: Arc<dyn Clock>,
}
