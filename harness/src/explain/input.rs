//! Claims from a token (decoded, never verified), a claims file, or `--claim key=value` pairs.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::model::{Claims, ClaimsSource, ExplainError};

/// Decodes a compact JWS's header and payload. The signature is not looked at.
pub fn decode_token(token: &str) -> Result<Claims, ExplainError> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [header, payload, _signature] = parts.as_slice() else {
        return Err(ExplainError::NotAJwt(format!("{} part(s)", parts.len())));
    };
    Ok(Claims {
        source: ClaimsSource::Token,
        header: Some(part(header, "header")?),
        claims: part(payload, "payload")?,
    })
}

fn part(text: &str, name: &'static str) -> Result<Map<String, Value>, ExplainError> {
    let error = |reason: String| ExplainError::TokenPart { part: name, reason };
    // Padding is not part of base64url in a JWS, but a copied token sometimes carries it.
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|err| error(err.to_string()))?;
    match serde_json::from_slice(&bytes).map_err(|err| error(err.to_string()))? {
        Value::Object(members) => Ok(members),
        _ => Err(error("not a JSON object".to_owned())),
    }
}

/// A claims file: one JSON object.
pub fn claims_from_json(text: &str) -> Result<Claims, ExplainError> {
    match serde_json::from_str(text).map_err(|err| ExplainError::Claims(err.to_string()))? {
        Value::Object(claims) => Ok(Claims {
            source: ClaimsSource::ClaimsFile,
            header: None,
            claims,
        }),
        _ => Err(ExplainError::Claims("not an object".to_owned())),
    }
}

/// `key=value` pairs; a repeated `aud` makes an array, every value is a string.
pub fn claims_from_pairs<S: AsRef<str>>(pairs: &[S]) -> Result<Claims, ExplainError> {
    let mut claims = Map::new();
    for pair in pairs {
        let pair = pair.as_ref();
        let Some((key, value)) = pair.split_once('=') else {
            return Err(ExplainError::ClaimArgument(pair.to_owned()));
        };
        let value = Value::String(value.to_owned());
        match claims.get_mut(key) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.clone(), value]),
            None => {
                claims.insert(key.to_owned(), value);
            }
        }
    }
    Ok(Claims {
        source: ClaimsSource::ClaimArguments,
        header: None,
        claims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_aud_becomes_an_array() {
        let claims = claims_from_pairs(&["aud=a", "aud=b", "sub=s"]).unwrap();
        assert_eq!(claims.claims["aud"], serde_json::json!(["a", "b"]));
        assert_eq!(claims.claims["sub"], "s");
    }

    #[test]
    fn a_token_is_decoded_without_its_signature_being_checked() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#);
        let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"x"}"#);
        let claims = decode_token(&format!("{header}.{payload}.not-a-signature\n")).unwrap();
        assert_eq!(claims.claims["sub"], "x");
        assert_eq!(claims.header.unwrap()["alg"], "RS256");
    }

    #[test]
    fn two_parts_are_not_a_token() {
        assert!(matches!(decode_token("a.b"), Err(ExplainError::NotAJwt(_))));
    }
}
