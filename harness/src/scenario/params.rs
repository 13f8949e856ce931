//! `request.params`: raw Query parameters, in the order they are written.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// Query parameters as a YAML mapping, order kept. Every value is sent as the text written in the
/// file: a plain `0900` stays `0900` (never the number 900), `""` is an empty value; a list or a
/// mapping is a load error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams(pub Vec<(String, String)>);

impl QueryParams {
    /// No parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for QueryParams {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;

        impl<'de> Visitor<'de> for Pairs {
            type Value = QueryParams;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping of parameter names to values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<QueryParams, A::Error> {
                let mut pairs: Vec<(String, String)> = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    let value = map.next_value::<Quoted>()?.0;
                    if pairs.iter().any(|(seen, _)| *seen == name) {
                        return Err(de::Error::custom(format!(
                            "parameter {name} is given twice"
                        )));
                    }
                    pairs.push((name, value));
                }
                Ok(QueryParams(pairs))
            }
        }

        deserializer.deserialize_map(Pairs)
    }
}

/// A scalar's text exactly as written.
struct Quoted(String);

impl<'de> Deserialize<'de> for Quoted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;

        impl Visitor<'_> for Text {
            type Value = Quoted;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string (a parameter's value, e.g. \"900\")")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Quoted, E> {
                Ok(Quoted(value.to_owned()))
            }
        }

        deserializer.deserialize_str(Text)
    }
}

impl JsonSchema for QueryParams {
    fn schema_name() -> Cow<'static, str> {
        "QueryParams".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Query parameters by name; values are strings, sent as written.",
            "type": "object",
            "additionalProperties": {"type": "string"}
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_keep_their_order_and_exact_text() {
        let params: QueryParams =
            serde_yaml::from_str("DurationSeconds: \"0900\"\nAction: ''\n").unwrap();
        assert_eq!(
            params.0,
            [
                ("DurationSeconds".to_owned(), "0900".to_owned()),
                ("Action".to_owned(), String::new())
            ]
        );
    }

    #[test]
    fn plain_scalars_keep_the_text_as_written() {
        let params: QueryParams =
            serde_yaml::from_str("DurationSeconds: 0900\nA: 1e3\nB: null\nC: true\n").unwrap();
        let values: Vec<&str> = params.0.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(values, ["0900", "1e3", "null", "true"]);
    }

    #[test]
    fn a_list_or_mapping_value_is_refused() {
        let err = serde_yaml::from_str::<QueryParams>("DurationSeconds: [1]\n").unwrap_err();
        assert!(err.to_string().contains("a string"), "{err}");
    }
}
