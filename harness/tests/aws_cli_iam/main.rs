//! Every IAM call mock-sts answers, driven through the real aws CLI against a spawned mock-sts:
//! the CLI's own output and then mock-sts's state (`RunningSts::iam_state`) are checked, so a
//! shape the CLI cannot parse, or a change the answer claims but the store lacks, both fail.
//!
//! The permission-policy calls are in `policies`.
//!
//! Needs the aws CLI: `FEDLAB_AWS_CLI=/path/to/aws cargo test -p fedlab --test aws_cli_iam --
//! --ignored` (`aws` on the PATH otherwise).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

mod policies;

use std::path::{Path, PathBuf};
use std::process::Command;

use mock_sts::{Config, RunningSts, Seed, SeedTag};
use serde_json::{Value, json};

const PROVIDER_ARN: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test";
const THUMBPRINT: &str = "0000000000000000000000000000000000000000";
const NEW_THUMBPRINT: &str = "abcdef0123456789abcdef0123456789abcdef01";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.fedlab.test"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
const PERMISSIONS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

fn aws_cli() -> PathBuf {
    std::env::var_os("FEDLAB_AWS_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("aws"))
}

/// The aws CLI with its own HOME and config (`cli_follow_urlparam = false`, so a `--url
/// https://…` is sent as text, not fetched) and mock-sts's admin keys.
struct Cli {
    home: tempfile::TempDir,
    endpoint: String,
}

impl Cli {
    fn new(endpoint: &str) -> Self {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join("config"),
            "[default]\nregion = us-east-1\ncli_follow_urlparam = false\n",
        )
        .unwrap();
        Self {
            home,
            endpoint: endpoint.to_owned(),
        }
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.home.path().join(name);
        std::fs::write(&path, text).unwrap();
        format!("file://{}", path.display())
    }

    /// `aws iam <args>`: the JSON it prints (`Null` for none), or its stderr.
    fn iam(&self, args: &[&str]) -> Result<Value, String> {
        let mut command = Command::new(aws_cli());
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("AWS_") {
                command.env_remove(name);
            }
        }
        let home: &Path = self.home.path();
        let output = command
            .env("HOME", home)
            .env("AWS_CONFIG_FILE", home.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
            .env("AWS_ACCESS_KEY_ID", mock_sts::DEFAULT_ADMIN_ACCESS_KEY_ID)
            .env(
                "AWS_SECRET_ACCESS_KEY",
                mock_sts::DEFAULT_ADMIN_SECRET_ACCESS_KEY,
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .args(["--endpoint-url", &self.endpoint, "--output", "json", "iam"])
            .args(args)
            .output()
            .expect("aws CLI runs");
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
        }
        if output.stdout.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        Ok(serde_json::from_slice(&output.stdout).expect("JSON output"))
    }

    fn ok(&self, args: &[&str]) -> Value {
        self.iam(args)
            .unwrap_or_else(|stderr| panic!("aws iam {args:?} failed: {stderr}"))
    }

    /// The CLI's error line for a call IAM refuses.
    fn refused(&self, args: &[&str]) -> String {
        match self.iam(args) {
            Ok(output) => panic!("aws iam {args:?} succeeded: {output}"),
            Err(stderr) => stderr,
        }
    }
}

/// mock-sts on a runtime of its own, so the test thread may block on the CLI.
fn start() -> (tokio::runtime::Runtime, RunningSts) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let running = runtime
        .block_on(mock_sts::spawn(Config::new("127.0.0.1:0".parse().unwrap())))
        .expect("mock-sts starts");
    (runtime, running)
}

