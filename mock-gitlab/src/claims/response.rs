//! What `POST /-/mock/id_tokens` answers with on success.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The mint API's success body. `Deserialize` is there for clients that parse the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MintResponse {
    /// The signed compact JWS.
    pub token: String,
    /// The signed payload, decoded, for debugging.
    pub claims: Map<String, Value>,
}
