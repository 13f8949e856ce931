//! The whole HTTP surface: fedlab's admin routes, and everything else to the Query-protocol front
//! end, as AWS serves every action on one path.

use std::sync::Arc;

use axum::Router;
use axum::routing::any;

use crate::state::Sts;
use crate::{admin, server};

pub(crate) fn router(state: Arc<Sts>) -> Router {
    Router::new()
        .merge(admin::routes(&state))
        .fallback(any(server::handle))
        .with_state(state)
}
