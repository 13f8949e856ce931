//! `POST /-/mock/id_tokens`: the test-only mint API (not a GitLab endpoint).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::claims::{self, ClaimsError, MintContext, MintRequest};
use crate::keys::KeyError;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct MintResponse {
    pub token: String,
    /// The signed payload, decoded, for debugging.
    pub claims: Map<String, Value>,
}

#[derive(Debug, Serialize)]
struct ErrorBody {
    message: String,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum MintError {
    #[error("invalid request body: {0}")]
    Body(#[from] serde_json::Error),
    #[error(transparent)]
    Claims(#[from] ClaimsError),
    #[error("encoding claims: {0}")]
    Encode(serde_json::Error),
    #[error(transparent)]
    Sign(#[from] KeyError),
}

impl IntoResponse for MintError {
    fn into_response(self) -> Response {
        let status = match self {
            Self::Body(_) | Self::Claims(_) => StatusCode::BAD_REQUEST,
            Self::Encode(_) | Self::Sign(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let body = ErrorBody {
            message: self.to_string(),
        };
        (status, Json(body)).into_response()
    }
}

// Raw bytes rather than `Json<T>`: axum's JSON rejections are plain text and insist on a
// content type, while callers of a test API deserve a JSON 400 for any bad body.
pub(crate) async fn mint(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<MintResponse>, MintError> {
    let req: MintRequest = serde_json::from_slice(&body)?;
    let ctx = MintContext {
        issuer: &state.issuer,
        now: state.clock.now_unix(),
        jti: uuid::Uuid::new_v4().to_string(),
    };
    let claims = claims::build_claims(&req, &ctx)?;
    let payload = serde_json::to_vec(&claims).map_err(MintError::Encode)?;
    let token = state.key.sign_jwt(&payload)?;
    Ok(Json(MintResponse { token, claims }))
}
