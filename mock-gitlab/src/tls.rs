//! The served TLS chains and the rustls config that picks one per handshake.
//!
//! Shaped like a public CA deployment on purpose: the server sends `[leaf, intermediate]`
//! and not the root, so the last certificate on the wire is the intermediate. That is the
//! "top intermediate CA" whose SHA-1 AWS uses as an OIDC provider thumbprint (AWS IAM User
//! Guide, "Obtain the thumbprint for an OpenID Connect identity provider",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html>).
//!
//! The TLS faults swap the chain at handshake time, but only for clients that ask for the
//! issuer's host name through SNI. A client that connects to an IP address sends no SNI and
//! always gets the normal chain, which keeps the mock's own routes usable under any fault.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use aws_lc_rs::digest;
use rustls::ServerConfig;
use rustls::crypto::CryptoProvider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::faults::{Fault, FaultSet};
use crate::pki::{self, Chain, Root};
use crate::pki_store::{self, StoreError};

#[derive(Debug, thiserror::Error)]
pub(crate) enum TlsError {
    #[error("certificate generation: {0}")]
    Rcgen(#[from] rcgen::Error),
    #[error("rustls server config: {0}")]
    Rustls(#[from] rustls::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The chains this instance can serve, ready for rustls.
#[derive(Debug, Clone)]
pub(crate) struct TlsChain {
    /// Root CA certificate PEM, the only thing clients need to trust.
    pub(crate) root_pem: String,
    /// DER of the certificates the server sends, in wire order: leaf, then intermediate.
    pub(crate) served_chain: Vec<CertificateDer<'static>>,
    /// The same for the chain the `new_certificate` fault serves.
    pub(crate) renewed_chain: Vec<CertificateDer<'static>>,
    normal: Arrangements,
    renewed: Arrangements,
}

/// One chain in the three orders the faults need.
#[derive(Debug, Clone)]
struct Arrangements {
    in_order: Arc<CertifiedKey>,
    out_of_order: Arc<CertifiedKey>,
    leaf_only: Arc<CertifiedKey>,
}

impl TlsChain {
    /// Lowercase hex SHA-1 of the last certificate served (the intermediate).
    pub(crate) fn thumbprint(&self) -> String {
        last_thumbprint(&self.served_chain)
    }

    /// The thumbprint clients see while `new_certificate` is set.
    pub(crate) fn renewed_thumbprint(&self) -> String {
        last_thumbprint(&self.renewed_chain)
    }

    /// A server config whose chain follows `faults` for clients that name `issuer_host`.
    pub(crate) fn server_config(
        &self,
        faults: Arc<FaultSet>,
        issuer_host: &str,
    ) -> Result<Arc<ServerConfig>, TlsError> {
        let resolver = ChainResolver {
            issuer_host: issuer_host.to_owned(),
            faults,
            normal: self.normal.clone(),
            renewed: self.renewed.clone(),
        };
        // Explicit provider: no dependence on (or conflict with) a process-wide default.
        let mut config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(resolver));
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

fn last_thumbprint(chain: &[CertificateDer<'_>]) -> String {
    chain.last().map(|c| sha1_thumbprint(c)).unwrap_or_default()
}

/// Lowercase hex SHA-1 of a DER certificate, as `openssl x509 -fingerprint -sha1` prints it
/// minus the colons, and as IAM expects in `ThumbprintList`.
pub(crate) fn sha1_thumbprint(der: &[u8]) -> String {
    let d = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, der);
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the mock's own routes are reachable without SNI, and so always with the normal chain:
/// the listen address, or loopback when listening on every interface.
pub(crate) fn admin_address(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

/// The leaf's subject alternative names: `localhost`, `127.0.0.1`, the issuer's host and the
/// admin address, each once.
pub(crate) fn leaf_names(issuer_host: &str, admin: IpAddr) -> Vec<String> {
    let mut names: Vec<String> = vec!["localhost".into(), "127.0.0.1".into()];
    for name in [issuer_host.to_owned(), admin.to_string()] {
        if !name.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            names.push(name);
        }
    }
    names
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Reuses the PKI in `state_dir` when it is complete and still valid for `names`; otherwise
/// generates a root and a chain (ECDSA P-256, cheap) and, with a state dir, stores them.
/// `names` are the leaf's subject alternative names: host names or IP addresses.
pub(crate) fn prepare(state_dir: Option<&Path>, names: &[String]) -> Result<TlsChain, TlsError> {
    let provider = provider();
    if let Some(dir) = state_dir {
        match reuse(dir, names, &provider) {
            Ok(chain) => {
                tracing::info!(state_dir = %dir.display(), "reusing the stored CA and chain");
                return Ok(chain);
            }
            Err(why) => {
                tracing::info!(state_dir = %dir.display(), %why, "generating a new CA and chain");
            }
        }
    }
    let root = Root::generate()?;
    let chain = root.sign_chain(names)?;
    if let Some(dir) = state_dir {
        pki_store::save(dir, &root, &chain)?;
    }
    let renewed = root.sign_chain(names)?;
    assemble(&root, &chain, &renewed, &provider)
}

/// The stored PKI, if it verifies. The renewed chain is signed with the stored root key and
/// verified against the stored root certificate, which also proves the two belong together.
fn reuse(dir: &Path, names: &[String], provider: &Arc<CryptoProvider>) -> Result<TlsChain, String> {
    let (root, chain) = pki_store::load(dir)?;
    pki::verify(&root, &chain, names, provider)?;
    let renewed = root.sign_chain(names).map_err(|e| e.to_string())?;
    pki::verify(&root, &renewed, names, provider).map_err(|e| {
        format!(
            "{}: the root key does not match it ({e})",
            pki_store::ROOT_CERT
        )
    })?;
    assemble(&root, &chain, &renewed, provider).map_err(|e| e.to_string())
}

fn assemble(
    root: &Root,
    chain: &Chain,
    renewed: &Chain,
    provider: &CryptoProvider,
) -> Result<TlsChain, TlsError> {
    let normal = arrange(chain, provider)?;
    let renewed_arrangements = arrange(renewed, provider)?;
    Ok(TlsChain {
        root_pem: root.pem().to_owned(),
        served_chain: normal.in_order.cert.clone(),
        renewed_chain: renewed_arrangements.in_order.cert.clone(),
        normal,
        renewed: renewed_arrangements,
    })
}

/// The chain as a correct server sends it, and as two kinds of misconfigured server do.
/// `from_der` also checks that the leaf key belongs to the leaf certificate.
fn arrange(chain: &Chain, provider: &CryptoProvider) -> Result<Arrangements, TlsError> {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.leaf_key.serialize_der()));
    let in_order = CertifiedKey::from_der(
        vec![chain.leaf.clone(), chain.intermediate.clone()],
        key,
        provider,
    )?;
    let out_of_order = CertifiedKey::new(
        vec![chain.intermediate.clone(), chain.leaf.clone()],
        Arc::clone(&in_order.key),
    );
    let leaf_only = CertifiedKey::new(vec![chain.leaf.clone()], Arc::clone(&in_order.key));
    Ok(Arrangements {
        in_order: Arc::new(in_order),
        out_of_order: Arc::new(out_of_order),
        leaf_only: Arc::new(leaf_only),
    })
}

/// Picks the served chain per handshake from the faults in force at that moment.
#[derive(Debug)]
struct ChainResolver {
    issuer_host: String,
    faults: Arc<FaultSet>,
    normal: Arrangements,
    renewed: Arrangements,
}

impl ResolvesServerCert for ChainResolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let names_issuer = client_hello
            .server_name()
            .is_some_and(|name| name.eq_ignore_ascii_case(&self.issuer_host));
        if !names_issuer {
            return Some(Arc::clone(&self.normal.in_order));
        }
        let active = self.faults.current();
        let chain = if active.contains(&Fault::NewCertificate) {
            &self.renewed
        } else {
            &self.normal
        };
        // A single certificate has no order, so "without intermediate" wins over "out of order".
        let served = if active.contains(&Fault::ChainWithoutIntermediate) {
            &chain.leaf_only
        } else if active.contains(&Fault::ChainOutOfOrder) {
            &chain.out_of_order
        } else {
            &chain.in_order
        };
        Some(Arc::clone(served))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec![
            "localhost".into(),
            "127.0.0.1".into(),
            "gitlab.fedlab.test".into(),
        ]
    }

    #[test]
    fn thumbprint_is_sha1_of_last_served_cert() {
        let chain = prepare(None, &names()).unwrap();
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
        assert_ne!(chain.renewed_thumbprint(), thumbprint);
        let config = chain
            .server_config(Arc::new(FaultSet::new(Vec::new())), "localhost")
            .unwrap();
        assert_eq!(
            config.alpn_protocols,
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
    }

    #[test]
    fn the_admin_address_is_loopback_for_a_wildcard_listen_address() {
        let admin = |listen: &str| admin_address(listen.parse().unwrap()).to_string();
        assert_eq!(admin("0.0.0.0:8443"), "127.0.0.1:8443");
        assert_eq!(admin("[::]:8443"), "[::1]:8443");
        assert_eq!(admin("10.1.2.3:8443"), "10.1.2.3:8443");
        assert_eq!(
            leaf_names("gitlab.fedlab.test", "10.1.2.3".parse().unwrap()),
            ["localhost", "127.0.0.1", "gitlab.fedlab.test", "10.1.2.3"]
        );
        assert_eq!(
            leaf_names("LOCALHOST", "127.0.0.1".parse().unwrap()),
            ["localhost", "127.0.0.1"]
        );
    }

    #[test]
    fn sha1_known_vector() {
        assert_eq!(
            sha1_thumbprint(b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    #[test]
    fn a_state_dir_gives_back_the_same_chain_until_the_names_change() {
        let dir = tempfile::tempdir().unwrap();
        let first = prepare(Some(dir.path()), &names()).unwrap();
        // `server` writes ca.pem next to the files `prepare` stored.
        std::fs::write(dir.path().join(pki_store::ROOT_CERT), &first.root_pem).unwrap();
        let second = prepare(Some(dir.path()), &names()).unwrap();
        assert_eq!(second.root_pem, first.root_pem);
        assert_eq!(second.served_chain, first.served_chain);
        assert_ne!(second.renewed_chain, first.renewed_chain);

        let other_host = vec!["localhost".to_owned(), "gitlab.elsewhere.test".to_owned()];
        let third = prepare(Some(dir.path()), &other_host).unwrap();
        assert_ne!(third.served_chain, first.served_chain);
        assert_ne!(third.root_pem, first.root_pem);
    }
}
