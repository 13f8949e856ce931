//! IAM's XML answers for managed policies, in the IAM model's member order (`Policy`,
//! `PolicyVersion`, `AttachedPolicy`).

use crate::iam::params::Page;
use crate::iam::render::{percent_encode, write_paging, write_tags};
use crate::iam::store::ManagedPolicy;
use crate::service::Service;
use crate::times;
use crate::xml::{self, XmlWriter};

/// CreatePolicy leaves the description out, GetPolicy includes it (IAM model, `Policy`:
/// "included in the response to the GetPolicy operation").
pub(crate) fn policy_xml(
    action: &str,
    policy: &ManagedPolicy,
    attachments: usize,
    request_id: &str,
) -> String {
    xml::success(action, Service::Iam, request_id, |x| {
        x.open("Policy");
        write_policy(x, policy, attachments, action == "GetPolicy");
        x.close("Policy");
    })
}

/// GetPolicyVersion: the document percent-encoded like every IAM policy document.
pub(crate) fn policy_version_xml(policy: &ManagedPolicy, request_id: &str) -> String {
    xml::success("GetPolicyVersion", Service::Iam, request_id, |x| {
        x.open("PolicyVersion")
            .leaf("Document", &percent_encode(&policy.text))
            .leaf("VersionId", &policy.version_id)
            .leaf("IsDefaultVersion", "true")
            .leaf("CreateDate", &times::iso8601_millis(policy.updated))
            .close("PolicyVersion");
    })
}

pub(crate) fn attached_policies_xml(page: &Page<(String, String)>, request_id: &str) -> String {
    xml::success("ListAttachedRolePolicies", Service::Iam, request_id, |x| {
        x.open("AttachedPolicies");
        for (name, arn) in &page.items {
            x.open("member")
                .leaf("PolicyName", name)
                .leaf("PolicyArn", arn)
                .close("member");
        }
        x.close("AttachedPolicies");
        write_paging(x, page);
    })
}

fn write_policy(x: &mut XmlWriter, policy: &ManagedPolicy, attachments: usize, full: bool) {
    x.leaf("PolicyName", &policy.name)
        .leaf("PolicyId", &policy.policy_id)
        .leaf("Arn", &policy.arn)
        .leaf("Path", &policy.path)
        .leaf("DefaultVersionId", &policy.version_id)
        .leaf("AttachmentCount", &attachments.to_string())
        .leaf("PermissionsBoundaryUsageCount", "0")
        .leaf("IsAttachable", "true");
    if let Some(description) = policy.description.as_deref().filter(|_| full) {
        x.leaf("Description", description);
    }
    x.leaf("CreateDate", &times::iso8601_millis(policy.created))
        .leaf("UpdateDate", &times::iso8601_millis(policy.updated));
    write_tags(x, &policy.tags);
}
