//! The environment a job gets: `--print-env` snapshots, claims and variables, expansion.

use std::fmt::Write as _;

use super::*;

const CI_KEY: &str = include_str!("../../../mock-gitlab/tests/fixtures/ci-signing-key.pem");
const OIDC_KEY: &str = include_str!("../../../mock-gitlab/tests/fixtures/oidc-signing-key.pem");
/// 2025-06-15T12:00:00Z.
const CLOCK: i64 = 1_749_988_800;

/// `--print-env`'s text with what differs between runs (ports, temporary directories, this
/// machine's `PATH`) named instead, and each token shown decoded.
fn redacted(fed: &Federation, prepared: &PreparedJob) -> String {
    let home = Path::new(var(prepared, "HOME").unwrap());
    let temp = home
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .display()
        .to_string();
    let inherited = std::env::var("PATH").unwrap();
    let mut text = String::new();
    for line in job_run::env_text(prepared.vars()).lines() {
        let (name, value) = line.split_once('=').unwrap();
        let value = if value.starts_with("eyJ") && value.matches('.').count() == 2 {
            let mut payload = jwt_part(value, 1);
            // A fresh UUID per token, as GitLab's.
            payload["jti"] = "JTI".into();
            format!("<JWT {} {payload}>", jwt_part(value, 0))
        } else if name == "CI_SERVER_PORT" {
            "ISSUER_PORT".to_owned()
        } else {
            value.to_owned()
        };
        let value = value
            .replace(&inherited, "$PATH")
            .replace(&temp, "$FEDLAB_TMP")
            .replace(fed.s3_endpoint(), "http://127.0.0.1:S3_PORT")
            .replace(fed.sts_endpoint(), "http://127.0.0.1:STS_PORT")
            .replace(fed.proxy_url(), "http://127.0.0.1:PROXY_PORT")
            .replace(fed.issuer_host(), "localhost:ISSUER_PORT");
        writeln!(text, "{name}={value}").unwrap();
    }
    text
}

async fn pinned(version: Option<&str>) -> Federation {
    let mut builder = Federation::builder()
        .fixed_time(CLOCK)
        .signing_key_pem(CI_KEY)
        .oidc_key_pem(OIDC_KEY);
    if let Some(version) = version {
        builder = builder.gitlab_version(version);
    }
    builder.start().await.unwrap()
}

#[tokio::test]
async fn print_env_shows_the_tutorial_job_s_token_predefined_variables_and_settings() {
    let fed = pinned(None).await;
    let options = JobOptions {
        variables: vars(&[("ROLE_ARN", "arn:aws:iam::123456789012:role/gitlab-ci")]),
        aws_cli: Some(PathBuf::from("/opt/aws-cli/bin/aws")),
        ..JobOptions::default()
    };
    let prepared = prepare(
        &fed,
        "gitlab-docs-aws-tutorial.gitlab-ci.yml",
        "assume role",
        None,
        options,
    )
    .await;
    insta::assert_snapshot!(redacted(&fed, &prepared));
}

#[tokio::test]
async fn print_env_on_16_11_gives_a_job_without_id_tokens_the_legacy_jwts() {
    let fed = pinned(Some("16.11")).await;
    let text = "legacy:\n  script: echo \"$CI_JOB_JWT_V2\" > token\n";
    let job = CiFile::parse(text).unwrap().job("legacy").unwrap();
    let prepared = job_run::prepare(&fed, &job, &JobOptions::default())
        .await
        .unwrap();
    let names: Vec<&str> = prepared.vars().iter().map(|(k, _)| k.as_str()).collect();
    assert!(names.contains(&"CI_JOB_JWT"), "{names:?}");
    assert_eq!(
        var(&prepared, "CI_JOB_JWT"),
        var(&prepared, "CI_JOB_JWT_V1")
    );
    let legacy: String = redacted(&fed, &prepared)
        .lines()
        .filter(|l| l.starts_with("CI_JOB_JWT") || l.starts_with("CI_SERVER_VERSION="))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!(legacy);
}

#[tokio::test]
async fn the_legacy_jwts_are_gone_from_17_0_and_from_jobs_with_id_tokens() {
    let fed = pinned(Some("17.0")).await;
    let text = "a:\n  script: x\nb:\n  id_tokens: {T: {aud: x}}\n  script: x\n";
    let file = CiFile::parse(text).unwrap();
    let prepared = job_run::prepare(&fed, &file.job("a").unwrap(), &JobOptions::default())
        .await
        .unwrap();
    assert_eq!(var(&prepared, "CI_JOB_JWT_V2"), None);
    let old = pinned(Some("16.11")).await;
    let prepared = job_run::prepare(&old, &file.job("b").unwrap(), &JobOptions::default())
        .await
        .unwrap();
    assert_eq!(var(&prepared, "CI_JOB_JWT"), None);
    assert!(var(&prepared, "T").is_some());
}

