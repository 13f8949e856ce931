//! Unit tests for the pieces; the table of AWS behaviours lives in `tests/policy/*.json`.

use super::*;

mod evaluation;
mod parsing;
mod pieces;

const PROVIDER: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com";
const SUB: &str = "gitlab.example.com:sub";

fn gitlab_context(sub: &str) -> RequestContext {
    RequestContext::new(
        Principal::Federated(PROVIDER.into()),
        "sts:AssumeRoleWithWebIdentity",
    )
    .with_key(SUB, [sub])
}

fn trust_policy(condition: &str) -> PolicyDocument {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"GitLab","Effect":"Allow",
            "Principal":{{"Federated":"{PROVIDER}"}},"Action":"sts:AssumeRoleWithWebIdentity",
            "Condition":{condition}}}]}}"#
    );
    parse(&text, PolicyKind::Trust).unwrap()
}
