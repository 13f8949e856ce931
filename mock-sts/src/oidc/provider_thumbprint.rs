//! What IAM does for CreateOpenIDConnectProvider without a ThumbprintList: connect to the
//! provider, read its certificate chain, and keep the thumbprint of the top intermediate.

use std::sync::{Arc, Mutex, PoisonError};

use rustls::DigitallySignedStruct;
use rustls::SignatureScheme;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

use super::chain::{in_order, thumbprint};
use super::keys::{KeyFetcher, error_chain};
use super::verifier::handshake;
use crate::unknowns;

impl KeyFetcher {
    /// The thumbprint IAM would store for `url`: the SHA-1 of the last certificate the server
    /// sends, read while fetching the discovery document. The reason it failed otherwise, for the
    /// request log; AWS's own answer says only that IAM could not connect.
    pub(crate) async fn provider_thumbprint(&self, url: &str) -> Result<String, String> {
        let chain = Arc::new(Mutex::new(Vec::new()));
        let recorder = ChainRecorder {
            crypto: Arc::clone(&self.crypto),
            chain: Arc::clone(&chain),
        };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::clone(&self.crypto))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("tls setup: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(recorder))
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .no_proxy()
            .redirect(super::keys::redirect_policy())
            .build()
            .map_err(|e| format!("client setup: {e}"))?;
        let discovery = format!("{url}/.well-known/openid-configuration");
        let response =
            tokio::time::timeout(unknowns::KEY_FETCH_TIMEOUT, client.get(&discovery).send())
                .await
                .map_err(|_| {
                    format!(
                        "GET {discovery}: no answer within {:?}",
                        unknowns::KEY_FETCH_TIMEOUT
                    )
                })?
                .map_err(|e| format!("GET {discovery}: {}", error_chain(&e)))?;
        if !response.status().is_success() {
            return Err(format!("GET {discovery}: HTTP {}", response.status()));
        }
        let chain = chain.lock().unwrap_or_else(PoisonError::into_inner);
        chain
            .last()
            .map(|top| thumbprint(top))
            .ok_or_else(|| format!("GET {discovery}: the server sent no certificate"))
    }
}

/// Accepts any chain that is in order and remembers it: IAM computes the thumbprint from what the
/// server sends, it does not decide trust here.
#[derive(Debug)]
struct ChainRecorder {
    crypto: Arc<CryptoProvider>,
    chain: Arc<Mutex<Vec<CertificateDer<'static>>>>,
}

impl ServerCertVerifier for ChainRecorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if unknowns::REQUIRE_ORDERED_CHAIN && !in_order(end_entity, intermediates) {
            return Err(rustls::Error::General(
                "the server's certificate chain is not in order".to_owned(),
            ));
        }
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|cert| cert.clone().into_owned())
            .collect();
        *self.chain.lock().unwrap_or_else(PoisonError::into_inner) = chain;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        handshake::tls12(&self.crypto, message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        handshake::tls13(&self.crypto, message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        handshake::schemes(&self.crypto)
    }
}
