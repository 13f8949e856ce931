//! Where in a scenario file something is written, so every load error can name its line.

/// The 1-based line a byte offset falls on.
pub(super) fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |before| {
        before.bytes().filter(|&b| b == b'\n').count() + 1
    })
}

/// The 1-based line where the key `path` (e.g. `request`, `params`) is written, found the way a
/// reader would: each key below and more indented than the one before. When a key is not
/// written (a default, or a flow mapping on its parent's line), the line of the deepest key that
/// is.
pub(super) fn line_of(text: &str, path: &[String]) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found: Option<(usize, usize)> = None; // (line index, indent)
    for key in path {
        let start = found.map_or(0, |(line, _)| line + 1);
        let parent_indent = found.map(|(_, indent)| indent);
        let mut next = None;
        for (index, line) in lines.iter().enumerate().skip(start) {
            let content = line.trim_start();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let indent = line.len() - content.len();
            if parent_indent.is_some_and(|parent| indent <= parent) {
                break;
            }
            let content = content.trim_start_matches("- ");
            if declares(content, key) {
                next = Some((index, indent));
                break;
            }
        }
        match next {
            Some(position) => found = Some(position),
            None => break,
        }
    }
    found.map(|(line, _)| line + 1)
}

/// Whether a line's content starts by declaring `key`, plain or quoted.
fn declares(content: &str, key: &str) -> bool {
    [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("'{key}':"),
    ]
    .iter()
    .any(|declaration| content.starts_with(declaration.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    const TEXT: &str = "name: n\n# a comment\nrequest:\n  role: r\n  params:\n    A: \"1\"\nclients:\n  \"cmd:x\": {skip: why}\nexpect: {result: credentials}\n";

    #[test]
    fn nested_keys_are_found_on_their_own_lines() {
        assert_eq!(line_of(TEXT, &path(&["name"])), Some(1));
        assert_eq!(line_of(TEXT, &path(&["request", "params"])), Some(5));
        assert_eq!(line_of(TEXT, &path(&["clients", "cmd:x"])), Some(8));
    }

    #[test]
    fn a_key_not_written_points_at_its_parent() {
        assert_eq!(line_of(TEXT, &path(&["expect", "result"])), Some(9));
        assert_eq!(line_of(TEXT, &path(&["request", "session_name"])), Some(3));
        assert_eq!(line_of(TEXT, &path(&["nothing"])), None);
    }

    #[test]
    fn offsets_map_to_lines() {
        assert_eq!(line_at("a\nb\nc", 0), 1);
        assert_eq!(line_at("a\nb\nc", 2), 2);
        assert_eq!(line_at("a\nb\nc", 4), 3);
    }
}
