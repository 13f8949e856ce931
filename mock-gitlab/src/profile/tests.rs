//! Unit tests of the version table and the rules read from it.

use super::*;

fn profile(version: &str) -> Profile {
    Profile::new(version.parse().unwrap(), None).unwrap()
}

#[test]
fn every_feature_has_exactly_one_row() {
    for (i, a) in CHANGES.iter().enumerate() {
        for b in &CHANGES[i + 1..] {
            assert_ne!(a.feature, b.feature, "two rows for {:?}", a.feature);
        }
        assert!(a.until.is_none_or(|u| u > a.since), "{:?}", a.feature);
        assert!(a.since <= GitlabVersion::NEWEST, "{:?}", a.feature);
    }
}

#[test]
fn a_feature_exists_from_its_release_until_its_removal() {
    assert!(!profile("16.4").has(Feature::EnvironmentAction));
    assert!(profile("16.5").has(Feature::EnvironmentAction));
    assert!(profile("16.11").has(Feature::CiJobJwt));
    assert!(!profile("17.0").has(Feature::CiJobJwt));
    assert!(profile("16.11").has(Feature::LegacyJwksPath));
    assert!(!profile("17.0").has(Feature::LegacyJwksPath));
    assert!(profile("15.7").has(Feature::IdTokens));
    assert!(!profile("17.9").has(Feature::SubComponents));
    assert!(profile("17.10").has(Feature::SubComponents));
    assert_eq!(
        introduced(Feature::IssuerOverride),
        GitlabVersion::new(18, 1)
    );
    assert_eq!(
        removed(Feature::CiJobJwtV2),
        Some(GitlabVersion::new(17, 0))
    );
    assert_eq!(removed(Feature::IdTokens), None);
}

#[test]
fn the_newest_profile_has_every_feature_that_was_not_removed() {
    let newest = Profile::new(GitlabVersion::NEWEST, None).unwrap();
    for c in CHANGES {
        assert_eq!(newest.has(c.feature), c.until.is_none(), "{:?}", c.feature);
    }
}

#[test]
fn releases_outside_the_modelled_range_are_refused_at_start() {
    for v in ["15.6", "12.10", "19.3", "20.0"] {
        let e = Profile::new(v.parse().unwrap(), None).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("gitlab version {v} is not modelled")),
            "{msg}"
        );
        assert!(msg.contains("15.7") && msg.contains("19.2"), "{msg}");
    }
}

#[test]
fn the_issuer_override_exists_only_from_18_1() {
    let e = Profile::new("18.0".parse().unwrap(), Some("https://oidc.example")).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("needs GitLab 18.1 or later"), "{msg}");
    assert!(msg.contains("GitLab 18.0"), "{msg}");
    let p = Profile::new("18.1".parse().unwrap(), Some("https://oidc.example/")).unwrap();
    let instance = Issuer::parse("https://gitlab.example/root").unwrap();
    assert_eq!(p.id_token_iss(&instance), "https://oidc.example");
    assert_eq!(p.instance_iss(&instance), "https://gitlab.example/root");
    let e = Profile::new("18.1".parse().unwrap(), Some("oidc.example")).unwrap_err();
    assert!(
        e.to_string()
            .contains("id tokens issuer url \"oidc.example\""),
        "{e}"
    );
}

#[test]
fn the_relative_root_joins_the_token_issuer_in_16_8() {
    let instance = Issuer::parse("https://gitlab.example:8443/gitlab").unwrap();
    assert_eq!(
        profile("16.7").id_token_iss(&instance),
        "https://gitlab.example:8443"
    );
    assert_eq!(
        profile("16.8").id_token_iss(&instance),
        "https://gitlab.example:8443/gitlab"
    );
}

#[test]
fn list_versions_has_one_line_per_release_that_changes_something() {
    let text = list_versions();
    let versions: Vec<&str> = text
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    for required in ["15.7", "16.5", "17.0", "18.1", "19.2"] {
        assert!(versions.contains(&required), "{required} missing:\n{text}");
    }
    assert_eq!(versions.first(), Some(&"15.7"));
    assert_eq!(versions.last(), Some(&"19.2"));
    let line = |v: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{v} ")))
            .unwrap()
    };
    assert!(line("17.0").contains("ci_job_jwt"), "{text}");
    assert!(line("17.0").contains("/-/jwks"), "{text}");
    assert!(line("15.7").contains("id_tokens"), "{text}");
    assert!(line("18.1").contains("--id-tokens-issuer-url"), "{text}");
    assert!(line("16.5").contains("environment_action"), "{text}");
}
