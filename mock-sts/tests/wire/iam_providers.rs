//! The OIDC provider calls beyond create/get: client IDs, thumbprints and tags, with IAM's
//! success bytes and refusals.

use crate::support::{Answer, IAM, Sts, assert_error, element, secret_filters};

pub(crate) const PROVIDER_ARN: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test";
const THUMBPRINT: &str = "0000000000000000000000000000000000000000";
const OTHER_THUMBPRINT: &str = "ABCDEF0123456789ABCDEF0123456789ABCDEF01";

/// `<{action}Response>` with nothing but the request ID, as IAM answers its void actions.
pub(crate) fn assert_empty(answer: &Answer, action: &str) {
    assert_eq!(answer.status, 200, "{}", answer.body);
    let request_id = element(&answer.body, "RequestId").unwrap();
    assert_eq!(
        answer.body,
        format!(
            "<{action}Response xmlns=\"{IAM}\">\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n"
        )
    );
}

async fn call(sts: &Sts, action: &str, members: &[(&str, &str)]) -> Answer {
    let mut form = vec![("Action", action), ("Version", "2010-05-08")];
    form.extend_from_slice(members);
    sts.iam(&form).await
}

async fn provider_call(sts: &Sts, action: &str, members: &[(&str, &str)]) -> Answer {
    let mut form = vec![("OpenIDConnectProviderArn", PROVIDER_ARN)];
    form.extend_from_slice(members);
    call(sts, action, &form).await
}

async fn started_with_provider() -> Sts {
    let sts = Sts::start(None).await;
    let created = call(
        &sts,
        "CreateOpenIDConnectProvider",
        &[
            ("Url", "https://gitlab.fedlab.test"),
            ("ClientIDList.member.1", "sts.amazonaws.com"),
            ("ThumbprintList.member.1", THUMBPRINT),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "platform"),
        ],
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    secret_filters()
        .bind(|| insta::assert_snapshot!("iam_create_provider_with_tags", created.body));
    sts
}

#[tokio::test]
async fn client_ids_are_added_and_removed_idempotently() {
    let sts = started_with_provider().await;
    for _ in 0..2 {
        let added = provider_call(
            &sts,
            "AddClientIDToOpenIDConnectProvider",
            &[("ClientID", "gitlab")],
        )
        .await;
        assert_empty(&added, "AddClientIDToOpenIDConnectProvider");
    }
    for _ in 0..2 {
        let removed = provider_call(
            &sts,
            "RemoveClientIDFromOpenIDConnectProvider",
            &[("ClientID", "sts.amazonaws.com")],
        )
        .await;
        assert_empty(&removed, "RemoveClientIDFromOpenIDConnectProvider");
    }
    let updated = provider_call(
        &sts,
        "UpdateOpenIDConnectProviderThumbprint",
        &[("ThumbprintList.member.1", OTHER_THUMBPRINT)],
    )
    .await;
    assert_empty(&updated, "UpdateOpenIDConnectProviderThumbprint");

    let got = provider_call(&sts, "GetOpenIDConnectProvider", &[]).await;
    secret_filters().bind(|| insta::assert_snapshot!("iam_get_provider_after_updates", got.body));
}

#[tokio::test]
async fn provider_updates_are_refused_like_iam() {
    let sts = started_with_provider().await;
    let missing = "arn:aws:iam::123456789012:oidc-provider/nowhere.fedlab.test";
    assert_error(
        &call(
            &sts,
            "AddClientIDToOpenIDConnectProvider",
            &[("OpenIDConnectProviderArn", missing), ("ClientID", "x")],
        )
        .await,
        404,
        IAM,
        "NoSuchEntity",
        &format!("OpenIDConnect provider not found for arn {missing}"),
    );
    assert_error(
        &provider_call(&sts, "AddClientIDToOpenIDConnectProvider", &[]).await,
        400,
        IAM,
        "ValidationError",
        "1 validation error detected: Value null at 'clientID' failed to satisfy constraint: Member must not be null",
    );
    assert_error(
        &provider_call(&sts, "UpdateOpenIDConnectProviderThumbprint", &[]).await,
        400,
        IAM,
        "ValidationError",
        "1 validation error detected: Value null at 'thumbprintList' failed to satisfy constraint: Member must not be null",
    );
    assert_error(
        &provider_call(
            &sts,
            "UpdateOpenIDConnectProviderThumbprint",
            &[("ThumbprintList.member.1", "abc")],
        )
        .await,
        400,
        IAM,
        "ValidationError",
        "1 validation error detected: Value 'abc' at 'thumbprintList' failed to satisfy constraint: Member must have length greater than or equal to 40",
    );
    let six: Vec<(String, &str)> = (1..=6)
        .map(|i| (format!("ThumbprintList.member.{i}"), THUMBPRINT))
        .collect();
    let six: Vec<(&str, &str)> = six.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_error(
        &provider_call(&sts, "UpdateOpenIDConnectProviderThumbprint", &six).await,
        400,
        IAM,
        "InvalidInput",
        "Thumbprint list must contain at most 5 entries",
    );
}

