//! A throwaway PKI (root -> intermediate -> leaf) and the rustls config that serves it.
//!
//! Shaped like a public CA deployment on purpose: the server sends `[leaf, intermediate]`
//! and not the root, so the last certificate on the wire is the intermediate. That is the
//! "top intermediate CA" whose SHA-1 AWS uses as an OIDC provider thumbprint (AWS IAM User
//! Guide, "Obtain the thumbprint for an OpenID Connect identity provider",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html>).

use std::sync::Arc;

use aws_lc_rs::digest;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

#[derive(Debug, thiserror::Error)]
pub(crate) enum TlsError {
    #[error("certificate generation: {0}")]
    Rcgen(#[from] rcgen::Error),
    #[error("rustls server config: {0}")]
    Rustls(#[from] rustls::Error),
}

/// Generated chain plus ready-to-serve rustls configuration.
#[derive(Debug, Clone)]
pub(crate) struct TlsChain {
    pub(crate) server_config: Arc<ServerConfig>,
    /// Root CA certificate PEM, the only thing clients need to trust.
    pub(crate) root_pem: String,
    /// DER of the certificates the server sends, in wire order: leaf, then intermediate.
    pub(crate) served_chain: Vec<CertificateDer<'static>>,
}

impl TlsChain {
    /// Lowercase hex SHA-1 of the last certificate served (the intermediate).
    pub(crate) fn thumbprint(&self) -> String {
        self.served_chain
            .last()
            .map(|c| sha1_thumbprint(c))
            .unwrap_or_default()
    }
}

/// Lowercase hex SHA-1 of a DER certificate, as `openssl x509 -fingerprint -sha1` prints it
/// minus the colons, and as IAM expects in `ThumbprintList`.
pub(crate) fn sha1_thumbprint(der: &[u8]) -> String {
    let d = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, der);
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn dn(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "fedlab");
    dn.push(DnType::CommonName, common_name);
    dn
}

fn validity(params: &mut CertificateParams) {
    // Clients check validity against real time, not the injected token clock; a day of
    // backdating absorbs skew between containers.
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(365);
}

/// Builds root -> intermediate -> leaf (ECDSA P-256, cheap to generate). The leaf carries
/// SANs `localhost`, `127.0.0.1` and every name in `extra_names` not already present.
pub(crate) fn generate(extra_names: &[&str]) -> Result<TlsChain, TlsError> {
    let mut root_params = CertificateParams::default();
    root_params.distinguished_name = dn("fedlab mock-gitlab Root CA");
    root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    validity(&mut root_params);
    let root = CertifiedIssuer::self_signed(root_params, KeyPair::generate()?)?;

    let mut int_params = CertificateParams::default();
    int_params.distinguished_name = dn("fedlab mock-gitlab Intermediate CA");
    int_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    int_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    int_params.use_authority_key_identifier_extension = true;
    validity(&mut int_params);
    let intermediate = CertifiedIssuer::signed_by(int_params, KeyPair::generate()?, &root)?;

    let mut sans: Vec<String> = vec!["localhost".into(), "127.0.0.1".into()];
    for name in extra_names {
        if !name.is_empty() && !sans.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            sans.push((*name).to_owned());
        }
    }
    let mut leaf_params = CertificateParams::new(sans)?;
    leaf_params.distinguished_name = dn("localhost");
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    validity(&mut leaf_params);
    let leaf_key = KeyPair::generate()?;
    let leaf = leaf_params.signed_by(&leaf_key, &intermediate)?;

    let served_chain = vec![leaf.der().clone(), intermediate.der().clone()];

    // Explicit provider: no dependence on (or conflict with) a process-wide default.
    let mut server_config = ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(
        served_chain.clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    )?;
    server_config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];

    Ok(TlsChain {
        server_config: Arc::new(server_config),
        root_pem: root.pem(),
        served_chain,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_is_sha1_of_last_served_cert() {
        let chain = generate(&["gitlab.fedlab.test"]).unwrap();
        assert_eq!(chain.served_chain.len(), 2);
        let thumbprint = chain.thumbprint();
        assert_eq!(thumbprint.len(), 40);
        assert!(
            thumbprint
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(thumbprint, sha1_thumbprint(&chain.served_chain[1]));
        assert_ne!(thumbprint, sha1_thumbprint(&chain.served_chain[0]));
        assert_eq!(
            chain.server_config.alpn_protocols,
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
    }

    #[test]
    fn sha1_known_vector() {
        assert_eq!(
            sha1_thumbprint(b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
}
