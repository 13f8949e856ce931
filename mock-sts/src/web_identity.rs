//! AssumeRoleWithWebIdentity, top to bottom, in the order of `unknowns::WEB_IDENTITY_CHECK_ORDER`.

use jsonwebtoken::Algorithm;
use time::Duration;

use crate::errors::AwsError;
use crate::oidc::{self, FetchError};
use crate::policy::{self, Decision, Principal, RequestContext};
use crate::query::Params;
use crate::server::{Note, Sts};
use crate::validation::{self, Checker, Pattern, StringRule};
use crate::{jwt::Jwt, times, unknowns, xml};

const ACTION: &str = "sts:AssumeRoleWithWebIdentity";

pub async fn assume_role_with_web_identity(
    sts: &Sts,
    params: &Params,
    request_id: &str,
    note: &mut Note,
) -> Result<String, AwsError> {
    // 1. Parameters. Integer parsing fails the whole request before any constraint is checked.
    let duration = validation::integer(params, "DurationSeconds")?;
    let mut checker = Checker::new();
    let role_arn = checker.string(params, ROLE_ARN);
    let session_name = checker.string(params, SESSION_NAME);
    let token = checker.string(params, TOKEN);
    checker.string(params, PROVIDER_ID);
    // Session policies are validated but not applied yet (role permissions come later).
    let policy_arns = params.list_field("PolicyArns", "arn");
    checker.max_items("policyArns", &policy_arns, 10);
    checker.string(params, POLICY);
    if let Some(duration) = duration {
        checker.range("durationSeconds", duration, 900, 43200);
    }
    checker.finish()?;
    let (role_arn, session_name, token) = (
        role_arn.unwrap_or_default(),
        session_name.unwrap_or_default(),
        token.unwrap_or_default(),
    );
    note.role_arn = Some(role_arn.to_owned());
    note.role_session_name = Some(session_name.to_owned());

    // 2. The role, in the account its ARN names. A missing role is AccessDenied, before the token
    //    is even parsed (AWS's own SDK tests send the literal token "token" and get AccessDenied).
    let (account, role_name) = parse_role_arn(role_arn)?;
    let role = if account == sts.config.account_id {
        sts.iam().role(role_name)
    } else {
        None
    };
    let Some(role) = role else {
        note.detail = Some(format!("role {role_arn} does not exist"));
        return Err(AwsError::WebIdentityAccessDenied);
    };

    // 3. Duration against the role's maximum.
    let duration = duration.unwrap_or(3600);
    if duration > role.max_session_duration {
        note.detail = Some(format!(
            "DurationSeconds {duration} > role MaxSessionDuration {}",
            role.max_session_duration
        ));
        return Err(AwsError::DurationExceedsMaxSession);
    }

    // 4–5. The token's shape and required claims.
    let jwt = Jwt::decode(token)?;
    for claim in unknowns::REQUIRED_CLAIMS {
        if !jwt.claims.contains_key(*claim) {
            return Err(AwsError::MissingClaim { claim });
        }
    }
    let exp = jwt.timestamp("exp")?.unwrap_or_default();
    let nbf = jwt.timestamp("nbf")?;
    jwt.timestamp("iat")?;
    let issuer = jwt.claim_str("iss").map(str::to_owned).unwrap_or_else(|| {
        jwt.claims
            .get("iss")
            .map(ToString::to_string)
            .unwrap_or_default()
    });
    let subject = jwt.claim_str("sub").unwrap_or_default().to_owned();

    // 6. The IAM OIDC provider for this issuer: exact, case- and trailing-slash-sensitive.
    let Some(provider) = sts.iam().provider_for_issuer(&issuer) else {
        return Err(AwsError::NoOpenIdConnectProvider { issuer });
    };

    // 7. Audience.
    let audiences = jwt.audiences();
    let Some(audience) = audiences
        .iter()
        .find(|aud| provider.client_ids.iter().any(|id| id == *aud))
        .map(|aud| (*aud).to_owned())
    else {
        note.detail = Some(format!(
            "token aud {:?} is not in the provider's client ID list {:?}",
            audiences, provider.client_ids
        ));
        return Err(AwsError::IncorrectAudience);
    };

    // 8. Time.
    let now = sts.config.clock.now();
    let now_unix = now.unix_timestamp();
    if now_unix >= exp + unknowns::EXPIRY_LEEWAY_SECS {
        return Err(AwsError::TokenExpired { now: now_unix, exp });
    }
    if let Some(nbf) = nbf
        && nbf > now_unix + unknowns::NOT_BEFORE_LEEWAY_SECS
    {
        note.detail = Some(format!("nbf {nbf} is after now {now_unix}"));
        return Err(AwsError::TokenNotYetValid);
    }

    // 9. The issuer's key, fetched over HTTPS.
    let alg = jwt.header_str("alg").unwrap_or_default().to_owned();
    if !unknowns::ALLOWED_ALGORITHMS.contains(&alg.as_str()) {
        note.detail = Some(format!("alg {alg:?} is not accepted"));
        return Err(AwsError::InvalidSignature);
    }
    let jwk = sts
        .keys
        .key(&issuer, &provider.thumbprints, jwt.header_str("kid"))
        .await
        .map_err(|err| {
            note.detail = Some(err.to_string());
            match err {
                FetchError::Unavailable(_) => AwsError::VerificationKeyUnavailable,
                FetchError::ThumbprintMismatch => AwsError::ThumbprintMismatch,
            }
        })?;

    // 10. Signature.
    let verified = oidc::decoding_key(&jwk, &alg)
        .zip(alg.parse::<Algorithm>().ok())
        .is_some_and(|(key, algorithm)| {
            jsonwebtoken::crypto::verify(
                jwt.signature,
                jwt.signing_input.as_bytes(),
                &key,
                algorithm,
            )
            .unwrap_or(false)
        });
    if !verified {
        note.detail = Some("signature does not verify with the issuer's key".to_owned());
        return Err(AwsError::InvalidSignature);
    }

    // 11. The role's trust policy.
    let condition_prefix = provider.url.trim_start_matches("https://");
    let mut context = RequestContext::new(Principal::Federated(provider.arn.clone()), ACTION);
    context.insert(
        format!("{condition_prefix}:aud"),
        audiences
            .iter()
            .map(|a| (*a).to_owned())
            .collect::<Vec<String>>(),
    );
    context.insert(format!("{condition_prefix}:sub"), vec![subject.clone()]);
    context.insert("aws:FederatedProvider", vec![provider.arn.clone()]);
    context.insert("sts:RoleSessionName", vec![session_name.to_owned()]);
    context.insert("aws:CurrentTime", vec![times::iso8601(now)]);
    context.insert("aws:EpochTime", vec![now_unix.to_string()]);
    context.insert("aws:RequestedRegion", vec![sts.config.region.clone()]);
    let evaluation = policy::evaluate(&role.trust_policy, &context);
    match &evaluation.decision {
        Decision::Allow { statement, .. } => {
            note.detail = Some(format!("allowed by trust policy statement {statement}"));
        }
        _ => {
            note.detail = Some(explain_denial(&evaluation));
            return Err(AwsError::WebIdentityAccessDenied);
        }
    }

    // 12. Credentials.
    let expiration = now.replace_nanosecond(0).unwrap_or(now) + Duration::seconds(duration);
    let session = sts.sessions.issue(
        &sts.config.account_id,
        &role.name,
        &role.role_id,
        session_name,
        expiration,
    );
    note.issued_access_key_id = Some(session.access_key_id.clone());
    Ok(xml::success(
        "AssumeRoleWithWebIdentity",
        xml::STS_NAMESPACE,
        request_id,
        |x| {
            x.leaf("Audience", &audience)
                .open("AssumedRoleUser")
                .leaf(
                    "AssumedRoleId",
                    &format!("{}:{}", session.role_id, session.role_session_name),
                )
                .leaf("Arn", &session.assumed_role_arn)
                .close("AssumedRoleUser")
                .leaf("Provider", &provider.arn)
                .open("Credentials")
                .leaf("AccessKeyId", &session.access_key_id)
                .leaf("SecretAccessKey", &session.secret_access_key)
                .leaf("SessionToken", &session.session_token)
                .leaf("Expiration", &times::iso8601(session.expiration))
                .close("Credentials")
                .leaf("SubjectFromWebIdentityToken", &subject);
        },
    ))
}