#[tokio::test]
async fn provider_tags_are_merged_listed_and_removed() {
    let sts = started_with_provider().await;
    let tagged = provider_call(
        &sts,
        "TagOpenIDConnectProvider",
        &[
            ("Tags.member.1.Key", "TEAM"),
            ("Tags.member.1.Value", "security"),
            ("Tags.member.2.Key", "env"),
            ("Tags.member.2.Value", "prod"),
        ],
    )
    .await;
    assert_empty(&tagged, "TagOpenIDConnectProvider");
    let listed = provider_call(&sts, "ListOpenIDConnectProviderTags", &[]).await;
    secret_filters().bind(|| insta::assert_snapshot!("iam_list_provider_tags", listed.body));

    let untagged = provider_call(
        &sts,
        "UntagOpenIDConnectProvider",
        &[("TagKeys.member.1", "team"), ("TagKeys.member.2", "absent")],
    )
    .await;
    assert_empty(&untagged, "UntagOpenIDConnectProvider");
    let listed = provider_call(&sts, "ListOpenIDConnectProviderTags", &[("MaxItems", "1")]).await;
    let request_id = element(&listed.body, "RequestId").unwrap();
    assert_eq!(
        listed.body,
        format!(
            "<ListOpenIDConnectProviderTagsResponse xmlns=\"{IAM}\">\n  <ListOpenIDConnectProviderTagsResult>\n    <Tags>\n      <member>\n        <Key>env</Key>\n        <Value>prod</Value>\n      </member>\n    </Tags>\n    <IsTruncated>false</IsTruncated>\n  </ListOpenIDConnectProviderTagsResult>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</ListOpenIDConnectProviderTagsResponse>\n"
        )
    );
}

#[tokio::test]
async fn provider_tags_are_refused_like_iam() {
    let sts = started_with_provider().await;
    assert_error(
        &provider_call(
            &sts,
            "TagOpenIDConnectProvider",
            &[
                ("Tags.member.1.Key", "Env"),
                ("Tags.member.1.Value", "a"),
                ("Tags.member.2.Key", "env"),
                ("Tags.member.2.Value", "b"),
            ],
        )
        .await,
        400,
        IAM,
        "InvalidInput",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    );
    assert_error(
        &provider_call(
            &sts,
            "TagOpenIDConnectProvider",
            &[("Tags.member.1.Key", "a!"), ("Tags.member.1.Value", "b")],
        )
        .await,
        400,
        IAM,
        "ValidationError",
        r"1 validation error detected: Value 'a!' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+",
    );
    assert_error(
        &provider_call(&sts, "TagOpenIDConnectProvider", &[]).await,
        400,
        IAM,
        "ValidationError",
        "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
    // One tag exists already; fifty more make fifty-one.
    let fifty: Vec<(String, String)> = (1..=50)
        .flat_map(|i| {
            [
                (format!("Tags.member.{i}.Key"), format!("k{i}")),
                (format!("Tags.member.{i}.Value"), "v".to_owned()),
            ]
        })
        .collect();
    let fifty: Vec<(&str, &str)> = fifty
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_error(
        &provider_call(&sts, "TagOpenIDConnectProvider", &fifty).await,
        409,
        IAM,
        "LimitExceeded",
        "Cannot exceed quota for TagsPerOpenIdConnectProvider: 50",
    );
}
