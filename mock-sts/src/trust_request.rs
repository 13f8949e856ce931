//! The request a trust policy is evaluated against for AssumeRoleWithWebIdentity: what AWS
//! knows about the call. Public, so a tool can ask "would this token get in?" offline with exactly
//! the context mock-sts builds, and with [`TrustRequest::evaluate`] the same decision.

use serde::Serialize;
use time::OffsetDateTime;

use crate::policy::{self, Decision, Evaluation, PolicyDocument, Principal, RequestContext};
use crate::times;

/// The action a web-identity trust policy must allow.
pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";
/// Also needed when the token carries session tags (`https://aws.amazon.com/tags`).
pub const TAG_SESSION: &str = "sts:TagSession";
/// Also needed when the token carries a source identity (`https://aws.amazon.com/source_identity`).
pub const SET_SOURCE_IDENTITY: &str = "sts:SetSourceIdentity";

/// What AWS takes from one AssumeRoleWithWebIdentity call into the trust policy's evaluation.
///
/// Build one with a struct literal; `session_tags` and `source_identity` are `None` for a token
/// without those claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustRequest {
    /// The IAM OIDC provider's ARN, the `Federated` principal.
    pub provider_arn: String,
    /// The provider URL without `https://` (`gitlab.example.com`, `localhost:8443/gitlab`): the
    /// prefix of the condition keys.
    pub provider_host: String,
    /// The token's `aud` values.
    pub audiences: Vec<String>,
    /// The token's `sub`.
    pub subject: String,
    pub session_name: String,
    pub now: OffsetDateTime,
    pub region: String,
    /// The token's session tags, when it has the `https://aws.amazon.com/tags` claim (even an
    /// empty one: the claim alone asks for `sts:TagSession`).
    pub session_tags: Option<SessionTags>,
    /// The token's `https://aws.amazon.com/source_identity`.
    pub source_identity: Option<String>,
}

/// Session tags as a token passes them ("Passing session tags in AWS STS",
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SessionTags {
    /// `principal_tags`: key and value, in the token's order.
    pub tags: Vec<(String, String)>,
    /// `transitive_tag_keys`.
    pub transitive_keys: Vec<String>,
}

/// One action's evaluation of a trust policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionEvaluation {
    pub action: &'static str,
    pub evaluation: Evaluation,
}

/// Every action AWS evaluates for the call, in order; the call is allowed only if each is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustEvaluation {
    pub actions: Vec<ActionEvaluation>,
}

impl TrustEvaluation {
    pub fn allowed(&self) -> bool {
        self.refused().is_none()
    }

    /// The first action the policy does not allow.
    pub fn refused(&self) -> Option<&ActionEvaluation> {
        self.actions
            .iter()
            .find(|a| !matches!(a.evaluation.decision, Decision::Allow { .. }))
    }
}

