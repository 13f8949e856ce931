//! fedlab's own client: exactly the calls an SDK's web-identity provider makes.

use super::{ClientOutcome, Job};
use crate::aws_query::{Keys, QueryClient, QueryError, element};

pub async fn run(http: &reqwest::Client, job: &Job) -> ClientOutcome {
    let query = QueryClient::new(http.clone(), &job.endpoint, &job.region);
    let duration = job.duration_seconds.map(|d| d.to_string());
    let mut params = vec![
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", job.role_arn.as_str()),
        ("RoleSessionName", job.session_name.as_str()),
        ("WebIdentityToken", job.token.as_str()),
    ];
    if let Some(duration) = &duration {
        params.push(("DurationSeconds", duration));
    }
    let assumed = match query.call("sts", &params, None).await {
        Ok(xml) => xml,
        Err(err) => return outcome_of(err),
    };
    let keys = match (
        element(&assumed, "AccessKeyId"),
        element(&assumed, "SecretAccessKey"),
        element(&assumed, "SessionToken"),
    ) {
        (Some(access_key_id), Some(secret_access_key), Some(session_token)) => Keys {
            access_key_id,
            secret_access_key,
            session_token: Some(session_token),
        },
        _ => {
            return ClientOutcome::Broken {
                reason: "AssumeRoleWithWebIdentity answered 200 without credentials".into(),
            };
        }
    };
    let identity = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];
    match query.call("sts", &identity, Some(&keys)).await {
        Ok(xml) => match element(&xml, "Arn") {
            Some(caller_arn) => ClientOutcome::Credentials { caller_arn },
            None => ClientOutcome::Broken {
                reason: "GetCallerIdentity answered without an Arn".into(),
            },
        },
        Err(err) => outcome_of(err),
    }
}

fn outcome_of(err: QueryError) -> ClientOutcome {
    match err {
        QueryError::Aws(failure) => ClientOutcome::AwsError {
            code: failure.code,
            message: failure.message.unwrap_or_default(),
        },
        other => ClientOutcome::Broken {
            reason: other.to_string(),
        },
    }
}
