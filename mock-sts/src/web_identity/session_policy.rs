//! Session policies (`Policy`, `PolicyArns`): parsed as identity policies, refused with AWS's
//! `MalformedPolicyDocument`, and packed with the session tags into the space AWS allots them
//! ("Session policies" in "Policies and permissions in IAM",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session>; the
//! API reference's `PackedPolicySize` and `PackedPolicyTooLarge`). How AWS packs them is not
//! disclosed: `unknowns::PACKED_POLICY_BUDGET` says what fedlab counts.

use std::sync::Arc;

use crate::errors::{AwsError, MalformedPolicy};
use crate::policy::{self, PolicyKind};
use crate::query::Params;
use crate::sessions::SessionPolicies;
use crate::trust_request::SessionTags;
use crate::unknowns;

/// The session policies of the request, and the packed size (a percentage) to answer with when
/// the request passes session policies or tags.
pub(super) fn read(
    params: &Params,
    tags: Option<&SessionTags>,
) -> Result<(SessionPolicies, Option<usize>), AwsError> {
    let text = params.get("Policy");
    let inline = match text {
        Some(text) => Some(Arc::new(
            policy::parse(text, PolicyKind::Identity)
                .map_err(|err| AwsError::MalformedPolicyDocument(MalformedPolicy::from(&err)))?,
        )),
        None => None,
    };
    let arns = params.list_field("PolicyArns", "arn");
    let tags: &[(String, String)] = tags.map_or(&[], |t| t.tags.as_slice());
    let packed = (text.is_some() || !arns.is_empty() || !tags.is_empty()).then(|| {
        let size = text.map_or(0, packed_chars)
            + arns.iter().map(|arn| arn.chars().count()).sum::<usize>()
            + tags
                .iter()
                .map(|(k, v)| k.chars().count() + v.chars().count())
                .sum::<usize>();
        size.saturating_mul(100)
            .div_ceil(unknowns::PACKED_POLICY_BUDGET)
    });
    if let Some(percent) = packed.filter(|percent| *percent > 100) {
        return Err(AwsError::PackedPolicyTooLarge { percent });
    }
    Ok((SessionPolicies { inline, arns }, packed))
}

/// A policy's characters without whitespace, as IAM sizes policies.
fn packed_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::parse(&serde_urlencoded::to_string(pairs).unwrap())
    }

    #[test]
    fn without_session_policies_or_tags_nothing_is_packed() {
        let (policies, packed) = read(&params(&[]), None).unwrap();
        assert!(!policies.any());
        assert_eq!(packed, None);
    }

    #[test]
    fn the_packed_size_is_a_rounded_up_percentage_of_the_budget() {
        let arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
        let (policies, packed) = read(&params(&[("PolicyArns.member.1.arn", arn)]), None).unwrap();
        assert_eq!(policies.arns, [arn]);
        let expected = (arn.len() * 100).div_ceil(unknowns::PACKED_POLICY_BUDGET);
        assert_eq!(packed, Some(expected));
    }

    #[test]
    fn a_session_policy_that_is_no_identity_policy_is_malformed() {
        let err = read(&params(&[("Policy", r#"{"Statement":[]}"#)]), None).unwrap_err();
        assert_eq!(err.code(), "MalformedPolicyDocument");
        let err = read(&params(&[("Policy", "{not json")]), None).unwrap_err();
        assert_eq!(
            err.message().as_deref(),
            Some("This policy contains invalid Json")
        );
    }

    #[test]
    fn policies_and_tags_over_the_budget_are_too_large() {
        let tags = SessionTags {
            tags: (0..40)
                .map(|i| (format!("key-{i:03}"), "v".repeat(100)))
                .collect(),
            transitive_keys: Vec::new(),
        };
        let err = read(&params(&[]), Some(&tags)).unwrap_err();
        assert!(matches!(err, AwsError::PackedPolicyTooLarge { percent } if percent > 100));
    }
}
