//! Unit tests of the claim sets: key order, JSON types, defaults and request parsing.

use serde_json::{Map, Value, json};

use super::job::guess_deployment_tier;
use super::sub::SubComponentsError;
use super::*;
use crate::issuer::Issuer;
use crate::profile::Profile;
use crate::version::GitlabVersion;

/// Claims as the newest profile builds them.
fn build(req: serde_json::Value) -> Result<Map<String, Value>, ClaimsError> {
    build_at(&GitlabVersion::NEWEST.to_string(), req)
}

/// Claims as GitLab `version` builds them.
pub(super) fn build_at(
    version: &str,
    req: serde_json::Value,
) -> Result<Map<String, Value>, ClaimsError> {
    build_on("https://gitlab.example.com", version, req)
}

pub(super) fn build_on(
    instance: &str,
    version: &str,
    req: serde_json::Value,
) -> Result<Map<String, Value>, ClaimsError> {
    let req: MintRequest = serde_json::from_value(req).unwrap();
    let iss = Issuer::parse(instance).unwrap();
    let profile = Profile::new(version.parse().unwrap(), None).unwrap();
    build_claims(
        &req,
        &MintContext {
            issuer: &iss,
            profile: &profile,
            now: 1_700_000_000,
            jti: "00000000-0000-4000-8000-000000000000".into(),
        },
    )
}

pub(super) fn keys(m: &Map<String, Value>) -> Vec<&str> {
    m.keys().map(String::as_str).collect()
}

#[test]
fn id_token_order_and_types() {
    let c = build(json!({"aud": "sts.amazonaws.com"})).unwrap();
    assert_eq!(
        keys(&c),
        [
            "project_id",
            "project_path",
            "namespace_id",
            "namespace_path",
            "user_id",
            "user_login",
            "user_email",
            "user_access_level",
            "job_project_id",
            "job_project_path",
            "job_namespace_id",
            "job_namespace_path",
            "pipeline_id",
            "pipeline_source",
            "job_id",
            "ref",
            "ref_type",
            "ref_path",
            "ref_protected",
            "job_source",
            "runner_id",
            "runner_environment",
            "sha",
            "project_visibility",
            "ci_config_ref_uri",
            "ci_config_sha",
            "jti",
            "iat",
            "nbf",
            "exp",
            "iss",
            "sub",
            "aud"
        ]
    );
    for (k, v) in &c {
        match k.as_str() {
            "runner_id" | "iat" | "nbf" | "exp" => assert!(v.is_i64(), "{k}"),
            _ => assert!(v.is_string(), "{k} = {v}"),
        }
    }
    assert_eq!(c["namespace_path"], "mygroup");
    assert_eq!(c["ref_protected"], "false");
    assert_eq!(
        c["sub"],
        "project_path:mygroup/myproject:ref_type:branch:ref:main"
    );
    assert_eq!(
        c["ci_config_ref_uri"],
        "gitlab.example.com/mygroup/myproject//.gitlab-ci.yml@refs/heads/main"
    );
    assert_eq!(c["iss"], "https://gitlab.example.com");
    assert_eq!(c["nbf"], 1_700_000_000 - 5);
    assert_eq!(c["exp"], 1_700_000_000 + 300);
}

#[test]
fn aud_rules() {
    assert_eq!(build(json!({})), Err(ClaimsError::MissingAud));
    let c = build(json!({"claims": {"aud": null}})).unwrap();
    assert!(!c.contains_key("aud"));
    let c = build(json!({"aud": ["a", "b"]})).unwrap();
    assert_eq!(c["aud"], json!(["a", "b"]));
    assert!(matches!(
        build_at("16.11", json!({"kind": "ci_job_jwt", "aud": "x"})),
        Err(ClaimsError::AudNotConfigurable(_))
    ));
    assert!(matches!(
        build_at("16.11", json!({"kind": "ci_job_jwt_v2", "aud": "x"})),
        Err(ClaimsError::AudNotConfigurable(_))
    ));
}

