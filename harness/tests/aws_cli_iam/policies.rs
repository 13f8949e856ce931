//! The permission-policy calls through the real aws CLI: customer and AWS managed policies,
//! attachments, and the conflicts that keep a role or policy from being deleted; then
//! mock-sts's state.

use mock_sts::{PolicyText, Seed, SeedManagedPolicy};
use serde_json::{Value, json};

use crate::{Cli, PERMISSIONS, TRUST, start};

const S3_READ_ONLY: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const CUSTOMER: &str = "arn:aws:iam::123456789012:policy/ci/read-artifacts";

fn attached(cli: &Cli) -> Vec<(String, String)> {
    cli.ok(&["list-attached-role-policies", "--role-name", "deploy"])["AttachedPolicies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["PolicyName"].as_str().unwrap().to_owned(),
                p["PolicyArn"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs the aws CLI (FEDLAB_AWS_CLI)"]
fn the_aws_cli_manages_managed_policies_and_attachments() {
    let (_runtime, sts) = start();
    let cli = Cli::new(sts.endpoint());
    let trust = cli.file("trust.json", TRUST);
    let permissions = cli.file("permissions.json", PERMISSIONS);
    cli.ok(&[
        "create-role",
        "--role-name",
        "deploy",
        "--assume-role-policy-document",
        &trust,
    ]);
    let created = cli.ok(&[
        "create-policy",
        "--policy-name",
        "read-artifacts",
        "--path",
        "/ci/",
        "--description",
        "CI jobs read build artifacts",
        "--policy-document",
        &permissions,
    ]);
    assert_eq!(created["Policy"]["Arn"], CUSTOMER);
    assert_eq!(created["Policy"]["DefaultVersionId"], "v1");
    assert!(cli
        .refused(&["create-policy", "--policy-name", "Read-Artifacts", "--policy-document", &permissions])
        .ends_with("An error occurred (EntityAlreadyExists) when calling the CreatePolicy operation: A policy called Read-Artifacts already exists. Duplicate names are not allowed."));

    let aws = cli.ok(&["get-policy", "--policy-arn", S3_READ_ONLY]);
    assert_eq!(aws["Policy"]["DefaultVersionId"], "v3");
    // botocore decodes the percent-encoded document into JSON.
    let version = cli.ok(&[
        "get-policy-version",
        "--policy-arn",
        S3_READ_ONLY,
        "--version-id",
        "v3",
    ]);
    assert_eq!(
        version["PolicyVersion"]["Document"]["Statement"][0]["Action"][0],
        "s3:Get*"
    );
    let own = cli.ok(&[
        "get-policy-version",
        "--policy-arn",
        CUSTOMER,
        "--version-id",
        "v1",
    ]);
    assert_eq!(
        own["PolicyVersion"]["Document"],
        serde_json::from_str::<Value>(PERMISSIONS).unwrap()
    );

    for arn in [S3_READ_ONLY, CUSTOMER] {
        assert_eq!(
            cli.ok(&[
                "attach-role-policy",
                "--role-name",
                "deploy",
                "--policy-arn",
                arn
            ]),
            Value::Null
        );
    }
    assert_eq!(
        attached(&cli),
        [
            ("AmazonS3ReadOnlyAccess".to_owned(), S3_READ_ONLY.to_owned()),
            ("read-artifacts".to_owned(), CUSTOMER.to_owned())
        ]
    );
    assert_eq!(
        cli.ok(&["get-policy", "--policy-arn", CUSTOMER])["Policy"]["AttachmentCount"],
        json!(1)
    );
    let state = sts.iam_state();
    assert_eq!(state.roles[0].attached_policies, [S3_READ_ONLY, CUSTOMER]);
    assert_eq!(
        state.managed_policies,
        [SeedManagedPolicy {
            name: "read-artifacts".to_owned(),
            path: Some("/ci/".to_owned()),
            description: Some("CI jobs read build artifacts".to_owned()),
            document: PolicyText::Text(PERMISSIONS.to_owned()),
            tags: Vec::new(),
        }]
    );

    assert!(cli
        .refused(&["attach-role-policy", "--role-name", "deploy", "--policy-arn", "arn:aws:iam::aws:policy/AWSLambdaFullAccess"])
        .ends_with("An error occurred (NoSuchEntity) when calling the AttachRolePolicy operation: Policy arn:aws:iam::aws:policy/AWSLambdaFullAccess does not exist or is not attachable."));
    assert!(cli
        .refused(&["delete-role", "--role-name", "deploy"])
        .ends_with("An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, must detach all policies first."));
    assert!(cli
        .refused(&["delete-policy", "--policy-arn", CUSTOMER])
        .ends_with("An error occurred (DeleteConflict) when calling the DeletePolicy operation: Cannot delete a policy attached to entities."));

    for arn in [S3_READ_ONLY, CUSTOMER] {
        cli.ok(&[
            "detach-role-policy",
            "--role-name",
            "deploy",
            "--policy-arn",
            arn,
        ]);
    }
    assert!(attached(&cli).is_empty());
    cli.ok(&["delete-policy", "--policy-arn", CUSTOMER]);
    assert!(cli
        .refused(&["get-policy", "--policy-arn", CUSTOMER])
        .ends_with(&format!("An error occurred (NoSuchEntity) when calling the GetPolicy operation: Policy {CUSTOMER} was not found.")));
    cli.ok(&["delete-role", "--role-name", "deploy"]);
    assert_eq!(sts.iam_state(), Seed::default());
}
