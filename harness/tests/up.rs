//! `fedlab up`: the env file it writes is enough for a client to assume the role.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on purpose"
)]

use std::collections::BTreeMap;
use std::time::Duration;

use fedlab::clients::{Client, ClientOutcome, Job};
use fedlab::scenario::ScenarioSource;
use fedlab::up::up;

#[tokio::test]
async fn up_writes_an_env_file_a_client_can_use() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("fedlab.env");
    let source = ScenarioSource::resolve(&["id-tokens-aud-sts-succeeds".into()])
        .unwrap()
        .remove(0);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = {
        let env_file = env_file.clone();
        tokio::spawn(async move {
            up(&source, &env_file, async {
                let _ = stopped.await;
            })
            .await
        })
    };
    let mut waited = Duration::ZERO;
    while !env_file.exists() {
        assert!(
            waited < Duration::from_secs(10),
            "fedlab up wrote no env file"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    let vars: BTreeMap<String, String> = std::fs::read_to_string(&env_file)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    let config = std::fs::read_to_string(&vars["AWS_CONFIG_FILE"]).unwrap();
    assert!(config.contains("cli_follow_urlparam = false"), "{config}");
    assert!(vars["FEDLAB_ISSUER"].starts_with("https://localhost:"));

    let job = Job {
        endpoint: vars["AWS_ENDPOINT_URL_STS"].clone(),
        region: vars["AWS_REGION"].clone(),
        role_arn: vars["AWS_ROLE_ARN"].clone(),
        session_name: vars["AWS_ROLE_SESSION_NAME"].clone(),
        token: std::fs::read_to_string(&vars["AWS_WEB_IDENTITY_TOKEN_FILE"]).unwrap(),
        token_file: vars["AWS_WEB_IDENTITY_TOKEN_FILE"].clone().into(),
        duration_seconds: None,
        work_dir: dir.path().to_owned(),
    };
    let client = Client::Builtin {
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    };
    assert_eq!(
        client.run(&job).await,
        ClientOutcome::Credentials {
            caller_arn: format!(
                "arn:aws:sts::123456789012:assumed-role/gitlab-ci/{}",
                vars["AWS_ROLE_SESSION_NAME"]
            )
        }
    );

    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
}
