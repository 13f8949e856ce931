//! The mock's throwaway PKI: a root CA and chains of an intermediate CA and a leaf under it.
//!
//! Every CA gets a distinguished name of its own: the common name ends in a suffix taken from
//! the CA's public key. A verifier that trusts one instance's root and meets another instance's
//! chain would otherwise find a trusted root of the same name, try its key, and fail with a bad
//! signature, where an unknown issuer (and, at AWS, the fall-back to thumbprints) is right.
//! Deriving the suffix from the key, rather than storing it, lets a root loaded from the state
//! dir sign again under exactly the name its certificate carries.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::digest;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::RootCertStore;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier as _;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

const ROOT_NAME: &str = "fedlab mock-gitlab Root CA";
const INTERMEDIATE_NAME: &str = "fedlab mock-gitlab Intermediate CA";
/// Hex digits of the key's SHA-256 in a CA's name: 64 bits, plenty to tell instances apart.
const NAME_SUFFIX_DIGITS: usize = 16;
/// A reused chain must stay valid at least this long, so it cannot expire during a run.
const REUSE_MARGIN: Duration = Duration::from_secs(24 * 60 * 60);

/// A root CA: its key and its self-signed certificate.
#[derive(Debug)]
pub(crate) struct Root {
    key: KeyPair,
    der: CertificateDer<'static>,
    pem: String,
}

/// An intermediate CA and a leaf signed by it, with both keys.
#[derive(Debug)]
pub(crate) struct Chain {
    pub(crate) intermediate: CertificateDer<'static>,
    pub(crate) intermediate_key: KeyPair,
    pub(crate) leaf: CertificateDer<'static>,
    pub(crate) leaf_key: KeyPair,
}

impl Root {
    /// A fresh ECDSA P-256 root (cheap to generate), valid for ten years.
    pub(crate) fn generate() -> Result<Self, rcgen::Error> {
        let key = KeyPair::generate()?;
        let mut params = ca_params(ROOT_NAME, &key, BasicConstraints::Unconstrained);
        validity(&mut params, 3650);
        let certificate = params.self_signed(&key)?;
        Ok(Self {
            der: certificate.der().clone(),
            pem: certificate.pem(),
            key,
        })
    }

    /// A root from its stored key and certificate. Whether the two belong together shows when
    /// a chain signed with the key is verified against the certificate.
    pub(crate) fn from_pem(key_pem: &str, cert_pem: &str) -> Result<Self, String> {
        let key = KeyPair::from_pem(key_pem).map_err(|e| format!("root key: {e}"))?;
        let der = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|e| format!("root certificate: {e}"))?;
        Ok(Self {
            key,
            der,
            pem: cert_pem.to_owned(),
        })
    }

    pub(crate) fn pem(&self) -> &str {
        &self.pem
    }

    #[cfg(test)]
    pub(crate) fn der(&self) -> &CertificateDer<'static> {
        &self.der
    }

    pub(crate) fn key(&self) -> &KeyPair {
        &self.key
    }

    /// A new intermediate CA under this root and a leaf for `names` (host names or IP
    /// addresses) under that intermediate, each valid for a year.
    pub(crate) fn sign_chain(&self, names: &[String]) -> Result<Chain, rcgen::Error> {
        let root = Issuer::new(
            ca_params(ROOT_NAME, &self.key, BasicConstraints::Unconstrained),
            &self.key,
        );
        let intermediate_key = KeyPair::generate()?;
        let mut intermediate_params = ca_params(
            INTERMEDIATE_NAME,
            &intermediate_key,
            BasicConstraints::Constrained(0),
        );
        intermediate_params.use_authority_key_identifier_extension = true;
        validity(&mut intermediate_params, 365);
        let intermediate = intermediate_params.signed_by(&intermediate_key, &root)?;

        let mut leaf_params = CertificateParams::new(names.to_vec())?;
        leaf_params.distinguished_name = name("localhost");
        leaf_params.is_ca = IsCa::ExplicitNoCa;
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf_params.use_authority_key_identifier_extension = true;
        validity(&mut leaf_params, 365);
        let leaf_key = KeyPair::generate()?;
        let leaf = leaf_params.signed_by(
            &leaf_key,
            &Issuer::from_params(&intermediate_params, &intermediate_key),
        )?;
        Ok(Chain {
            intermediate: intermediate.der().clone(),
            intermediate_key,
            leaf: leaf.der().clone(),
            leaf_key,
        })
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "fedlab");
    dn.push(DnType::CommonName, common_name);
    dn
}

