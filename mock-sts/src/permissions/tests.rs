//! The decision table of `authorize`: identity policies (inline and managed), session policies
//! (inline and by ARN), explicit denies anywhere, and the request context's keys.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use rustls::RootCertStore;
use time::{Duration, OffsetDateTime};

use super::{AccessRequest, Authorization, PolicyType, authorize};
use crate::clock::FixedClock;
use crate::config::Config;
use crate::iam;
use crate::oidc::KeyFetcher;
use crate::policy::{self, PolicyKind};
use crate::query::Params;
use crate::sessions::{Grant, Session, SessionPolicies};
use crate::state::Sts;

const NOW: i64 = 1_700_000_000;
const ACCOUNT: &str = "123456789012";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;

fn params(pairs: &[(&str, &str)]) -> Params {
    Params::parse(&serde_urlencoded::to_string(pairs).unwrap())
}

/// An account with role `ci` (tagged team=blue).
fn account() -> Sts {
    let mut config = Config::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    config.clock = Arc::new(FixedClock(NOW));
    let sts = Sts::new(config, KeyFetcher::new(RootCertStore::empty(), 1));
    let now = sts.config.clock.now();
    let role = params(&[
        ("RoleName", "ci"),
        ("AssumeRolePolicyDocument", TRUST),
        ("Tags.member.1.Key", "team"),
        ("Tags.member.1.Value", "blue"),
    ]);
    iam::create_role(&mut sts.iam_mut(), ACCOUNT, &role, now).unwrap();
    sts
}

fn statement(effect: &str, action: &str, resource: &str, condition: &str) -> String {
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(r#","Condition":{condition}"#)
    };
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Action":"{action}","Resource":"{resource}"{condition}}}]}}"#
    )
}

fn put_inline(sts: &Sts, name: &str, document: &str) {
    let p = params(&[
        ("RoleName", "ci"),
        ("PolicyName", name),
        ("PolicyDocument", document),
    ]);
    iam::put_role_policy(&mut sts.iam_mut(), &p).unwrap();
}

fn attach(sts: &Sts, arn: &str) {
    let p = params(&[("RoleName", "ci"), ("PolicyArn", arn)]);
    iam::attach_role_policy(&mut sts.iam_mut(), &p).unwrap();
}

fn session(sts: &Sts, policies: SessionPolicies, tags: &[(&str, &str)]) -> Session {
    let role = sts.iam().role("ci").unwrap();
    sts.sessions
        .issue(
            Grant {
                account: ACCOUNT,
                role_name: &role.name,
                role_arn: &role.arn,
                role_id: &role.role_id,
                role_session_name: "GitLabRunner-1-2",
                provider_arn: "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com",
                expiration: OffsetDateTime::from_unix_timestamp(NOW).unwrap() + Duration::hours(1),
                policies,
                tags: tags
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                source_identity: None,
            },
            sts.config.clock.now(),
        )
        .unwrap()
}

fn plain(sts: &Sts) -> Session {
    session(sts, SessionPolicies::default(), &[])
}

fn inline_session_policy(document: &str) -> SessionPolicies {
    SessionPolicies {
        inline: Some(Arc::new(
            policy::parse(document, PolicyKind::Identity).unwrap(),
        )),
        arns: Vec::new(),
    }
}

fn ask(sts: &Sts, session: &Session, action: &str, resource: &str) -> Authorization {
    authorize(
        sts,
        session,
        &AccessRequest {
            action,
            resource,
            context_keys: Vec::new(),
        },
    )
}

const OBJECT: &str = "arn:aws:s3:::bucket/key";

#[test]
fn a_role_without_permission_policies_is_implicitly_denied() {
    let sts = account();
    let decision = ask(&sts, &plain(&sts), "s3:GetObject", OBJECT);
    assert!(!decision.allowed);
    assert!(
        decision
            .explanation
            .contains("no identity-based policy of role ci allows s3:GetObject"),
        "{}",
        decision.explanation
    );
}

