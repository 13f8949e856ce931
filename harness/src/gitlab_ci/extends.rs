//! `extends:` as GitLab's `Config::Extendable` resolves it
//! (<https://docs.gitlab.com/ci/yaml/#extends>): the parents in order, each deep-merged over the
//! one before, then the job's own keys over them all. Hashes merge key by key; everything else
//! (arrays, strings) is replaced whole. At most eleven levels, as GitLab allows.

use serde_yaml::{Mapping, Value};

use super::error::CiError;

/// GitLab's `Extendable::Entry::MAX_NESTING_LEVELS`.
const MAX_NESTING: usize = 10;

/// Every top-level entry with `extends:`, resolved; everything else as it was.
pub(super) fn resolve_all(root: &Mapping) -> Result<Mapping, CiError> {
    let mut resolved = Mapping::new();
    for (key, value) in root {
        let name = key.as_str().unwrap_or_default();
        let value = match value {
            Value::Mapping(entry) if entry.contains_key("extends") => {
                Value::Mapping(extended(root, name, &mut Vec::new())?)
            }
            other => other.clone(),
        };
        resolved.insert(key.clone(), value);
    }
    Ok(resolved)
}

fn extended(root: &Mapping, name: &str, chain: &mut Vec<String>) -> Result<Mapping, CiError> {
    let failure = |reason: &str| CiError::Extends {
        job: chain.first().map_or(name, String::as_str).to_owned(),
        reason: reason.to_owned(),
    };
    let Some(Value::Mapping(entry)) = root.get(name) else {
        return Err(failure(&format!("unknown key `{name}`")));
    };
    let parents: Vec<String> = match entry.get("extends") {
        None => return Ok(entry.clone()),
        Some(Value::String(parent)) => vec![parent.clone()],
        Some(Value::Sequence(parents)) => parents
            .iter()
            .map(|p| p.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| failure("invalid base hash"))?,
        Some(_) => return Err(failure("invalid base hash")),
    };
    if chain.iter().any(|seen| seen == name) {
        return Err(failure("circular dependency detected"));
    }
    if chain.len() > MAX_NESTING {
        return Err(failure("nesting too deep"));
    }
    chain.push(name.to_owned());
    let mut merged = Mapping::new();
    for parent in &parents {
        deep_merge(&mut merged, extended(root, parent, chain)?);
    }
    chain.pop();
    let mut own = entry.clone();
    own.remove("extends");
    deep_merge(&mut merged, own);
    Ok(merged)
}

/// Ruby's `Hash#deep_merge`, as GitLab uses it: `over` wins, hashes are merged recursively.
pub(super) fn deep_merge(base: &mut Mapping, over: Mapping) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Mapping(inner)), Value::Mapping(value)) => deep_merge(inner, value),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}
