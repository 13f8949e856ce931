//! Which scenarios a run takes: names checked for uniqueness, `--filter`, `--partition K/N`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::source::{ScenarioError, ScenarioSource};

/// Shard `index` of `count` (both from 1): `--partition 2/4` takes every fourth scenario, from
/// the second, in name order. GitLab's `parallel: N` gives `$CI_NODE_INDEX/$CI_NODE_TOTAL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let wrong = || format!("{text:?} is not K/N with 1 <= K <= N (e.g. 1/4)");
        let (index, count) = text.split_once('/').ok_or_else(wrong)?;
        let index: usize = index.trim().parse().map_err(|_| wrong())?;
        let count: usize = count.trim().parse().map_err(|_| wrong())?;
        if index == 0 || index > count {
            return Err(wrong());
        }
        Ok(Self { index, count })
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Name patterns and a shard; the default takes everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// A scenario is taken when any pattern matches its name: `*` and `?` as in a shell glob,
    /// and a pattern without them matches any name that contains it.
    pub filters: Vec<String>,
    pub partition: Option<Partition>,
}

impl Selection {
    /// The selected sources, in their given order. Fails when two sources share a name (they
    /// would run twice under one report name) or when nothing is left to run.
    pub fn apply(
        &self,
        sources: Vec<ScenarioSource>,
    ) -> Result<Vec<ScenarioSource>, ScenarioError> {
        let total = sources.len();
        let mut named: Vec<(String, ScenarioSource)> = Vec::with_capacity(total);
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for source in sources {
            let name = source.display_name();
            if let Some(first) = seen.insert(name.clone(), source.origin.clone()) {
                return Err(ScenarioError::DuplicateName {
                    name,
                    first,
                    second: source.origin,
                });
            }
            named.push((name, source));
        }
        named.retain(|(name, _)| {
            self.filters.is_empty() || self.filters.iter().any(|f| matches_pattern(f, name))
        });
        if let Some(partition) = self.partition {
            let mut by_name: Vec<&str> = named.iter().map(|(name, _)| name.as_str()).collect();
            by_name.sort_unstable();
            let chosen: Vec<String> = by_name
                .into_iter()
                .enumerate()
                .filter(|(i, _)| i % partition.count == partition.index - 1)
                .map(|(_, name)| name.to_owned())
                .collect();
            named.retain(|(name, _)| chosen.contains(name));
        }
        if named.is_empty() && total > 0 {
            return Err(ScenarioError::NoneSelected {
                selection: self.to_string(),
                total,
            });
        }
        Ok(named.into_iter().map(|(_, source)| source).collect())
    }
}

/// `--filter a --filter b --partition 1/2`, for messages.
impl fmt::Display for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .filters
            .iter()
            .map(|filter| format!("--filter {filter:?}"))
            .collect();
        if let Some(partition) = self.partition {
            parts.push(format!("--partition {partition}"));
        }
        if parts.is_empty() {
            f.write_str("the selection")
        } else {
            f.write_str(&parts.join(" "))
        }
    }
}

/// A glob (`*` any run of characters, `?` one) matched against the whole name; without either,
/// a substring.
fn matches_pattern(pattern: &str, name: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return name.contains(pattern);
    }
    mock_sts::policy::string_like(pattern, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str) -> ScenarioSource {
        ScenarioSource {
            origin: format!("{name}.yaml"),
            text: format!(
                "name: {name}\ndescription: d\nsource: s\ntoken: {{}}\nrequest: {{role: r}}\nexpect: {{result: credentials}}\n"
            ),
        }
    }

    fn names(sources: &[ScenarioSource]) -> Vec<String> {
        sources.iter().map(ScenarioSource::display_name).collect()
    }

    const NAMES: [&str; 5] = ["c-one", "a-two", "e-three", "b-four", "d-five"];

    #[test]
    fn patterns_are_globs_or_substrings() {
        assert!(matches_pattern("issuer-slow", "issuer-slow-6000ms-fails"));
        assert!(matches_pattern("*-fails", "issuer-slow-6000ms-fails"));
        assert!(matches_pattern(
            "issuer-*-?000ms-*",
            "issuer-slow-6000ms-fails"
        ));
        assert!(!matches_pattern("*-succeeds", "issuer-slow-6000ms-fails"));
        assert!(!matches_pattern("slow*", "issuer-slow"));
    }

    #[test]
    fn partitions_split_the_catalogue_by_name_into_disjoint_complete_shards() {
        let all: Vec<ScenarioSource> = NAMES.iter().map(|n| source(n)).collect();
        let mut union = Vec::new();
        for index in 1..=3 {
            let selection = Selection {
                partition: Some(Partition { index, count: 3 }),
                ..Selection::default()
            };
            union.extend(names(&selection.apply(all.clone()).unwrap()));
        }
        union.sort();
        let mut expected: Vec<String> = NAMES.iter().map(|n| (*n).to_owned()).collect();
        expected.sort();
        assert_eq!(union, expected);
        let first = Selection {
            partition: Some("1/3".parse().unwrap()),
            ..Selection::default()
        };
        assert_eq!(names(&first.apply(all).unwrap()), ["a-two", "d-five"]);
    }

    #[test]
    fn an_empty_selection_is_an_error() {
        let selection = Selection {
            filters: vec!["nothing-like-this".into()],
            ..Selection::default()
        };
        let err = selection.apply(vec![source("a")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--filter \"nothing-like-this\" selects none of the 1 scenario(s)"
        );
    }

    #[test]
    fn two_files_with_one_name_are_an_error() {
        let mut twin = source("a");
        twin.origin = "other/a.yaml".into();
        let err = Selection::default()
            .apply(vec![source("a"), twin])
            .unwrap_err();
        assert!(err.to_string().contains("a.yaml and other/a.yaml"), "{err}");
    }

    #[test]
    fn partitions_must_read_k_of_n() {
        for bad in ["0/2", "3/2", "1", "a/b", "1/0"] {
            assert!(bad.parse::<Partition>().is_err(), "{bad}");
        }
        assert_eq!("2/4".parse(), Ok(Partition { index: 2, count: 4 }));
    }
}