impl TrustRequest {
    /// The actions AWS checks for this call: AssumeRoleWithWebIdentity, then TagSession when the
    /// token carries session tags, then SetSourceIdentity when it carries a source identity, as
    /// "Passing session tags in AWS STS" and "Monitor and control actions taken with assumed
    /// roles" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html>)
    /// require.
    pub fn actions(&self) -> Vec<&'static str> {
        let mut actions = vec![ASSUME_ROLE_WITH_WEB_IDENTITY];
        if self.session_tags.is_some() {
            actions.push(TAG_SESSION);
        }
        if self.source_identity.is_some() {
            actions.push(SET_SOURCE_IDENTITY);
        }
        actions
    }

    /// Evaluates `policy` for each of [`TrustRequest::actions`].
    pub fn evaluate(&self, policy: &PolicyDocument) -> TrustEvaluation {
        let actions = self
            .actions()
            .into_iter()
            .map(|action| ActionEvaluation {
                action,
                evaluation: policy::evaluate(policy, &self.context_for(action)),
            })
            .collect();
        TrustEvaluation { actions }
    }

    /// The context of the AssumeRoleWithWebIdentity action.
    pub fn context(&self) -> RequestContext {
        self.context_for(ASSUME_ROLE_WITH_WEB_IDENTITY)
    }

    /// The keys a trust policy can test for a self-managed OIDC issuer: `<provider>:aud` and
    /// `<provider>:sub`, named after the provider URL without its scheme, the global keys of
    /// the call, and the session tags and source identity when the token has them. Other claims
    /// (GitLab's `project_path`, `ref`, …) are not condition keys, so a condition on them sees
    /// an absent key (the IAM User Guide page "Available keys for AWS OIDC federation",
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>).
    pub fn context_for(&self, action: &str) -> RequestContext {
        let prefix = &self.provider_host;
        let mut context =
            RequestContext::new(Principal::Federated(self.provider_arn.clone()), action);
        context.insert(format!("{prefix}:aud"), self.audiences.iter().cloned());
        context.insert(format!("{prefix}:sub"), [self.subject.clone()]);
        context.insert("aws:FederatedProvider", [self.provider_arn.clone()]);
        context.insert("sts:RoleSessionName", [self.session_name.clone()]);
        context.insert("aws:CurrentTime", [times::iso8601(self.now)]);
        context.insert("aws:EpochTime", [self.now.unix_timestamp().to_string()]);
        context.insert("aws:RequestedRegion", [self.region.clone()]);
        if let Some(tags) = &self.session_tags {
            for (key, value) in &tags.tags {
                context.insert(format!("aws:PrincipalTag/{key}"), [value.clone()]);
                context.insert(format!("aws:RequestTag/{key}"), [value.clone()]);
            }
            context.insert("aws:TagKeys", tags.tags.iter().map(|(key, _)| key.clone()));
            context.insert(
                "sts:TransitiveTagKeys",
                tags.transitive_keys.iter().cloned(),
            );
        }
        if let Some(source_identity) = &self.source_identity {
            context.insert("sts:SourceIdentity", [source_identity.clone()]);
        }
        context
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyKind;

    fn request() -> TrustRequest {
        TrustRequest {
            provider_arn: "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com".into(),
            provider_host: "gitlab.example.com".into(),
            audiences: vec!["sts.amazonaws.com".into()],
            subject: "project_path:g/p:ref_type:branch:ref:main".into(),
            session_name: "s1".into(),
            now: OffsetDateTime::UNIX_EPOCH,
            region: "us-east-1".into(),
            session_tags: None,
            source_identity: None,
        }
    }

    fn policy(actions: &str) -> PolicyDocument {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"}},"Action":{actions}}}]}}"#
        );
        policy::parse(&text, PolicyKind::Trust).unwrap()
    }

    #[test]
    fn each_claim_adds_the_action_aws_evaluates_for_it() {
        let mut request = request();
        assert_eq!(request.actions(), [ASSUME_ROLE_WITH_WEB_IDENTITY]);
        request.session_tags = Some(SessionTags::default());
        request.source_identity = Some("alice".into());
        assert_eq!(
            request.actions(),
            [
                ASSUME_ROLE_WITH_WEB_IDENTITY,
                TAG_SESSION,
                SET_SOURCE_IDENTITY
            ]
        );
    }

    #[test]
    fn the_call_is_allowed_only_when_every_action_is() {
        let mut request = request();
        request.session_tags = Some(SessionTags {
            tags: vec![("Project".into(), "A".into())],
            transitive_keys: vec![],
        });
        let evaluation = request.evaluate(&policy(r#""sts:AssumeRoleWithWebIdentity""#));
        assert!(!evaluation.allowed());
        assert_eq!(evaluation.refused().map(|a| a.action), Some(TAG_SESSION));
        let both = r#"["sts:AssumeRoleWithWebIdentity","sts:TagSession"]"#;
        assert!(request.evaluate(&policy(both)).allowed());
    }

    #[test]
    fn session_tags_become_principal_and_request_tag_keys() {
        let mut request = request();
        request.session_tags = Some(SessionTags {
            tags: vec![("Project".into(), "A".into())],
            transitive_keys: vec!["Project".into()],
        });
        request.source_identity = Some("alice".into());
        let context = request.context_for(TAG_SESSION);
        assert_eq!(context.action, TAG_SESSION);
        assert_eq!(
            context.get("aws:PrincipalTag/Project"),
            Some(&["A".to_owned()][..])
        );
        assert_eq!(
            context.get("aws:RequestTag/project"),
            Some(&["A".to_owned()][..])
        );
        assert_eq!(
            context.get("aws:TagKeys"),
            Some(&["Project".to_owned()][..])
        );
        assert_eq!(
            context.get("sts:TransitiveTagKeys"),
            Some(&["Project".to_owned()][..])
        );
        assert_eq!(
            context.get("sts:SourceIdentity"),
            Some(&["alice".to_owned()][..])
        );
    }
}
