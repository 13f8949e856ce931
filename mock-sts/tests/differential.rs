//! Differential test: our policy engine against iam-rs 0.8.0 (foorack/iam-rs, <https://github.com/foorack/iam-rs>),
//! a second, independently written IAM evaluator.
//!
//! Every case of `tests/policy/*.json` that iam-rs can express is decided by both engines. Cases using a
//! feature iam-rs lacks are skipped, counted and printed by reason. Every disagreement must be listed in
//! [`KNOWN`] with a comment saying whose bug it is and why, citing AWS's documentation; the test fails on a
//! disagreement that is not listed, and on a listed one that no longer disagrees (or no longer exists), so the
//! list stays true. `differential/generated.rs` does the same with random conditions from proptest.
//!
//! How a table case becomes an iam-rs request: the policy JSON is read by `IAMPolicy::from_json`; the request
//! principal, action and (identity policies) resource carry over; trust policies have no `Resource`, so they
//! are evaluated with `ignore_resource_constraints`. A key with one value becomes `ContextValue::String`,
//! several (or none) a `StringList`; a key the policy tests with `Bool` becomes a boolean when its values are
//! `true`/`false`, because iam-rs's `Bool` compares only boolean context values.

#[path = "policy/table.rs"]
mod table;

#[path = "differential/iam_rs.rs"]
mod iam_rs;

#[path = "differential/generated.rs"]
mod generated;

use std::collections::BTreeMap;

use mock_sts::policy::{self, Decision};

/// A disagreement we know of: `case` is `"<file> / <group description> / <case description>"`.
struct Known {
    case: &'static str,
    ours: &'static str,
    iam_rs: &'static str,
}

/// The table cases on which the engines disagree. Each entry says whose bug it is.
const KNOWN: &[Known] = &[
    // iam-rs's bug, the one peers.md §4.1 found by probe: iam-rs matches a Federated principal by prefix
    // (`request_principal_id.starts_with(id)` in its engine.rs), so a provider ARN with a suffix, or a provider
    // path under the trusted one, is trusted too. A Federated principal names one identity provider (IAM User
    // Guide, "AWS JSON policy elements: Principal",
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html), and an OIDC
    // provider's ARN is its identity: `gitlab.example.com.evil.test` is another provider.
    Known {
        case: "principals-actions.json / Federated principals match exactly / the provider ARN with a suffix",
        ours: "ImplicitDeny",
        iam_rs: "Allow",
    },
    Known {
        case: "principals-actions.json / Federated principals match exactly / a provider path under the trusted one",
        ours: "ImplicitDeny",
        iam_rs: "Allow",
    }, // iam-rs's bug: an account principal, as the root ARN or as the 12-digit ID, delegates to every principal
    // of that account (IAM User Guide, "AWS JSON policy elements: Principal", section "AWS account principals",
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html: the two forms
    // "behave the same way" and delegate to the account). iam-rs matches only the root principal itself.
    Known {
        case: "principals-actions.json / AWS account principal (ARN form) trusts principals of that account / a role of the account",
        ours: "Allow",
        iam_rs: "ImplicitDeny",
    },
    Known {
        case: "principals-actions.json / AWS account principal (12-digit form) / a user of the account",
        ours: "Allow",
        iam_rs: "ImplicitDeny",
    },
    // iam-rs's bug: the operators page lists ArnEquals and ArnLike together ("Case-sensitive matching of the
    // ARN. Each of the six colon-delimited components of the ARN is checked separately and each can include"
    // wildcards; IAM User Guide, "IAM JSON policy elements: Condition operators", section "Amazon Resource Name
    // (ARN) condition operators", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html). iam-rs's ArnEquals is plain string equality, so `role/*` and `ci-?`
    // match nothing.
    Known {
        case: "missing-keys.json / ArnEquals: absent key is false / key present and satisfying",
        ours: "Allow",
        iam_rs: "ImplicitDeny",
    },
    Known {
        case: "missing-keys.json / ArnEqualsIfExists: absent key is true, a present key is still tested / key present and satisfying",
        ours: "Allow",
        iam_rs: "ImplicitDeny",
    },
    Known {
        case: "operators.json / ArnEquals takes wildcards too (it behaves like ArnLike) / one character",
        ours: "Allow",
        iam_rs: "ImplicitDeny",
    },
    // iam-rs's bug, same section: the six ARN components are matched separately, so a `*` cannot swallow the
    // colons between them. iam-rs globs ArnLike over the whole string, and `arn:aws:s*:*:111122223333:...`-style
    // patterns then match an ARN of another account (the page's own non-matching example).
    Known {
        case: "operators.json / ArnLike matches each of the six components separately (IAM operators doc example) / the documented non-match: * cannot swallow the account",
        ours: "ImplicitDeny",
        iam_rs: "Allow",
    },
    // iam-rs's bug, found by the generated inputs below: in StringLike "you can use a multi-character match
    // wildcard (*) or a single-character match wildcard (?) anywhere in the string" (operators page, section
    // "String condition operators", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html), so `mygroup/*` matches any run after the slash.
    // iam-rs's matcher (`Arn::wildcard_match`) first tries a pattern character as a literal; a pattern `*` facing
    // a `*` in the request value is consumed as a plain character and never remembered as a wildcard, so the
    // rest of the value cannot be absorbed.
    Known {
        case: "operators.json / StringLike: * matches any run of characters, even one holding * or ? / a ref name holding * and ?",
        ours: "Allow",
        iam_rs: "ImplicitDeny",
    },
    Known {
        case: "operators.json / StringLike: * matches any run of characters, even one holding * or ? / a * right after the prefix, then more text",
        ours: "Allow",
        iam_rs: "ImplicitDeny",
    },
    // iam-rs's bug: date values are "one of the W3C implementations of the ISO 8601 date formats" or epoch time
    // (operators page, section "Date condition operators", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html); the W3C profile includes a date
    // alone (YYYY-MM-DD). iam-rs reads only full RFC 3339 date-times: a date-only request value matches nothing,
    // and a date-only policy value makes its evaluator fail.
    Known {
        case: "operators.json / DateEquals with an epoch policy value / date only means midnight UTC",
        ours: "Allow",
        iam_rs: "ImplicitDeny",
    },
    Known {
        case: "operators.json / DateGreaterThan with a date-only policy value / the next day",
        ours: "Allow",
        iam_rs: "Error: Condition error: Invalid date condition value",
    },
    Known {
        case: "operators.json / DateGreaterThan with a date-only policy value / midnight itself",
        ours: "ImplicitDeny",
        iam_rs: "Error: Condition error: Invalid date condition value",
    },
    // iam-rs's bug: StringNotEquals is "Negated matching" (operators page, section "String condition operators",
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html), so on one request it cannot hold together with StringEquals on the same values. For
    // a key with several values and no set qualifier, iam-rs's StringEquals holds when any value is listed and
    // its StringNotEquals when any value is not, so both hold for ["https://gitlab.example.com", "forbidden"].
    // AWS says multivalued keys need a set qualifier ("Single-valued vs. multivalued context keys",
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
    // and gives no example, so our complement reading is marked [I] in condition.rs; it is the only reading
    // that keeps the negation a negation (tests/policy_properties.rs checks it).
    Known {
        case: "gitlab.json / a multivalued aud under plain StringNotEquals: true only if no request value is listed [I] / one of several values is the forbidden one",
        ours: "ImplicitDeny",
        iam_rs: "Allow",
    },
    // Undocumented either way, so neither engine can be called wrong; ours is an inference marked [I]. A key
    // present with an empty list of values: AWS documents that ForAllValues also holds, and ForAnyValue fails, when
    // the key resolves to a null (empty) data set, as on a missing key ("Single-valued vs. multivalued context
    // keys", above), and
    // our engine extends that to every operator, Null included (context.rs). iam-rs treats the empty key as
    // present, so `Null: true` fails there.
    Known {
        case: "missing-keys.json / Null true: holds iff the key is absent / present but empty counts as absent [I]",
        ours: "Allow",
        iam_rs: "ImplicitDeny",
    },
    // Not a bug of either evaluator but of what iam-rs can be told: its Bool compares typed booleans, and `TRUE`
    // is not a Rust boolean spelling, so the translation leaves it a string, which iam-rs's Bool never matches.
    // AWS's boolean keys carry lowercase `true`/`false`; whether IAM also reads `TRUE` is undocumented, and ours
    // compares case-insensitively (condition.rs), the lenient reading of "Boolean matching" (operators page,
    // section "Boolean condition operators", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
    Known {
        case: "operators.json / Bool / TRUE",
        ours: "Allow",
        iam_rs: "ImplicitDeny",
    },
];

