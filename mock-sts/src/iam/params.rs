//! The model shapes of IAM's request members (botocore's
//! `botocore/data/iam/2010-05-08/service-2.json`), the members most actions share, and the
//! Marker/MaxItems paging of the list actions.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::errors::{AwsError, InvalidInput};
use crate::query::Params;
use crate::validation::{self, Checker, Pattern, StringRule};

/// Items per page when MaxItems is absent (IAM model: "defaults to 100").
const DEFAULT_MAX_ITEMS: usize = 100;

/// A `RoleName` member, checked alone.
pub(super) fn role_name(params: &Params) -> Result<&str, AwsError> {
    one(params, ROLE_NAME)
}

/// An `OpenIDConnectProviderArn` member, checked alone.
pub(super) fn provider_arn(params: &Params) -> Result<&str, AwsError> {
    one(params, PROVIDER_ARN)
}

fn one(params: &Params, rule: StringRule) -> Result<&str, AwsError> {
    let mut checker = Checker::new();
    let value = checker.string(params, rule);
    checker.finish()?;
    Ok(value.unwrap_or_default())
}

/// Where a page starts and how long it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Paging {
    /// The key of the first item of the page; `Some(None)` for a marker that decodes to none.
    after: Option<Option<String>>,
    max_items: usize,
}

/// One page of a listing: its items, and the marker of the next page when there is one.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) marker: Option<String>,
}

impl Paging {
    /// Reads `Marker` and `MaxItems`; `checker` collects their model violations with the other
    /// members'. A marker this store never handed out fails later, in [`Paging::page`], since
    /// the model checks come first.
    pub(super) fn read(checker: &mut Checker, params: &Params) -> Result<Self, AwsError> {
        let max_items = validation::integer(params, "MaxItems")?;
        let marker = checker.string(params, MARKER);
        if let Some(max) = max_items {
            checker.range("maxItems", max, 1, 1000);
        }
        Ok(Self {
            after: marker.map(decode_marker),
            max_items: max_items
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(DEFAULT_MAX_ITEMS),
        })
    }

    /// The page of `items` (sorted by key) this paging selects.
    pub(super) fn page<T>(
        &self,
        items: impl IntoIterator<Item = (String, T)>,
    ) -> Result<Page<T>, AwsError> {
        let after = match &self.after {
            None => None,
            Some(Some(key)) => Some(key),
            Some(None) => return Err(AwsError::InvalidInput(InvalidInput::InvalidMarker)),
        };
        let mut rest = items
            .into_iter()
            .skip_while(|(key, _)| after.is_some_and(|after| key < after));
        let items: Vec<T> = rest
            .by_ref()
            .take(self.max_items)
            .map(|(_, item)| item)
            .collect();
        let marker = rest.next().map(|(key, _)| STANDARD.encode(key));
        Ok(Page { items, marker })
    }
}

