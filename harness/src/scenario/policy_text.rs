//! A policy document as a scenario writes it: JSON text pasted verbatim (what IAM receives,
//! byte for byte), or the same document written in YAML, which is sent as compact JSON.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};

/// A policy document's JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyText(pub String);

impl PolicyText {
    /// The JSON text IAM or STS receives.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for PolicyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Ok(Self(text)),
            structured @ serde_json::Value::Object(_) => Ok(Self(structured.to_string())),
            _ => Err(serde::de::Error::custom(
                "a policy is JSON text or a mapping (the document in YAML)",
            )),
        }
    }
}

impl JsonSchema for PolicyText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PolicyText".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A policy document: JSON text, verbatim, or the same document in YAML.",
            "type": ["string", "object"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_json_text_or_a_yaml_mapping_sent_as_compact_json() {
        let text: PolicyText = serde_yaml::from_str("'{\"Version\": \"2012-10-17\"}'").unwrap();
        assert_eq!(text.as_str(), "{\"Version\": \"2012-10-17\"}");
        let yaml: PolicyText = serde_yaml::from_str("{Version: '2012-10-17'}").unwrap();
        assert_eq!(yaml.as_str(), "{\"Version\":\"2012-10-17\"}");
        assert!(serde_yaml::from_str::<PolicyText>("[1]").is_err());
    }
}
