//! The token's session tags (`https://aws.amazon.com/tags`) and source identity
//! (`https://aws.amazon.com/source_identity`), read strictly: AWS documents their shape and
//! limits ("Passing session tags in AWS STS", <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>)
//! but not its answer to a token that breaks them, so anything outside the documented shape is
//! refused (`unknowns::REFUSE_MALFORMED_SESSION_CLAIMS`) with a chosen `InvalidIdentityToken`.

use serde_json::{Map, Value};

use crate::errors::{AwsError, SessionTagProblem, SourceIdentityProblem};
use crate::trust_request::SessionTags;
use crate::validation::tag_char;

pub(super) const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";
pub(super) const SOURCE_IDENTITY_CLAIM: &str = "https://aws.amazon.com/source_identity";

/// At most 50 session tags, keys up to 128 characters, values up to 256 (same page).
const MAX_TAGS: usize = 50;
const MAX_KEY: usize = 128;
const MAX_VALUE: usize = 256;

pub(crate) fn session_tags(claims: &Map<String, Value>) -> Result<Option<SessionTags>, AwsError> {
    claims.get(TAGS_CLAIM).map(read_tags).transpose()
}

pub(crate) fn source_identity(claims: &Map<String, Value>) -> Result<Option<String>, AwsError> {
    let Some(value) = claims.get(SOURCE_IDENTITY_CLAIM) else {
        return Ok(None);
    };
    let refused = |problem| Err(AwsError::InvalidSourceIdentity(problem));
    let Some(text) = value.as_str() else {
        return refused(SourceIdentityProblem::NotAString);
    };
    // The model's sourceIdentityType: 2–64 characters of [\w+=,.@-] (ASCII \w, as Java runs it).
    let word = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    if !(2..=64).contains(&text.chars().count()) || !text.chars().all(word) {
        return refused(SourceIdentityProblem::Invalid);
    }
    Ok(Some(text.to_owned()))
}

fn read_tags(claim: &Value) -> Result<SessionTags, AwsError> {
    let refused = |problem| AwsError::InvalidSessionTags(problem);
    let malformed = || refused(SessionTagProblem::Malformed);
    let object = claim.as_object().ok_or_else(malformed)?;
    if object
        .keys()
        .any(|k| k != "principal_tags" && k != "transitive_tag_keys")
    {
        return Err(malformed());
    }
    let mut tags: Vec<(String, String)> = Vec::new();
    if let Some(principal_tags) = object.get("principal_tags") {
        for (key, values) in principal_tags.as_object().ok_or_else(malformed)? {
            // Each tag is a list holding one string, as AWS's example writes it.
            let value = match values.as_array().map(Vec::as_slice) {
                Some([Value::String(value)]) => value,
                _ => return Err(malformed()),
            };
            tags.push((key.clone(), value.clone()));
        }
    }
    let transitive_keys: Vec<String> = match object.get("transitive_tag_keys") {
        None => Vec::new(),
        Some(keys) => keys
            .as_array()
            .ok_or_else(malformed)?
            .iter()
            .map(|key| key.as_str().map(str::to_owned).ok_or_else(malformed))
            .collect::<Result<_, _>>()?,
    };
    check_limits(&tags, &transitive_keys).map_err(refused)?;
    Ok(SessionTags {
        tags,
        transitive_keys,
    })
}

fn check_limits(tags: &[(String, String)], transitive: &[String]) -> Result<(), SessionTagProblem> {
    if tags.len() > MAX_TAGS {
        return Err(SessionTagProblem::TooMany);
    }
    for (at, (key, value)) in tags.iter().enumerate() {
        let length = key.chars().count();
        if !(1..=MAX_KEY).contains(&length) || !key.chars().all(tag_char) {
            return Err(SessionTagProblem::KeyInvalid);
        }
        if value.chars().count() > MAX_VALUE || !value.chars().all(tag_char) {
            return Err(SessionTagProblem::ValueInvalid);
        }
        // Session tag keys are case-insensitive, so two keys may not differ only in case.
        if tags[..at]
            .iter()
            .any(|(k, _)| k.to_lowercase() == key.to_lowercase())
        {
            return Err(SessionTagProblem::DuplicateKeys);
        }
    }
    let tagged = |key: &String| {
        tags.iter()
            .any(|(k, _)| k.to_lowercase() == key.to_lowercase())
    };
    if !transitive.iter().all(tagged) {
        return Err(SessionTagProblem::TransitiveKeyNotTagged);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tags(claim: Value) -> Result<SessionTags, AwsError> {
        read_tags(&claim)
    }

    fn problem(claim: Value) -> AwsError {
        tags(claim).unwrap_err()
    }

    #[test]
    fn principal_tags_and_transitive_keys_are_read_in_token_order() {
        let read = tags(json!({
            "principal_tags": {"Project": ["Automation"], "CostCenter": ["987654"]},
            "transitive_tag_keys": ["Project"]
        }))
        .unwrap();
        assert_eq!(
            read.tags,
            [
                ("Project".to_owned(), "Automation".to_owned()),
                ("CostCenter".to_owned(), "987654".to_owned())
            ]
        );
        assert_eq!(read.transitive_keys, ["Project"]);
    }

    #[test]
    fn a_tag_value_that_is_not_a_list_of_one_string_is_malformed() {
        let malformed = AwsError::InvalidSessionTags(SessionTagProblem::Malformed);
        assert_eq!(problem(json!({"principal_tags": {"a": "b"}})), malformed);
        assert_eq!(
            problem(json!({"principal_tags": {"a": ["b", "c"]}})),
            malformed
        );
        assert_eq!(problem(json!(["a"])), malformed);
        assert_eq!(problem(json!({"principal_tag": {}})), malformed);
    }

    #[test]
    fn the_documented_limits_are_enforced() {
        let many: serde_json::Map<String, Value> =
            (0..51).map(|i| (format!("k{i}"), json!(["v"]))).collect();
        assert_eq!(
            problem(json!({"principal_tags": many})),
            AwsError::InvalidSessionTags(SessionTagProblem::TooMany)
        );
        assert_eq!(
            problem(json!({"principal_tags": {"k".repeat(129): ["v"]}})),
            AwsError::InvalidSessionTags(SessionTagProblem::KeyInvalid)
        );
        assert_eq!(
            problem(json!({"principal_tags": {"k": ["v".repeat(257)]}})),
            AwsError::InvalidSessionTags(SessionTagProblem::ValueInvalid)
        );
        assert_eq!(
            problem(json!({"principal_tags": {"k": ["v"], "K": ["w"]}})),
            AwsError::InvalidSessionTags(SessionTagProblem::DuplicateKeys)
        );
        assert_eq!(
            problem(json!({"principal_tags": {"k": ["v"]}, "transitive_tag_keys": ["x"]})),
            AwsError::InvalidSessionTags(SessionTagProblem::TransitiveKeyNotTagged)
        );
    }
}
