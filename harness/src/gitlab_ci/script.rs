//! `before_script:`, `script:` and `after_script:`: a string or a list of strings, where nested
//! lists (what `!reference` leaves) are flattened, as GitLab's `Config::Entry::Commands` does.

use serde_yaml::Value;

use super::error::CiError;

/// GitLab flattens nested arrays up to this depth (`Commands::MAX_NESTING_LEVEL`).
const MAX_NESTING: usize = 10;

/// The commands, one entry per list item (a multi-line block stays one entry).
pub(super) fn lines(value: &Value, job: &str, keyword: &str) -> Result<Vec<String>, CiError> {
    let mut out = Vec::new();
    flatten(value, job, keyword, 0, &mut out)?;
    Ok(out)
}

fn flatten(
    value: &Value,
    job: &str,
    keyword: &str,
    depth: usize,
    out: &mut Vec<String>,
) -> Result<(), CiError> {
    match value {
        Value::String(line) => out.push(line.clone()),
        Value::Sequence(items) if depth < MAX_NESTING => {
            for item in items {
                flatten(item, job, keyword, depth + 1, out)?;
            }
        }
        Value::Sequence(_) => {
            return Err(CiError::invalid(
                job,
                keyword,
                format!("nested lists deeper than {MAX_NESTING} levels"),
            ));
        }
        _ => {
            return Err(CiError::invalid(
                job,
                keyword,
                "should be a string or a nested array of strings up to 10 levels deep",
            ));
        }
    }
    Ok(())
}
