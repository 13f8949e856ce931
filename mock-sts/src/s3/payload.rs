//! Reading a PutObject body: the size cap first (from the declared length, then while reading,
//! never buffering past it), then the payload mode (`x-amz-content-sha256`): a plain body checked
//! against its declared SHA-256, or `aws-chunked` decoded with each chunk signature verified, and
//! the trailing checksum read; then `Content-MD5` and `x-amz-checksum-*`.

use axum::body::{Body, Bytes};
use http::HeaderMap;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};

use super::auth::PayloadMode;
use super::checksum;
use crate::errors::{ChecksumName, S3Error};
use crate::sigv4::{ChunkChain, sha256_hex};
use crate::unknowns;

/// A body as stored, and the checksum that came with it.
#[derive(Debug)]
pub(crate) struct Payload {
    pub(crate) data: Bytes,
    pub(crate) checksum: Option<(ChecksumName, String)>,
}

/// Framing of an `aws-chunked` body per chunk is at most this many bytes beyond its data (a
/// 16-digit size, a signature, separators), so the raw limit stays close to the cap.
const CHUNK_OVERHEAD_ALLOWANCE: u64 = 64 * 1024;

pub(crate) async fn read(
    body: Body,
    headers: &HeaderMap,
    mode: &PayloadMode,
    chain: &mut ChunkChain,
    max: u64,
    length_required: bool,
) -> Result<Payload, S3Error> {
    let chunked = matches!(
        mode,
        PayloadMode::SignedChunks { .. } | PayloadMode::UnsignedTrailer
    );
    let declared = declared_length(headers, chunked, length_required)?;
    if let Some(size) = declared.filter(|size| *size > max) {
        return Err(S3Error::EntityTooLarge {
            proposed: size,
            max,
        });
    }
    let raw_limit = if chunked {
        max.saturating_add(max / 64)
            .saturating_add(CHUNK_OVERHEAD_ALLOWANCE)
    } else {
        max
    };
    let raw = collect(body, raw_limit, max).await?;
    let (data, trailer) = match mode {
        PayloadMode::Unsigned => (raw, None),
        PayloadMode::Signed(hash) => {
            let computed = sha256_hex(&raw);
            if &computed != hash {
                return Err(S3Error::XAmzContentSha256Mismatch {
                    client: hash.clone(),
                    computed,
                });
            }
            (raw, None)
        }
        PayloadMode::SignedChunks { trailer } => {
            let decoded = decode_chunked(&raw, Some(chain), *trailer)?;
            (Bytes::from(decoded.data), decoded.trailer)
        }
        PayloadMode::UnsignedTrailer => {
            let decoded = decode_chunked(&raw, None, true)?;
            (Bytes::from(decoded.data), decoded.trailer)
        }
    };
    if declared.is_some_and(|size| size != data.len() as u64) {
        return Err(S3Error::IncompleteBody);
    }
    if data.len() as u64 > max {
        return Err(S3Error::EntityTooLarge {
            proposed: data.len() as u64,
            max,
        });
    }
    checksum::verify_content_md5(headers, &data)?;
    let sent = trailer.or_else(|| checksum::from_headers(headers));
    if let Some((algorithm, value)) = &sent {
        checksum::verify(*algorithm, value, &data)?;
    }
    Ok(Payload {
        data,
        checksum: sent,
    })
}

/// The object's length: `x-amz-decoded-content-length` for `aws-chunked`, else `Content-Length`.
/// A body of unknown length (chunked transfer without either, or a request whose body is
/// optional) is read up to the cap.
fn declared_length(
    headers: &HeaderMap,
    chunked: bool,
    required: bool,
) -> Result<Option<u64>, S3Error> {
    let name = if chunked {
        "x-amz-decoded-content-length"
    } else {
        "content-length"
    };
    match headers.get(name) {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Some)
            .ok_or(S3Error::IncompleteBody),
        None if chunked => Err(S3Error::MissingContentLength),
        None if !required || headers.contains_key(http::header::TRANSFER_ENCODING) => Ok(None),
        None => Err(S3Error::MissingContentLength),
    }
}

