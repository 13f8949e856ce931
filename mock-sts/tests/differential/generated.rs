//! Random differential inputs: trust policies whose conditions are drawn from the string operators (plain,
//! negated, `...IfExists`, `ForAnyValue:` / `ForAllValues:`) and `Null`, over two keys and the value alphabet
//! `a`, `b`, `*`, `?` (empty values included), against requests where each key is absent, empty, single- or
//! multi-valued. Both engines decide; a disagreement is allowed only when every condition that disagrees on
//! its own belongs to a known class (see [`classify`]), and the classes seen are counted and printed.

use std::collections::BTreeMap;
use std::sync::Mutex;

use mock_sts::policy::{self, PolicyKind};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

use crate::iam_rs;
use crate::table::{self, DEFAULT_ACTION, DEFAULT_PROVIDER, Kind};

const KEYS: [&str; 2] = ["k:a", "k:b"];

const OPERATORS: [&str; 17] = [
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIfExists",
    "StringNotEqualsIfExists",
    "StringLikeIfExists",
    "StringNotLikeIfExists",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringNotEquals",
    "ForAllValues:StringNotEquals",
    "ForAnyValue:StringLike",
    "ForAllValues:StringLike",
    "ForAnyValue:StringNotLike",
    "ForAllValues:StringNotLike",
    "Null",
];

/// One `operator: {key: values}` entry of a Condition block.
#[derive(Debug, Clone)]
struct Entry {
    operator: &'static str,
    key: &'static str,
    values: Vec<String>,
}

/// Each key: absent (`None`), or present with zero or more values.
type Request = [Option<Vec<String>>; 2];

fn entry() -> impl Strategy<Value = Entry> {
    let values = prop::collection::vec("[ab*?]{0,3}", 1..=3);
    (0..OPERATORS.len(), 0..KEYS.len(), values, any::<bool>()).prop_map(
        |(operator, key, values, null_true)| {
            let operator = OPERATORS[operator];
            let values = if operator == "Null" {
                vec![null_true.to_string()]
            } else {
                values
            };
            Entry {
                operator,
                key: KEYS[key],
                values,
            }
        },
    )
}

fn request() -> impl Strategy<Value = Request> {
    let key = prop::option::of(prop::collection::vec("[ab*?]{0,2}", 0..=3));
    [key.clone(), key]
}

fn policy_text(entries: &[Entry]) -> String {
    let mut condition: BTreeMap<&str, BTreeMap<&str, &[String]>> = BTreeMap::new();
    for entry in entries {
        condition
            .entry(entry.operator)
            .or_default()
            .insert(entry.key, &entry.values);
    }
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": DEFAULT_PROVIDER},
            "Action": DEFAULT_ACTION,
            "Condition": condition,
        }]
    })
    .to_string()
}

/// Both decisions for one policy and request: (ours, iam-rs's).
fn decide(entries: &[Entry], request: &Request) -> Result<(String, String), TestCaseError> {
    let text = policy_text(entries);
    let document = policy::parse(&text, PolicyKind::Trust)
        .map_err(|error| TestCaseError::fail(format!("we refuse {text}: {error:?}")))?;
    let mut spec = table::Context::default();
    for (key, values) in KEYS.iter().zip(request) {
        if let Some(values) = values {
            spec.keys
                .insert((*key).to_owned(), table::OneOrMany::Many(values.clone()));
        }
    }
    let ours = policy::evaluate(&document, &table::build_context(&spec))
        .decision
        .name()
        .to_owned();
    let theirs = iam_rs::decide(&text, Kind::Trust, &spec)
        .map_err(|skip| TestCaseError::fail(format!("iam-rs cannot take {text}: {skip}")))?;
    Ok((ours, theirs))
}

/// The known reasons one condition decides differently in iam-rs, each explained in `tests/differential.rs`'s
/// `KNOWN` list: a plain negated operator on a multivalued key (iam-rs's bug: its negation holds when any
/// value differs, so it is no negation), a request value holding `*` under a wildcard pattern (iam-rs's bug:
/// its matcher takes a pattern `*` facing a text `*` as a literal and never backtracks into it), and a key
/// present with no values (undocumented; we read it as absent).
fn classify(entry: &Entry, request: &Request) -> Option<&'static str> {
    let values = KEYS
        .iter()
        .position(|key| *key == entry.key)
        .and_then(|index| request[index].as_ref());
    let plain_negated = !entry.operator.contains(':') && entry.operator.contains("Not");
    let like = entry.operator.contains("Like");
    match values {
        Some(values) if values.is_empty() => Some("a key present with no values (undocumented)"),
        Some(values) if like && values.iter().any(|value| value.contains('*')) => {
            Some("a request value holding * under a wildcard pattern (iam-rs's bug)")
        }
        Some(values) if plain_negated && values.len() > 1 => {
            Some("a plain negated operator on a multivalued key (iam-rs's bug)")
        }
        _ => None,
    }
}

#[test]
fn random_string_conditions_disagree_only_in_the_known_classes() {
    let seen: Mutex<BTreeMap<&'static str, usize>> = Mutex::new(BTreeMap::new());
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        // A fixed seed keeps CI deterministic: this test compares against another crate, so a
        // new disagreement class must show up when someone looks, not as a random red build.
        // Explore other inputs with PROPTEST_RNG_SEED=<u64>.
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            Config::default().rng_seed
        } else {
            RngSeed::Fixed(20_261_130)
        },
        ..Config::default()
    });
    let inputs = (prop::collection::vec(entry(), 1..=3), request());
    let result = runner.run(&inputs, |(entries, request)| {
        let (ours, theirs) = decide(&entries, &request)?;
        if ours == theirs {
            return Ok(());
        }
        // Find the conditions that disagree on their own; each must be explained.
        let mut explained = false;
        for entry in &entries {
            let (ours_one, theirs_one) = decide(std::slice::from_ref(entry), &request)?;
            if ours_one == theirs_one {
                continue;
            }
            let class = classify(entry, &request).ok_or_else(|| {
                TestCaseError::fail(format!(
                    "new disagreement on {entry:?} with request {request:?}: ours {ours_one}, iam-rs {theirs_one}"
                ))
            })?;
            *seen.lock().unwrap().entry(class).or_default() += 1;
            explained = true;
        }
        prop_assert!(
            explained,
            "the policy disagrees (ours {ours}, iam-rs {theirs}) though each condition agrees alone: {entries:?}, {request:?}"
        );
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    eprintln!("generated differential: 256 inputs; known disagreements by class:");
    for (class, count) in seen.lock().unwrap().iter() {
        eprintln!("  {count:4} {class}");
    }
}