#[test]
fn an_inline_policy_allows_and_the_explanation_names_it() {
    let sts = account();
    put_inline(&sts, "rw", &statement("Allow", "s3:*", "*", ""));
    let decision = ask(&sts, &plain(&sts), "s3:PutObject", OBJECT);
    assert_eq!(
        decision,
        Authorization {
            allowed: true,
            explicit_deny: false,
            denied_by: PolicyType::IdentityBased,
            explanation: "allowed by inline policy rw statement 0".to_owned()
        }
    );
}

#[test]
fn an_attached_aws_managed_policy_allows_what_it_lists_only() {
    let sts = account();
    attach(&sts, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    let session = plain(&sts);
    assert!(ask(&sts, &session, "s3:GetObject", OBJECT).allowed);
    let put = ask(&sts, &session, "s3:PutObject", OBJECT);
    assert!(!put.allowed, "{}", put.explanation);
}

#[test]
fn an_explicit_deny_in_any_identity_policy_wins_over_an_allow() {
    let sts = account();
    attach(&sts, "arn:aws:iam::aws:policy/AdministratorAccess");
    put_inline(
        &sts,
        "no-delete",
        &statement("Deny", "s3:DeleteObject", "arn:aws:s3:::bucket/*", ""),
    );
    let session = plain(&sts);
    let delete = ask(&sts, &session, "s3:DeleteObject", OBJECT);
    assert!(!delete.allowed);
    assert_eq!(
        delete.explanation,
        "explicitly denied by inline policy no-delete statement 0"
    );
    assert!(ask(&sts, &session, "s3:GetObject", OBJECT).allowed);
}

#[test]
fn a_session_policy_narrows_the_role_to_the_intersection() {
    let sts = account();
    put_inline(&sts, "rw", &statement("Allow", "s3:*", "*", ""));
    let session = session(
        &sts,
        inline_session_policy(&statement("Allow", "s3:GetObject", "*", "")),
        &[],
    );
    let get = ask(&sts, &session, "s3:GetObject", OBJECT);
    assert_eq!(
        get.explanation,
        "allowed by inline policy rw statement 0 and the session policy statement 0"
    );
    let put = ask(&sts, &session, "s3:PutObject", OBJECT);
    assert!(!put.allowed);
    assert!(
        put.explanation.contains("but no session policy does"),
        "{}",
        put.explanation
    );
}

#[test]
fn a_session_policy_alone_grants_nothing_the_role_lacks() {
    let sts = account();
    put_inline(&sts, "read", &statement("Allow", "s3:GetObject", "*", ""));
    let session = session(
        &sts,
        inline_session_policy(&statement("Allow", "s3:*", "*", "")),
        &[],
    );
    assert!(!ask(&sts, &session, "s3:PutObject", OBJECT).allowed);
}

#[test]
fn an_explicit_deny_in_a_session_policy_wins() {
    let sts = account();
    put_inline(&sts, "rw", &statement("Allow", "s3:*", "*", ""));
    let session = session(
        &sts,
        inline_session_policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"NoPut","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#,
        ),
        &[],
    );
    let put = ask(&sts, &session, "s3:PutObject", OBJECT);
    assert_eq!(
        put.explanation,
        "explicitly denied by the session policy statement 1 (NoPut)"
    );
    assert_eq!(
        (put.explicit_deny, put.denied_by),
        (true, PolicyType::Session)
    );
}

#[test]
fn session_policy_arns_are_read_by_arn_and_intersect_too() {
    let sts = account();
    attach(&sts, "arn:aws:iam::aws:policy/AmazonS3FullAccess");
    let policies = SessionPolicies {
        inline: None,
        arns: vec!["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess".to_owned()],
    };
    let session = session(&sts, policies, &[]);
    assert!(ask(&sts, &session, "s3:ListBucket", "arn:aws:s3:::bucket").allowed);
    let put = ask(&sts, &session, "s3:PutObject", OBJECT);
    assert_eq!((put.allowed, put.denied_by), (false, PolicyType::Session));
}