/// `arn:<partition>:iam::<12 digits>:role/<path…/>name` → (account, name).
fn parse_role_arn(arn: &str) -> Result<(&str, &str), AwsError> {
    let invalid = || AwsError::InvalidRoleArn {
        value: arn.to_owned(),
    };
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(invalid());
    };
    if partition.is_empty() || account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let name = resource
        .strip_prefix("role/")
        .and_then(|path_and_name| path_and_name.rsplit('/').next())
        .filter(|name| !name.is_empty())
        .ok_or_else(invalid)?;
    Ok((account, name))
}

fn explain_denial(evaluation: &policy::Evaluation) -> String {
    format!("trust policy: {evaluation}")
}

const ROLE_ARN: StringRule = StringRule {
    param: "RoleArn",
    member: "roleArn",
    required: true,
    min: 20,
    max: 2048,
    pattern: Some(Pattern::Arn),
    sensitive: false,
};
pub(crate) const SESSION_NAME: StringRule = StringRule {
    param: "RoleSessionName",
    member: "roleSessionName",
    required: true,
    min: 2,
    max: 64,
    pattern: Some(Pattern::RoleSessionName),
    sensitive: false,
};
const TOKEN: StringRule = StringRule {
    param: "WebIdentityToken",
    member: "webIdentityToken",
    required: true,
    min: 4,
    max: 20000,
    pattern: None,
    sensitive: true,
};
const PROVIDER_ID: StringRule = StringRule {
    param: "ProviderId",
    member: "providerId",
    required: false,
    min: 4,
    max: 2048,
    pattern: None,
    sensitive: false,
};
const POLICY: StringRule = StringRule {
    param: "Policy",
    member: "policy",
    required: false,
    min: 1,
    max: 2048,
    pattern: Some(Pattern::SessionPolicy),
    sensitive: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_parse_with_paths() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/a/b/MyRole"),
            Ok(("123456789012", "MyRole"))
        );
        assert!(parse_role_arn("xxxxxxxxxxxxxxxxxxxx").is_err());
        assert!(parse_role_arn("arn:aws:iam::12345678901:role/x").is_err());
        assert!(parse_role_arn("arn:aws:iam::123456789012:user/x").is_err());
    }
}
