//! `fedlab job` as a user runs it: exit codes, messages, `--print-env`.

use std::process::Command;

use super::*;

fn fedlab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fedlab"))
        .args(args)
        .env("FEDLAB_AWS_CLI", "/nonexistent/aws")
        .output()
        .unwrap()
}

#[test]
fn fedlab_job_exits_with_the_job_s_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".gitlab-ci.yml");
    std::fs::write(
        &file,
        "fails:\n  script:\n    - test -n \"$CI_JOB_ID\"\n    - exit 3\n",
    )
    .unwrap();
    let output = fedlab(&["job", file.to_str().unwrap(), "fails"]);
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("$ exit 3"));
}

#[test]
fn fedlab_job_names_the_jobs_there_are_when_the_one_asked_for_is_missing() {
    let output = fedlab(&[
        "job",
        data("fabianlee-aws-login-template.gitlab-ci.yml")
            .to_str()
            .unwrap(),
        ".aws-login",
    ]);
    assert_eq!(output.status.code(), Some(101));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("setup failed: no job named \".aws-login\"; the jobs are: test-aws"),
        "{stderr}"
    );
}

#[test]
fn fedlab_job_print_env_prints_sourceable_variables_and_runs_nothing() {
    let output = fedlab(&[
        "job",
        data("fabianlee-aws-login-template.gitlab-ci.yml")
            .to_str()
            .unwrap(),
        "test-aws",
        "--print-env",
        "--var",
        "OIDC_AUDIENCE=https://sts.amazonaws.com",
        "--ref",
        "release",
        "--project-path",
        "group/sub/project",
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in [
        "CI_JOB_NAME=test-aws\n",
        "CI_JOB_STAGE=build\n",
        "CI_COMMIT_BRANCH=release\n",
        "CI_PROJECT_NAMESPACE=group/sub\n",
        "OIDC_AUDIENCE=https://sts.amazonaws.com\n",
    ] {
        assert!(stdout.contains(line), "{line} in {stdout}");
    }
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("GITLAB_OIDC_TOKEN="))
        .unwrap();
    assert_eq!(claims(token)["aud"], "https://sts.amazonaws.com");
    assert!(!stdout.contains("$ "), "nothing ran");
}

#[test]
fn fedlab_job_report_saves_the_run_and_permissions_reads_it_without_changing_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".gitlab-ci.yml");
    std::fs::write(&file, "fails:\n  script:\n    - exit 3\n").unwrap();
    let saved = dir.path().join("run.json");
    let output = fedlab(&[
        "job",
        file.to_str().unwrap(),
        "fails",
        "--report",
        saved.to_str().unwrap(),
        "--permissions",
    ]);
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("no role session made an authorised call"),
        "{stdout}"
    );
    let run: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert!(
        run["requests"].is_array() && run["state"].is_object(),
        "{run}"
    );
    let read = fedlab(&["permissions", saved.to_str().unwrap(), "--json"]);
    assert_eq!(read.status.code(), Some(0), "{read:?}");
    let report: Value = serde_json::from_slice(&read.stdout).unwrap();
    assert_eq!(report, serde_json::json!({"roles": []}));
    let missing = fedlab(&[
        "permissions",
        dir.path().join("none.json").to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
}
