//! Loading scenario text as a new user writes it: what parses, and where each error points.

use super::*;

fn scenario(text: &str) -> Result<Scenario, ScenarioError> {
    ScenarioSource {
        origin: "t.yaml".into(),
        text: text.into(),
    }
    .preview()
}

fn error(text: &str) -> String {
    scenario(text).unwrap_err().to_string()
}

const HEAD: &str = "name: n\ndescription: d\nsource: s\n";

#[test]
fn role_names_become_arns_with_their_path() {
    let scenario = scenario(&format!("{HEAD}aws:\n  roles:\n    - name: r\n      path: /ci/\n      trust_policy: '{{}}'\ntoken: {{}}\nrequest:\n  role: r\nexpect:\n  result: credentials\n")).unwrap();
    assert_eq!(
        scenario.role_arn("123456789012"),
        "arn:aws:iam::123456789012:role/ci/r"
    );
    assert_eq!(scenario.expect, Expected::Credentials);
}

#[test]
fn an_error_expectation_must_spell_out_its_message_or_null() {
    let with = |expect: &str| {
        scenario(&format!(
            "{HEAD}token: {{}}\nrequest: {{role: r}}\nexpect: {expect}\n"
        ))
    };
    let no_message = with("{result: error, code: MalformedInput, message: null}").unwrap();
    assert_eq!(
        no_message.expect,
        Expected::Error {
            code: "MalformedInput".into(),
            message: None,
            status: None
        }
    );
    let missing = with("{result: error, code: MalformedInput}").unwrap_err();
    assert!(
        missing.to_string().contains("missing field `message`"),
        "{missing}"
    );
}

#[test]
fn a_typo_in_the_token_section_is_a_load_error_naming_file_line_and_column() {
    let err = error(&format!(
        "{HEAD}token:\n  aud: a\n  project_pat: x\nrequest: {{role: r}}\nexpect: {{result: credentials}}\n"
    ));
    assert!(
        err.starts_with("t.yaml:6:3: token: unknown field `project_pat`"),
        "{err}"
    );
}

#[test]
fn a_yaml_syntax_error_names_file_and_line() {
    let err = error(&format!("{HEAD}token: {{aud: a\nrequest: x\n"));
    assert!(err.starts_with("t.yaml:"), "{err}");
    assert!(
        err.contains("line")
            || err
                .split(':')
                .nth(1)
                .is_some_and(|l| l.parse::<usize>().is_ok()),
        "{err}"
    );
}

#[test]
fn an_unknown_placeholder_names_its_line() {
    let err = error(&format!(
        "{HEAD}token: {{}}\nrequest:\n  role: \"{{{{isuer}}}}\"\nexpect: {{result: credentials}}\n"
    ));
    assert!(
        err.starts_with("t.yaml:6: unknown placeholder {{isuer}}"),
        "{err}"
    );
}

#[test]
fn a_placeholder_before_the_error_keeps_the_line_but_not_the_column() {
    let err = error(&format!(
        "{HEAD}token: {{}}\nrequest: {{role: \"{{{{issuer}}}}\", rol: x}}\nexpect: {{result: credentials}}\n"
    ));
    assert!(
        err.starts_with("t.yaml:5: request: unknown field `rol`"),
        "{err}"
    );
}

#[test]
fn a_placeholder_after_the_error_keeps_the_column() {
    let err = error(&format!(
        "{HEAD}token:\n  au: \"{{{{issuer}}}}\"\nrequest: {{role: r}}\nexpect: {{result: credentials}}\n"
    ));
    assert!(
        err.starts_with("t.yaml:5:3: token: unknown field `au`"),
        "{err}"
    );
}

#[test]
fn a_name_that_is_not_kebab_case_is_refused_at_its_line() {
    let err = error(
        "description: d\nname: Wrong_Audience\nsource: s\ntoken: {}\nrequest: {role: r}\nexpect: {result: credentials}\n",
    );
    assert!(
        err.starts_with("t.yaml:2: name \"Wrong_Audience\" is not kebab-case"),
        "{err}"
    );
}

#[test]
fn a_rule_broken_inside_a_section_points_at_the_key() {
    let err = error(&format!(
        "{HEAD}token: {{}}\nrequest:\n  role: r\n  role_arn: arn:aws:iam::1:role/r\nexpect: {{result: credentials}}\n"
    ));
    assert!(
        err.starts_with("t.yaml:5: `request` needs exactly one"),
        "{err}"
    );
}