#[tokio::test]
async fn predefined_variables_agree_with_the_token_s_claims() {
    let fed = Federation::start().await.unwrap();
    let options = JobOptions {
        pipeline: Pipeline {
            project_path: "acme/platform/deployer".to_owned(),
            project_id: "9001".to_owned(),
            namespace_id: "77".to_owned(),
            git_ref: "v2.3.4".to_owned(),
            ref_type: RefType::Tag,
            ref_protected: true,
            pipeline_id: "555".to_owned(),
            job_id: "666".to_owned(),
            user_login: "alice".to_owned(),
            ..Pipeline::default()
        },
        ..JobOptions::default()
    };
    let prepared = prepare(
        &fed,
        "gitlab-docs-aws-tutorial.gitlab-ci.yml",
        "assume role",
        None,
        options,
    )
    .await;
    let claims = claims(var(&prepared, "GITLAB_OIDC_TOKEN").unwrap());
    let pairs = [
        ("CI_SERVER_URL", "iss"),
        ("CI_PROJECT_PATH", "project_path"),
        ("CI_PROJECT_ID", "project_id"),
        ("CI_PROJECT_NAMESPACE", "namespace_path"),
        ("CI_PROJECT_NAMESPACE_ID", "namespace_id"),
        ("CI_PROJECT_VISIBILITY", "project_visibility"),
        ("CI_PIPELINE_ID", "pipeline_id"),
        ("CI_PIPELINE_SOURCE", "pipeline_source"),
        ("CI_JOB_ID", "job_id"),
        ("CI_COMMIT_REF_NAME", "ref"),
        ("CI_COMMIT_TAG", "ref"),
        ("CI_COMMIT_SHA", "sha"),
        ("CI_COMMIT_REF_PROTECTED", "ref_protected"),
        ("GITLAB_USER_ID", "user_id"),
        ("GITLAB_USER_LOGIN", "user_login"),
        ("GITLAB_USER_EMAIL", "user_email"),
    ];
    for (variable, claim) in pairs {
        assert_eq!(
            var(&prepared, variable),
            claims[claim].as_str(),
            "{variable} and the claim {claim}"
        );
    }
    assert_eq!(claims["ref_type"], "tag");
    assert_eq!(var(&prepared, "CI_COMMIT_BRANCH"), None);
    assert_eq!(
        claims["sub"],
        "project_path:acme/platform/deployer:ref_type:tag:ref:v2.3.4"
    );
    assert_eq!(
        var(&prepared, "CI_RUNNER_ID"),
        Some(claims["runner_id"].to_string().as_str())
    );
}

#[tokio::test]
async fn variables_and_an_aud_variable_are_expanded_once_with_settings_winning() {
    let fed = Federation::start().await.unwrap();
    let text = r#"
variables:
  BUCKET: "bucket-$CI_PROJECT_ID"
  REGION: from-file
  RAW: {value: "$CI_JOB_ID", expand: false}
  NESTED: "${BUCKET}-x"
job:
  variables: {REGION: from-job}
  id_tokens:
    ONE: {aud: $OIDC_AUDIENCE}
    MANY: {aud: ["${OIDC_AUDIENCE}", other]}
  script: x
"#;
    let job = CiFile::parse(text).unwrap().job("job").unwrap();
    let options = JobOptions {
        variables: vars(&[("OIDC_AUDIENCE", "https://sts.amazonaws.com")]),
        ..JobOptions::default()
    };
    let prepared = job_run::prepare(&fed, &job, &options).await.unwrap();
    assert_eq!(var(&prepared, "BUCKET"), Some("bucket-42"));
    assert_eq!(var(&prepared, "REGION"), Some("from-job"));
    assert_eq!(var(&prepared, "RAW"), Some("$CI_JOB_ID"));
    assert_eq!(
        var(&prepared, "NESTED"),
        Some("bucket-$CI_PROJECT_ID-x"),
        "one level"
    );
    let one = claims(var(&prepared, "ONE").unwrap());
    assert_eq!(one["aud"], "https://sts.amazonaws.com");
    let many = claims(var(&prepared, "MANY").unwrap());
    assert_eq!(
        many["aud"],
        serde_json::json!(["https://sts.amazonaws.com", "other"])
    );
}