async fn collect(body: Body, raw_limit: u64, max: u64) -> Result<Bytes, S3Error> {
    let limit = usize::try_from(raw_limit).unwrap_or(usize::MAX);
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => {
            Err(S3Error::EntityTooLarge {
                proposed: raw_limit.saturating_add(1),
                max,
            })
        }
        Err(_) => Err(S3Error::IncompleteBody),
    }
}

struct Decoded {
    data: Vec<u8>,
    trailer: Option<(ChecksumName, String)>,
}

/// `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` … `0…\r\n`, then trailing headers (each
/// `name:value\r\n`, a signed trailer ending with `x-amz-trailer-signature:<sig>\r\n`) and `\r\n`.
fn decode_chunked(
    raw: &[u8],
    mut chain: Option<&mut ChunkChain>,
    trailer: bool,
) -> Result<Decoded, S3Error> {
    let mut rest = raw;
    let mut data = Vec::with_capacity(raw.len());
    loop {
        let line = take_line(&mut rest)?;
        let (size, signature) = match line.split_once(';') {
            Some((size, ext)) => (size, ext.strip_prefix("chunk-signature=")),
            None => (line, None),
        };
        let size = usize::from_str_radix(size.trim(), 16).map_err(|_| S3Error::IncompleteBody)?;
        let chunk = rest.get(..size).ok_or(S3Error::IncompleteBody)?;
        if let Some(chain) = chain.as_deref_mut() {
            let signature = signature.ok_or(S3Error::ChunkSignatureDoesNotMatch)?;
            if !chain.verify_chunk(chunk, signature) {
                return Err(chunk_mismatch());
            }
        }
        data.extend_from_slice(chunk);
        rest = &rest[size..];
        if size == 0 {
            break;
        }
        rest = rest.strip_prefix(b"\r\n").ok_or(S3Error::IncompleteBody)?;
    }
    let trailer = if trailer {
        read_trailer(&mut rest, chain)?
    } else {
        None
    };
    // The closing empty line; some writers leave it out after the last chunk.
    let _ = take_line(&mut rest);
    Ok(Decoded { data, trailer })
}

fn read_trailer(
    rest: &mut &[u8],
    chain: Option<&mut ChunkChain>,
) -> Result<Option<(ChecksumName, String)>, S3Error> {
    let mut canonical = Vec::new();
    let mut found = None;
    let mut signature = None;
    while let Ok(line) = take_line(rest) {
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or(S3Error::IncompleteBody)?;
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        if name == "x-amz-trailer-signature" {
            signature = Some(value.to_owned());
            break;
        }
        canonical.extend_from_slice(format!("{name}:{value}\n").as_bytes());
        if let Some(algorithm) = checksum::algorithm_of(&name) {
            found = Some((algorithm, value.to_owned()));
        }
    }
    if let Some(chain) = chain {
        let signature = signature.ok_or(S3Error::ChunkSignatureDoesNotMatch)?;
        if !chain.verify_trailer(&canonical, &signature) {
            return Err(chunk_mismatch());
        }
    }
    Ok(found)
}

fn chunk_mismatch() -> S3Error {
    if unknowns::S3_CHUNK_SIGNATURE_MISMATCH_IS_SIGNATURE_DOES_NOT_MATCH {
        S3Error::ChunkSignatureDoesNotMatch
    } else {
        S3Error::IncompleteBody
    }
}

/// The next `\r\n`-terminated line, as text.
fn take_line<'a>(rest: &mut &'a [u8]) -> Result<&'a str, S3Error> {
    let end = rest
        .windows(2)
        .position(|w| w == b"\r\n")
        .ok_or(S3Error::IncompleteBody)?;
    let line = std::str::from_utf8(&rest[..end]).map_err(|_| S3Error::IncompleteBody)?;
    *rest = &rest[end + 2..];
    Ok(line)
}
