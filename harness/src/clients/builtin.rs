//! fedlab's own client: exactly the calls an SDK's web-identity provider makes. As `raw-http` it
//! also sends a scenario's raw Query parameters, reaching the server-side validation that SDKs
//! block before a request is ever sent.

use super::{ClientOutcome, ClientRequest};
use crate::aws_query::{QueryClient, element};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::job::JobEnvironment;
use crate::s3_client::S3Client;

pub(super) async fn run(
    http: &reqwest::Client,
    job: &JobEnvironment,
    request: &ClientRequest,
    raw: bool,
) -> ClientOutcome {
    let var = |name: &str| job.var(name).unwrap_or_default();
    let query = QueryClient::new(http.clone(), var("AWS_ENDPOINT_URL_STS"), var("AWS_REGION"));
    // Verbatim, whitespace included, as botocore's and the Rust SDK's token-file loaders read it.
    let token = match std::fs::read_to_string(job.token_file()) {
        Ok(token) => token,
        Err(err) => return broken(format!("failed to read the token file: {err}")),
    };
    let duration = request.duration_seconds.map(|d| d.to_string());
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
    if let Some(policy) = &request.policy {
        params.push(("Policy", policy));
    }
    let arn_names: Vec<String> = (1..=request.policy_arns.len())
        .map(|n| format!("PolicyArns.member.{n}.arn"))
        .collect();
    params.extend(
        arn_names
            .iter()
            .zip(&request.policy_arns)
            .map(|(name, arn)| (name.as_str(), arn.as_str())),
    );
    if raw {
        apply(&mut params, &request.params);
    }
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
    let caller_arn = match query.call("sts", &identity, Some(&credentials)).await {
        Ok(xml) => match element(&xml, "Arn") {
            Some(caller_arn) => caller_arn,
            None => return broken("GetCallerIdentity answered without an Arn".into()),
        },
        Err(err) => return outcome_of(err),
    };
    let s3 = S3Client::new(http.clone(), var("AWS_ENDPOINT_URL_S3"), var("AWS_REGION"));
    let mut replies = Vec::with_capacity(request.s3.len());
    for call in &request.s3 {
        match s3.call(call, &credentials).await {
            Ok(reply) => replies.push(reply),
            Err(reason) => {
                return broken(format!("{} got no answer: {reason}", call.operation.name()));
            }
        }
    }
    ClientOutcome::Credentials {
        caller_arn,
        s3: replies,
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
