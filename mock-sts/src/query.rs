//! Query-protocol requests: form body or query string, first occurrence of a key wins (as AWS does).

#[derive(Debug, Default, Clone)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Decodes `application/x-www-form-urlencoded` text; undecodable input yields no parameters, so
    /// the request falls through to AWS's missing-Action behaviour rather than a mock-only error.
    pub(crate) fn parse(text: &str) -> Self {
        let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(text).unwrap_or_default();
        Self { pairs }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `Prefix.member.1`, `Prefix.member.2`, … until the first gap, as the Query protocol numbers lists.
    pub(crate) fn list(&self, prefix: &str) -> Vec<String> {
        self.members(prefix, "")
    }

    /// A list of structures, one field of each: `PolicyArns.member.1.arn`, … for ("PolicyArns", "arn").
    pub(crate) fn list_field(&self, prefix: &str, field: &str) -> Vec<String> {
        self.members(prefix, &format!(".{field}"))
    }

    fn members(&self, prefix: &str, suffix: &str) -> Vec<String> {
        let mut values = Vec::new();
        for index in 1.. {
            match self.get(&format!("{prefix}.member.{index}{suffix}")) {
                Some(value) => values.push(value.to_owned()),
                None => break,
            }
        }
        values
    }

    /// Appends the parameters of another source; keys already present keep their first value.
    pub(crate) fn extend(&mut self, other: Params) {
        self.pairs.extend(other.pairs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_occurrence_wins() {
        let params =
            Params::parse("Action=GetCallerIdentity&Action=NoSuchAction&Version=2011-06-15");
        assert_eq!(params.get("Action"), Some("GetCallerIdentity"));
    }

    #[test]
    fn lists_stop_at_the_first_gap() {
        let params = Params::parse("L.member.1=a&L.member.2=b%2Fc&L.member.4=d");
        assert_eq!(params.list("L"), vec!["a".to_owned(), "b/c".to_owned()]);
    }

    #[test]
    fn structure_lists_read_one_field() {
        let params = Params::parse("P.member.1.arn=a&P.member.2.arn=b&P.member.3=c");
        assert_eq!(
            params.list_field("P", "arn"),
            vec!["a".to_owned(), "b".to_owned()]
        );
    }
}
