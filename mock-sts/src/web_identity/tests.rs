//! The check pipeline without a network: tokens that fail before any key fetch, against an account
//! set up through the IAM rules.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rustls::RootCertStore;

use crate::clock::FixedClock;
use crate::config::Config;
use crate::errors::AwsError;
use crate::iam;
use crate::oidc::KeyFetcher;
use crate::outcome::Outcome;
use crate::query::Params;
use crate::state::Sts;
use crate::unknowns::{self, Check};
use crate::web_identity::pipeline;
use crate::web_identity::request::{self, RoleArn};

const NOW: i64 = 1_700_000_000;
const ISSUER: &str = "https://gitlab.example.com";
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/gitlab-ci";

/// An account with a provider for `ISSUER` (client ID `sts.amazonaws.com`) and role `gitlab-ci`.
fn account() -> Sts {
    let mut config = Config::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    config.clock = Arc::new(FixedClock(NOW));
    let sts = Sts::new(config, KeyFetcher::new(RootCertStore::empty(), 1));
    let now = sts.config.clock.now();
    let provider = Params::parse(
        &serde_urlencoded::to_string([
            ("Url", ISSUER),
            ("ClientIDList.member.1", "sts.amazonaws.com"),
        ])
        .unwrap(),
    );
    let provider =
        iam::validate_open_id_connect_provider(&sts.iam(), "123456789012", &provider).unwrap();
    iam::insert_open_id_connect_provider(&mut sts.iam_mut(), provider, now).unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
    let role = Params::parse(
        &serde_urlencoded::to_string([
            ("RoleName", "gitlab-ci"),
            ("AssumeRolePolicyDocument", policy),
        ])
        .unwrap(),
    );
    iam::create_role(&mut sts.iam_mut(), "123456789012", &role, now).unwrap();
    sts
}

/// An unsigned token with the given claims; it fails before its signature is ever looked at.
fn token(claims: &serde_json::Value) -> String {
    let part = |json: &serde_json::Value| URL_SAFE_NO_PAD.encode(json.to_string());
    format!(
        "{}.{}.c2ln",
        part(&serde_json::json!({"alg": "RS256", "kid": "k"})),
        part(claims)
    )
}

fn params(role_arn: &str, token: &str) -> Params {
    Params::parse(
        &serde_urlencoded::to_string([
            ("RoleArn", role_arn),
            ("RoleSessionName", "GitLabRunner-1-2"),
            ("WebIdentityToken", token),
        ])
        .unwrap(),
    )
}

async fn assume(sts: &Sts, params: &Params, order: &[Check]) -> Outcome {
    pipeline::run(sts, params, "request-id", order).await
}

/// The default order with two checks swapped.
fn swapped(a: Check, b: Check) -> Vec<Check> {
    let mut order = unknowns::WEB_IDENTITY_CHECK_ORDER.to_vec();
    let (i, j) = (
        order.iter().position(|c| *c == a).unwrap(),
        order.iter().position(|c| *c == b).unwrap(),
    );
    order.swap(i, j);
    order
}

#[tokio::test]
async fn a_different_order_gives_a_different_error_for_a_token_with_two_faults() {
    let sts = account();
    let wrong_audience_and_expired = token(&serde_json::json!({
        "aud": "https://gitlab.example.com", "sub": "project_path:g/p:ref_type:branch:ref:main",
        "iss": ISSUER, "exp": NOW - 3600
    }));
    let params = params(ROLE_ARN, &wrong_audience_and_expired);

    let default = assume(&sts, &params, unknowns::WEB_IDENTITY_CHECK_ORDER).await;
    assert_eq!(default.result, Err(AwsError::IncorrectAudience));

    let expiry_first = assume(&sts, &params, &swapped(Check::Audience, Check::Expiry)).await;
    assert_eq!(
        expiry_first.result,
        Err(AwsError::TokenExpired {
            now: NOW,
            exp: NOW - 3600
        })
    );
}

