//! `POST /-/mock/id_tokens`: the test-only mint API (not a GitLab endpoint).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::claims::{self, ClaimsError, MintContext, MintRequest, MintResponse};
use crate::keys::KeyError;
use crate::state::AppState;

/// The body of every error answer: `{"message": "…"}`.
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
    Ok(Json(issue(&state, &req)?))
}

/// Builds, serialises and signs the claim set for one request, with a fresh `jti`.
pub(crate) fn issue(state: &AppState, req: &MintRequest) -> Result<MintResponse, MintError> {
    let ctx = MintContext {
        issuer: &state.issuer,
        profile: &state.profile,
        now: state.clock.now_unix(),
        jti: uuid::Uuid::new_v4().to_string(),
    };
    let claims = claims::build_claims(req, &ctx)?;
    let payload = serde_json::to_vec(&claims).map_err(MintError::Encode)?;
    let token = state.keys.current().sign_jwt(&payload)?;
    Ok(MintResponse { token, claims })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Instant;

    use serde_json::json;

    use super::*;
    use crate::config::{Config, FixedClock};

    const FIXTURE_KEY: &str = include_str!("../tests/fixtures/ci-signing-key.pem");
    const OIDC_KEY: &str = include_str!("../tests/fixtures/oidc-signing-key.pem");

    /// Mint-rate measurement without HTTP. Ignored by default (timing-sensitive); run with
    /// `cargo test -p mock-gitlab --release --lib in_process_mint_rate -- --ignored --nocapture`.
    /// The printed rates are the measurement; nothing asserts on time, since a shared machine
    /// makes any threshold flaky. tests/throughput.rs measures the same over HTTPS.
    #[test]
    #[ignore = "throughput measurement"]
    fn in_process_mint_rate() {
        let mut config = Config::new("127.0.0.1:0".parse().unwrap());
        config.signing_key_pem = Some(FIXTURE_KEY.to_owned());
        config.oidc_key_pem = Some(OIDC_KEY.to_owned());
        config.external_url = Some("https://gitlab.fedlab.test".to_owned());
        config.clock = Arc::new(FixedClock(1_700_000_000));
        let state = AppState::from_config(&config).unwrap();
        let req: MintRequest = serde_json::from_value(json!({"aud": "sts.amazonaws.com"})).unwrap();
        let n = 3000;

        let payload = serde_json::to_vec(&json!({"sub": "x"})).unwrap();
        let started = Instant::now();
        let key = state.keys.current();
        for _ in 0..n {
            key.sign_jwt(&payload).unwrap();
        }
        let sign_rate = f64::from(n) / started.elapsed().as_secs_f64();
        println!("sign only, 1 thread: {sign_rate:.0} signatures/s");

        let started = Instant::now();
        for _ in 0..n {
            let minted = issue(&state, &req).unwrap();
            assert!(minted.token.len() > 600);
        }
        let rate = f64::from(n) / started.elapsed().as_secs_f64();
        println!("in-process, 1 thread: {rate:.0} tokens/s");
    }
}
