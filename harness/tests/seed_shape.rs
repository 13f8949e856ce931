//! A scenario's `aws:` section and a mock-sts seed file have one shape: every embedded
//! scenario's providers and roles (placeholders filled, providers IAM is expected to refuse left
//! out) parse as a `mock_sts::Seed` with the same content, and seed a mock-sts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on purpose"
)]

use fedlab::scenario::{Placeholders, ScenarioSource};
use mock_sts::{Config, Seed};

/// The source text with every placeholder replaced by its stand-in.
fn filled(text: &str) -> String {
    let values = Placeholders::dummies();
    let host = |url: &str| url.trim_start_matches("https://").to_owned();
    text.replace("{{issuer_host}}", &host(&values.issuer))
        .replace(
            "{{unreachable_issuer_host}}",
            &host(&values.unreachable_issuer),
        )
        .replace("{{issuer}}", &values.issuer)
        .replace("{{unreachable_issuer}}", &values.unreachable_issuer)
        .replace("{{account}}", &values.account)
        .replace("{{thumbprint}}", &values.thumbprint)
}

/// The scenario's `aws:` section as a seed: `trusted_issuer_ca` is the harness's business, and a
/// provider with `expect_error` is one IAM refuses.
fn seed_of(text: &str) -> Seed {
    let document: serde_yaml::Value = serde_yaml::from_str(&filled(text)).unwrap();
    let mut aws = document
        .get("aws")
        .cloned()
        .unwrap_or(serde_yaml::Value::Mapping(serde_yaml::Mapping::new()));
    let section = aws.as_mapping_mut().unwrap();
    section.remove("trusted_issuer_ca");
    if let Some(serde_yaml::Value::Sequence(providers)) = section.get_mut("providers") {
        providers.retain(|p| p.get("expect_error").is_none());
    }
    Seed::from_yaml(&serde_yaml::to_string(&aws).unwrap()).unwrap()
}

#[test]
fn every_embedded_scenarios_aws_section_is_a_mock_sts_seed() {
    let sources = ScenarioSource::embedded();
    assert!(sources.len() > 50, "the catalogue is embedded");
    let mut roles = 0;
    for source in &sources {
        let seed = seed_of(&source.text);
        let scenario = source.preview().unwrap();
        let expected: Vec<_> = scenario
            .aws
            .providers
            .iter()
            .filter(|p| p.expect_error.is_none())
            .map(|p| (p.url.clone(), p.client_ids.clone(), p.thumbprints.clone()))
            .collect();
        let seeded: Vec<_> = seed
            .providers
            .iter()
            .map(|p| (p.url.clone(), p.client_ids.clone(), p.thumbprints.clone()))
            .collect();
        assert_eq!(seeded, expected, "{}", source.origin);
        let expected: Vec<_> = scenario
            .aws
            .roles
            .iter()
            .map(|r| {
                let seconds = r.max_session_duration;
                (
                    r.name.clone(),
                    r.path.clone(),
                    r.trust_policy.clone(),
                    seconds,
                )
            })
            .collect();
        let seeded: Vec<_> = seed
            .roles
            .iter()
            .map(|r| {
                let text = r.trust_policy.to_text();
                (r.name.clone(), r.path.clone(), text, r.max_session_duration)
            })
            .collect();
        assert_eq!(seeded, expected, "{}", source.origin);
        roles += seed.roles.len();
    }
    assert!(roles > 50, "the scenarios set up roles");
}

#[test]
fn every_embedded_scenarios_roles_seed_a_mock_sts() {
    for source in ScenarioSource::embedded() {
        let mut seed = seed_of(&source.text);
        // Without thumbprints IAM would connect to the issuer, which only a spawned mock-sts
        // with a live issuer can; a stand-in thumbprint keeps this check offline.
        for provider in &mut seed.providers {
            if provider.thumbprints.is_empty() {
                provider.thumbprints.push("0".repeat(40));
            }
        }
        let mut config = Config::new("127.0.0.1:0".parse().unwrap());
        config.seed = Some(seed);
        if let Err(err) = mock_sts::app(config) {
            panic!("{}: {err}", source.origin);
        }
    }
}
