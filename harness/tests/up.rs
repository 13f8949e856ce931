//! `fedlab up`, run as a user runs it: the binary in the foreground, a shell's view of its env
//! file, its log on stderr, and a clean exit on SIGTERM.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{ChildStderr, Command};

const PATIENCE: Duration = Duration::from_secs(20);

/// The tutorial scenario with a two-second token, so a refresh happens within the test.
fn short_lived_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/id-tokens-aud-sts-succeeds.yaml"
    ))
    .unwrap()
    .replace("token:\n", "token:\n  expires_in: 2\n");
    let path = dir.join("short-lived.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

async fn wait_for_line(lines: &mut Lines<BufReader<ChildStderr>>, wanted: &str) -> String {
    let seen = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains(wanted) {
                return line;
            }
        }
        panic!("fedlab up ended before printing {wanted:?}");
    });
    seen.await
        .unwrap_or_else(|_| panic!("fedlab up printed no {wanted:?}"))
}

#[tokio::test]
async fn up_serves_a_shell_logs_each_answer_refreshes_the_token_and_cleans_up_on_exit() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("fedlab.env");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fedlab"))
        .arg("up")
        .arg("--scenario")
        .arg(short_lived_scenario(dir.path()))
        .arg("--env-file")
        .arg(&env_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let ready = tokio::time::timeout(PATIENCE, stdout.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let ready: serde_json::Value = serde_json::from_str(&ready).unwrap();
    assert_eq!(ready["env_file"], env_file.display().to_string());

    // A shell sources the file; its variables are enough to assume the role.
    let vars: BTreeMap<String, String> = std::fs::read_to_string(&env_file)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    let config = std::fs::read_to_string(&vars["AWS_CONFIG_FILE"]).unwrap();
    assert!(config.contains("cli_follow_urlparam = false"), "{config}");
    assert_eq!(vars["FEDLAB_ADMIN_ACCESS_KEY_ID"], "AKIAIOSFODNN7EXAMPLE");
    let token_file = &vars["AWS_WEB_IDENTITY_TOKEN_FILE"];
    let first_token = std::fs::read_to_string(token_file).unwrap();
    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(&vars["AWS_ENDPOINT_URL_STS"])
        .form(&[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", vars["AWS_ROLE_ARN"].as_str()),
            ("RoleSessionName", vars["AWS_ROLE_SESSION_NAME"].as_str()),
            ("WebIdentityToken", first_token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());

    // The answer shows up in its log, and the token is replaced before it expires.
    wait_for_line(&mut stderr, "AssumeRoleWithWebIdentity 200").await;
    wait_for_line(&mut stderr, "token refreshed").await;
    assert_ne!(std::fs::read_to_string(token_file).unwrap(), first_token);

    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(PATIENCE, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status}");
    assert!(!env_file.exists(), "the env file outlived fedlab up");
    assert!(
        !std::path::Path::new(token_file).exists(),
        "the token file outlived fedlab up"
    );
}