#[tokio::test]
async fn a_check_listed_early_pulls_its_dependencies_forward() {
    let sts = account();
    let params = params("arn:aws:iam::123456789012:role/no-such-role", "not-a-jwt");

    let default = assume(&sts, &params, unknowns::WEB_IDENTITY_CHECK_ORDER).await;
    assert_eq!(default.result, Err(AwsError::WebIdentityAccessDenied));

    // The audience needs the provider, the provider the claims, the claims the decoded token: the
    // token's own error answers, before the role is looked up.
    let audience_first = assume(&sts, &params, &[Check::Parameters, Check::Audience]).await;
    assert_eq!(audience_first.result, Err(AwsError::NotAJwt));
}

#[tokio::test]
async fn a_check_left_out_of_the_order_still_runs() {
    let sts = account();
    let wrong_audience = token(&serde_json::json!({
        "aud": "someone-else", "sub": "s", "iss": ISSUER, "exp": NOW + 60
    }));
    let outcome = assume(
        &sts,
        &params(ROLE_ARN, &wrong_audience),
        &[Check::Parameters],
    )
    .await;
    assert_eq!(outcome.result, Err(AwsError::IncorrectAudience));
}

#[test]
fn the_default_order_lists_every_check_once() {
    let order = unknowns::WEB_IDENTITY_CHECK_ORDER;
    assert_eq!(order.len(), Check::ALL.len());
    for check in Check::ALL {
        assert_eq!(
            order.iter().filter(|c| **c == check).count(),
            1,
            "{check:?}"
        );
    }
}

#[tokio::test]
async fn a_role_arn_with_another_path_or_letter_case_is_refused_like_a_missing_role() {
    let sts = account();
    let good = token(&serde_json::json!({
        "aud": "sts.amazonaws.com", "sub": "s", "iss": ISSUER, "exp": NOW + 60
    }));
    for (arn, says) in [
        (
            "arn:aws:iam::123456789012:role/wrong/path/gitlab-ci",
            "the path /wrong/path/ is not the role's path /",
        ),
        (
            "arn:aws:iam::123456789012:role/GITLAB-CI",
            "the name GITLAB-CI differs from the role's name gitlab-ci in letter case",
        ),
        (
            "arn:aws-cn:iam::123456789012:role/gitlab-ci",
            "the partition aws-cn is not the role's partition aws",
        ),
    ] {
        let outcome = assume(
            &sts,
            &params(arn, &good),
            unknowns::WEB_IDENTITY_CHECK_ORDER,
        )
        .await;
        assert_eq!(
            outcome.result,
            Err(AwsError::WebIdentityAccessDenied),
            "{arn}"
        );
        let detail = outcome.facts.detail.unwrap_or_default();
        assert!(detail.contains(says), "{arn}: {detail}");
    }
}

#[test]
fn role_arns_parse_with_paths() {
    assert_eq!(
        RoleArn::parse("arn:aws:iam::123456789012:role/a/b/MyRole"),
        Ok(RoleArn {
            partition: "aws",
            account: "123456789012",
            path: "/a/b/",
            name: "MyRole"
        })
    );
    assert_eq!(
        RoleArn::parse("arn:aws:iam::123456789012:role/MyRole").map(|arn| arn.path),
        Ok("/")
    );
    for bad in [
        "xxxxxxxxxxxxxxxxxxxx",
        "arn:aws:iam::12345678901:role/x",
        "arn:aws:iam::123456789012:user/x",
        "arn:aws:iam::123456789012:roles/x",
        "arn:aws:iam::123456789012:role/",
    ] {
        assert!(RoleArn::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn whitespace_around_the_token_is_dropped_after_validation_and_inside_it_is_kept() {
    let validated = |token: &str| {
        let params = params(ROLE_ARN, token);
        request::validate(&params).map(|v| v.token.to_owned())
    };
    assert_eq!(
        validated("a.b.c\n").as_deref(),
        Ok(if unknowns::TRIM_TOKEN_WHITESPACE {
            "a.b.c"
        } else {
            "a.b.c\n"
        })
    );
    assert!(validated(" a.b .c ").is_ok_and(|token| token.contains("b .c")));
    // The length constraint sees the raw value, spaces included.
    assert!(matches!(validated("   "), Err(AwsError::Validation(_))));
    assert!(validated("  a  ").is_ok());
}
