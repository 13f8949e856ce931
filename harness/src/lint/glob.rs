//! IAM's wildcard match for the linter's own questions (does an action pattern cover
//! `sts:AssumeRoleWithWebIdentity`?): `*` any run of characters, `?` exactly one.

/// Whether `pattern` matches all of `text`, ASCII letter case ignored (actions compare so).
pub(crate) fn matches_ignoring_case(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let text: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star, at)) => {
                    p = star + 1;
                    t = at + 1;
                    backtrack = Some((star, at + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches_ignoring_case as m;

    #[test]
    fn a_star_covers_any_run_and_a_question_mark_one_character() {
        assert!(m("sts:AssumeRoleWith*", "sts:assumerolewithwebidentity"));
        assert!(m("*", "sts:TagSession"));
        assert!(m("sts:TagSessio?", "sts:TagSession"));
        assert!(!m("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"));
        assert!(!m("sts:TagSessio?", "sts:TagSessionX"));
    }
}
