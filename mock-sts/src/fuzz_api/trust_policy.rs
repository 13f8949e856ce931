//! The trust-policy target: a policy document, then optionally the request to evaluate it for.
//!
//! The input is the policy's JSON, then, after a NUL byte, up to nine NUL-separated fields of the
//! request (`TrustRequest`): provider host, `sub`, `aud` values (one a line), session name, Unix
//! time, region, session tags (`key=value` a line; the field's presence means the token had the
//! tags claim), transitive tag keys (one a line), source identity. A missing field takes a
//! GitLab-like default, so a plain policy file is a whole input.

use std::hint::black_box;

use time::OffsetDateTime;

use crate::policy::{self, PolicyKind};
use crate::trust_request::{SessionTags, TrustRequest};

/// Parses the policy as a trust policy and as an identity policy, and evaluates each that parses
/// as AssumeRoleWithWebIdentity would (the trust policy through `TrustRequest::evaluate`) and as
/// an S3 call would (the identity policy). `true` when the trust policy parsed.
pub fn trust_policy(input: &[u8]) -> bool {
    let (policy_bytes, fields) = match input.iter().position(|&b| b == 0) {
        Some(at) => (&input[..at], Some(&input[at + 1..])),
        None => (input, None),
    };
    let text = String::from_utf8_lossy(policy_bytes);
    let fields: Vec<String> = fields
        .map(|f| {
            f.split(|&b| b == 0)
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect()
        })
        .unwrap_or_default();
    let request = trust_request(&fields);
    if let Ok(document) = policy::parse(&text, PolicyKind::Identity) {
        let context = request
            .context_for("s3:GetObject")
            .with_resource("arn:aws:s3:::fuzz-bucket/key");
        black_box(policy::evaluate(&document, &context).to_string());
    }
    match policy::parse(&text, PolicyKind::Trust) {
        Ok(document) => {
            let evaluation = request.evaluate(&document);
            for action in &evaluation.actions {
                black_box(action.evaluation.to_string());
            }
            black_box(evaluation.allowed());
            true
        }
        Err(err) => {
            black_box(err.to_string());
            false
        }
    }
}

fn trust_request(fields: &[String]) -> TrustRequest {
    let field = |at: usize| fields.get(at).map(String::as_str);
    let lines = |at: usize| -> Option<Vec<String>> {
        field(at).map(|f| f.lines().map(str::to_owned).collect())
    };
    let host = field(0).unwrap_or("gitlab.example.com").to_owned();
    let now = field(4)
        .and_then(|t| t.trim().parse::<i64>().ok())
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let session_tags = lines(6).map(|tags| SessionTags {
        tags: tags
            .iter()
            .map(|tag| match tag.split_once('=') {
                Some((key, value)) => (key.to_owned(), value.to_owned()),
                None => (tag.clone(), String::new()),
            })
            .collect(),
        transitive_keys: lines(7).unwrap_or_default(),
    });
    TrustRequest {
        provider_arn: format!("arn:aws:iam::123456789012:oidc-provider/{host}"),
        provider_host: host,
        subject: field(1)
            .unwrap_or("project_path:group/project:ref_type:branch:ref:main")
            .to_owned(),
        audiences: lines(2).unwrap_or_else(|| vec!["https://gitlab.example.com".to_owned()]),
        session_name: field(3).unwrap_or("GitLabRunner-1-1").to_owned(),
        now,
        region: field(5).unwrap_or("us-east-1").to_owned(),
        session_tags,
        source_identity: field(8).map(str::to_owned),
    }
}