#[test]
fn environment_claims_sit_between_ref_protected_and_job_source() {
    let c = build(json!({
        "aud": "a",
        "environment": {"name": "production", "protected": true}
    }))
    .unwrap();
    let k = keys(&c);
    let at = |n: &str| k.iter().position(|x| *x == n).unwrap();
    assert_eq!(at("environment"), at("ref_protected") + 1);
    assert_eq!(at("environment_protected"), at("environment") + 1);
    assert_eq!(at("deployment_tier"), at("environment") + 2);
    assert_eq!(at("environment_action"), at("environment") + 3);
    assert_eq!(at("job_source"), at("environment") + 4);
    assert_eq!(c["environment_protected"], "true");
    assert_eq!(c["deployment_tier"], "production");
    assert_eq!(c["environment_action"], "start");
}

#[test]
fn tier_guess() {
    assert_eq!(guess_deployment_tier("review/feature-1"), "development");
    assert_eq!(guess_deployment_tier("qa"), "testing");
    assert_eq!(guess_deployment_tier("acceptance"), "testing");
    assert_eq!(guess_deployment_tier("staging"), "staging");
    assert_eq!(guess_deployment_tier("pre-prod"), "staging");
    assert_eq!(guess_deployment_tier("Production"), "production");
    assert_eq!(guess_deployment_tier("eu-west"), "other");
}

#[test]
fn sub_components() {
    let c = build(json!({
        "aud": "a", "ref": "v1.2.3", "ref_type": "tag", "project_id": "99",
        "sub_components": ["project_id", "ref_type", "ref", "deployment_tier"]
    }))
    .unwrap();
    // deployment_tier has no value without an environment, so it is skipped.
    assert_eq!(c["sub"], "project_id:99:ref_type:tag:ref:v1.2.3");
    assert_eq!(c["ref_path"], "refs/tags/v1.2.3");
    let e = build(json!({"aud": "a", "sub_components": ["user_email"]})).unwrap_err();
    assert!(matches!(
        &e,
        ClaimsError::SubComponents(SubComponentsError::Unknown { name, .. }) if name == "user_email"
    ));
    assert_eq!(
        e.to_string(),
        r#"sub_components entry "user_email" is not one of ["project_path", "project_id", "ref_type", "ref", "ref_protected", "environment_protected", "deployment_tier"]"#
    );
    let c = build(json!({"aud": "a", "sub_components": []})).unwrap();
    assert_eq!(c["sub"], "");
}

#[test]
fn namespace_derivation() {
    let c = build(json!({"aud": "a", "project_path": "g/sub/p"})).unwrap();
    assert_eq!(c["namespace_path"], "g/sub");
    assert_eq!(c["job_namespace_path"], "g/sub");
    assert_eq!(
        build(json!({"aud": "a", "project_path": "lonely"})),
        Err(ClaimsError::NoNamespace("lonely".into()))
    );
    let c = build(json!({"aud": "a", "job_project_path": "upstream/p"})).unwrap();
    assert_eq!(c["job_project_path"], "upstream/p");
    assert_eq!(c["job_namespace_path"], "upstream");
    assert_eq!(c["project_path"], "mygroup/myproject");
}

#[test]
fn legacy_v1_shape() {
    let c = build_at("16.11", json!({"kind": "ci_job_jwt", "job_id": "77"})).unwrap();
    let k = keys(&c);
    assert_eq!(&k[..2], ["namespace_id", "namespace_path"]);
    assert_eq!(
        &k[k.len() - 6..],
        ["jti", "iss", "iat", "nbf", "exp", "sub"]
    );
    assert_eq!(c["iss"], "gitlab.example.com");
    assert_eq!(c["sub"], "job_77");
    for absent in ["aud", "runner_id", "sha", "job_project_id", "job_source"] {
        assert!(!c.contains_key(absent), "{absent}");
    }
}

#[test]
fn legacy_v2_shape() {
    let c = build_at("16.11", json!({"kind": "ci_job_jwt_v2"})).unwrap();
    let k = keys(&c);
    assert_eq!(
        &k[k.len() - 7..],
        ["jti", "iss", "iat", "nbf", "exp", "sub", "aud"]
    );
    assert_eq!(c["iss"], "https://gitlab.example.com");
    assert_eq!(c["aud"], "https://gitlab.example.com");
    assert_eq!(
        c["sub"],
        "project_path:mygroup/myproject:ref_type:branch:ref:main"
    );
    assert!(c["runner_id"].is_i64());
}

