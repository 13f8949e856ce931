//! `scenarios/schema.json`: the JSON Schema of a scenario file, generated from the same types the
//! loader deserialises into, so an editor (or another runner) checks a file as `fedlab` does.

use schemars::generate::SchemaSettings;

use super::format::Scenario;

/// The schema as committed: pretty JSON with a final newline.
pub fn schema_json() -> String {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Scenario>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_committed_schema_is_the_one_the_types_generate() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/schema.json");
        let generated = schema_json();
        if std::env::var_os("FEDLAB_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is out of date with the scenario types; regenerate it with\n  \
             FEDLAB_BLESS=1 cargo test -p fedlab --lib schema\nor\n  \
             cargo run -p fedlab -- schema > scenarios/schema.json",
            path.display()
        );
    }

    #[test]
    fn the_schema_describes_every_top_level_field_and_requires_the_essential_ones() {
        let schema: Value = serde_json::from_str(&schema_json()).unwrap();
        let properties = schema["properties"].as_object().unwrap();
        for field in [
            "name",
            "description",
            "source",
            "fix",
            "gitlab",
            "aws",
            "token",
            "request",
            "expect",
            "clients",
        ] {
            assert!(properties.contains_key(field), "{field}");
        }
        assert_eq!(
            schema["required"],
            serde_json::json!([
                "name",
                "description",
                "source",
                "token",
                "request",
                "expect"
            ])
        );
        assert_eq!(schema["additionalProperties"], Value::Bool(false));
    }
}
