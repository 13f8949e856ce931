//! Parsing: the model a document becomes, and the error each refused document gets.

use super::*;
use crate::policy::trust::is_valid_federated_principal;

// --- parsing --------------------------------------------------------------------------------------------------

#[test]
fn parse_builds_the_model() {
    let document = trust_policy(r#"{"ForAnyValue:StringLikeIfExists":{"k:v":["a*",5,true]}}"#);
    assert_eq!(document.version, PolicyVersion::V2012_10_17);
    assert!(!document.version_defaulted);
    let statement = &document.statements[0];
    assert_eq!(statement.sid.as_deref(), Some("GitLab"));
    assert_eq!(statement.effect, Effect::Allow);
    assert_eq!(
        statement.principal,
        Some(PrincipalElement {
            negated: false,
            principals: PrincipalSet::Listed(vec![PrincipalEntry {
                kind: PrincipalKind::Federated,
                value: PROVIDER.into()
            }])
        })
    );
    let condition = &statement.conditions[0];
    assert_eq!(
        condition.operator.qualifier,
        Some(SetQualifier::ForAnyValue)
    );
    assert_eq!(condition.operator.base, BaseOperator::StringLike);
    assert!(condition.operator.if_exists);
    assert_eq!(condition.values, vec!["a*", "5", "true"]);
}

#[test]
fn a_missing_version_defaults_to_2008() {
    let text = format!(
        r#"{{"Statement":{{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER}"}},"Action":"sts:*"}}}}"#
    );
    let document = parse(&text, PolicyKind::Trust).unwrap();
    assert_eq!(document.version, PolicyVersion::V2008_10_17);
    assert!(document.version_defaulted);
    assert!(!document.version.supports_variables());
}

#[test]
fn every_operator_name_round_trips() {
    for base in [
        BaseOperator::StringEquals,
        BaseOperator::ArnNotLike,
        BaseOperator::Null,
        BaseOperator::NotIpAddress,
    ] {
        let operator = Operator::parse(base.name()).unwrap();
        assert_eq!(operator.base, base);
    }
    assert!(Operator::parse("ForAllValues:NumericLessThanEqualsIfExists").is_ok());
    assert!(Operator::parse("IfExists").is_err());
    assert!(Operator::parse("StringEqualsIfExistsIfExists").is_err());
}

#[test]
fn each_error_variant_comes_from_a_concrete_document() {
    let statement = |extra: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER}"}},
                "Action":"sts:AssumeRoleWithWebIdentity"{extra}}}]}}"#
        )
    };
    assert_eq!(parse("{", PolicyKind::Trust), Err(PolicyError::InvalidJson));
    assert_eq!(
        parse(
            &statement("").replace("2012-10-17", "2013-01-01"),
            PolicyKind::Trust
        ),
        Err(PolicyError::LegacyParsing)
    );
    assert!(matches!(
        parse(&statement(r#","Condition":{"StringEquals":{"a:b":"x","A:B":"y"}}"#), PolicyKind::Trust),
        Err(PolicyError::Syntax { reason }) if reason.contains("twice")
    ));
    assert_eq!(
        parse(&statement(r#","Resource":"*""#), PolicyKind::Trust),
        Err(PolicyError::ProhibitedResource)
    );
    assert_eq!(
        parse(
            &statement("").replace("sts:AssumeRoleWithWebIdentity", "sts:GetFederationToken"),
            PolicyKind::Trust
        ),
        Err(PolicyError::InvalidTrustAction {
            action: "sts:GetFederationToken".into()
        })
    );
    let bad_provider = "arn:aws:iam::123456789012:oidc/gitlab.example.com";
    assert_eq!(
        parse(
            &statement("").replace(PROVIDER, bad_provider),
            PolicyKind::Trust
        ),
        Err(PolicyError::InvalidFederatedPrincipal {
            value: bad_provider.into()
        })
    );
}

#[test]
fn the_same_document_passes_as_identity_but_not_as_trust_and_vice_versa() {
    let identity =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    assert!(parse(identity, PolicyKind::Identity).is_ok());
    assert!(matches!(
        parse(identity, PolicyKind::Trust),
        Err(PolicyError::Syntax { reason }) if reason.contains("Principal")
    ));
}

#[test]
fn error_messages_are_fedlab_prose_not_aws_wire_text() {
    let message = PolicyError::InvalidTrustAction {
        action: "s3:*".into(),
    }
    .to_string();
    assert!(message.contains("s3:*"));
    assert!(!message.contains("Trust Policy statement actions can only be"));
    assert_eq!(
        PolicyError::InvalidJson.to_string(),
        "policy is not a JSON object"
    );
}

#[test]
fn federated_principal_shapes() {
    for good in [
        PROVIDER,
        "arn:aws:iam::123456789012:oidc-provider/localhost:8443/path",
        "arn:aws-cn:iam::123456789012:saml-provider/ADFS",
        "accounts.google.com",
    ] {
        assert!(is_valid_federated_principal(good), "{good}");
    }
    for bad in [
        "",
        "localhost",
        "gitlab..example.com",
        "arn:aws:iam::123456789012:oidc-provider",
        "arn:aws:sts::123456789012:oidc-provider/x",
        "arn:aws:iam:us-east-1:123456789012:oidc-provider/x",
        "arn:gcp:iam::123456789012:oidc-provider/x",
    ] {
        assert!(!is_valid_federated_principal(bad), "{bad}");
    }
}