/// Markers are opaque to callers; here one is the base64 of the next page's first key.
fn decode_marker(marker: &str) -> Option<String> {
    STANDARD
        .decode(marker)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

pub(super) const ROLE_NAME: StringRule = StringRule {
    param: "RoleName",
    member: "roleName",
    required: true,
    min: 1,
    max: 64,
    pattern: Some(Pattern::RoleName),
    sensitive: false,
};
pub(super) const PROVIDER_ARN: StringRule = StringRule {
    param: "OpenIDConnectProviderArn",
    member: "openIDConnectProviderArn",
    required: true,
    min: 20,
    max: 2048,
    pattern: Some(Pattern::Arn),
    sensitive: false,
};
pub(super) const PATH: StringRule = StringRule {
    param: "Path",
    member: "path",
    required: false,
    min: 1,
    max: 512,
    pattern: Some(Pattern::Path),
    sensitive: false,
};
pub(super) const PATH_PREFIX: StringRule = StringRule {
    param: "PathPrefix",
    member: "pathPrefix",
    pattern: Some(Pattern::PathPrefix),
    ..PATH
};
pub(super) const TRUST_POLICY: StringRule = StringRule {
    param: "AssumeRolePolicyDocument",
    member: "assumeRolePolicyDocument",
    required: true,
    min: 1,
    max: 131_072,
    pattern: Some(Pattern::SessionPolicy),
    sensitive: false,
};
pub(super) const POLICY_DOCUMENT: StringRule = StringRule {
    param: "PolicyDocument",
    member: "policyDocument",
    ..TRUST_POLICY
};
pub(super) const POLICY_NAME: StringRule = StringRule {
    param: "PolicyName",
    member: "policyName",
    required: true,
    min: 1,
    max: 128,
    pattern: Some(Pattern::RoleName),
    sensitive: false,
};
pub(super) const DESCRIPTION: StringRule = StringRule {
    param: "Description",
    member: "description",
    required: false,
    min: 0,
    max: 1000,
    pattern: Some(Pattern::RoleDescription),
    sensitive: false,
};
pub(super) const URL: StringRule = StringRule {
    param: "Url",
    member: "url",
    required: true,
    min: 1,
    max: 255,
    pattern: None,
    sensitive: false,
};
pub(super) const CLIENT_ID: StringRule = StringRule {
    param: "ClientID",
    member: "clientID",
    required: true,
    min: 1,
    max: 255,
    pattern: None,
    sensitive: false,
};
pub(super) const CLIENT_ID_LIST: StringRule = StringRule {
    param: "ClientIDList",
    member: "clientIDList",
    required: false,
    ..CLIENT_ID
};
pub(super) const THUMBPRINT_LIST: StringRule = StringRule {
    param: "ThumbprintList",
    member: "thumbprintList",
    required: false,
    min: 40,
    max: 40,
    pattern: None,
    sensitive: false,
};
pub(super) const POLICY_ARN: StringRule = StringRule {
    param: "PolicyArn",
    member: "policyArn",
    required: true,
    min: 20,
    max: 2048,
    pattern: Some(Pattern::Arn),
    sensitive: false,
};
/// CreatePolicy's `Description` (policyDescriptionType: up to 1000, no pattern).
pub(super) const POLICY_DESCRIPTION: StringRule = StringRule {
    param: "Description",
    member: "description",
    required: false,
    min: 0,
    max: 1000,
    pattern: None,
    sensitive: false,
};
/// policyVersionIdType; its pattern (`v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`) is not checked: an ID
/// that breaks it names no version either.
pub(super) const VERSION_ID: StringRule = StringRule {
    param: "VersionId",
    member: "versionId",
    required: true,
    min: 0,
    max: 128,
    pattern: None,
    sensitive: false,
};
const MARKER: StringRule = StringRule {
    param: "Marker",
    member: "marker",
    required: false,
    min: 1,
    max: 320,
    pattern: Some(Pattern::Marker),
    sensitive: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(query: &str) -> Result<Paging, AwsError> {
        let params = Params::parse(query);
        let mut checker = Checker::new();
        let paging = Paging::read(&mut checker, &params)?;
        checker.finish()?;
        Ok(paging)
    }

    fn page(query: &str, n: usize) -> Result<Page<usize>, AwsError> {
        paging(query)?.page(keys(n))
    }

    fn keys(n: usize) -> Vec<(String, usize)> {
        (0..n).map(|i| (format!("role-{i:02}"), i)).collect()
    }

    #[test]
    fn a_page_ends_with_a_marker_that_starts_the_next() {
        let first = page("MaxItems=2", 5).unwrap();
        assert_eq!(first.items, vec![0, 1]);
        let marker = first.marker.unwrap();
        let second = page(&format!("MaxItems=2&Marker={}", urlencode(&marker)), 5).unwrap();
        assert_eq!(second.items, vec![2, 3]);
        assert!(second.marker.is_some());
    }

    #[test]
    fn the_last_page_has_no_marker() {
        let last = page("", 3).unwrap();
        assert_eq!((last.items.len(), last.marker), (3, None));
    }

    #[test]
    fn a_marker_that_is_not_one_of_ours_is_invalid_input() {
        assert!(matches!(
            page("Marker=%21%21", 3),
            Err(AwsError::InvalidInput(InvalidInput::InvalidMarker))
        ));
    }

    #[test]
    fn max_items_outside_the_model_range_is_a_validation_error() {
        assert!(matches!(paging("MaxItems=0"), Err(AwsError::Validation(_))));
        assert!(matches!(
            paging("MaxItems=1001"),
            Err(AwsError::Validation(_))
        ));
    }

    fn urlencode(text: &str) -> String {
        serde_urlencoded::to_string([("x", text)]).unwrap()[2..].to_owned()
    }
}
