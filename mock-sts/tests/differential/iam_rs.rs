//! Running a policy and a table request through iam-rs 0.8.0, or saying why it cannot be.

use std::collections::BTreeSet;
use std::fmt;

use iam_rs::{
    Arn, Context as IamContext, ContextValue, Decision as IamDecision, EvaluationOptions,
    IAMPolicy, IAMRequest, PolicyEvaluator, Principal as IamPrincipal, PrincipalId,
};

use crate::table::{self, Kind};

/// Why a case cannot go to iam-rs: the features it lacks, by category.
#[derive(Debug)]
pub(crate) enum Skip {
    /// iam-rs substitutes `${...}` only in `Resource`, never in condition values.
    ConditionVariables,
    /// iam-rs requires `Version`; IAM reads a missing one as 2008-10-17.
    NoVersion,
    /// iam-rs has set qualifiers only on String/Arn/Bool operators and never with `IfExists`.
    QualifiedOperator(String),
    /// Any other policy iam-rs's serde model cannot read (several principal types in one object, ...).
    Unreadable(String),
    /// An identity-policy request without a resource ARN: iam-rs always matches a resource.
    NoResource,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConditionVariables => {
                f.write_str("policy variables in a condition (iam-rs substitutes only in Resource)")
            }
            Self::NoVersion => f.write_str("no Version element (iam-rs requires one)"),
            Self::QualifiedOperator(name) => write!(
                f,
                "set-qualified operator iam-rs lacks ({name}; it has ForAnyValue:/ForAllValues: only on String/Arn/Bool, never with IfExists)"
            ),
            Self::Unreadable(error) => write!(f, "iam-rs cannot read the policy: {error}"),
            Self::NoResource => f.write_str("identity-policy request without a resource ARN"),
        }
    }
}

/// The role a trust policy guards; iam-rs needs some resource ARN in every request.
const ROLE: &str = "arn:aws:iam::123456789012:role/fedlab";

/// Decides one table request with iam-rs; the outcome is spelled like ours, an error as `Error: ...`.
pub(crate) fn decide(policy_text: &str, kind: Kind, spec: &table::Context) -> Result<String, Skip> {
    let policy = read_policy(policy_text)?;
    let resource = match (kind, &spec.resource) {
        (Kind::Trust, _) => ROLE.to_owned(),
        (Kind::Identity, Some(resource)) => resource.clone(),
        (Kind::Identity, None) => return Err(Skip::NoResource),
    };
    let resource = Arn::parse(&resource).map_err(|_| Skip::NoResource)?;
    let principal = match &spec.principal {
        None => IamPrincipal::Federated(PrincipalId::String(table::DEFAULT_PROVIDER.to_owned())),
        Some(map) => {
            let Some((kind, id)) = map.iter().next() else {
                panic!("a context principal needs one member");
            };
            let id = PrincipalId::String(id.clone());
            match kind.as_str() {
                "AWS" => IamPrincipal::Aws(id),
                "Federated" => IamPrincipal::Federated(id),
                "Service" => IamPrincipal::Service(id),
                "CanonicalUser" => IamPrincipal::CanonicalUser(id),
                other => panic!("unknown principal type {other}"),
            }
        }
    };
    let keys: Vec<(&str, Vec<&str>)> = spec
        .keys
        .iter()
        .map(|(key, values)| (key.as_str(), values.values()))
        .collect();
    let context = context(&bool_keys(policy_text), &keys);
    let action = spec.action.as_deref().unwrap_or(table::DEFAULT_ACTION);
    Ok(run(
        &policy,
        kind,
        IAMRequest::new_with_context(principal, action, resource, context),
    ))
}