#[test]
fn a_session_policy_arn_that_names_nothing_allows_nothing() {
    let sts = account();
    attach(&sts, "arn:aws:iam::aws:policy/AmazonS3FullAccess");
    let policies = SessionPolicies {
        inline: None,
        arns: vec!["arn:aws:iam::123456789012:policy/gone".to_owned()],
    };
    let session = session(&sts, policies, &[]);
    assert!(!ask(&sts, &session, "s3:GetObject", OBJECT).allowed);
}

#[test]
fn the_role_is_read_as_it_is_now_so_a_detached_policy_stops_applying() {
    let sts = account();
    attach(&sts, "arn:aws:iam::aws:policy/AmazonS3FullAccess");
    let session = plain(&sts);
    assert!(ask(&sts, &session, "s3:GetObject", OBJECT).allowed);
    let p = params(&[
        ("RoleName", "ci"),
        ("PolicyArn", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
    ]);
    iam::detach_role_policy(&mut sts.iam_mut(), &p).unwrap();
    assert!(!ask(&sts, &session, "s3:GetObject", OBJECT).allowed);
}

#[test]
fn a_session_of_a_deleted_role_is_denied() {
    let sts = account();
    let session = plain(&sts);
    iam::delete_role(&mut sts.iam_mut(), &params(&[("RoleName", "ci")])).unwrap();
    let decision = ask(&sts, &session, "s3:GetObject", OBJECT);
    assert_eq!(
        decision.explanation,
        "implicitly denied: role ci no longer exists"
    );
}

#[test]
fn principal_tags_come_from_the_role_and_session_tags_override_them() {
    let sts = account();
    put_inline(
        &sts,
        "by-team",
        &statement(
            "Allow",
            "s3:GetObject",
            "arn:aws:s3:::${aws:PrincipalTag/team}/*",
            "",
        ),
    );
    let own = plain(&sts);
    assert!(ask(&sts, &own, "s3:GetObject", "arn:aws:s3:::blue/k").allowed);
    let tagged = session(&sts, SessionPolicies::default(), &[("team", "red")]);
    assert!(ask(&sts, &tagged, "s3:GetObject", "arn:aws:s3:::red/k").allowed);
    assert!(!ask(&sts, &tagged, "s3:GetObject", "arn:aws:s3:::blue/k").allowed);
}

#[test]
fn global_keys_describe_the_role_session() {
    let sts = account();
    let role = sts.iam().role("ci").unwrap();
    put_inline(
        &sts,
        "who",
        &statement(
            "Allow",
            "s3:GetObject",
            "*",
            &format!(
                r#"{{"StringEquals":{{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/ci","aws:userid":"{}:GitLabRunner-1-2","aws:PrincipalType":"AssumedRole","aws:SecureTransport":"false"}},"Null":{{"aws:username":"true"}},"NumericEquals":{{"aws:EpochTime":"{NOW}"}}}}"#,
                role.role_id
            ),
        ),
    );
    let decision = ask(&sts, &plain(&sts), "s3:GetObject", OBJECT);
    assert!(decision.allowed, "{}", decision.explanation);
}

#[test]
fn the_services_own_keys_are_evaluated_and_override_global_ones() {
    let sts = account();
    put_inline(
        &sts,
        "prefix",
        &statement(
            "Allow",
            "s3:ListBucket",
            "arn:aws:s3:::bucket",
            r#"{"StringLike":{"s3:prefix":"home/*"},"Bool":{"aws:SecureTransport":"true"}}"#,
        ),
    );
    let session = plain(&sts);
    let ask_with = |prefix: &str| {
        authorize(
            &sts,
            &session,
            &AccessRequest {
                action: "s3:ListBucket",
                resource: "arn:aws:s3:::bucket",
                context_keys: vec![
                    ("s3:prefix".to_owned(), vec![prefix.to_owned()]),
                    ("aws:SecureTransport".to_owned(), vec!["true".to_owned()]),
                ],
            },
        )
    };
    assert!(ask_with("home/alice").allowed);
    assert!(!ask_with("etc").allowed);
}
