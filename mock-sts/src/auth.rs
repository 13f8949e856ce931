//! Who signed a request: SigV4 against the admin keys or a session issued by this server.

use crate::errors::AwsError;
use crate::service::Service;
use crate::sessions::{Refusal, Session};
use crate::sigv4::{self, SigV4Error, SkewDirection};
use crate::state::Sts;

/// Who signed a request.
#[derive(Debug)]
pub(crate) enum Caller {
    Admin,
    Session(Session),
}

/// The verdict on a signed request, with the access key it named (for the request log) even
/// when the signature did not hold.
#[derive(Debug)]
pub(crate) struct Authentication {
    pub(crate) access_key_id: Option<String>,
    pub(crate) caller: Result<Caller, AwsError>,
}

/// SigV4: the access key names the secret (admin, or a session issued here); a session key also
/// needs its own session token; then the signature must verify within the clock-skew window, and
/// the credential scope must name `service`.
pub(crate) fn authenticate(
    sts: &Sts,
    request: &sigv4::Request<'_>,
    service: Service,
) -> Authentication {
    let auth = match sigv4::parse(request) {
        Ok(Some(auth)) => auth,
        Ok(None) => return refused(AwsError::MissingAuthenticationToken),
        Err(_) => return refused(AwsError::SignatureDoesNotMatch),
    };
    let access_key_id = auth.credential.access_key_id.clone();
    let caller = verify(sts, request, &auth, service);
    Authentication {
        access_key_id: Some(access_key_id),
        caller,
    }
}

/// No usable auth values, so no access key to log either.
fn refused(error: AwsError) -> Authentication {
    Authentication {
        access_key_id: None,
        caller: Err(error),
    }
}

fn verify(
    sts: &Sts,
    request: &sigv4::Request<'_>,
    auth: &sigv4::ParsedAuth,
    service: Service,
) -> Result<Caller, AwsError> {
    let access_key_id = auth.credential.access_key_id.as_str();
    let now = sts.config.clock.now();
    let (caller, secret) = if access_key_id == sts.config.admin_access_key_id {
        (Caller::Admin, sts.config.admin_secret_access_key.clone())
    } else {
        let session = sts
            .sessions
            .check(access_key_id, auth.security_token.as_deref(), now)
            .map_err(|refusal| match refusal {
                Refusal::Expired => AwsError::ExpiredSessionToken,
                Refusal::UnknownKey | Refusal::MissingToken | Refusal::WrongToken => {
                    AwsError::InvalidClientTokenId
                }
            })?;
        let secret = session.secret_access_key.clone();
        (Caller::Session(session), secret)
    };
    sigv4::verify(request, auth, &secret, now).map_err(signature_error)?;
    if auth.credential.service != service.signing_name() {
        return Err(AwsError::WrongService {
            expected: service.signing_name(),
        });
    }
    Ok(caller)
}

fn signature_error(err: SigV4Error) -> AwsError {
    match err {
        SigV4Error::RequestExpired {
            amz_date,
            now,
            window_start,
            direction: SkewDirection::Past,
            ..
        } => AwsError::SignatureExpired {
            amz_date,
            window_start,
            now,
        },
        SigV4Error::RequestExpired {
            amz_date,
            now,
            window_end,
            direction: SkewDirection::Future,
            ..
        } => AwsError::SignatureNotYetCurrent {
            amz_date,
            window_end,
            now,
        },
        _ => AwsError::SignatureDoesNotMatch,
    }
}
