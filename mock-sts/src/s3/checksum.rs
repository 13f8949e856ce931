//! The integrity checks S3 makes on a body: `Content-MD5`, and the `x-amz-checksum-*` value sent
//! as a header or as an `aws-chunked` trailer (CRC32, CRC32C, CRC64NVME, SHA1, SHA256), each the
//! base64 of the big-endian digest, as the S3 User Guide page "Checking object integrity"
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html>) has it.

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use crc_fast::CrcAlgorithm;
use http::HeaderMap;
use md5::{Digest as _, Md5};

use crate::errors::{ChecksumName, S3Error};

const ALL: [ChecksumName; 5] = [
    ChecksumName::Crc32,
    ChecksumName::Crc32c,
    ChecksumName::Crc64Nvme,
    ChecksumName::Sha1,
    ChecksumName::Sha256,
];

/// `x-amz-checksum-crc32` and so on.
pub(crate) fn header_name(algorithm: ChecksumName) -> String {
    format!("x-amz-checksum-{}", algorithm.as_str().to_ascii_lowercase())
}

/// The algorithm a `x-amz-checksum-*` name stands for.
pub(crate) fn algorithm_of(name: &str) -> Option<ChecksumName> {
    ALL.into_iter()
        .find(|a| header_name(*a).eq_ignore_ascii_case(name))
}

/// The base64 digest S3 compares with what the client sent.
pub(crate) fn compute(algorithm: ChecksumName, data: &[u8]) -> String {
    let bytes: Vec<u8> = match algorithm {
        ChecksumName::Crc32 => crc32(CrcAlgorithm::Crc32IsoHdlc, data),
        ChecksumName::Crc32c => crc32(CrcAlgorithm::Crc32Iscsi, data),
        ChecksumName::Crc64Nvme => crc_fast::checksum(CrcAlgorithm::Crc64Nvme, data)
            .to_be_bytes()
            .to_vec(),
        ChecksumName::Sha1 => digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, data)
            .as_ref()
            .to_vec(),
        ChecksumName::Sha256 => digest::digest(&digest::SHA256, data).as_ref().to_vec(),
    };
    STANDARD.encode(bytes)
}

fn crc32(algorithm: CrcAlgorithm, data: &[u8]) -> Vec<u8> {
    // A 32-bit CRC fits its low four bytes.
    let value = crc_fast::checksum(algorithm, data) & 0xffff_ffff;
    value.to_be_bytes()[4..].to_vec()
}

/// The digest length each algorithm's base64 must decode to.
fn digest_len(algorithm: ChecksumName) -> usize {
    match algorithm {
        ChecksumName::Crc32 | ChecksumName::Crc32c => 4,
        ChecksumName::Crc64Nvme => 8,
        ChecksumName::Sha1 => 20,
        ChecksumName::Sha256 => 32,
    }
}

/// Checks `value` (as sent) against `data`.
pub(crate) fn verify(algorithm: ChecksumName, value: &str, data: &[u8]) -> Result<(), S3Error> {
    let decoded = STANDARD
        .decode(value.trim())
        .map_err(|_| S3Error::InvalidChecksum { algorithm })?;
    if decoded.len() != digest_len(algorithm) {
        return Err(S3Error::InvalidChecksum { algorithm });
    }
    if compute(algorithm, data) == STANDARD.encode(decoded) {
        Ok(())
    } else {
        Err(S3Error::ChecksumMismatch { algorithm })
    }
}

/// The `x-amz-checksum-*` header the request carries, if any (at most one is honoured: the first
/// in the order above).
pub(crate) fn from_headers(headers: &HeaderMap) -> Option<(ChecksumName, String)> {
    ALL.into_iter().find_map(|algorithm| {
        let value = headers.get(header_name(algorithm))?.to_str().ok()?;
        Some((algorithm, value.to_owned()))
    })
}

/// `Content-MD5`: the base64 of the body's MD5.
pub(crate) fn verify_content_md5(headers: &HeaderMap, data: &[u8]) -> Result<(), S3Error> {
    let Some(value) = headers.get("content-md5") else {
        return Ok(());
    };
    let sent = value
        .to_str()
        .ok()
        .and_then(|v| STANDARD.decode(v.trim()).ok())
        .filter(|d| d.len() == 16)
        .ok_or(S3Error::InvalidDigest)?;
    let calculated = md5_bytes(data);
    if sent == calculated {
        Ok(())
    } else {
        Err(S3Error::BadDigest {
            expected: STANDARD.encode(sent),
            calculated: STANDARD.encode(calculated),
        })
    }
}

pub(crate) fn md5_bytes(data: &[u8]) -> Vec<u8> {
    Md5::digest(data).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_the_published_check_values() {
        // "123456789" is the CRC catalogue's check input.
        let check = |a, hex: &str| {
            let bytes = STANDARD.decode(compute(a, b"123456789")).unwrap();
            let got: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(got, hex);
        };
        check(ChecksumName::Crc32, "cbf43926");
        check(ChecksumName::Crc32c, "e3069283");
        check(ChecksumName::Crc64Nvme, "ae8b14860a799888");
    }

    #[test]
    fn a_wrong_checksum_is_a_mismatch_and_a_short_one_is_invalid() {
        let good = compute(ChecksumName::Crc32, b"hello");
        assert!(verify(ChecksumName::Crc32, &good, b"hello").is_ok());
        assert_eq!(
            verify(ChecksumName::Crc32, &good, b"hellO"),
            Err(S3Error::ChecksumMismatch {
                algorithm: ChecksumName::Crc32
            })
        );
        assert_eq!(
            verify(ChecksumName::Crc32, "AAA=", b"hello"),
            Err(S3Error::InvalidChecksum {
                algorithm: ChecksumName::Crc32
            })
        );
    }
}
