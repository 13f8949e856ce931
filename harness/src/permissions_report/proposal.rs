//! The narrowest identity policy allowing exactly the calls used:
//!
//! 1. Each action gets the resources it was used on, exactly as authorisation saw them (the
//!    bucket ARN for bucket-level actions, object ARNs for object-level ones, `*` for actions on
//!    no resource).
//! 2. Only when one action touched more than [`MAX_EXACT_KEYS`] objects of one bucket are they
//!    replaced by one pattern, `arn:aws:s3:::BUCKET/PREFIX*`, PREFIX being the keys' longest
//!    common prefix (possibly empty), so a policy stays readable for jobs that upload trees.
//! 3. Actions with the same resources share one `Allow` statement; actions and resources sorted,
//!    statements in the order of their resources; `Version` `2012-10-17`.
//!
//! No conditions are proposed: the log does not say which condition keys a job relies on.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::observed::Use;

/// More object keys than this, for one action in one bucket, become one prefix pattern.
pub const MAX_EXACT_KEYS: usize = 10;

/// The policy allowing every use in `used` and nothing else; `None` when `used` is empty.
pub fn narrowest_policy(used: &[Use]) -> Option<Value> {
    let mut by_action: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for one in used {
        by_action
            .entry(one.action.as_str())
            .or_default()
            .insert(one.resource.clone());
    }
    let mut by_resources: BTreeMap<BTreeSet<String>, BTreeSet<&str>> = BTreeMap::new();
    for (action, resources) in by_action {
        by_resources
            .entry(generalised(resources))
            .or_default()
            .insert(action);
    }
    if by_resources.is_empty() {
        return None;
    }
    let statements: Vec<Value> = by_resources
        .into_iter()
        .map(|(resources, actions)| {
            json!({
                "Effect": "Allow",
                "Action": actions.into_iter().collect::<Vec<_>>(),
                "Resource": resources.into_iter().collect::<Vec<_>>(),
            })
        })
        .collect();
    Some(json!({"Version": "2012-10-17", "Statement": statements}))
}

/// Rule 2: the object ARNs of a bucket with too many keys folded into one prefix pattern.
fn generalised(resources: BTreeSet<String>) -> BTreeSet<String> {
    let mut keys_by_bucket: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for resource in resources {
        match object_parts(&resource) {
            Some((bucket, key)) => keys_by_bucket
                .entry(bucket.to_owned())
                .or_default()
                .push(key.to_owned()),
            None => {
                out.insert(resource);
            }
        }
    }
    for (bucket, keys) in keys_by_bucket {
        if keys.len() > MAX_EXACT_KEYS {
            out.insert(format!(
                "arn:aws:s3:::{bucket}/{}*",
                escaped(&common_prefix(&keys))
            ));
        } else {
            out.extend(
                keys.iter()
                    .map(|key| format!("arn:aws:s3:::{bucket}/{}", literal(key))),
            );
        }
    }
    out
}

/// `(bucket, key)` of an S3 object ARN.
fn object_parts(resource: &str) -> Option<(&str, &str)> {
    resource.strip_prefix("arn:aws:s3:::")?.split_once('/')
}

fn common_prefix(keys: &[String]) -> String {
    let Some(first) = keys.first() else {
        return String::new();
    };
    let mut prefix: &str = first;
    for key in &keys[1..] {
        let shared = prefix
            .char_indices()
            .zip(key.chars())
            .find(|((_, a), b)| a != b)
            .map_or(prefix.len().min(key.len()), |((index, _), _)| index);
        prefix = &prefix[..shared];
    }
    prefix.to_owned()
}

/// A key written so that policy matching reads every character as itself: `*`, `?` and `$` as
/// the policy-variable escapes `${*}`, `${?}`, `${$}` (IAM User Guide, "IAM policy elements:
/// Variables and tags", special characters).
fn literal(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        match c {
            '*' | '?' | '$' => {
                out.push_str("${");
                out.push(c);
                out.push('}');
            }
            other => out.push(other),
        }
    }
    out
}

/// A key prefix cut where a wildcard character would be read as one: `*` and `?` in a key
/// match themselves only through the prefix before them.
fn escaped(prefix: &str) -> &str {
    prefix
        .find(['*', '?', '$'])
        .map_or(prefix, |index| &prefix[..index])
}
