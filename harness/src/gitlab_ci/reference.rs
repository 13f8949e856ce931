//! `!reference [.job, keyword, …]` tags
//! (<https://docs.gitlab.com/ci/yaml/yaml_optimization/#reference-tags>), resolved after
//! `extends:` as GitLab's `Config::Yaml::Tags::Resolver` does: the path is looked up in the
//! extended configuration, and a value that holds tags of its own is resolved in turn, at most
//! ten levels deep. A reference inside a list stays a nested list; `script:` flattens it.

use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};

use super::error::CiError;

/// GitLab's `Tags::Reference::MAX_NESTING_LEVEL`-like limit: deeper means a loop.
const MAX_DEPTH: usize = 10;

/// The whole configuration with every `!reference` replaced by what it names.
pub(super) fn resolve_all(root: &Mapping) -> Result<Mapping, CiError> {
    let mut resolved = Mapping::new();
    for (key, value) in root {
        resolved.insert(key.clone(), resolve(root, value, 0)?);
    }
    Ok(resolved)
}

fn resolve(root: &Mapping, value: &Value, depth: usize) -> Result<Value, CiError> {
    Ok(match value {
        Value::Tagged(tagged) => reference(root, tagged, depth)?,
        Value::Sequence(items) => Value::Sequence(
            items
                .iter()
                .map(|item| resolve(root, item, depth))
                .collect::<Result<_, _>>()?,
        ),
        Value::Mapping(entries) => {
            let mut out = Mapping::new();
            for (key, value) in entries {
                out.insert(key.clone(), resolve(root, value, depth)?);
            }
            Value::Mapping(out)
        }
        other => other.clone(),
    })
}

fn reference(root: &Mapping, tagged: &TaggedValue, depth: usize) -> Result<Value, CiError> {
    let shown = serde_yaml::to_string(&tagged.value)
        .unwrap_or_default()
        .trim()
        .replace('\n', " ");
    let failure = |reason: &str| CiError::Reference {
        path: shown.clone(),
        reason: reason.to_owned(),
    };
    if tagged.tag != Tag::new("reference") {
        return Err(CiError::Reference {
            path: shown.clone(),
            reason: format!("{} is not a tag GitLab knows", tagged.tag),
        });
    }
    if depth >= MAX_DEPTH {
        return Err(failure("too many nested references (a reference loop?)"));
    }
    let path: Vec<&str> = match &tagged.value {
        Value::Sequence(path) if !path.is_empty() => path
            .iter()
            .map(Value::as_str)
            .collect::<Option<_>>()
            .ok_or_else(|| failure("the path must be a list of keys"))?,
        _ => return Err(failure("the path must be a list of keys")),
    };
    let mut target = root
        .get(path[0])
        .ok_or_else(|| failure(&format!("no job or keyword `{}`", path[0])))?;
    for key in &path[1..] {
        target = target
            .as_mapping()
            .and_then(|m| m.get(*key))
            .ok_or_else(|| failure(&format!("no key `{key}` there")))?;
    }
    resolve(root, target, depth + 1)
}
