//! Reports quote what clients print, and a client may print a token or the credentials it got
//! (`aws sts assume-role-with-web-identity` does). Those never reach a report.

/// Names whose values are secret, as JSON keys, environment variables or CLI output spell them.
const SECRET_NAMES: &[&str] = &[
    "secretaccesskey",
    "sessiontoken",
    "aws_secret_access_key",
    "aws_session_token",
    "webidentitytoken",
];

/// `text` with every JWT and every value of a secret-named field replaced by `<redacted>`.
pub(super) fn redact(text: &str) -> String {
    redact_secret_values(&redact_jwts(text))
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=')
}

/// A JWT is three base64url parts joined by dots, the first starting `eyJ` (`{"`).
fn redact_jwts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("eyJ") {
        out.push_str(&rest[..start]);
        let candidate = &rest[start..];
        let end = candidate
            .find(|c: char| !is_token_char(c))
            .unwrap_or(candidate.len());
        let word = &candidate[..end];
        if word.matches('.').count() >= 2 {
            out.push_str("<redacted>");
        } else {
            out.push_str(word);
        }
        rest = &candidate[end..];
    }
    out.push_str(rest);
    out
}

/// After a secret name and its separator (`": "`, `=`), replaces the value.
fn redact_secret_values(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some((at, name)) = SECRET_NAMES
        .iter()
        .filter_map(|name| lower[search..].find(name).map(|i| (search + i, *name)))
        .min_by_key(|(at, _)| *at)
    {
        let after_name = at + name.len();
        let value_start = after_name
            + text[after_name..]
                .find(|c: char| !matches!(c, '"' | '\'' | ':' | '=' | ' ' | '\t'))
                .unwrap_or(text.len() - after_name);
        let value_len = text[value_start..]
            .find(|c: char| !is_token_char(c) && !matches!(c, '/' | '+'))
            .unwrap_or(text.len() - value_start);
        // A `:` or `=` is required, so a name merely mentioned in prose stays as it is.
        let assigned = text[after_name..value_start].contains([':', '=']);
        if value_len > 0 && assigned {
            out.push_str(&text[copied..value_start]);
            out.push_str("<redacted>");
            copied = value_start + value_len;
        }
        search = (value_start + value_len).max(after_name);
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_credentials_are_redacted_and_the_rest_kept() {
        let printed = r#"{"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "abc/def+ghi", "SessionToken": "FwoGZX"}} token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln done"#;
        assert_eq!(
            redact(printed),
            r#"{"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "<redacted>", "SessionToken": "<redacted>"}} token <redacted> done"#
        );
        assert_eq!(
            redact("AWS_SECRET_ACCESS_KEY=wJalr/K7 next"),
            "AWS_SECRET_ACCESS_KEY=<redacted> next"
        );
    }

    #[test]
    fn prose_that_names_a_secret_is_left_alone() {
        let text = "no SessionToken in the answer; eyJ is not a token";
        assert_eq!(redact(text), text);
    }
}
