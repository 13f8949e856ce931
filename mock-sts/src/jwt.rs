//! Compact JWS decoding, without trusting anything in it yet.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::errors::AwsError;

/// A token split into its parts; the signature is checked later against the issuer's keys.
#[derive(Debug)]
pub(crate) struct Jwt<'t> {
    pub(crate) header: Map<String, Value>,
    pub(crate) claims: Map<String, Value>,
    /// `base64(header) "." base64(claims)`: the bytes the signature covers.
    pub(crate) signing_input: &'t str,
    /// The third part, still base64url.
    pub(crate) signature: &'t str,
}

impl<'t> Jwt<'t> {
    /// Anything that is not three base64url JSON-object parts is "not a valid JWT" to AWS.
    pub(crate) fn decode(token: &'t str) -> Result<Self, AwsError> {
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(AwsError::NotAJwt);
        };
        let signing_input = &token[..header.len() + 1 + claims.len()];
        Ok(Self {
            header: json_object(header)?,
            claims: json_object(claims)?,
            signing_input,
            signature,
        })
    }

    pub(crate) fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    pub(crate) fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// `aud` as a list: a string is one audience, an array of strings many; other shapes none.
    pub(crate) fn audiences(&self) -> Vec<&str> {
        match self.claims.get("aud") {
            Some(Value::String(aud)) => vec![aud.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// A NumericDate claim; present but not an integer is an error AWS words itself.
    pub(crate) fn timestamp(&self, name: &str) -> Result<Option<i64>, AwsError> {
        match self.claims.get(name) {
            None => Ok(None),
            Some(value) => value.as_i64().map(Some).ok_or(AwsError::InvalidTimestamp),
        }
    }
}

fn json_object(part: &str) -> Result<Map<String, Value>, AwsError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| AwsError::NotAJwt)?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(AwsError::NotAJwt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    #[test]
    fn three_json_parts_decode() {
        let token = format!(
            "{}.{}.c2ln",
            b64(r#"{"alg":"RS256"}"#),
            b64(r#"{"aud":["a","b"],"exp":5}"#)
        );
        let jwt = Jwt::decode(&token).unwrap();
        assert_eq!(jwt.audiences(), vec!["a", "b"]);
        assert_eq!(jwt.timestamp("exp"), Ok(Some(5)));
        assert_eq!(jwt.signature, "c2ln");
        assert!(
            token.starts_with(jwt.signing_input)
                && jwt
                    .signing_input
                    .ends_with(&b64(r#"{"aud":["a","b"],"exp":5}"#))
        );
    }

    #[test]
    fn garbage_is_not_a_jwt() {
        for token in [
            "token",
            "a.b",
            "a.b.c.d",
            &format!("{}.e30.x", b64("[]")),
            "e30.e30=.x",
        ] {
            assert_eq!(Jwt::decode(token).err(), Some(AwsError::NotAJwt), "{token}");
        }
    }

    #[test]
    fn float_timestamps_are_refused() {
        let token = format!("{}.{}.x", b64("{}"), b64(r#"{"exp":1.5}"#));
        let jwt = Jwt::decode(&token).unwrap();
        assert_eq!(jwt.timestamp("exp"), Err(AwsError::InvalidTimestamp));
    }
}