#[test]
fn raw_params_need_the_other_clients_skipped() {
    let text = |clients: &str| {
        format!(
            "{HEAD}token: {{}}\nrequest:\n  role: r\n  params:\n    DurationSeconds: abc\n{clients}expect: {{result: credentials}}\n"
        )
    };
    let err = error(&text(""));
    assert!(err.starts_with("t.yaml:7: raw `params`"), "{err}");
    let scenario = scenario(&text(
        "clients:\n  others: {skip: SDKs validate it}\n  raw-http: {}\n",
    ))
    .unwrap();
    assert_eq!(
        scenario.request.params.0,
        [("DurationSeconds".to_owned(), "abc".to_owned())]
    );
    assert_eq!(
        scenario.plan_for("aws-cli"),
        ClientPlan::Skip("SDKs validate it")
    );
    assert!(matches!(
        scenario.plan_for("raw-http"),
        ClientPlan::Run { .. }
    ));
}

#[test]
fn per_client_entries_replace_the_expectation_for_that_client_only() {
    let scenario = scenario(&format!(
        "{HEAD}token: {{}}\nrequest: {{role: r}}\nexpect: {{result: credentials}}\nclients:\n  aws-cli:\n    expect: {{result: error, code: X, message: null}}\n    assume_requests: {{min: 1, max: 5}}\n"
    ))
    .unwrap();
    match scenario.plan_for("aws-cli") {
        ClientPlan::Run {
            expect,
            assume_requests,
        } => {
            assert_eq!(expect.code(), Some("X"));
            assert!(assume_requests.is_some_and(|count| count.allows(5) && !count.allows(6)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        scenario.plan_for("boto3"),
        ClientPlan::Run {
            expect: &Expected::Credentials,
            assume_requests: None
        }
    );
}

#[test]
fn an_unknown_client_key_is_refused_at_its_line() {
    let err = error(&format!(
        "{HEAD}token: {{}}\nrequest: {{role: r}}\nexpect: {{result: credentials}}\nclients:\n  aws_cli: {{skip: x}}\n"
    ));
    assert!(
        err.starts_with("t.yaml:8: unknown client \"aws_cli\""),
        "{err}"
    );
}

#[test]
fn a_skipped_client_cannot_also_expect_something() {
    let err = error(&format!(
        "{HEAD}token: {{}}\nrequest: {{role: r}}\nexpect: {{result: credentials}}\nclients:\n  boto3:\n    skip: why\n    assume_requests: 2\n"
    ));
    assert!(err.starts_with("t.yaml:8: a skipped client"), "{err}");
}

#[test]
fn s3_calls_name_what_their_operation_takes_and_need_credentials() {
    let text = |expect: &str, s3: &str| {
        format!("{HEAD}token: {{}}\nrequest: {{role: r}}\nexpect: {expect}\ns3:\n{s3}")
    };
    let ok = scenario(&text(
        "{result: credentials}",
        "  - {call: PutObject, bucket: b, key: k, body: hi}\n  - {call: ListBuckets}\n",
    ))
    .unwrap();
    assert_eq!(ok.s3[0].call().body, "hi");
    let no_key = error(&text(
        "{result: credentials}",
        "  - {call: GetObject, bucket: b}\n",
    ));
    assert!(no_key.contains("GetObject needs a `key`"), "{no_key}");
    let stray_bucket = error(&text(
        "{result: credentials}",
        "  - {call: ListBuckets, bucket: b}\n",
    ));
    assert!(
        stray_bucket.contains("ListBuckets names no bucket"),
        "{stray_bucket}"
    );
    let body = error(&text(
        "{result: credentials}",
        "  - {call: CreateBucket, bucket: b, body: x}\n",
    ));
    assert!(body.contains("only PutObject sends a body"), "{body}");
    let refused = error(&text(
        "{result: error, code: AccessDenied, message: m}",
        "  - {call: ListBuckets}\n",
    ));
    assert!(
        refused.contains("only a case that expects `result: credentials`"),
        "{refused}"
    );
}

#[test]
fn roles_carry_permission_policies_and_requests_a_session_policy() {
    let scenario = scenario(&format!(
        "{HEAD}aws:\n  roles:\n    - name: r\n      trust_policy: '{{}}'\n      policies:\n        - {{name: p, document: {{Version: '2012-10-17'}}}}\n      attached_policies: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n  managed_policies:\n    - {{name: m, document: '{{\"Version\": \"2012-10-17\"}}'}}\ntoken: {{}}\nrequest:\n  role: r\n  policy: '{{}}'\n  policy_arns: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\nexpect: {{result: credentials}}\n"
    ))
    .unwrap();
    let role = &scenario.aws.roles[0];
    assert_eq!(
        role.policies[0].document.as_str(),
        "{\"Version\":\"2012-10-17\"}"
    );
    assert_eq!(
        role.attached_policies,
        ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    );
    assert_eq!(
        scenario.aws.managed_policies[0].document.as_str(),
        "{\"Version\": \"2012-10-17\"}"
    );
    assert_eq!(
        scenario.request.policy.as_ref().map(PolicyText::as_str),
        Some("{}")
    );
    assert_eq!(
        scenario.request.policy_arns,
        ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    );
}
