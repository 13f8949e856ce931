//! What a job's token file holds when it is not the minted token as GitLab hands it out: another
//! text (an access token sent by mistake), or the minted token re-assembled with another header
//! or signature (a forged or damaged token).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

/// How the job's token file differs from the minted token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenFile {
    /// Written instead of any token, e.g. a personal access token `glpat-…`.
    #[serde(default)]
    pub text: Option<String>,
    /// The minted token's payload under this JOSE header instead of GitLab's, e.g.
    /// `{alg: none}`; the signature stays unless `signature` says otherwise.
    #[serde(default)]
    pub header: Option<Map<String, Value>>,
    /// The signature part (base64url) replaced by this text; `""` for an unsigned token.
    #[serde(default)]
    pub signature: Option<String>,
}

impl TokenFile {
    /// The file's content for a job whose minted token is `jwt`.
    pub fn content(&self, jwt: &str) -> String {
        if let Some(text) = &self.text {
            return text.clone();
        }
        let mut parts = jwt.splitn(3, '.');
        let (header, payload, signature) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let header = match &self.header {
            Some(fields) => {
                let json = Value::Object(fields.clone()).to_string();
                URL_SAFE_NO_PAD.encode(json)
            }
            None => header.to_owned(),
        };
        let signature = self.signature.as_deref().unwrap_or(signature);
        format!("{header}.{payload}.{signature}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_header_keeps_the_payload_and_the_signature_unless_told() {
        let forged = TokenFile {
            header: Some(serde_json::from_str(r#"{"alg":"none"}"#).unwrap()),
            signature: Some(String::new()),
            ..TokenFile::default()
        };
        assert_eq!(
            forged.content("aGVhZA.cGF5bG9hZA.c2ln"),
            "eyJhbGciOiJub25lIn0.cGF5bG9hZA."
        );
        let resigned = TokenFile {
            signature: Some("AAAA".into()),
            ..TokenFile::default()
        };
        assert_eq!(resigned.content("h.p.s"), "h.p.AAAA");
        let text = TokenFile {
            text: Some("glpat-x".into()),
            ..TokenFile::default()
        };
        assert_eq!(text.content("h.p.s"), "glpat-x");
    }
}
