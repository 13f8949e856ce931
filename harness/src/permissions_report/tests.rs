use mock_sts::policy::{self, Decision, PolicyKind, Principal, RequestContext};
use mock_sts::{PolicyText, Seed, SeedPolicy, SeedRole};

use super::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/deploy";
const SESSION: &str = "arn:aws:sts::123456789012:assumed-role/deploy/job";

fn s3(seq: u64, action: &str, resource: &str, decision: &str) -> Request {
    Request {
        seq,
        service: Some("s3".to_owned()),
        role_arn: Some(ROLE.to_owned()),
        principal_arn: Some(SESSION.to_owned()),
        iam_action: Some(action.to_owned()),
        resource: Some(resource.to_owned()),
        decision: Some(decision.to_owned()),
        ..Request::default()
    }
}

fn state(policies: &[(&str, &str)], attached: &[&str]) -> Seed {
    Seed {
        roles: vec![SeedRole {
            name: "deploy".to_owned(),
            path: Some("/".to_owned()),
            trust_policy: PolicyText::Text("{}".to_owned()),
            max_session_duration: None,
            description: None,
            tags: Vec::new(),
            policies: policies
                .iter()
                .map(|(name, text)| SeedPolicy {
                    name: (*name).to_owned(),
                    document: PolicyText::Text((*text).to_owned()),
                })
                .collect(),
            attached_policies: attached.iter().map(|a| (*a).to_owned()).collect(),
        }],
        ..Seed::default()
    }
}

const S3_STAR: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":"*"}]}"#;

fn job_run() -> SavedRun {
    SavedRun {
        requests: vec![
            Request {
                seq: 1,
                action: Some("AssumeRoleWithWebIdentity".to_owned()),
                role_arn: Some(ROLE.to_owned()),
                ..Request::default()
            },
            s3(2, "s3:CreateBucket", "arn:aws:s3:::b", "allow"),
            s3(3, "s3:PutObject", "arn:aws:s3:::b/test.txt", "allow"),
            s3(4, "s3:PutObject", "arn:aws:s3:::b/test.txt", "allow"),
        ],
        state: state(&[("rw", S3_STAR)], &[]),
    }
}

fn allows(document: &policy::PolicyDocument, action: &str, resource: &str) -> Decision {
    let context = RequestContext::new(Principal::Aws(SESSION.to_owned()), action)
        .with_resource(resource)
        .with_key("aws:PrincipalArn", [ROLE]);
    policy::evaluate(document, &context).decision
}

#[test]
fn the_proposal_allows_every_used_call_and_nothing_else() {
    let run = job_run();
    let report = report(&run);
    let [role] = report.roles.as_slice() else {
        panic!("one role: {report:?}");
    };
    let proposed = role.proposed_policy.as_ref().unwrap().to_string();
    let document = policy::parse(&proposed, PolicyKind::Identity).unwrap();
    for entry in &run.requests[1..] {
        let decision = allows(
            &document,
            entry.iam_action.as_deref().unwrap(),
            entry.resource.as_deref().unwrap(),
        );
        assert!(decision.is_allow(), "{entry:?}: {decision:?}");
    }
    for (action, resource) in [
        ("s3:GetObject", "arn:aws:s3:::b/test.txt"),
        ("s3:PutObject", "arn:aws:s3:::b/other.txt"),
        ("s3:CreateBucket", "arn:aws:s3:::other"),
        ("s3:DeleteBucket", "arn:aws:s3:::b"),
    ] {
        assert_eq!(
            allows(&document, action, resource),
            Decision::ImplicitDeny,
            "{action} {resource}"
        );
    }
}

#[test]
fn used_calls_are_counted_by_action_and_resource() {
    let report = report(&job_run());
    let used: Vec<(&str, &str, usize)> = report.roles[0]
        .used
        .iter()
        .map(|u| (u.action.as_str(), u.resource.as_str(), u.count))
        .collect();
    assert_eq!(
        used,
        [
            ("s3:CreateBucket", "arn:aws:s3:::b", 1),
            ("s3:PutObject", "arn:aws:s3:::b/test.txt", 2),
        ]
    );
}

