//! The two AWS services mock-sts answers for, and what differs between them on the wire.

/// STS's Query-protocol namespace (botocore's `botocore/data/sts/2011-06-15/service-2.json`).
const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// IAM's Query-protocol namespace (botocore's `botocore/data/iam/2010-05-08/service-2.json`).
const IAM_NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Sts,
    Iam,
}

impl Service {
    /// The `xmlns` of this service's responses.
    pub(crate) fn namespace(self) -> &'static str {
        match self {
            Self::Sts => STS_NAMESPACE,
            Self::Iam => IAM_NAMESPACE,
        }
    }

    /// The service name a SigV4 credential scope must carry.
    pub(crate) fn signing_name(self) -> &'static str {
        match self {
            Self::Sts => "sts",
            Self::Iam => "iam",
        }
    }
}