#[test]
fn overrides_keep_order() {
    let c = build(json!({
        "aud": "a",
        "claims": {"iss": "https://elsewhere", "ref_protected": null, "extra": [1]}
    }))
    .unwrap();
    let k = keys(&c);
    assert_eq!(c["iss"], "https://elsewhere");
    assert_eq!(k[k.len() - 4], "iss");
    assert!(!c.contains_key("ref_protected"));
    assert_eq!(k.last(), Some(&"extra"));
    // Removal must not swap the last key into the hole.
    assert_eq!(
        k[k.iter().position(|x| *x == "ref_path").unwrap() + 1],
        "job_source"
    );
}

#[test]
fn overflow_is_an_error() {
    assert_eq!(
        build(json!({"aud": "a", "expires_in": i64::MAX})),
        Err(ClaimsError::Overflow(i64::MAX))
    );
}

#[test]
fn request_rejects_unknown_and_mistyped() {
    assert!(serde_json::from_value::<MintRequest>(json!({"bogus": 1})).is_err());
    assert!(serde_json::from_value::<MintRequest>(json!({"ref_protected": "no"})).is_err());
    assert!(serde_json::from_value::<MintRequest>(json!({"ref_type": "commit"})).is_err());
    assert!(serde_json::from_value::<MintRequest>(json!({"kind": "v3"})).is_err());
    assert!(
        serde_json::from_value::<MintRequest>(json!({"environment": {"name": "x", "y": 1}}))
            .is_err()
    );
    let r: MintRequest = serde_json::from_value(json!({"environment": null, "aud": null})).unwrap();
    assert_eq!(r, MintRequest::default());
}

#[test]
fn mint_request_round_trips_through_json() {
    let req = MintRequest {
        kind: TokenKind::CiJobJwtV2,
        aud: Some(Audience::Many(vec!["a".into(), "b".into()])),
        project_path: Some("g/p".into()),
        git_ref: Some("v1".into()),
        ref_type: Some(RefType::Tag),
        ref_protected: Some(true),
        user_identities: Some(vec![UserIdentity {
            provider: "github".into(),
            extern_uid: "7".into(),
        }]),
        runner_id: Some(9),
        environment: Some(EnvironmentSpec {
            name: "production".into(),
            tier: None,
            action: Some("stop".into()),
            protected: true,
        }),
        sub_components: Some(vec!["project_id".into()]),
        claims: Some(
            json!({"extra": 1, "ref_protected": null})
                .as_object()
                .unwrap()
                .clone(),
        ),
        ..MintRequest::default()
    };
    let text = serde_json::to_string(&req).unwrap();
    let back: MintRequest = serde_json::from_str(&text).unwrap();
    assert_eq!(back, req);
    let default: MintRequest =
        serde_json::from_str(&serde_json::to_string(&MintRequest::default()).unwrap()).unwrap();
    assert_eq!(default, MintRequest::default());
}

#[test]
fn a_serialised_request_is_the_json_a_person_would_write() {
    let req = MintRequest {
        aud: Some(Audience::One("sts.amazonaws.com".into())),
        git_ref: Some("v1.4.0".into()),
        ref_type: Some(RefType::Tag),
        environment: Some(EnvironmentSpec {
            name: "production".into(),
            tier: None,
            action: None,
            protected: false,
        }),
        ..MintRequest::default()
    };
    let hand_written = json!({
        "kind": "id_token",
        "aud": "sts.amazonaws.com",
        "ref": "v1.4.0",
        "ref_type": "tag",
        "environment": {"name": "production", "protected": false}
    });
    assert_eq!(serde_json::to_value(&req).unwrap(), hand_written);
    assert_eq!(
        build(serde_json::to_value(&req).unwrap()).unwrap(),
        build(json!({
            "aud": "sts.amazonaws.com",
            "ref": "v1.4.0",
            "ref_type": "tag",
            "environment": {"name": "production"}
        }))
        .unwrap()
    );
}
