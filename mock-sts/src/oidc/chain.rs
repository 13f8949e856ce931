//! What fedlab reads from a server's certificate chain: the thumbprint IAM pins, and whether the
//! chain is in the order TLS requires (each certificate issued by the next).

use aws_lc_rs::digest;
use rustls::pki_types::CertificateDer;

/// The SHA-1 hex of a DER certificate, as IAM shows thumbprints.
pub(crate) fn thumbprint(cert: &[u8]) -> String {
    digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, cert)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `end_entity` followed by `intermediates` is a chain in sending order: every
/// certificate's issuer is the subject of the certificate after it. A certificate that cannot be
/// read makes the chain out of order.
pub(super) fn in_order(
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
) -> bool {
    let chain: Vec<&[u8]> = std::iter::once(end_entity.as_ref())
        .chain(intermediates.iter().map(AsRef::as_ref))
        .collect();
    chain
        .windows(2)
        .all(|pair| match (names(pair[0]), names(pair[1])) {
            (Some((issuer, _)), Some((_, subject))) => issuer == subject,
            _ => false,
        })
}

/// The DER-encoded issuer and subject names of a certificate (RFC 5280 §4.1: `Certificate ::=
/// SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
/// validity, subject, … } … }`), compared as bytes.
fn names(der: &[u8]) -> Option<(&[u8], &[u8])> {
    const SEQUENCE: u8 = 0x30;
    const VERSION: u8 = 0xA0;
    let (tag, certificate, _) = tlv(der)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, tbs, _) = tlv(certificate)?;
    if tag != SEQUENCE {
        return None;
    }
    let mut rest = tbs;
    if rest.first() == Some(&VERSION) {
        rest = tlv(rest)?.2;
    }
    let rest = tlv(rest)?.2; // serialNumber
    let rest = tlv(rest)?.2; // signature algorithm
    let issuer_len = rest.len() - tlv(rest)?.2.len();
    let (issuer, rest) = rest.split_at(issuer_len);
    let rest = tlv(rest)?.2; // validity
    let subject_len = rest.len() - tlv(rest)?.2.len();
    Some((issuer, &rest[..subject_len]))
}

/// One DER element: its tag, its content, and what follows it.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7F);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let length = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (length, rest)
    };
    if rest.len() < length {
        return None;
    }
    let (content, rest) = rest.split_at(length);
    Some((tag, content, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain() -> Vec<CertificateDer<'static>> {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
        let ca = |name: &str| {
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.distinguished_name.push(DnType::CommonName, name);
            params
        };
        // root -> intermediate -> leaf, in the order a server sends them: leaf first.
        let root = CertifiedIssuer::self_signed(ca("root"), KeyPair::generate().unwrap()).unwrap();
        let intermediate =
            CertifiedIssuer::signed_by(ca("intermediate"), KeyPair::generate().unwrap(), &root)
                .unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&leaf_key, &intermediate)
            .unwrap();
        vec![
            leaf.der().clone(),
            intermediate.der().clone(),
            root.der().clone(),
        ]
    }

    #[test]
    fn a_chain_in_sending_order_is_in_order_and_a_shuffled_one_is_not() {
        let chain = chain();
        assert!(in_order(&chain[0], &chain[1..]));
        assert!(in_order(&chain[0], &chain[1..2]));
        assert!(in_order(&chain[0], &[]));
        assert!(!in_order(&chain[0], &[chain[2].clone(), chain[1].clone()]));
        assert!(!in_order(&chain[1], &[chain[0].clone()]));
        assert!(!in_order(
            &CertificateDer::from(vec![0x30, 0x03, 1, 2]),
            &chain[..1]
        ));
    }
}
