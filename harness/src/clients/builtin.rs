//! fedlab's own client: exactly the calls an SDK's web-identity provider makes. As `raw-http` it
//! also sends a scenario's raw Query parameters, reaching the server-side validation that SDKs
//! block before a request is ever sent.

use super::ClientOutcome;
use crate::aws_query::{QueryClient, element};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::job::JobEnvironment;

pub(super) async fn run(
    http: &reqwest::Client,
    job: &JobEnvironment,
    duration_seconds: Option<u32>,
    raw_params: &[(String, String)],
) -> ClientOutcome {
    let var = |name: &str| job.var(name).unwrap_or_default();
    let query = QueryClient::new(http.clone(), var("AWS_ENDPOINT_URL_STS"), var("AWS_REGION"));
    // Verbatim, whitespace included, as botocore's and the Rust SDK's token-file loaders read it.
    let token = match std::fs::read_to_string(job.token_file()) {
        Ok(token) => token,
        Err(err) => return broken(format!("failed to read the token file: {err}")),
    };
    let duration = duration_seconds.map(|d| d.to_string());
    let mut params = vec![
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", var("AWS_ROLE_ARN")),
        ("RoleSessionName", var("AWS_ROLE_SESSION_NAME")),
        ("WebIdentityToken", token.as_str()),
    ];
    if let Some(duration) = &duration {
        params.push(("DurationSeconds", duration));
    }
    apply(&mut params, raw_params);
    let assumed = match query.call("sts", &params, None).await {
        Ok(xml) => xml,
        Err(err) => return outcome_of(err),
    };
    let credentials = match (
        element(&assumed, "AccessKeyId"),
        element(&assumed, "SecretAccessKey"),
        element(&assumed, "SessionToken"),
    ) {
        (Some(access_key_id), Some(secret_access_key), Some(session_token)) => Credentials {
            access_key_id,
            secret_access_key,
            session_token: Some(session_token),
            expiration: None,
        },
        _ => return broken("AssumeRoleWithWebIdentity answered 200 without credentials".into()),
    };
    let identity = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];
    match query.call("sts", &identity, Some(&credentials)).await {
        Ok(xml) => match element(&xml, "Arn") {
            Some(caller_arn) => ClientOutcome::Credentials { caller_arn },
            None => broken("GetCallerIdentity answered without an Arn".into()),
        },
        Err(err) => outcome_of(err),
    }
}

/// Each raw parameter replaces the one of its name, or is added after the others, in order;
/// its value is sent as it is (only form-encoded).
fn apply<'a>(params: &mut Vec<(&'a str, &'a str)>, raw: &'a [(String, String)]) {
    for (name, value) in raw {
        match params.iter_mut().find(|(n, _)| n == name) {
            Some(param) => param.1 = value,
            None => params.push((name, value)),
        }
    }
}

fn outcome_of(err: Error) -> ClientOutcome {
    match err {
        Error::Aws(failure) => ClientOutcome::AwsError {
            code: failure.code,
            message: failure.message,
        },
        other => broken(other.to_string()),
    }
}

fn broken(reason: String) -> ClientOutcome {
    ClientOutcome::Broken { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_parameters_replace_in_place_or_are_added_in_order() {
        let raw = [
            ("DurationSeconds".to_owned(), "abc".to_owned()),
            ("Policy".to_owned(), "{}".to_owned()),
            ("RoleSessionName".to_owned(), " spaced ".to_owned()),
        ];
        let mut params = vec![
            ("Action", "AssumeRoleWithWebIdentity"),
            ("RoleSessionName", "fedlab"),
        ];
        apply(&mut params, &raw);
        assert_eq!(
            params,
            [
                ("Action", "AssumeRoleWithWebIdentity"),
                ("RoleSessionName", " spaced "),
                ("DurationSeconds", "abc"),
                ("Policy", "{}"),
            ]
        );
    }
}
