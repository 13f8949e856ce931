//! From a denial to the change that would let the request in: each failing part of each `Allow`
//! statement gets a hint, and a hint whose change is obvious is checked by applying it to a copy
//! of the policy and evaluating again (`verified`).

use mock_sts::TrustRequest;
use mock_sts::policy::{
    BaseOperator, ConditionTrace, Decision, Effect, Evaluation, PolicyDocument, PrincipalKind,
    PrincipalSet, StatementTrace,
};

use super::decide::evaluate;
use super::model::Hint;

const WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

pub(crate) fn hints(
    document: &PolicyDocument,
    request: &TrustRequest,
    evaluation: &Evaluation,
) -> Vec<Hint> {
    let mut hints = Vec::new();
    match &evaluation.decision {
        Decision::Allow { .. } => return hints,
        Decision::ExplicitDeny { statement, .. } => hints.push(Hint {
            kind: "explicit-deny",
            statement: *statement,
            operator: None,
            key: None,
            message: format!("statement {statement} is a Deny that matched: a matching Deny wins over every Allow"),
            fix: Some("narrow the Deny's conditions so they do not match this request".to_owned()),
            verified: false,
        }),
        Decision::ImplicitDeny => {}
    }
    for trace in &evaluation.trace {
        if trace.effect == Effect::Allow {
            statement_hints(document, request, trace, &mut hints);
        }
    }
    hints
}

fn statement_hints(
    document: &PolicyDocument,
    request: &TrustRequest,
    trace: &StatementTrace,
    hints: &mut Vec<Hint>,
) {
    let index = trace.statement;
    let allows = |change: &dyn Fn(&mut PolicyDocument)| {
        let mut copy = document.clone();
        change(&mut copy);
        evaluate(&copy, request).decision.is_allow()
    };
    if let Some(principal) = trace.principal.as_ref().filter(|p| !p.matched) {
        let provider = &request.provider_arn;
        hints.push(Hint {
            kind: "principal-mismatch",
            statement: index,
            operator: None,
            key: None,
            message: format!(
                "the statement trusts {:?}, but a token from this issuer comes through the provider {provider:?}",
                principal.policy_values
            ),
            fix: Some(format!("\"Principal\": {{\"Federated\": \"{provider}\"}}")),
            verified: allows(&|copy| trust_provider(copy, index, provider)),
        });
    }
    if !trace.action.matched {
        hints.push(Hint {
            kind: "action-mismatch",
            statement: index,
            operator: None,
            key: None,
            message: format!(
                "the statement's actions {:?} do not cover {WEB_IDENTITY}",
                trace.action.policy_values
            ),
            fix: Some(format!("\"Action\": \"{WEB_IDENTITY}\"")),
            verified: allows(&|copy| {
                if let Some(s) = copy.statements.get_mut(index) {
                    s.action.negated = false;
                    s.action.patterns = vec![WEB_IDENTITY.to_owned()];
                }
            }),
        });
    }
    for (position, condition) in trace.conditions.iter().enumerate() {
        if !condition.result {
            let like = |copy: &mut PolicyDocument| switch_to_like(copy, index, position);
            if let Some(hint) = condition_hint(request, index, condition, &|| allows(&like)) {
                hints.push(hint);
            }
        }
    }
}

fn condition_hint(
    request: &TrustRequest,
    statement: usize,
    condition: &ConditionTrace,
    allowed_with_like: &dyn Fn() -> bool,
) -> Option<Hint> {
    let host = &request.provider_host;
    let hint = |kind, message: String, fix: Option<String>, verified| Hint {
        kind,
        statement,
        operator: Some(condition.operator.clone()),
        key: Some(condition.key.clone()),
        message,
        fix,
        verified,
    };
    let wildcard = condition
        .policy_values
        .iter()
        .any(|v| v.contains(['*', '?']));
    let equals = condition.operator.contains("StringEquals")
        || condition.operator.contains("StringNotEquals");
    if wildcard && equals && !condition.operator.contains("IgnoreCase") {
        let like = condition.operator.replace("Equals", "Like");
        return Some(hint(
            "use-string-like",
            format!(
                "{} compares `*` and `?` as literal characters, so {:?} matches no token",
                condition.operator, condition.policy_values
            ),
            Some(format!(
                "write \"{like}\": {{\"{}\": {}}} instead of \"{}\"",
                condition.key,
                json_values(&condition.policy_values),
                condition.operator
            )),
            allowed_with_like(),
        ));
    }
    let (prefix, claim) = condition.key.rsplit_once(':')?;
    let Some(request_values) = &condition.request_values else {
        if prefix.eq_ignore_ascii_case(host) {
            return Some(hint(
                "unexposed-claim",
                format!(
                    "AWS does not expose the {claim:?} claim as a condition key, so the key is absent; it reaches a policy only through sub ({:?})",
                    request.subject
                ),
                Some(format!(
                    "test it through sub: \"StringLike\": {{\"{host}:sub\": ...}}"
                )),
                false,
            ));
        }
        if !["aws", "sts"]
            .iter()
            .any(|g| g.eq_ignore_ascii_case(prefix))
        {
            return Some(hint(
                "other-issuer-key",
                format!(
                    "{:?} is absent: this request's keys are named after the issuer, {host:?}",
                    condition.key
                ),
                Some(format!("\"{host}:{claim}\"")),
                false,
            ));
        }
        return None;
    };
    let kind = match claim.to_ascii_lowercase().as_str() {
        "aud" => "aud-mismatch",
        "sub" => "sub-mismatch",
        _ => return None,
    };
    let token = if request_values.len() == 1 {
        format!("{:?}", request_values[0])
    } else {
        format!("{request_values:?}")
    };
    Some(hint(
        kind,
        format!(
            "the token's {claim} is {token}; the condition ({}) expects {:?}",
            condition.operator, condition.policy_values
        ),
        None,
        false,
    ))
}

/// Trusts `provider` instead of the statement's `Federated` principals.
fn trust_provider(copy: &mut PolicyDocument, index: usize, provider: &str) {
    let Some(principal) = copy
        .statements
        .get_mut(index)
        .and_then(|s| s.principal.as_mut())
    else {
        return;
    };
    principal.negated = false;
    if let PrincipalSet::Listed(entries) = &mut principal.principals {
        for entry in entries
            .iter_mut()
            .filter(|e| e.kind == PrincipalKind::Federated)
        {
            entry.value = provider.to_owned();
        }
    }
}

/// Switches one condition from `StringEquals`/`StringNotEquals` to the `Like` form.
fn switch_to_like(copy: &mut PolicyDocument, index: usize, position: usize) {
    let Some(condition) = copy
        .statements
        .get_mut(index)
        .and_then(|s| s.conditions.get_mut(position))
    else {
        return;
    };
    let operator = &mut condition.operator;
    operator.base = match operator.base {
        BaseOperator::StringEquals => BaseOperator::StringLike,
        BaseOperator::StringNotEquals => BaseOperator::StringNotLike,
        other => other,
    };
    operator.name = operator.name.replace("Equals", "Like");
}

/// One value as a JSON string, several as a JSON array, as a policy writes them.
fn json_values(values: &[String]) -> String {
    match values {
        [one] => serde_json::Value::from(one.as_str()).to_string(),
        many => serde_json::Value::from(many.to_vec()).to_string(),
    }
}
