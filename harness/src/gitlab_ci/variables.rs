//! `variables:` (<https://docs.gitlab.com/ci/yaml/#variables>): `NAME: value`, where the value
//! is a string or a number, or `NAME: {value, description, expand, options}`. `expand: false`
//! keeps `$` references as they are written.

use serde_yaml::Value;

use super::error::CiError;

/// One variable as the file defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub value: String,
    /// Whether `$VAR` references in the value are expanded (GitLab's default, `expand: true`).
    pub expand: bool,
}

pub(super) fn parse(value: Option<&Value>, job: &str) -> Result<Vec<Variable>, CiError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let invalid = |why: &str| CiError::invalid(job, "variables", why);
    let entries = value
        .as_mapping()
        .ok_or_else(|| invalid("should be a hash of key value pairs"))?;
    let mut variables = Vec::new();
    for (name, value) in entries {
        let name = name
            .as_str()
            .ok_or_else(|| invalid("variable names must be strings"))?;
        let (value, expand) = match value {
            Value::Mapping(spec) => {
                let expand = match spec.get("expand") {
                    None => true,
                    Some(Value::Bool(expand)) => *expand,
                    Some(_) => return Err(invalid("`expand` must be true or false")),
                };
                (spec.get("value").map(scalar).transpose(), expand)
            }
            other => (scalar(other).map(Some), true),
        };
        let value = value
            .map_err(|()| invalid(&format!("{name}: the value must be a string or a number")))?;
        variables.push(Variable {
            name: name.to_owned(),
            value: value.unwrap_or_default(),
            expand,
        });
    }
    Ok(variables)
}

fn scalar(value: &Value) -> Result<String, ()> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        _ => Err(()),
    }
}
