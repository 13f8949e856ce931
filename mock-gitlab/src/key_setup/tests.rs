//! Unit tests of key files and algorithm names.

use std::os::unix::fs::PermissionsExt as _;

use super::*;

#[test]
fn algorithm_names_parse_in_any_case_and_display_as_jws_names() {
    assert_eq!(
        "RS256".parse::<SigningAlgorithm>().unwrap(),
        SigningAlgorithm::Rs256
    );
    assert_eq!(
        "es256".parse::<SigningAlgorithm>().unwrap(),
        SigningAlgorithm::Es256
    );
    assert_eq!(SigningAlgorithm::Es256.to_string(), "ES256");
    let e = "HS256".parse::<SigningAlgorithm>().unwrap_err();
    assert!(e.to_string().contains("expected RS256 or ES256"), "{e}");
}

#[test]
fn a_key_file_is_private_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("state");
    write_key_file(&nested, CI_KEY_FILE, "PEM").unwrap();
    let path = nested.join(CI_KEY_FILE);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "PEM");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!nested.join("ci-key.pem.partial").exists());
    // Overwriting replaces the content and keeps the mode.
    write_key_file(&nested, CI_KEY_FILE, "NEW").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "NEW");
}

#[test]
fn a_stored_key_is_reused_and_a_missing_one_is_made_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let alg = SigningAlgorithm::Es256;
    let made = load_or_create(Some(dir.path()), CI_KEY_FILE, KeyKind::EcP256, alg).unwrap();
    let again = load_or_create(Some(dir.path()), CI_KEY_FILE, KeyKind::EcP256, alg).unwrap();
    assert_eq!(made, again);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(CI_KEY_FILE)).unwrap(),
        made
    );
}

#[test]
fn a_stored_key_of_the_wrong_algorithm_names_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let ec = generate_pem(KeyKind::EcP256).unwrap();
    write_key_file(dir.path(), CI_KEY_FILE, &ec).unwrap();
    let e = load_or_create(
        Some(dir.path()),
        CI_KEY_FILE,
        KeyKind::Rsa2048,
        SigningAlgorithm::Rs256,
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("ci-key.pem"), "{msg}");
    assert!(msg.contains("remove the file"), "{msg}");
}
