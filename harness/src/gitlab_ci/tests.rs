use super::*;

const TUTORIAL: &str = include_str!("../../tests/data/jobs/gitlab-docs-aws-tutorial.gitlab-ci.yml");
const AWS_LOGIN: &str =
    include_str!("../../tests/data/jobs/fabianlee-aws-login-template.gitlab-ci.yml");
const PROFILE: &str = include_str!("../../tests/data/jobs/ventx-id-tokens-profile.gitlab-ci.yml");

fn job(text: &str, name: &str) -> CiJob {
    CiFile::parse(text).unwrap().job(name).unwrap()
}

#[test]
fn the_tutorial_job_has_one_id_token_and_its_folded_command_is_one_line() {
    let job = job(TUTORIAL, "assume role");
    assert_eq!(
        job.id_tokens,
        [IdTokenSpec {
            name: "GITLAB_OIDC_TOKEN".into(),
            aud: vec!["https://gitlab.example.com".into()],
            aud_is_list: false,
        }]
    );
    assert_eq!(job.script.len(), 2);
    assert!(job.script[0].starts_with("export $(printf "));
    assert!(
        !job.script[0].trim_end().contains('\n'),
        "{:?}",
        job.script[0]
    );
    assert_eq!(job.script[1], "aws sts get-caller-identity");
    assert_eq!(job.stage, "test");
}

#[test]
fn a_template_s_id_tokens_and_before_script_reach_the_job_that_extends_it() {
    let job = job(AWS_LOGIN, "test-aws");
    assert_eq!(job.id_tokens[0].name, "GITLAB_OIDC_TOKEN");
    assert_eq!(job.id_tokens[0].aud, ["$OIDC_AUDIENCE"]);
    assert_eq!(job.before_script.len(), 1, "a `|` block is one command");
    assert!(job.before_script[0].starts_with("mkdir -p ~/.aws\n"));
    assert_eq!(job.stage, "build");
    assert_eq!(
        job.ignored,
        ["image: registry.gitlab.com/gitlab-org/cloud-deploy/aws-base:latest"]
    );
}

#[test]
fn hidden_jobs_and_global_keywords_are_not_jobs() {
    let file = CiFile::parse(AWS_LOGIN).unwrap();
    assert_eq!(file.job_names(), ["test-aws"]);
    let err = file.job(".aws-login").unwrap_err();
    assert!(matches!(err, CiError::NoSuchJob { .. }), "{err}");
    assert!(err.to_string().contains("the jobs are: test-aws"), "{err}");
}

#[test]
fn the_profile_job_s_variables_and_image_are_read() {
    let job = job(PROFILE, "assume role");
    let names: Vec<&str> = job.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["AWS_REGION", "AWS_PROFILE", "S3_BUCKET_NAME"]);
    assert_eq!(job.before_script.len(), 3);
    assert_eq!(job.ignored.len(), 1);
    assert!(job.ignored[0].starts_with("image: "), "{:?}", job.ignored);
}

#[test]
fn extends_merges_hashes_deeply_and_replaces_lists_with_the_last_parent_winning() {
    let text = r#"
.a:
  variables: {A: a, SHARED: from-a}
  script: [echo a]
  tags: [x]
.b:
  variables: {B: b, SHARED: from-b}
  script: [echo b]
job:
  extends: [.a, .b]
  variables: {OWN: own}
"#;
    let job = job(text, "job");
    let vars: Vec<(&str, &str)> = job
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_str()))
        .collect();
    assert_eq!(
        vars,
        [("A", "a"), ("SHARED", "from-b"), ("B", "b"), ("OWN", "own")]
    );
    assert_eq!(job.script, ["echo b"]);
}

