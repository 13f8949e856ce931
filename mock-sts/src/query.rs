//! Query-protocol requests: form body or query string, first occurrence of a key wins (as AWS does).

use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
    /// Where each key first occurs. A lookup that scanned the pairs made reading a list
    /// quadratic: a 2 MB body of `PolicyArns.member.N.arn` pairs held a core for over a minute.
    first: HashMap<String, usize>,
}

impl Params {
    /// Decodes `application/x-www-form-urlencoded` text; undecodable input yields no parameters, so
    /// the request falls through to AWS's missing-Action behaviour rather than a mock-only error.
    pub(crate) fn parse(text: &str) -> Self {
        let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(text).unwrap_or_default();
        let mut params = Self::default();
        params.append(pairs);
        params
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        let at = *self.first.get(key)?;
        self.pairs.get(at).map(|(_, v)| v.as_str())
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
        self.append(other.pairs);
    }

    fn append(&mut self, pairs: Vec<(String, String)>) {
        for (key, value) in pairs {
            let at = self.pairs.len();
            self.first.entry(key.clone()).or_insert(at);
            self.pairs.push((key, value));
        }
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
    fn a_query_string_extends_a_body_without_replacing_its_values() {
        let mut params = Params::parse("Action=A&Version=1");
        params.extend(Params::parse("Action=B&RoleArn=r"));
        assert_eq!(params.get("Action"), Some("A"));
        assert_eq!(params.get("RoleArn"), Some("r"));
    }

    #[test]
    fn a_list_of_a_hundred_thousand_members_reads_every_member() {
        let body: Vec<String> = (1..=100_000)
            .map(|i| format!("PolicyArns.member.{i}.arn=a{i}"))
            .collect();
        let arns = Params::parse(&body.join("&")).list_field("PolicyArns", "arn");
        assert_eq!(arns.len(), 100_000);
        assert_eq!(arns.last().map(String::as_str), Some("a100000"));
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
