//! AWS's TLS rule for an issuer: a chain that verifies to one of AWS's trusted root CAs is
//! accepted as is; any other chain, whatever its fault, is judged by the provider's thumbprints.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::chain::{in_order, thumbprint};
use crate::unknowns;

#[derive(Debug)]
pub(super) struct IssuerCertVerifier {
    pub(super) trusted: Option<Arc<WebPkiServerVerifier>>,
    pub(super) thumbprints: Vec<String>,
    pub(super) crypto: Arc<CryptoProvider>,
    pub(super) mismatch: Arc<AtomicBool>,
}

impl IssuerCertVerifier {
    fn pinned(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // AWS pins the top intermediate: the last certificate the server sends.
        let top = intermediates.last().unwrap_or(end_entity);
        if !self.thumbprints.contains(&thumbprint(top)) {
            self.mismatch.store(true, Ordering::Relaxed);
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            ));
        }
        if !unknowns::THUMBPRINT_MODE_VERIFIES_CHAIN {
            return Ok(ServerCertVerified::assertion());
        }
        let mut roots = RootCertStore::empty();
        roots.add(top.clone())?;
        let below_top = &intermediates[..intermediates.len().saturating_sub(1)];
        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&self.crypto))
            .build()
            .map_err(|e| rustls::Error::General(e.to_string()))?
            .verify_server_cert(end_entity, below_top, server_name, ocsp, now)
    }
}

impl ServerCertVerifier for IssuerCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if unknowns::REQUIRE_ORDERED_CHAIN && !in_order(end_entity, intermediates) {
            return Err(rustls::Error::General(
                "the server's certificate chain is not in order (each certificate must be \
                 issued by the next)"
                    .to_owned(),
            ));
        }
        let trusted = match &self.trusted {
            Some(verifier) => {
                verifier.verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            }
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        };
        // "Only then" in AWS's words: any chain that does not verify to a trusted root (an
        // unknown CA, a same-named CA with another key, an expired certificate) falls back to
        // the thumbprints, never straight to a failure.
        match trusted {
            Ok(verified) => Ok(verified),
            Err(_) => self.pinned(end_entity, intermediates, server_name, ocsp, now),
        }
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

/// The handshake signature checks every verifier here shares: whatever the chain rule, the server
/// must prove it holds the leaf's key.
pub(super) mod handshake {
    use rustls::client::danger::HandshakeSignatureValid;
    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::CertificateDer;
    use rustls::{DigitallySignedStruct, SignatureScheme};

    pub(crate) fn tls12(
        crypto: &CryptoProvider,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &crypto.signature_verification_algorithms,
        )
    }

    pub(crate) fn tls13(
        crypto: &CryptoProvider,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &crypto.signature_verification_algorithms,
        )
    }

    pub(crate) fn schemes(crypto: &CryptoProvider) -> Vec<SignatureScheme> {
        crypto.signature_verification_algorithms.supported_schemes()
    }
}
