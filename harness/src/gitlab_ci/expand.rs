//! `$NAME` and `${NAME}` in a value, replaced once by the variable's value, as GitLab expands
//! `variables:` values and an `id_tokens:` `aud`
//! (<https://docs.gitlab.com/ci/variables/where_variables_can_be_used/>). `$$` stands for a
//! literal `$`. One level only: a value brought in is not expanded again. An unknown name
//! becomes the empty string. Not modelled: Windows' `%NAME%`, and the shell forms
//! (`${NAME:-default}`, `$(command)`), which stay as written for the job's shell.

/// `text` with every `$NAME`/`${NAME}` that `lookup` knows replaced (unknown names: empty).
pub fn expand<'a>(text: &str, lookup: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let (name, tail) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) if is_name(&braced[..end]) => (&braced[..end], &braced[end + 1..]),
                // `${NAME:-x}` and the like belong to the shell.
                _ => ("", after),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                let name = &after[..end];
                if is_name(name) {
                    (name, &after[end..])
                } else {
                    ("", after)
                }
            }
        };
        if name.is_empty() {
            out.push('$');
        } else {
            out.push_str(lookup(name).unwrap_or_default());
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
