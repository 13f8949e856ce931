//! Query-protocol responses: AWS's exact XML layout (no declaration, two-space indent, `\n`, trailing newline).
//! S3's REST-XML answers ([`S3Xml`], [`s3_error`]): a declaration line, then the document on one line.

use crate::errors::{AwsError, S3Error};
use crate::service::Service;

/// Builds an indented XML document element by element.
#[derive(Debug, Default)]
pub(crate) struct XmlWriter {
    out: String,
    depth: usize,
}

impl XmlWriter {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn open_root(&mut self, name: &str, namespace: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(" xmlns=\"");
        escape_into(&mut self.out, namespace);
        self.out.push_str("\">\n");
        self.depth += 1;
        self
    }

    pub(crate) fn open(&mut self, name: &str) -> &mut Self {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.depth += 1;
        self
    }

    pub(crate) fn close(&mut self, name: &str) -> &mut Self {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
        self
    }

    pub(crate) fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
        self
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// `<{Action}Response><{Action}Result>…</…><ResponseMetadata><RequestId/>…`.
pub(crate) fn success(
    action: &str,
    service: Service,
    request_id: &str,
    result: impl FnOnce(&mut XmlWriter),
) -> String {
    let response = format!("{action}Response");
    let result_name = format!("{action}Result");
    let mut xml = XmlWriter::new();
    xml.open_root(&response, service.namespace())
        .open(&result_name);
    result(&mut xml);
    xml.close(&result_name)
        .open("ResponseMetadata")
        .leaf("RequestId", request_id)
        .close("ResponseMetadata")
        .close(&response);
    xml.finish()
}

/// `<{Action}Response><{Action}Result/><ResponseMetadata>…`: an action whose result has no
/// members but is still wrapped (UpdateRole, as in the IAM API reference's sample).
pub(crate) fn empty_result(action: &str, service: Service, request_id: &str) -> String {
    let response = format!("{action}Response");
    let mut xml = XmlWriter::new();
    xml.open_root(&response, service.namespace());
    xml.indent();
    xml.out.push_str(&format!("<{action}Result/>\n"));
    xml.open("ResponseMetadata")
        .leaf("RequestId", request_id)
        .close("ResponseMetadata")
        .close(&response);
    xml.finish()
}

/// `<{Action}Response><ResponseMetadata><RequestId/>…`: an action that returns nothing.
pub(crate) fn empty(action: &str, service: Service, request_id: &str) -> String {
    let response = format!("{action}Response");
    let mut xml = XmlWriter::new();
    xml.open_root(&response, service.namespace())
        .open("ResponseMetadata")
        .leaf("RequestId", request_id)
        .close("ResponseMetadata")
        .close(&response);
    xml.finish()
}

/// `<ErrorResponse>`: RequestId sits directly under the root, no ResponseMetadata.
pub(crate) fn error(err: &AwsError, service: Service, request_id: &str) -> String {
    let mut xml = XmlWriter::new();
    xml.open_root("ErrorResponse", err.namespace(service.namespace()))
        .open("Error")
        .leaf("Type", err.fault_type())
        .leaf("Code", err.code());
    if let Some(message) = err.message() {
        xml.leaf("Message", &message);
    }
    xml.close("Error")
        .leaf("RequestId", request_id)
        .close("ErrorResponse");
    xml.finish()
}

/// S3's namespace (botocore's `botocore/data/s3/2006-03-01/service-2.json`).
pub(crate) const S3_NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";
const S3_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// An S3 document, element by element, without indentation.
#[derive(Debug)]
pub(crate) struct S3Xml {
    out: String,
}

impl S3Xml {
    /// The declaration and `<root xmlns="…S3 namespace…">`.
    pub(crate) fn new(root: &str) -> Self {
        let mut out = String::from(S3_DECLARATION);
        out.push('<');
        out.push_str(root);
        out.push_str(" xmlns=\"");
        out.push_str(S3_NAMESPACE);
        out.push_str("\">");
        Self { out }
    }

    /// The declaration and a root without namespace (S3's `<Error>`).
    fn bare(root: &str) -> Self {
        let mut out = String::from(S3_DECLARATION);
        out.push('<');
        out.push_str(root);
        out.push('>');
        Self { out }
    }

    pub(crate) fn open(&mut self, name: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    pub(crate) fn close(&mut self, name: &str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    pub(crate) fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        self.open(name);
        escape_into(&mut self.out, text);
        self.close(name)
    }

    /// Text directly inside the element opened last.
    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.out, text);
        self
    }

    /// Closes the root and hands the document over.
    pub(crate) fn finish(mut self, root: &str) -> String {
        self.close(root);
        self.out
    }
}

/// `<Error><Code/><Message/>{extra elements}<RequestId/><HostId/></Error>`.
pub(crate) fn s3_error(err: &S3Error, request_id: &str, host_id: &str) -> String {
    let mut xml = S3Xml::bare("Error");
    xml.leaf("Code", err.code()).leaf("Message", &err.message());
    for (name, value) in err.extra() {
        xml.leaf(name, &value);
    }
    xml.leaf("RequestId", request_id).leaf("HostId", host_id);
    xml.finish("Error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_matches_aws_bytes() {
        // awslabs/aws-sdk-rust#827: content-length 390 with a 36-character request id.
        let body = error(
            &AwsError::VerificationKeyUnavailable,
            Service::Sts,
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
        );
        let expected = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>InvalidIdentityToken</Code>\n    <Message>Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements</Message>\n  </Error>\n  <RequestId>xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</RequestId>\n</ErrorResponse>\n";
        assert_eq!(body, expected);
        assert_eq!(body.len(), 390);
    }

    #[test]
    fn an_internal_failure_renders_as_a_receiver_fault_in_the_service_namespace() {
        let body = error(&AwsError::InternalFailure, Service::Iam, "r");
        assert_eq!(
            body,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n  <Error>\n    <Type>Receiver</Type>\n    <Code>InternalFailure</Code>\n    <Message>The request processing has failed because of an unknown error, exception or failure.</Message>\n  </Error>\n  <RequestId>r</RequestId>\n</ErrorResponse>\n"
        );
    }

    #[test]
    fn an_unknown_action_answers_in_the_aws_fault_namespace() {
        let err = AwsError::InvalidAction {
            action: "NoSuchAction".into(),
            version: Some("2011-06-15".into()),
        };
        assert!(error(&err, Service::Sts, "r").starts_with(
            "<ErrorResponse xmlns=\"http://webservices.amazon.com/AWSFault/2005-15-09\">"
        ));
    }

    #[test]
    fn an_s3_error_is_one_line_after_the_declaration_with_its_extra_elements() {
        let err = S3Error::NoSuchBucket { bucket: "b".into() };
        assert_eq!(
            s3_error(&err, "R", "H"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>b</BucketName><RequestId>R</RequestId><HostId>H</HostId></Error>"
        );
    }

    #[test]
    fn text_is_escaped() {
        let mut xml = XmlWriter::new();
        xml.leaf("A", "<&>\"'");
        assert_eq!(xml.finish(), "<A>&lt;&amp;&gt;&quot;'</A>\n");
    }
}