#[test]
fn a_wildcard_grant_names_the_actions_used_under_it() {
    let report = report(&job_run());
    let [grant] = report.roles[0].grants.as_slice() else {
        panic!("{report:?}");
    };
    assert_eq!(grant.policy, "inline policy rw");
    assert_eq!(grant.used_actions, ["s3:CreateBucket", "s3:PutObject"]);
    assert!(
        text(&report).contains("s3:* granted; used: s3:CreateBucket, s3:PutObject"),
        "{}",
        text(&report)
    );
}

#[test]
fn a_statement_no_call_matched_is_reported_never_used() {
    let read = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
        {"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::b/*"}]}"#;
    let mut run = job_run();
    run.state = state(&[("rw", S3_STAR), ("narrow", read)], &[]);
    let report = report(&run);
    let grants = &report.roles[0].grants;
    assert_eq!(grants.len(), 3);
    assert!(grants[1].never_used(), "{:?}", grants[1]);
    assert_eq!(grants[2].used_actions, ["s3:PutObject"]);
    assert_eq!(grants[2].unused_actions, ["s3:DeleteObject"]);
}

#[test]
fn an_attached_aws_managed_policy_is_judged_from_its_built_in_document() {
    let mut run = job_run();
    run.state = state(&[], &["arn:aws:iam::aws:policy/AmazonS3FullAccess"]);
    let report = report(&run);
    let role = &report.roles[0];
    assert!(role.notes.is_empty(), "{:?}", role.notes);
    assert!(
        role.grants
            .iter()
            .any(|g| g.used_actions.contains(&"s3:PutObject".to_owned()))
    );
}

#[test]
fn denied_calls_are_listed_but_not_proposed() {
    let mut run = job_run();
    run.requests
        .push(s3(5, "s3:DeleteObject", "arn:aws:s3:::b/test.txt", "deny"));
    let report = report(&run);
    let role = &report.roles[0];
    assert_eq!(role.denied.len(), 1);
    let proposed = role.proposed_policy.as_ref().unwrap().to_string();
    assert!(!proposed.contains("DeleteObject"), "{proposed}");
}

#[test]
fn many_keys_of_one_bucket_become_one_prefix_pattern() {
    let used: Vec<Use> = (0..=MAX_EXACT_KEYS)
        .map(|n| Use {
            action: "s3:PutObject".to_owned(),
            resource: format!("arn:aws:s3:::b/site/page-{n}.html"),
            count: 1,
        })
        .collect();
    let proposed = narrowest_policy(&used).unwrap();
    assert_eq!(
        proposed["Statement"][0]["Resource"],
        serde_json::json!(["arn:aws:s3:::b/site/page-*"])
    );
    let few = narrowest_policy(&used[..MAX_EXACT_KEYS]).unwrap();
    assert_eq!(
        few["Statement"][0]["Resource"].as_array().unwrap().len(),
        MAX_EXACT_KEYS
    );
}

#[test]
fn calls_of_the_account_root_belong_to_no_role() {
    let mut root = s3(1, "s3:CreateBucket", "arn:aws:s3:::b", "allow");
    root.role_arn = None;
    root.principal_arn = Some("arn:aws:iam::123456789012:root".to_owned());
    let run = SavedRun {
        requests: vec![root],
        state: Seed::default(),
    };
    assert!(report(&run).roles.is_empty());
}

#[test]
fn a_saved_run_reads_back_what_it_wrote() {
    let run = job_run();
    assert_eq!(SavedRun::from_json(&run.to_json()).unwrap(), run);
    assert!(SavedRun::from_json("[]").is_err());
}

#[test]
fn a_key_with_wildcard_characters_is_proposed_as_itself_and_matches_only_itself() {
    let used = [Use {
        action: "s3:PutObject".to_owned(),
        resource: "arn:aws:s3:::b/report-*?$.txt".to_owned(),
        count: 1,
    }];
    let proposed = narrowest_policy(&used).unwrap();
    assert_eq!(
        proposed["Statement"][0]["Resource"],
        serde_json::json!(["arn:aws:s3:::b/report-${*}${?}${$}.txt"])
    );
    let document = policy::parse(&proposed.to_string(), PolicyKind::Identity).unwrap();
    let put = |key: &str| allows(&document, "s3:PutObject", &format!("arn:aws:s3:::b/{key}"));
    assert!(put("report-*?$.txt").is_allow());
    assert_eq!(put("report-all!$.txt"), Decision::ImplicitDeny);
}
