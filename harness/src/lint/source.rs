//! The policy as JSON text: where each statement sits (for JSON pointers), and the findings that
//! must be read from the text because IAM refuses the document before there is a model to read.

use serde_json::Value;

use super::model::Pointer;

/// The document's JSON, when it is JSON, and the shape of its `Statement` element.
pub(crate) struct Source {
    json: Option<Value>,
    /// `Statement` is one object rather than an array: pointers have no index.
    lone_statement: bool,
}

impl Source {
    pub(crate) fn read(text: &str) -> Self {
        let json: Option<Value> = serde_json::from_str(text).ok();
        let lone_statement = json
            .as_ref()
            .and_then(|json| json.get("Statement"))
            .is_some_and(Value::is_object);
        Self {
            json,
            lone_statement,
        }
    }

    /// The statements as JSON objects, in document order.
    pub(crate) fn statements(&self) -> Vec<&serde_json::Map<String, Value>> {
        match self.json.as_ref().and_then(|json| json.get("Statement")) {
            Some(Value::Object(statement)) => vec![statement],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
            _ => Vec::new(),
        }
    }

    /// A pointer to statement `index`, or into it when `rest` names members below it.
    pub(crate) fn pointer(&self, index: usize, sid: Option<&str>, rest: &[&str]) -> Pointer {
        let mut path = if self.lone_statement {
            "/Statement".to_owned()
        } else {
            format!("/Statement/{index}")
        };
        for segment in rest {
            path.push('/');
            path.push_str(&segment.replace('~', "~0").replace('/', "~1"));
        }
        Pointer {
            statement: Some(index),
            sid: sid.map(str::to_owned),
            operator: None,
            key: None,
            path,
        }
    }

    /// A pointer to a condition: `/Statement/N/Condition/OPERATOR/KEY`.
    pub(crate) fn condition_pointer(
        &self,
        index: usize,
        sid: Option<&str>,
        operator: &str,
        key: &str,
    ) -> Pointer {
        Pointer {
            operator: Some(operator.to_owned()),
            key: Some(key.to_owned()),
            ..self.pointer(index, sid, &["Condition", operator, key])
        }
    }

    /// The first statement whose `element` (a string or an array of strings, or an object of
    /// them for principals) contains `value`.
    pub(crate) fn statement_with(
        &self,
        element: &str,
        value: &str,
    ) -> Option<(usize, Option<String>)> {
        self.statements()
            .iter()
            .enumerate()
            .find(|(_, statement)| statement.get(element).is_some_and(|v| contains(v, value)))
            .map(|(index, statement)| (index, sid(statement)))
    }

    /// Statements with `"Effect": "Allow"` and a `NotPrincipal` element, which IAM refuses in
    /// trust policies and which would otherwise trust everyone not listed.
    pub(crate) fn allow_not_principal(&self) -> Vec<(usize, Option<String>)> {
        self.statements()
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.get("Effect").and_then(Value::as_str) == Some("Allow")
                    && s.contains_key("NotPrincipal")
            })
            .map(|(index, statement)| (index, sid(statement)))
            .collect()
    }
}

pub(crate) fn document_pointer() -> Pointer {
    Pointer {
        statement: None,
        sid: None,
        operator: None,
        key: None,
        path: String::new(),
    }
}

fn sid(statement: &serde_json::Map<String, Value>) -> Option<String> {
    statement
        .get("Sid")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn contains(element: &Value, value: &str) -> bool {
    match element {
        Value::String(text) => text == value,
        Value::Array(items) => items.iter().any(|item| contains(item, value)),
        Value::Object(members) => members.values().any(|item| contains(item, value)),
        _ => false,
    }
}