#[test]
fn an_extends_loop_or_an_unknown_parent_is_an_error() {
    let looped = CiFile::parse(".a: {extends: .b}\n.b: {extends: .a}\njob: {extends: .a}\n");
    assert!(
        matches!(&looped, Err(CiError::Extends { reason, .. }) if reason.contains("circular")),
        "{looped:?}"
    );
    let unknown = CiFile::parse("job: {extends: .nope, script: x}\n").unwrap_err();
    assert_eq!(unknown.to_string(), "job: unknown key `.nope` in `extends`");
}

#[test]
fn a_reference_in_a_script_is_inlined_after_extends() {
    let text = r#"
.setup:
  script:
    - echo one
    - echo two
.base:
  before_script: [echo base]
job:
  extends: .base
  before_script:
    - !reference [.setup, script]
    - echo three
  script:
    - !reference [job, before_script]
"#;
    let job = job(text, "job");
    assert_eq!(job.before_script, ["echo one", "echo two", "echo three"]);
    assert_eq!(job.script, ["echo one", "echo two", "echo three"]);
}

#[test]
fn a_reference_to_a_missing_key_or_an_unknown_tag_is_an_error() {
    let missing = CiFile::parse("job: {script: !reference [.x, script]}\n").unwrap_err();
    assert!(
        missing.to_string().contains("no job or keyword `.x`"),
        "{missing}"
    );
    let unknown = CiFile::parse("job: {script: !include [x]}\n").unwrap_err();
    assert!(
        unknown.to_string().contains("not a tag GitLab knows"),
        "{unknown}"
    );
}

#[test]
fn default_before_script_applies_unless_the_job_has_its_own() {
    let text = "default: {before_script: [echo d]}\na: {script: x}\nb: {before_script: [echo b], script: x}\n";
    assert_eq!(job(text, "a").before_script, ["echo d"]);
    assert_eq!(job(text, "b").before_script, ["echo b"]);
}

#[test]
fn variables_take_strings_numbers_and_value_hashes() {
    let text = "variables: {N: 3, H: {value: v, description: d}, R: {value: $X, expand: false}}\njob: {script: x}\n";
    let vars = job(text, "job").global_variables;
    assert_eq!(
        vars,
        [
            Variable {
                name: "N".into(),
                value: "3".into(),
                expand: true
            },
            Variable {
                name: "H".into(),
                value: "v".into(),
                expand: true
            },
            Variable {
                name: "R".into(),
                value: "$X".into(),
                expand: false
            },
        ]
    );
    let err = CiFile::parse("job: {script: x, variables: {B: true}}\n")
        .unwrap()
        .job("job")
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("B: the value must be a string or a number"),
        "{err}"
    );
}

#[test]
fn an_aud_list_stays_a_list_and_a_missing_aud_is_an_error() {
    let text = "job: {script: x, id_tokens: {T: {aud: [a, b]}}}\n";
    let token = &job(text, "job").id_tokens[0];
    assert_eq!(
        (token.aud.clone(), token.aud_is_list),
        (vec!["a".into(), "b".into()], true)
    );
    let err = CiFile::parse("job: {script: x, id_tokens: {T: {}}}\n")
        .unwrap()
        .job("job")
        .unwrap_err();
    assert_eq!(err.to_string(), "job: id_tokens:T:aud: is required");
}

#[test]
fn nested_script_lists_are_flattened_and_other_values_refused() {
    let text = "job: {script: [a, [b, [c]]]}\n";
    assert_eq!(job(text, "job").script, ["a", "b", "c"]);
    let err = CiFile::parse("job: {script: [1]}\n")
        .unwrap()
        .job("job")
        .unwrap_err();
    assert!(matches!(err, CiError::Invalid { .. }), "{err}");
}

#[test]
fn expansion_replaces_both_forms_once_and_leaves_shell_forms() {
    let vars = [("A", "x$B"), ("B", "y"), ("EMPTY", "")];
    let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    assert_eq!(expand("$A-${B}-$$A-$NOPE.", lookup), "x$B-y-$A-.");
    assert_eq!(expand("${B:-z} $(date) $", lookup), "${B:-z} $(date) $");
    assert_eq!(expand("$1", lookup), "$1");
}
