//! Who signed a request: SigV4 against the admin keys or a session issued by this server.

use crate::errors::AwsError;
use crate::server::{Note, Service, Sts};
use crate::sessions::Session;
use crate::sigv4;

/// Who signed a request.
#[derive(Debug)]
pub enum Caller {
    Admin,
    Session(Session),
}

/// SigV4: the access key names the secret (admin, or a session issued here); a session key also
/// needs its own session token; then the signature must verify within the clock-skew window.
pub fn authenticate(
    sts: &Sts,
    request: &sigv4::Request<'_>,
    service: Service,
    note: &mut Note,
) -> Result<Caller, AwsError> {
    let auth = sigv4::parse(request)
        .map_err(|_| AwsError::SignatureDoesNotMatch)?
        .ok_or(AwsError::MissingAuthenticationToken)?;
    let access_key_id = auth.credential.access_key_id.clone();
    note.access_key_id = Some(access_key_id.clone());
    let now = sts.config.clock.now();
    let (caller, secret) = if access_key_id == sts.config.admin_access_key_id {
        (Caller::Admin, sts.config.admin_secret_access_key.clone())
    } else {
        let session = sts
            .sessions
            .get(&access_key_id)
            .ok_or(AwsError::InvalidClientTokenId)?;
        if auth.security_token.as_deref() != Some(session.session_token.as_str()) {
            return Err(AwsError::InvalidClientTokenId);
        }
        if now >= session.expiration {
            return Err(AwsError::ExpiredSessionToken);
        }
        let secret = session.secret_access_key.clone();
        (Caller::Session(session), secret)
    };
    sigv4::verify(request, &auth, &secret, now).map_err(|err| match err {
        sigv4::SigV4Error::RequestExpired {
            amz_date,
            now,
            window_start,
            window_end,
            direction,
        } => match direction {
            sigv4::SkewDirection::Past => AwsError::SignatureExpired {
                amz_date,
                window_start,
                now,
            },
            sigv4::SkewDirection::Future => AwsError::SignatureNotYetCurrent {
                amz_date,
                window_end,
                now,
            },
        },
        _ => AwsError::SignatureDoesNotMatch,
    })?;
    if auth.credential.service != service.signing_name() {
        return Err(AwsError::WrongService {
            expected: service.signing_name(),
        });
    }
    Ok(caller)
}
