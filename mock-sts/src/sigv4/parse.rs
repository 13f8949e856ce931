//! Extracting SigV4 auth values from the Authorization header or a presigned query.

use http::HeaderMap;
use http::header::AUTHORIZATION;

use super::canonical::{decode_query, query_string, query_value};
use super::dates::parse_scope_date;
use super::error::{SigV4Error, malformed};
use super::types::{
    ALGORITHM, AuthLocation, Credential, MAX_PRESIGN_EXPIRES_SECS, ParsedAuth, Q_ALGORITHM,
    Q_CREDENTIAL, Q_DATE, Q_EXPIRES, Q_SECURITY_TOKEN, Q_SIGNATURE, Q_SIGNED_HEADERS, Request,
    TERMINATOR, X_AMZ_DATE, X_AMZ_SECURITY_TOKEN,
};

/// Extract SigV4 auth values from a request.
///
/// `Ok(None)` when the request carries no SigV4 auth at all (neither an `Authorization` header
/// nor an `X-Amz-Algorithm` query parameter).
pub(crate) fn parse(req: &Request) -> Result<Option<ParsedAuth>, SigV4Error> {
    let query = decode_query(req.query);
    let presign_algorithm = query_value(&query, Q_ALGORITHM);
    let auth = match (req.headers.get(AUTHORIZATION), presign_algorithm) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err(malformed(
                "both an Authorization header and an X-Amz-Algorithm query parameter",
            ));
        }
        (Some(header), None) => parse_header_auth(req.headers, header.as_bytes())?,
        (None, Some(algorithm)) => parse_query_auth(&query, algorithm)?,
    };
    validate(&auth)?;
    Ok(Some(auth))
}

fn parse_header_auth(headers: &HeaderMap, value: &[u8]) -> Result<ParsedAuth, SigV4Error> {
    let value = std::str::from_utf8(value)
        .map_err(|_| malformed("Authorization header is not UTF-8"))?
        .trim();
    let (algorithm, rest) = value
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((value, ""));
    check_header_algorithm(algorithm)?;
    let fields = AuthFields::parse(rest)?;
    let amz_date = header_string(headers, X_AMZ_DATE)?
        .ok_or_else(|| malformed("missing X-Amz-Date header"))?;
    Ok(ParsedAuth {
        credential: parse_credential(fields.credential)?,
        signed_headers: parse_signed_headers(fields.signed_headers)?,
        signature: fields.signature.to_owned(),
        amz_date,
        security_token: header_string(headers, X_AMZ_SECURITY_TOKEN)?,
        location: AuthLocation::Header,
        expires: None,
    })
}

/// Tells an unsupported AWS scheme apart from a header that is not AWS auth at all.
fn check_header_algorithm(algorithm: &str) -> Result<(), SigV4Error> {
    if algorithm == ALGORITHM {
        Ok(())
    } else if algorithm.starts_with("AWS") {
        Err(SigV4Error::UnsupportedAlgorithm {
            algorithm: algorithm.to_owned(),
        })
    } else {
        Err(malformed(format!(
            "Authorization header does not start with {ALGORITHM}"
        )))
    }
}

/// The three `k=v` components of the Authorization header, in any order.
struct AuthFields<'a> {
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

impl<'a> AuthFields<'a> {
    fn parse(rest: &'a str) -> Result<Self, SigV4Error> {
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| malformed(format!("Authorization component {part:?} has no '='")))?;
            let slot = match key.trim() {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                // Unknown components carry nothing we sign over.
                _ => continue,
            };
            if slot.replace(value.trim()).is_some() {
                return Err(malformed(format!(
                    "duplicate Authorization component {key}"
                )));
            }
        }
        let missing: Vec<&str> = [
            ("Credential", credential.is_none()),
            ("SignedHeaders", signed_headers.is_none()),
            ("Signature", signature.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, absent)| absent.then_some(name))
        .collect();
        match (credential, signed_headers, signature) {
            (Some(credential), Some(signed_headers), Some(signature)) => Ok(Self {
                credential,
                signed_headers,
                signature,
            }),
            _ => Err(malformed(format!(
                "Authorization header lacks {}",
                missing.join(", ")
            ))),
        }
    }
}

