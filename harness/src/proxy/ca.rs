//! fedlab's own certificate authority for the AWS host names its proxy answers: a throwaway
//! ECDSA root per federation and, per host name, a leaf signed on first use. Clients trust it
//! through `AWS_CA_BUNDLE` and `SSL_CERT_FILE`, and nothing else does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The root and the TLS configurations made so far, one per host name.
#[derive(Debug)]
pub(super) struct ProxyCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
    configs: Mutex<HashMap<String, Arc<ServerConfig>>>,
}

impl ProxyCa {
    /// A fresh root, valid for a day either side of now (a federation lives minutes).
    pub(super) fn generate() -> Result<Self, String> {
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let mut params = CertificateParams::default();
        params.distinguished_name = name("fedlab proxy Root CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        validity(&mut params);
        let certificate = params.self_signed(&key).map_err(|e| e.to_string())?;
        Ok(Self {
            pem: certificate.pem(),
            issuer: Issuer::new(params, key),
            configs: Mutex::new(HashMap::new()),
        })
    }

    /// The root certificate (PEM), the only one a client needs to trust.
    pub(super) fn pem(&self) -> &str {
        &self.pem
    }

    /// A server configuration presenting a certificate for `host`, made once per host name.
    /// Only HTTP/1.1 is offered: the tunnel is piped byte for byte to mock-sts's plain listener.
    pub(super) fn server_config(&self, host: &str) -> Result<Arc<ServerConfig>, String> {
        let mut configs = self.configs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(config) = configs.get(host) {
            return Ok(Arc::clone(config));
        }
        let config = Arc::new(self.new_server_config(host)?);
        configs.insert(host.to_owned(), Arc::clone(&config));
        Ok(config)
    }

    fn new_server_config(&self, host: &str) -> Result<ServerConfig, String> {
        let mut params =
            CertificateParams::new(vec![host.to_owned()]).map_err(|e| e.to_string())?;
        params.distinguished_name = name(host);
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        validity(&mut params);
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let leaf = params
            .signed_by(&key, &self.issuer)
            .map_err(|e| e.to_string())?;
        let chain: Vec<CertificateDer<'static>> = vec![leaf.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        // Explicit provider: no dependence on (or conflict with) a process-wide default.
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| e.to_string())?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "fedlab");
    dn.push(DnType::CommonName, common_name);
    dn
}

fn validity(params: &mut CertificateParams) {
    // Clients check validity against the real clock; a day either side absorbs any skew.
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(1);
}