/// `"{role} {suffix}"`, the suffix being the first hex digits of the SHA-256 of the public key.
pub(crate) fn ca_common_name(role: &str, key: &KeyPair) -> String {
    let hash = digest::digest(&digest::SHA256, key.public_key_raw());
    let hex: String = hash.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("{role} {}", &hex[..NAME_SUFFIX_DIGITS])
}

/// Everything about a CA certificate that a signature under it depends on: name, key usages
/// and (by default) a key identifier derived from the key.
fn ca_params(role: &str, key: &KeyPair, constraints: BasicConstraints) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(&ca_common_name(role, key));
    params.is_ca = IsCa::Ca(constraints);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

fn validity(params: &mut CertificateParams, days: i64) {
    // Clients check validity against real time, not the injected token clock; a day of
    // backdating absorbs skew between containers.
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(days);
}

/// Checks that `chain` leads to `root`, is valid now and for another day, and names each of
/// `names`: what a client of a restarted instance would check. The error says what failed.
pub(crate) fn verify(
    root: &Root,
    chain: &Chain,
    names: &[String],
    provider: &Arc<CryptoProvider>,
) -> Result<(), String> {
    let mut roots = RootCertStore::empty();
    roots.add(root.der.clone()).map_err(|e| e.to_string())?;
    let verifier =
        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(provider))
            .build()
            .map_err(|e| e.to_string())?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?;
    let intermediates = [chain.intermediate.clone()];
    for at in [now, now + REUSE_MARGIN] {
        for host in names {
            let server_name = ServerName::try_from(host.as_str()).map_err(|e| e.to_string())?;
            verifier
                .verify_server_cert(
                    &chain.leaf,
                    &intermediates,
                    &server_name,
                    &[],
                    UnixTime::since_unix_epoch(at),
                )
                .map_err(|e| format!("the chain is not valid for {host}: {e}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> Arc<CryptoProvider> {
        Arc::new(rustls::crypto::aws_lc_rs::default_provider())
    }

    fn names() -> Vec<String> {
        vec![
            "localhost".into(),
            "127.0.0.1".into(),
            "gitlab.fedlab.test".into(),
        ]
    }

    #[test]
    fn every_ca_gets_a_name_of_its_own() {
        let (a, b) = (Root::generate().unwrap(), Root::generate().unwrap());
        let (name_a, name_b) = (
            ca_common_name(ROOT_NAME, a.key()),
            ca_common_name(ROOT_NAME, b.key()),
        );
        assert_ne!(name_a, name_b);
        assert!(
            name_a.starts_with("fedlab mock-gitlab Root CA "),
            "{name_a}"
        );
        assert_eq!(name_a.len(), ROOT_NAME.len() + 1 + NAME_SUFFIX_DIGITS);
        let chain = a.sign_chain(&names()).unwrap();
        assert_ne!(
            ca_common_name(INTERMEDIATE_NAME, &chain.intermediate_key),
            ca_common_name(
                INTERMEDIATE_NAME,
                &a.sign_chain(&names()).unwrap().intermediate_key
            )
        );
    }

    #[test]
    fn a_root_loaded_from_pem_signs_chains_its_certificate_verifies() {
        let root = Root::generate().unwrap();
        let loaded = Root::from_pem(&root.key().serialize_pem(), root.pem()).unwrap();
        let chain = loaded.sign_chain(&names()).unwrap();
        verify(&root, &chain, &names(), &provider()).unwrap();
    }

    #[test]
    fn a_chain_fails_verification_for_a_name_it_lacks_or_under_another_root() {
        let root = Root::generate().unwrap();
        let chain = root.sign_chain(&names()).unwrap();
        let other_host = vec!["gitlab.elsewhere.test".to_owned()];
        let err = verify(&root, &chain, &other_host, &provider()).unwrap_err();
        assert!(err.contains("gitlab.elsewhere.test"), "{err}");
        let other_root = Root::generate().unwrap();
        assert!(verify(&other_root, &chain, &names(), &provider()).is_err());
        // A key that does not belong to the certificate signs chains nobody can verify.
        let mismatched = Root::from_pem(&other_root.key().serialize_pem(), root.pem()).unwrap();
        let chain = mismatched.sign_chain(&names()).unwrap();
        assert!(verify(&mismatched, &chain, &names(), &provider()).is_err());
    }
}
