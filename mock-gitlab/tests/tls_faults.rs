//! The TLS chain faults as a rustls client records the served chain, the SNI rule that keeps
//! the admin URL on the normal chain, and the unique CA names.

mod common;
mod fault_support;

use common::*;
use fault_support::*;
use mock_gitlab::Fault;
use rustls_pki_types::pem::PemObject as _;
use serde_json::json;

/// Through the issuer's name: SNI `localhost`, so the TLS faults apply.
fn by_name(server: &mock_gitlab::RunningGitlab) -> String {
    server.issuer().to_owned()
}

#[tokio::test]
async fn the_normal_chain_is_leaf_then_intermediate() {
    let server = spawn_default().await;
    let chain = served_chain(&server, &by_name(&server)).await;
    assert_eq!(chain.len(), 2);
    assert_eq!(tls_thumbprint(&chain[1]), server.thumbprint());
    assert_eq!(served_chain(&server, server.admin_url()).await, chain);
}

#[tokio::test]
async fn chain_out_of_order_sends_the_intermediate_before_the_leaf() {
    let server = spawn_default().await;
    let normal = served_chain(&server, &by_name(&server)).await;
    server.set_faults(vec![Fault::ChainOutOfOrder]);
    let served = served_chain(&server, &by_name(&server)).await;
    assert_eq!(served, [normal[1].clone(), normal[0].clone()]);
    // A verifying client refuses it.
    let err = client_for(&server)
        .get(server.url("/-/health"))
        .send()
        .await
        .unwrap_err();
    assert!(err.status().is_none(), "{}", chain_of(&err));
}

#[tokio::test]
async fn chain_without_intermediate_sends_the_leaf_alone() {
    let server = spawn_default().await;
    let normal = served_chain(&server, &by_name(&server)).await;
    server.set_faults(vec![
        Fault::ChainWithoutIntermediate,
        Fault::ChainOutOfOrder,
    ]);
    let served = served_chain(&server, &by_name(&server)).await;
    assert_eq!(served, [normal[0].clone()]);
    // Trusting the root is not enough without the intermediate.
    let err = client_for(&server)
        .get(server.url("/-/health"))
        .send()
        .await
        .unwrap_err();
    assert!(
        chain_of(&err).contains("UnknownIssuer"),
        "{}",
        chain_of(&err)
    );
}

#[tokio::test]
async fn new_certificate_serves_another_chain_under_the_same_root() {
    let server = spawn_default().await;
    let normal = served_chain(&server, &by_name(&server)).await;
    server.set_faults(vec![Fault::NewCertificate]);
    let served = served_chain(&server, &by_name(&server)).await;
    assert_eq!(served.len(), 2);
    assert_ne!(served[0], normal[0]);
    assert_ne!(served[1], normal[1]);
    let renewed = tls_thumbprint(&served[1]);
    assert_eq!(renewed, server.new_certificate_thumbprint());
    assert_ne!(renewed, server.thumbprint());
    // Same root: a client that trusts it notices nothing.
    assert_eq!(
        get_text(&client_for(&server), &server.url("/-/health"))
            .await
            .0,
        200
    );
    // The faults combine: the new chain, out of order.
    server.set_faults(vec![Fault::NewCertificate, Fault::ChainOutOfOrder]);
    let served_again = served_chain(&server, &by_name(&server)).await;
    assert_eq!(served_again, [served[1].clone(), served[0].clone()]);
}

#[tokio::test]
async fn clients_without_sni_get_the_normal_chain_and_can_still_mint() {
    let server = spawn_default().await;
    let normal = served_chain(&server, &by_name(&server)).await;
    server.set_faults(vec![
        Fault::ChainOutOfOrder,
        Fault::ChainWithoutIntermediate,
        Fault::NewCertificate,
    ]);
    assert_ne!(served_chain(&server, &by_name(&server)).await, normal);
    assert_eq!(served_chain(&server, server.admin_url()).await, normal);
    assert!(server.admin_url().starts_with("https://127.0.0.1:"));

    let admin = admin_client(&server);
    let mint_url = format!("{}/-/mock/id_tokens", server.admin_url());
    let (status, body) = mint(&admin, &mint_url, json!({"aud": "sts.amazonaws.com"})).await;
    assert_eq!(status, 200, "{body}");
    let (_, payload) = decode_unverified(body["token"].as_str().unwrap());
    assert_eq!(payload["iss"], server.issuer());

    // Once the faults are gone, the issuer's name gets the normal chain again.
    server.set_faults(Vec::new());
    assert_eq!(served_chain(&server, &by_name(&server)).await, normal);
}

#[tokio::test]
async fn two_instances_have_differently_named_roots_and_intermediates() {
    let (a, b) = (spawn_default().await, spawn_default().await);
    let mut names = Vec::new();
    for server in [&a, &b] {
        let chain = served_chain(server, &by_name(server)).await;
        let root_der =
            rustls_pki_types::CertificateDer::from_pem_slice(server.ca_pem().as_bytes()).unwrap();
        let (root, root_issuer) = subject_and_issuer(&root_der).await;
        let (intermediate, intermediate_issuer) = subject_and_issuer(&chain[1]).await;
        let (_, leaf_issuer) = subject_and_issuer(&chain[0]).await;
        assert!(root.contains("fedlab mock-gitlab Root CA "), "{root}");
        assert!(
            intermediate.contains("fedlab mock-gitlab Intermediate CA "),
            "{intermediate}"
        );
        assert_eq!(root_issuer, root, "self-signed");
        assert_eq!(intermediate_issuer, root);
        assert_eq!(leaf_issuer, intermediate);
        names.push((root, intermediate));
    }
    assert_ne!(names[0].0, names[1].0, "roots");
    assert_ne!(names[0].1, names[1].1, "intermediates");
}

fn tls_thumbprint(der: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