fn parse_query_auth(
    query: &[(Vec<u8>, Vec<u8>)],
    algorithm: &[u8],
) -> Result<ParsedAuth, SigV4Error> {
    if algorithm != ALGORITHM.as_bytes() {
        return Err(SigV4Error::UnsupportedAlgorithm {
            algorithm: String::from_utf8_lossy(algorithm).into_owned(),
        });
    }
    let required = |name: &str| {
        query_string(query, name)?
            .ok_or_else(|| malformed(format!("missing {name} query parameter")))
    };
    Ok(ParsedAuth {
        credential: parse_credential(&required(Q_CREDENTIAL)?)?,
        signed_headers: parse_signed_headers(&required(Q_SIGNED_HEADERS)?)?,
        signature: required(Q_SIGNATURE)?,
        amz_date: required(Q_DATE)?,
        security_token: query_string(query, Q_SECURITY_TOKEN)?,
        location: AuthLocation::Query,
        expires: Some(parse_expires(&required(Q_EXPIRES)?)?),
    })
}

fn parse_expires(value: &str) -> Result<u64, SigV4Error> {
    let secs = value
        .parse::<u64>()
        .ok()
        .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            malformed(format!(
                "X-Amz-Expires {value:?} is not a number of seconds"
            ))
        })?;
    if secs > MAX_PRESIGN_EXPIRES_SECS {
        return Err(malformed(format!(
            "X-Amz-Expires {secs} exceeds {MAX_PRESIGN_EXPIRES_SECS}"
        )));
    }
    Ok(secs)
}

fn parse_credential(value: &str) -> Result<Credential, SigV4Error> {
    let parts: Vec<&str> = value.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts[..] else {
        return Err(malformed(format!(
            "Credential {value:?} is not AKID/date/region/service/{TERMINATOR}"
        )));
    };
    if terminator != TERMINATOR {
        return Err(malformed(format!(
            "Credential terminator is {terminator:?}, not {TERMINATOR}"
        )));
    }
    if [access_key_id, region, service]
        .iter()
        .any(|p| p.is_empty())
    {
        return Err(malformed(format!("Credential {value:?} has an empty part")));
    }
    parse_scope_date(date)?;
    Ok(Credential {
        access_key_id: access_key_id.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
    })
}

/// Canonical header order is the signer's sort order, so an unsorted list cannot have come
/// from a conforming signer.
fn parse_signed_headers(value: &str) -> Result<Vec<String>, SigV4Error> {
    let names: Vec<String> = value.split(';').map(str::to_owned).collect();
    let valid_name = |n: &String| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase() && b != b':')
    };
    if !names.iter().all(valid_name) {
        return Err(malformed(format!(
            "SignedHeaders {value:?} must be lowercase names joined by ';'"
        )));
    }
    if !names.windows(2).all(|w| w[0] < w[1]) {
        return Err(malformed(format!(
            "SignedHeaders {value:?} must be sorted and unique"
        )));
    }
    Ok(names)
}

/// Checks shared by both auth locations.
fn validate(auth: &ParsedAuth) -> Result<(), SigV4Error> {
    if auth.signature.len() != 64 || !auth.signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("Signature is not 64 hex characters"));
    }
    auth.signed_at()?;
    if auth.amz_date.get(..8) != Some(auth.credential.date.as_str()) {
        return Err(SigV4Error::CredentialDateMismatch {
            credential_date: auth.credential.date.clone(),
            amz_date: auth.amz_date.clone(),
        });
    }
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(malformed("'host' must be a signed header"));
    }
    Ok(())
}

fn header_string(headers: &HeaderMap, name: &str) -> Result<Option<String>, SigV4Error> {
    headers
        .get(name)
        .map(|v| {
            v.to_str()
                .map(str::to_owned)
                .map_err(|_| malformed(format!("{name} header is not visible ASCII")))
        })
        .transpose()
}