/// The three decisions, spelled as the table spells them; an iam-rs error is its own outcome.
fn our_outcome(decision: &Decision) -> String {
    decision.name().to_owned()
}

#[test]
fn both_engines_agree_on_every_table_case_iam_rs_can_express_except_the_known_disagreements() {
    let mut skipped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut compared = 0;
    let mut disagreements: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (file, group) in table::load_all() {
        if group.error.is_some() {
            continue;
        }
        let text = group.policy_text();
        let document = policy::parse(&text, group.policy_kind())
            .unwrap_or_else(|error| panic!("{file}: {}: {error:?}", group.description));
        for case in &group.tests {
            let name = format!("{file} / {} / {}", group.description, case.description);
            let theirs = match iam_rs::decide(&text, group.kind, &case.context) {
                Ok(outcome) => outcome,
                Err(skip) => {
                    skipped.entry(skip.to_string()).or_default().push(name);
                    continue;
                }
            };
            compared += 1;
            let context = table::build_context(&case.context);
            let ours = our_outcome(&policy::evaluate(&document, &context).decision);
            if ours != theirs {
                disagreements.insert(name, (ours, theirs));
            }
        }
    }

    let n_skipped: usize = skipped.values().map(Vec::len).sum();
    eprintln!("differential: {compared} case(s) compared, {n_skipped} skipped:");
    for (reason, cases) in &skipped {
        eprintln!("  {:4} {reason}", cases.len());
    }
    eprintln!(
        "  {} disagreement(s), {} known",
        disagreements.len(),
        KNOWN.len()
    );

    let mut failures = Vec::new();
    for (name, (ours, theirs)) in &disagreements {
        match KNOWN.iter().find(|known| known.case == name) {
            None => failures.push(format!(
                "new disagreement: {name}: ours {ours}, iam-rs {theirs}"
            )),
            Some(known) if (known.ours, known.iam_rs) != (ours.as_str(), theirs.as_str()) => {
                failures.push(format!(
                    "known disagreement changed: {name}: listed ours {} / iam-rs {}, now ours {ours} / iam-rs {theirs}",
                    known.ours, known.iam_rs
                ));
            }
            Some(_) => {}
        }
    }
    for known in KNOWN {
        if !disagreements.contains_key(known.case) {
            failures.push(format!(
                "listed disagreement no longer disagrees (or the case is gone or skipped): {}",
                known.case
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differential failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared > 0, "no case could be compared");
}