fn tags(value: &Value) -> Vec<(String, String)> {
    value["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["Key"].as_str().unwrap().to_owned(),
                t["Value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn seed_tags(pairs: &[(&str, &str)]) -> Vec<SeedTag> {
    pairs
        .iter()
        .map(|(key, value)| SeedTag {
            key: (*key).to_owned(),
            value: (*value).to_owned(),
        })
        .collect()
}

fn pair(key: &str, value: &str) -> (String, String) {
    (key.to_owned(), value.to_owned())
}

#[test]
#[ignore = "needs the aws CLI (FEDLAB_AWS_CLI)"]
fn the_aws_cli_manages_an_oidc_provider_through_every_provider_call() {
    let (_runtime, sts) = start();
    let cli = Cli::new(sts.endpoint());
    let arn = ["--open-id-connect-provider-arn", PROVIDER_ARN];
    let created = cli.ok(&[
        "create-open-id-connect-provider",
        "--url",
        "https://gitlab.fedlab.test",
        "--client-id-list",
        "sts.amazonaws.com",
        "--thumbprint-list",
        THUMBPRINT,
        "--tags",
        "Key=team,Value=platform",
    ]);
    assert_eq!(created["OpenIDConnectProviderArn"], PROVIDER_ARN);
    assert_eq!(tags(&created), [pair("team", "platform")]);

    for args in [
        &[
            "add-client-id-to-open-id-connect-provider",
            "--client-id",
            "gitlab",
        ][..],
        &[
            "add-client-id-to-open-id-connect-provider",
            "--client-id",
            "gitlab",
        ],
        &[
            "remove-client-id-from-open-id-connect-provider",
            "--client-id",
            "sts.amazonaws.com",
        ],
        &[
            "update-open-id-connect-provider-thumbprint",
            "--thumbprint-list",
            NEW_THUMBPRINT,
        ],
        &[
            "tag-open-id-connect-provider",
            "--tags",
            "Key=env,Value=prod",
            "Key=TEAM,Value=security",
        ],
    ] {
        assert_eq!(cli.ok(&[args, &arn[..]].concat()), Value::Null, "{args:?}");
    }
    let listed = cli.ok(&[&["list-open-id-connect-provider-tags"][..], &arn].concat());
    assert_eq!(
        tags(&listed),
        [pair("TEAM", "security"), pair("env", "prod")]
    );
    cli.ok(&[
        &["untag-open-id-connect-provider", "--tag-keys", "team"][..],
        &arn,
    ]
    .concat());

    let got = cli.ok(&[&["get-open-id-connect-provider"][..], &arn].concat());
    assert_eq!(got["Url"], "gitlab.fedlab.test");
    assert_eq!(got["ClientIDList"], json!(["gitlab"]));
    assert_eq!(got["ThumbprintList"], json!([NEW_THUMBPRINT]));
    assert_eq!(tags(&got), [pair("env", "prod")]);
    let state = sts.iam_state();
    assert_eq!(state.providers.len(), 1);
    assert_eq!(state.providers[0].client_ids, ["gitlab"]);
    assert_eq!(state.providers[0].thumbprints, [NEW_THUMBPRINT]);
    assert_eq!(state.providers[0].tags, seed_tags(&[("env", "prod")]));

    let listed = cli.ok(&["list-open-id-connect-providers"]);
    assert_eq!(listed["OpenIDConnectProviderList"][0]["Arn"], PROVIDER_ARN);
    assert!(
        cli.refused(&[
            "tag-open-id-connect-provider",
            "--open-id-connect-provider-arn",
            PROVIDER_ARN,
            "--tags",
            "Key=a,Value=1",
            "Key=A,Value=2",
        ])
        .ends_with("An error occurred (InvalidInput) when calling the TagOpenIDConnectProvider operation: Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    );
    assert_eq!(
        cli.ok(&[&["delete-open-id-connect-provider"][..], &arn].concat()),
        Value::Null
    );
    assert!(
        cli.refused(&[&["get-open-id-connect-provider"][..], &arn].concat()).ends_with(&format!(
            "An error occurred (NoSuchEntity) when calling the GetOpenIDConnectProvider operation: OpenIDConnect provider not found for arn {PROVIDER_ARN}"
        ))
    );
    assert_eq!(sts.iam_state(), Seed::default());
}

#[test]
#[ignore = "needs the aws CLI (FEDLAB_AWS_CLI)"]
fn the_aws_cli_manages_roles_through_every_role_call() {
    let (_runtime, sts) = start();
    let cli = Cli::new(sts.endpoint());
    let trust = cli.file("trust.json", TRUST);
    for (name, path) in [("deploy", "/ci/"), ("Audit", "/"), ("build", "/ci/")] {
        let created = cli.ok(&[
            "create-role",
            "--role-name",
            name,
            "--path",
            path,
            "--assume-role-policy-document",
            &trust,
        ]);
        assert_eq!(created["Role"]["RoleName"], name);
    }
    assert!(cli
        .refused(&["create-role", "--role-name", "DEPLOY", "--assume-role-policy-document", &trust])
        .ends_with("An error occurred (EntityAlreadyExists) when calling the CreateRole operation: Role with name DEPLOY already exists."));
    let large = TRUST.replace(
        r#""Action""#,
        &format!(
            r#""Condition":{{"StringEquals":{{"k":"{}"}}}},"Action""#,
            "x".repeat(2048)
        ),
    );
    let large = cli.file("large.json", &large);
    assert!(cli
        .refused(&["create-role", "--role-name", "large", "--assume-role-policy-document", &large])
        .ends_with("An error occurred (LimitExceeded) when calling the CreateRole operation: Cannot exceed quota for ACLSizePerRole: 2048"));

    let names = |listed: &Value| -> Vec<String> {
        listed["Roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["RoleName"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&cli.ok(&["list-roles", "--path-prefix", "/ci/"])),
        ["build", "deploy"]
    );
    // --page-size 1: the CLI follows IAM's markers one role at a time.
    assert_eq!(
        names(&cli.ok(&["list-roles", "--page-size", "1"])),
        ["Audit", "build", "deploy"]
    );
    let first = cli.ok(&["list-roles", "--max-items", "2"]);
    assert_eq!(names(&first), ["Audit", "build"]);
    let token = first["NextToken"]
        .as_str()
        .expect("a NextToken after a truncated page");
    assert_eq!(
        names(&cli.ok(&["list-roles", "--starting-token", token])),
        ["deploy"]
    );

    cli.ok(&[
        "update-role",
        "--role-name",
        "deploy",
        "--description",
        "Deploys main",
        "--max-session-duration",
        "7200",
    ]);
    assert!(cli
        .refused(&["update-role", "--role-name", "deploy", "--max-session-duration", "43201"])
        .ends_with("An error occurred (ValidationError) when calling the UpdateRole operation: 1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"));
    let new_trust = cli.file("trust2.json", &TRUST.replace("Allow", "Deny"));
    cli.ok(&[
        "update-assume-role-policy",
        "--role-name",
        "deploy",
        "--policy-document",
        &new_trust,
    ]);

    cli.ok(&[
        "tag-role",
        "--role-name",
        "deploy",
        "--tags",
        "Key=team,Value=platform",
        "Key=env,Value=prod",
    ]);
    cli.ok(&["untag-role", "--role-name", "deploy", "--tag-keys", "ENV"]);
    assert_eq!(
        tags(&cli.ok(&["list-role-tags", "--role-name", "deploy"])),
        [pair("team", "platform")]
    );

    let permissions = cli.file("permissions.json", PERMISSIONS);
    cli.ok(&[
        "put-role-policy",
        "--role-name",
        "deploy",
        "--policy-name",
        "artifacts",
        "--policy-document",
        &permissions,
    ]);
    assert_eq!(
        cli.ok(&["list-role-policies", "--role-name", "deploy"])["PolicyNames"],
        json!(["artifacts"])
    );
    let policy = cli.ok(&[
        "get-role-policy",
        "--role-name",
        "deploy",
        "--policy-name",
        "artifacts",
    ]);
    assert_eq!(
        policy["PolicyDocument"]["Statement"][0]["Action"],
        "s3:GetObject"
    );

    let got = cli.ok(&["get-role", "--role-name", "deploy"]);
    assert_eq!(got["Role"]["Description"], "Deploys main");
    assert_eq!(got["Role"]["MaxSessionDuration"], 7200);
    assert_eq!(
        got["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Effect"],
        "Deny"
    );
    let state = sts.iam_state();
    let deploy = state.roles.iter().find(|r| r.name == "deploy").unwrap();
    assert_eq!(deploy.max_session_duration, Some(7200));
    assert_eq!(deploy.description.as_deref(), Some("Deploys main"));
    assert_eq!(deploy.tags, seed_tags(&[("team", "platform")]));
    assert_eq!(
        deploy.trust_policy.to_text(),
        TRUST.replace("Allow", "Deny")
    );
    assert_eq!(deploy.policies.len(), 1);

    assert!(cli
        .refused(&["delete-role", "--role-name", "deploy"])
        .ends_with("An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, must delete policies first."));
    cli.ok(&[
        "delete-role-policy",
        "--role-name",
        "deploy",
        "--policy-name",
        "artifacts",
    ]);
    cli.ok(&["delete-role", "--role-name", "deploy"]);
    assert!(cli
        .refused(&["get-role", "--role-name", "deploy"])
        .ends_with("An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name deploy cannot be found."));
    let left: Vec<String> = sts.iam_state().roles.into_iter().map(|r| r.name).collect();
    assert_eq!(left, ["Audit", "build"]);
}
