//! The state dir keeps the CA and the served chain across restarts.

mod common;

use std::os::unix::fs::PermissionsExt as _;

use common::*;

fn config_in(dir: &std::path::Path) -> mock_gitlab::Config {
    let mut config = default_config();
    config.state_dir = Some(dir.to_owned());
    config
}

#[tokio::test]
async fn two_starts_with_one_state_dir_keep_the_ca_and_the_thumbprint() {
    let dir = tempfile::tempdir().unwrap();
    let first = mock_gitlab::spawn(config_in(dir.path())).await.unwrap();
    let (ca, thumbprint) = (first.ca_pem().to_owned(), first.thumbprint().to_owned());
    first.shutdown().await;

    let second = mock_gitlab::spawn(config_in(dir.path())).await.unwrap();
    assert_eq!(second.ca_pem(), ca);
    assert_eq!(second.thumbprint(), thumbprint);
    assert_eq!(second.ready().thumbprint, thumbprint);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ca.pem")).unwrap(),
        ca
    );
    // A client that trusted the first start's CA trusts the second start's chain.
    let client = https_client(&[ca.as_str()], second.addr());
    let response = client.get(second.url("/-/health")).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_keys_in_the_state_dir_are_readable_by_their_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let _server = mock_gitlab::spawn(config_in(dir.path())).await.unwrap();
    for name in ["ca-key.pem", "intermediate-key.pem", "leaf-key.pem"] {
        let mode = std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
}

#[tokio::test]
async fn a_state_dir_for_another_issuer_host_gets_a_new_ca() {
    let dir = tempfile::tempdir().unwrap();
    let first = mock_gitlab::spawn(config_in(dir.path())).await.unwrap();
    let ca = first.ca_pem().to_owned();
    first.shutdown().await;

    let mut config = config_in(dir.path());
    config.external_url = Some("https://gitlab.fedlab.test".into());
    let second = mock_gitlab::spawn(config).await.unwrap();
    assert_ne!(second.ca_pem(), ca);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ca.pem")).unwrap(),
        second.ca_pem()
    );
}

#[tokio::test]
async fn a_damaged_state_dir_is_replaced_rather_than_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let first = mock_gitlab::spawn(config_in(dir.path())).await.unwrap();
    let ca = first.ca_pem().to_owned();
    first.shutdown().await;
    std::fs::write(dir.path().join("leaf.pem"), "not a certificate").unwrap();

    let second = mock_gitlab::spawn(config_in(dir.path())).await.unwrap();
    assert_ne!(second.ca_pem(), ca);
    let response = client_for(&second)
        .get(second.url("/-/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
