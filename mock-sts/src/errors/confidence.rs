//! How sure fedlab is of an answer's bytes; a module of its own so that the error tables in
//! `errors` and `errors::s3` can both name it.

/// How sure fedlab is that AWS answers with exactly these bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// A real AWS response quoted verbatim somewhere public.
    Attested,
    /// Stated in the AWS service model or documentation.
    Model,
    /// Follows from other facts; no verbatim example found.
    Inferred,
    /// Unknown: fedlab's strict choice, see the `unknowns` module.
    Chosen,
}
