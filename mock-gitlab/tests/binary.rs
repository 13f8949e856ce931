//! The `mock-gitlab` binary: one ready line on stdout, serves HTTPS, exits on SIGTERM.

mod common;

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, BufReader};

#[tokio::test]
async fn binary_prints_ready_line_and_serves() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-gitlab"))
        .args(["--listen", "127.0.0.1:0"])
        // Keep the test hermetic whatever the caller's environment says.
        .env_remove("MOCK_GITLAB_EXTERNAL_URL")
        .env_remove("MOCK_GITLAB_SIGNING_KEY")
        .env_remove("MOCK_GITLAB_STATE_DIR")
        .env_remove("MOCK_GITLAB_GITLAB_VERSION")
        .env_remove("MOCK_GITLAB_OIDC_KEY")
        .env_remove("MOCK_GITLAB_SIGNING_ALGORITHM")
        .env_remove("MOCK_GITLAB_ID_TOKENS_ISSUER_URL")
        .env_remove("MOCK_GITLAB_LISTEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(60), stdout.read_line(&mut line))
        .await
        .expect("no ready line within 60 s")
        .unwrap();

    let ready: Value = serde_json::from_str(line.trim_end()).unwrap();
    let typed: mock_gitlab::Ready = serde_json::from_str(&line).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), ready);
    let obj = ready.as_object().unwrap();
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "issuer",
            "listen",
            "ca_pem",
            "thumbprint",
            "jwks_uri",
            "mint_url",
            "kid",
            "gitlab_version",
            "admin_url"
        ]
    );
    // The default profile is the newest release.
    assert_eq!(
        ready["gitlab_version"],
        mock_gitlab::GitlabVersion::NEWEST.to_string().as_str()
    );
    assert_eq!(ready["kid"].as_str().unwrap().len(), 43);
    let listen: std::net::SocketAddr = ready["listen"].as_str().unwrap().parse().unwrap();
    let issuer = ready["issuer"].as_str().unwrap();
    assert_eq!(issuer, format!("https://localhost:{}", listen.port()));
    assert_eq!(
        ready["jwks_uri"],
        format!("{issuer}/oauth/discovery/keys").as_str()
    );
    assert_eq!(
        ready["mint_url"],
        format!("{issuer}/-/mock/id_tokens").as_str()
    );
    assert_eq!(
        ready["admin_url"],
        format!("https://127.0.0.1:{}", listen.port()).as_str()
    );
    let thumbprint = ready["thumbprint"].as_str().unwrap();
    assert_eq!(thumbprint.len(), 40);
    assert!(
        thumbprint
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    );

    // Without --state-dir the binary writes ca.pem into a fresh temp dir of its own.
    let ca_pem_path = std::path::PathBuf::from(ready["ca_pem"].as_str().unwrap());
    assert_eq!(ca_pem_path.file_name().unwrap(), "ca.pem");
    let state_dir = ca_pem_path.parent().unwrap().to_owned();
    assert!(state_dir.starts_with(std::env::temp_dir()), "{state_dir:?}");
    let ca = std::fs::read_to_string(&ca_pem_path).unwrap();
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
    let client = common::https_client(&[ca.as_str()], listen);
    let doc: Value = client
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], issuer);

    // Graceful stop on SIGTERM (the process we started, by its pid).
    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("did not exit after SIGTERM")
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    // The temp dir was the binary's own, so it is gone once the binary is.
    assert!(!state_dir.exists(), "{state_dir:?} left behind");

    // Exactly one line on stdout.
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "", "stdout after the ready line");

    // Logs went to stderr and carry no secrets.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    assert!(stderr.contains("mock-gitlab ready"), "{stderr}");
    assert!(stderr.contains("/.well-known/openid-configuration"));
    assert!(!stderr.contains("PRIVATE KEY"));
}

#[tokio::test]
async fn binary_writes_ca_pem_into_a_given_state_dir_and_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-gitlab"))
        .args(["--listen", "127.0.0.1:0", "--state-dir"])
        .arg(dir.path())
        .env_remove("MOCK_GITLAB_EXTERNAL_URL")
        .env_remove("MOCK_GITLAB_SIGNING_KEY")
        .env_remove("MOCK_GITLAB_STATE_DIR")
        .env_remove("MOCK_GITLAB_GITLAB_VERSION")
        .env_remove("MOCK_GITLAB_OIDC_KEY")
        .env_remove("MOCK_GITLAB_SIGNING_ALGORITHM")
        .env_remove("MOCK_GITLAB_ID_TOKENS_ISSUER_URL")
        .env_remove("MOCK_GITLAB_LISTEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(60), stdout.read_line(&mut line))
        .await
        .expect("no ready line within 60 s")
        .unwrap();
    let ready: mock_gitlab::Ready = serde_json::from_str(&line).unwrap();
    let ca_pem_path = dir.path().join("ca.pem");
    assert_eq!(ready.ca_pem, ca_pem_path.to_str().unwrap());

    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("did not exit after SIGTERM")
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    // A caller's state dir is the caller's: ca.pem stays after the binary exits.
    let ca = std::fs::read_to_string(&ca_pem_path).unwrap();
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
}

#[tokio::test]
async fn binary_rejects_a_bad_key_file() {
    let dir = std::env::temp_dir().join(format!("mock-gitlab-badkey-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("key.pem");
    std::fs::write(&key, "not a key").unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-gitlab"))
        .args(["--listen", "127.0.0.1:0", "--signing-key"])
        .arg(&key)
        .env_remove("MOCK_GITLAB_EXTERNAL_URL")
        .env_remove("MOCK_GITLAB_STATE_DIR")
        .env_remove("MOCK_GITLAB_GITLAB_VERSION")
        .env_remove("MOCK_GITLAB_OIDC_KEY")
        .env_remove("MOCK_GITLAB_SIGNING_ALGORITHM")
        .env_remove("MOCK_GITLAB_ID_TOKENS_ISSUER_URL")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no ready line on failure");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("signing key"), "{err}");
}

#[tokio::test]
async fn list_versions_prints_one_line_per_profile_and_exits() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-gitlab"))
        .arg("--list-versions")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, mock_gitlab::list_versions());
    let versions: Vec<&str> = text
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    for profile in ["15.7", "16.5", "17.0", "18.1", "19.2"] {
        assert!(versions.contains(&profile), "{profile}:\n{text}");
    }
}

#[tokio::test]
async fn the_binary_refuses_settings_the_chosen_release_does_not_have() {
    let cases: [&[&str]; 3] = [
        &["--gitlab-version", "15.6"],
        &[
            "--gitlab-version",
            "18.0",
            "--id-tokens-issuer-url",
            "https://oidc.example",
        ],
        &["--gitlab-version", "sixteen"],
    ];
    let expected = [
        "gitlab version 15.6 is not modelled",
        "id_tokens_issuer_url needs GitLab 18.1 or later",
        "expected MAJOR.MINOR",
    ];
    for (args, needle) in cases.iter().zip(expected) {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-gitlab"))
            .args(["--listen", "127.0.0.1:0"])
            .args(*args)
            .env_remove("MOCK_GITLAB_STATE_DIR")
            .env_remove("MOCK_GITLAB_GITLAB_VERSION")
            .env_remove("MOCK_GITLAB_ID_TOKENS_ISSUER_URL")
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output()
            .await
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "no ready line on failure");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
