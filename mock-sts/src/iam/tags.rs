//! IAM resource tags: reading `Tags.member.N.Key/Value` and `TagKeys.member.N`, and applying
//! them the way the IAM User Guide page "Tagging IAM resources"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html>) describes: keys are
//! case-insensitive, a tag with an existing key replaces it (key letter case included, as
//! aws/aws-cdk#26253 shows), and a resource holds at most 50 tags.

use std::borrow::Cow;

use crate::errors::{AwsError, InvalidInput, Quota};
use crate::iam::store::Tag;
use crate::query::Params;
use crate::validation::{Checker, Pattern, StringRule};

/// Tags per role or provider (IAM quotas page).
pub(crate) const MAX_TAGS: usize = 50;

/// The `Tags` member of a request, each tag checked against the model (`tags.N.member.key`).
pub(super) fn read(checker: &mut Checker, params: &Params) -> Vec<Tag> {
    let mut tags = Vec::new();
    for index in 1.. {
        let key = params.get(&format!("Tags.member.{index}.Key"));
        let value = params.get(&format!("Tags.member.{index}.Value"));
        if key.is_none() && value.is_none() {
            break;
        }
        let at = |field: &str| Cow::Owned(format!("tags.{index}.member.{field}"));
        checker.check_string_at(at("key"), TAG_KEY, key);
        checker.check_string_at(at("value"), TAG_VALUE, value);
        tags.push(Tag {
            key: key.unwrap_or_default().to_owned(),
            value: value.unwrap_or_default().to_owned(),
        });
    }
    tags
}

/// The `TagKeys` member of an untag request.
pub(super) fn read_keys(checker: &mut Checker, params: &Params) -> Vec<String> {
    let keys = params.list("TagKeys");
    if keys.is_empty() {
        checker.check_string(TAG_KEYS, None);
    }
    for (index, key) in (1..).zip(&keys) {
        checker.check_string_at(
            Cow::Owned(format!("tagKeys.{index}.member")),
            TAG_KEY,
            Some(key),
        );
    }
    keys
}

/// The tags of a create request: no two keys may differ only in letter case.
pub(super) fn new_set(tags: Vec<Tag>, quota: Quota) -> Result<Vec<Tag>, AwsError> {
    merge(&[], tags, quota)
}

/// `existing` with `added` applied: a key already there (in any letter case) is replaced, in
/// its place; a new key is appended.
pub(super) fn merge(existing: &[Tag], added: Vec<Tag>, quota: Quota) -> Result<Vec<Tag>, AwsError> {
    for (at, tag) in added.iter().enumerate() {
        if added[..at].iter().any(|t| same_key(&t.key, &tag.key)) {
            return Err(AwsError::InvalidInput(InvalidInput::DuplicateTagKeys));
        }
    }
    let mut merged = existing.to_vec();
    for tag in added {
        match merged.iter_mut().find(|t| same_key(&t.key, &tag.key)) {
            Some(slot) => *slot = tag,
            None => merged.push(tag),
        }
    }
    if merged.len() > MAX_TAGS {
        return Err(AwsError::QuotaExceeded {
            quota,
            limit: MAX_TAGS,
        });
    }
    Ok(merged)
}

/// `existing` without the tags `keys` name (in any letter case); unknown keys are ignored.
pub(super) fn remove(existing: &[Tag], keys: &[String]) -> Vec<Tag> {
    existing
        .iter()
        .filter(|tag| !keys.iter().any(|key| same_key(key, &tag.key)))
        .cloned()
        .collect()
}

fn same_key(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

const TAG_KEY: StringRule = StringRule {
    param: "Key",
    member: "key",
    required: true,
    min: 1,
    max: 128,
    pattern: Some(Pattern::TagKey),
    sensitive: false,
};
const TAG_VALUE: StringRule = StringRule {
    param: "Value",
    member: "value",
    required: true,
    min: 0,
    max: 256,
    pattern: Some(Pattern::TagValue),
    sensitive: false,
};
const TAG_KEYS: StringRule = StringRule {
    param: "TagKeys",
    member: "tagKeys",
    required: true,
    min: 0,
    max: usize::MAX,
    pattern: None,
    sensitive: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(key: &str, value: &str) -> Tag {
        Tag {
            key: key.to_owned(),
            value: value.to_owned(),
        }
    }

    #[test]
    fn a_tag_with_a_key_in_another_case_replaces_the_old_one_in_place() {
        let merged = merge(
            &[tag("Team", "a"), tag("Env", "prod")],
            vec![tag("team", "b")],
            Quota::TagsPerRole,
        );
        assert_eq!(merged, Ok(vec![tag("team", "b"), tag("Env", "prod")]));
    }

    #[test]
    fn one_request_may_not_name_a_key_twice_in_any_case() {
        assert_eq!(
            merge(&[], vec![tag("a", "1"), tag("A", "2")], Quota::TagsPerRole),
            Err(AwsError::InvalidInput(InvalidInput::DuplicateTagKeys))
        );
    }

    #[test]
    fn the_fifty_first_tag_exceeds_the_quota() {
        let fifty: Vec<Tag> = (0..50).map(|i| tag(&format!("k{i}"), "v")).collect();
        assert!(merge(&fifty, vec![tag("k0", "new")], Quota::TagsPerRole).is_ok());
        assert_eq!(
            merge(&fifty, vec![tag("k50", "v")], Quota::TagsPerRole),
            Err(AwsError::QuotaExceeded {
                quota: Quota::TagsPerRole,
                limit: 50
            })
        );
    }

    #[test]
    fn untagging_ignores_keys_that_are_not_there() {
        assert_eq!(
            remove(&[tag("Team", "a")], &["team".to_owned(), "nope".to_owned()]),
            vec![]
        );
    }
}