/// Evaluates with iam-rs's own evaluator; trust policies, which have no `Resource`, skip the resource check.
pub(crate) fn run(policy: &IAMPolicy, kind: Kind, request: IAMRequest) -> String {
    let options = EvaluationOptions {
        ignore_resource_constraints: kind == Kind::Trust,
        ..EvaluationOptions::default()
    };
    let evaluator = PolicyEvaluator::with_policies(vec![policy.clone()]).with_options(options);
    match evaluator.evaluate(&request) {
        Ok(result) => match result.decision {
            IamDecision::Allow => "Allow".to_owned(),
            IamDecision::Deny => "ExplicitDeny".to_owned(),
            IamDecision::NotApplicable => "ImplicitDeny".to_owned(),
        },
        Err(error) => format!("Error: {error}"),
    }
}

/// Reads a policy iam-rs can express, or says which missing feature stops it.
pub(crate) fn read_policy(text: &str) -> Result<IAMPolicy, Skip> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|error| Skip::Unreadable(error.to_string()))?;
    if json.get("Version").is_none() {
        return Err(Skip::NoVersion);
    }
    let statements = match json.get("Statement") {
        Some(serde_json::Value::Array(statements)) => statements.clone(),
        Some(statement) => vec![statement.clone()],
        None => Vec::new(),
    };
    let modern = json.get("Version").and_then(|v| v.as_str()) == Some("2012-10-17");
    for statement in &statements {
        let Some(condition) = statement.get("Condition").and_then(|c| c.as_object()) else {
            continue;
        };
        for (operator, block) in condition {
            let qualified =
                operator.starts_with("ForAnyValue:") || operator.starts_with("ForAllValues:");
            let family_ok = ["String", "Arn", "Bool"].iter().any(|family| {
                operator
                    .split(':')
                    .nth(1)
                    .is_some_and(|base| base.starts_with(family))
            });
            if qualified && (operator.ends_with("IfExists") || !family_ok) {
                return Err(Skip::QualifiedOperator(operator.clone()));
            }
            if modern && block.to_string().contains("${") {
                return Err(Skip::ConditionVariables);
            }
        }
    }
    IAMPolicy::from_json(text).map_err(|error| Skip::Unreadable(error.to_string()))
}

/// The keys (lowercased) the policy tests with a `Bool` operator.
pub(crate) fn bool_keys(policy_text: &str) -> BTreeSet<String> {
    let json: serde_json::Value = serde_json::from_str(policy_text).unwrap_or_default();
    let statements = match json.get("Statement") {
        Some(serde_json::Value::Array(statements)) => statements.clone(),
        Some(statement) => vec![statement.clone()],
        None => Vec::new(),
    };
    let mut keys = BTreeSet::new();
    for statement in &statements {
        let Some(condition) = statement.get("Condition").and_then(|c| c.as_object()) else {
            continue;
        };
        for (operator, block) in condition {
            let base = operator.rsplit(':').next().unwrap_or(operator);
            if base.starts_with("Bool")
                && let Some(block) = block.as_object()
            {
                keys.extend(block.keys().map(|key| key.to_lowercase()));
            }
        }
    }
    keys
}

/// The request keys as iam-rs context values.
pub(crate) fn context(bool_keys: &BTreeSet<String>, keys: &[(&str, Vec<&str>)]) -> IamContext {
    let mut context = IamContext::new();
    for (key, values) in keys {
        let booleans: Option<Vec<bool>> = values
            .iter()
            .map(|value| match *value {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            })
            .collect();
        let value = match (
            bool_keys.contains(&key.to_lowercase()),
            booleans,
            values.as_slice(),
        ) {
            (true, Some(booleans), [_]) => ContextValue::Boolean(booleans[0]),
            (true, Some(booleans), _) if !booleans.is_empty() => {
                ContextValue::BooleanList(booleans)
            }
            (_, _, [one]) => ContextValue::String((*one).to_owned()),
            (_, _, many) => {
                ContextValue::StringList(many.iter().map(|v| (*v).to_owned()).collect())
            }
        };
        context.insert((*key).to_owned(), value);
    }
    context
}
