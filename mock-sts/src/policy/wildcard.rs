//! IAM glob patterns: `*` matches any run of characters (including none, `/` and `:`), `?` matches exactly one
//! character, everything else matches itself. Patterns are anchored at both ends and have no character classes
//! and no backslash escapes (policy variables `${*}` / `${?}` are the only way to write a literal `*` / `?` in a
//! wildcard position, see `variables.rs`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    Char(char),
    /// `*`
    AnyRun,
    /// `?`
    AnyChar,
}

/// Reads `*` and `?` as wildcards.
pub(crate) fn pattern(text: &str) -> Vec<Token> {
    text.chars()
        .map(|c| match c {
            '*' => Token::AnyRun,
            '?' => Token::AnyChar,
            other => Token::Char(other),
        })
        .collect()
}

/// Reads every character, `*` and `?` included, as itself.
pub(crate) fn literal(text: &str) -> Vec<Token> {
    text.chars().map(Token::Char).collect()
}

/// Case-sensitive, whole-string match.
pub(crate) fn matches(pattern: &[Token], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    // Classic two-pointer glob: on a mismatch, let the most recent `*` swallow one more character. Worst case
    // O(pattern × text), never exponential, which matters for hostile 2048-character trust policies.
    let (mut p, mut t) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Token::AnyRun) => {
                last_star = Some((p, t));
                p += 1;
            }
            Some(Token::AnyChar) => {
                p += 1;
                t += 1;
            }
            Some(Token::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match last_star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    last_star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|token| *token == Token::AnyRun)
}

/// Case-insensitive wildcard match, as IAM uses for `Action` / `NotAction` ("sts:assumerole*" matches
/// `sts:AssumeRoleWithWebIdentity`).
pub(crate) fn matches_ignoring_case(pattern_text: &str, text: &str) -> bool {
    matches(&pattern(&pattern_text.to_lowercase()), &text.to_lowercase())
}

/// Splits a token stream at its first five literal colons: the six components of an ARN
/// (`arn:partition:service:region:account:resource`, where the resource part may itself hold colons).
pub(crate) fn arn_components(tokens: &[Token]) -> Vec<&[Token]> {
    let mut components = Vec::with_capacity(6);
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        if components.len() == 5 {
            break;
        }
        if *token == Token::Char(':') {
            components.push(&tokens[start..index]);
            start = index + 1;
        }
    }
    components.push(&tokens[start..]);
    components
}
