//! Unit tests of what the version profile changes in the claim sets.

use serde_json::json;

use super::ClaimsError;
use super::tests::{build_at, build_on, keys};

const REGISTERED_OLD: [&str; 7] = ["jti", "iss", "iat", "nbf", "exp", "sub", "aud"];
const REGISTERED_NEW: [&str; 7] = ["jti", "iat", "nbf", "exp", "iss", "sub", "aud"];
const NAMESPACE_FIRST: [&str; 4] = [
    "namespace_id",
    "namespace_path",
    "project_id",
    "project_path",
];
const CI: [&str; 7] = [
    "pipeline_id",
    "pipeline_source",
    "job_id",
    "ref",
    "ref_type",
    "ref_path",
    "ref_protected",
];
const USER: [&str; 3] = ["user_id", "user_login", "user_email"];

fn id_token_keys(version: &str) -> Vec<String> {
    let c = build_at(version, json!({"aud": "a"})).unwrap();
    keys(&c).into_iter().map(str::to_owned).collect()
}

fn concat(parts: &[&[&str]]) -> Vec<String> {
    parts
        .iter()
        .flat_map(|p| p.iter().map(|s| (*s).to_owned()))
        .collect()
}

#[test]
fn an_id_token_of_15_7_has_only_the_claims_of_15_7_in_the_old_order() {
    assert_eq!(
        id_token_keys("15.7"),
        concat(&[&NAMESPACE_FIRST, &USER, &CI, &REGISTERED_OLD])
    );
}

#[test]
fn an_id_token_of_16_5_adds_the_runner_sha_config_and_visibility_claims() {
    let v2 = [
        "runner_id",
        "runner_environment",
        "sha",
        "project_visibility",
        "ci_config_ref_uri",
        "ci_config_sha",
    ];
    assert_eq!(
        id_token_keys("16.5"),
        concat(&[&NAMESPACE_FIRST, &USER, &CI, &v2, &REGISTERED_OLD])
    );
    let at_16_2 = id_token_keys("16.2");
    assert!(at_16_2.contains(&"ci_config_sha".to_owned()));
    assert!(!at_16_2.contains(&"project_visibility".to_owned()));
}

#[test]
fn an_id_token_of_17_0_has_user_access_level_and_the_new_registered_order() {
    let k = id_token_keys("17.0");
    assert_eq!(
        &k[4..8],
        ["user_id", "user_login", "user_email", "user_access_level"]
    );
    assert_eq!(k[k.len() - 7..], REGISTERED_NEW.map(str::to_owned));
    assert_eq!(&k[..4], NAMESPACE_FIRST.map(str::to_owned));
    assert!(!id_token_keys("16.8").contains(&"user_access_level".to_owned()));
}

#[test]
fn an_id_token_of_18_4_lists_the_project_first_and_adds_the_job_project() {
    let k = id_token_keys("18.4");
    assert_eq!(&k[..2], ["project_id", "project_path"]);
    assert!(k.contains(&"job_namespace_path".to_owned()));
    assert!(!k.contains(&"job_source".to_owned()));
    assert!(!id_token_keys("18.3").contains(&"job_project_id".to_owned()));
    assert!(id_token_keys("18.9").contains(&"job_source".to_owned()));
}

#[test]
fn environment_action_and_groups_direct_appear_from_their_releases() {
    let req = json!({"aud": "a", "environment": {"name": "prod"}, "groups_direct": ["g"]});
    let at = |v: &str| build_at(v, req.clone()).unwrap();
    assert!(!at("16.4").contains_key("environment_action"));
    assert_eq!(at("16.5")["environment_action"], "start");
    assert_eq!(at("16.4")["deployment_tier"], "production");
    assert!(!at("16.10").contains_key("groups_direct"));
    assert_eq!(at("16.11")["groups_direct"], json!(["g"]));
}

#[test]
fn the_legacy_kinds_are_refused_from_17_0_with_what_replaced_them() {
    for kind in ["ci_job_jwt", "ci_job_jwt_v2"] {
        assert!(build_at("16.11", json!({"kind": kind})).is_ok(), "{kind}");
        let e = build_at("17.0", json!({"kind": kind})).unwrap_err();
        assert!(matches!(e, ClaimsError::LegacyKindRemoved { .. }), "{e:?}");
        let msg = e.to_string();
        for needle in [
            kind,
            "GitLab 17.0 removed",
            "CI_JOB_JWT,",
            "CI_JOB_JWT_V1",
            "CI_JOB_JWT_V2",
            "id_tokens",
        ] {
            assert!(msg.contains(needle), "{needle:?} missing from {msg}");
        }
    }
}

#[test]
fn sub_components_are_refused_before_17_10_and_grow_with_the_release() {
    let req = |c: &[&str]| json!({"aud": "a", "sub_components": c});
    let e = build_at("17.9", req(&["project_path"])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "sub_components (the project setting ci_id_token_sub_claim_components) exists from GitLab 17.10; this instance is GitLab 17.9"
    );
    // Also for CI_JOB_JWT_V2, whose sub had the same default format.
    let e = build_at(
        "16.11",
        json!({"kind": "ci_job_jwt_v2", "sub_components": []}),
    );
    assert!(
        e.unwrap_err()
            .to_string()
            .contains("exists from GitLab 17.10")
    );

    let c = build_at("17.10", req(&["project_path", "ref"])).unwrap();
    assert_eq!(c["sub"], "project_path:mygroup/myproject:ref:main");
    let e = build_at("17.10", req(&["project_path", "deployment_tier"])).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"sub_components entry "deployment_tier" exists from GitLab 18.7; on GitLab 17.10 the components are ["project_path", "ref_type", "ref"]"#
    );
    assert!(build_at("18.7", req(&["project_path", "deployment_tier"])).is_ok());
    let e = build_at("18.9", req(&["project_id"])).unwrap_err();
    assert!(e.to_string().contains("exists from GitLab 19.1"), "{e}");
    assert!(build_at("19.1", req(&["project_id"])).is_ok());
}

#[test]
fn below_16_8_the_token_issuer_drops_the_relative_root() {
    let on = |v: &str, kind: &str| {
        build_on(
            "https://gitlab.example/gl",
            v,
            json!({"kind": kind, "aud": "a"}),
        )
        .or_else(|_| build_on("https://gitlab.example/gl", v, json!({"kind": kind})))
        .unwrap()
    };
    assert_eq!(on("16.7", "id_token")["iss"], "https://gitlab.example");
    assert_eq!(on("16.8", "id_token")["iss"], "https://gitlab.example/gl");
    let v2 = on("16.7", "ci_job_jwt_v2");
    assert_eq!(
        (&v2["iss"], &v2["aud"]),
        (
            &json!("https://gitlab.example"),
            &json!("https://gitlab.example")
        )
    );
    let v2 = on("16.8", "ci_job_jwt_v2");
    assert_eq!(v2["iss"], "https://gitlab.example/gl");
    assert_eq!(v2["aud"], "https://gitlab.example");
    assert_eq!(on("16.8", "ci_job_jwt")["iss"], "gitlab.example");
    assert_eq!(on("19.2", "id_token")["iss"], "https://gitlab.example/gl");
}

#[test]
fn a_legacy_token_of_15_7_lacks_the_later_claims() {
    let c = build_at("15.7", json!({"kind": "ci_job_jwt_v2"})).unwrap();
    for absent in ["user_access_level", "runner_id", "sha", "ci_config_ref_uri"] {
        assert!(!c.contains_key(absent), "{absent}");
    }
    assert_eq!(
        c["sub"],
        "project_path:mygroup/myproject:ref_type:branch:ref:main"
    );
}
