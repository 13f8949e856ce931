//! How the body-changing faults rewrite an answer. They work on the JSON the handlers produced,
//! not on how it was built, so they keep working however many keys the JWKS holds. Member order
//! survives (serde_json's `preserve_order`), so only the faulty part differs from GitLab's bytes.

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::Value;

/// `malformed_jwks`: the body cut off halfway, as a proxy that drops the connection mid-answer
/// would leave it. Never valid JSON, since the closing brace is always in the second half.
pub(crate) fn truncated(body: &[u8]) -> Vec<u8> {
    body[..body.len() / 2].to_vec()
}

/// `ci_key_missing`: the JWKS without the key whose `kid` is `kid`.
pub(crate) fn without_kid(body: &[u8], kid: &str) -> Option<Vec<u8>> {
    let mut jwks: Value = serde_json::from_slice(body).ok()?;
    jwks.get_mut("keys")?
        .as_array_mut()?
        .retain(|key| key.get("kid").and_then(Value::as_str) != Some(kid));
    serde_json::to_vec(&jwks).ok()
}

/// `kid_mismatch`: the key whose `kid` is `kid` published under [`other_kid`] instead.
pub(crate) fn with_renamed_kid(body: &[u8], kid: &str) -> Option<Vec<u8>> {
    let mut jwks: Value = serde_json::from_slice(body).ok()?;
    let renamed = other_kid(kid);
    for key in jwks.get_mut("keys")?.as_array_mut()? {
        if let Some(member) = key.get_mut("kid")
            && member.as_str() == Some(kid)
        {
            *member = Value::String(renamed.clone());
        }
    }
    serde_json::to_vec(&jwks).ok()
}

/// A kid that looks like GitLab's (43 base64url characters, as an RFC 7638 SHA-256 thumbprint
/// is) but can never equal the real one: the base64url SHA-256 of the real kid.
pub(crate) fn other_kid(kid: &str) -> String {
    B64.encode(digest::digest(&digest::SHA256, kid.as_bytes()))
}

/// `discovery_issuer_mismatch`: the discovery document with a trailing slash on `issuer`. That is
/// the realistic form: GitLab MR !139027 ("Ensure Doorkeeper OpenID issuer has trailing slash",
/// gitlab-org/gitlab#424464) proposed exactly this change to the discovery issuer.
pub(crate) fn with_mismatched_issuer(body: &[u8]) -> Option<Vec<u8>> {
    let mut document: Value = serde_json::from_slice(body).ok()?;
    let issuer = document.get_mut("issuer")?;
    let mismatched = format!("{}/", issuer.as_str()?);
    *issuer = Value::String(mismatched);
    serde_json::to_vec(&document).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const JWKS: &str = r#"{"keys":[{"kty":"RSA","kid":"oidc","e":"AQAB","n":"x","use":"sig","alg":"RS256"},{"kty":"RSA","kid":"ci","e":"AQAB","n":"y","use":"sig","alg":"RS256"}]}"#;

    #[test]
    fn a_missing_ci_key_leaves_the_other_keys_in_their_order() {
        let body = without_kid(JWKS.as_bytes(), "ci").unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"keys":[{"kty":"RSA","kid":"oidc","e":"AQAB","n":"x","use":"sig","alg":"RS256"}]}"#
        );
    }

    #[test]
    fn a_renamed_kid_keeps_the_key_and_its_member_order() {
        let body = with_renamed_kid(JWKS.as_bytes(), "ci").unwrap();
        let jwks: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(jwks["keys"][0]["kid"], "oidc");
        let renamed = jwks["keys"][1]["kid"].as_str().unwrap();
        assert_eq!(renamed, other_kid("ci"));
        assert_eq!(renamed.len(), 43);
        assert_eq!(jwks["keys"][1]["n"], "y");
        let members: Vec<&String> = jwks["keys"][1].as_object().unwrap().keys().collect();
        assert_eq!(members, ["kty", "kid", "e", "n", "use", "alg"]);
    }

    #[test]
    fn a_truncated_jwks_is_not_json() {
        let body = truncated(JWKS.as_bytes());
        assert!(!body.is_empty());
        assert!(serde_json::from_slice::<Value>(&body).is_err());
        assert!(serde_json::from_slice::<Value>(&truncated(b"{}")).is_err());
    }

    #[test]
    fn a_mismatched_issuer_gains_a_trailing_slash_and_nothing_else_changes() {
        let document = json!({"issuer": "https://gitlab.example.com", "jwks_uri": "https://gitlab.example.com/oauth/discovery/keys"});
        let body = with_mismatched_issuer(document.to_string().as_bytes()).unwrap();
        let changed: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(changed["issuer"], "https://gitlab.example.com/");
        assert_eq!(changed["jwks_uri"], document["jwks_uri"]);
    }

    #[test]
    fn bodies_that_are_not_the_expected_json_are_left_to_the_caller() {
        assert!(without_kid(b"not json", "ci").is_none());
        assert!(with_renamed_kid(b"{}", "ci").is_none());
        assert!(with_mismatched_issuer(b"[]").is_none());
    }
}
