//! mock-sts's S3 with real clients: the aws CLI's `s3api` and `s3` commands, and boto3 in the
//! style of ceph's s3-tests STS suite (IAM setup, a web-identity session, allowed and denied S3
//! calls), judged by what the clients report and by mock-sts's request log.
//!
//! Needs the aws CLI (`FEDLAB_AWS_CLI=/path/to/aws`) and a Python with boto3
//! (`FEDLAB_PYTHON=/path/to/python`); ignored otherwise: run them with `--include-ignored`, as
//! `.ci/run` does.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fedlab::{Federation, IdToken};
use serde_json::Value;

fn aws_cli() -> PathBuf {
    std::env::var_os("FEDLAB_AWS_CLI").map_or_else(|| PathBuf::from("aws"), PathBuf::from)
}

fn python() -> PathBuf {
    std::env::var_os("FEDLAB_PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from)
}

/// The aws CLI as the account root (the admin keys), with a HOME and config of its own
/// (`cli_follow_urlparam = false`, as fedlab runs it) and S3 at mock-sts's S3 listener.
struct RootCli {
    home: tempfile::TempDir,
    s3_endpoint: String,
}

impl RootCli {
    fn new(fed: &Federation) -> Self {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join(".aws")).unwrap();
        std::fs::write(
            home.path().join(".aws/config"),
            "[default]\ncli_follow_urlparam = false\n",
        )
        .unwrap();
        Self {
            home,
            s3_endpoint: fed.s3_endpoint().to_owned(),
        }
    }

    fn run(&self, region: &str, args: &[&str]) -> Output {
        self.command(region)
            .args(args)
            .output()
            .expect("the aws CLI runs")
    }

    fn command(&self, region: &str) -> Command {
        self.command_of(&aws_cli(), region)
    }

    fn command_of(&self, program: &Path, region: &str) -> Command {
        let home = self.home.path();
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("AWS_CONFIG_FILE", home.join(".aws/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
            .env("AWS_ACCESS_KEY_ID", mock_sts::DEFAULT_ADMIN_ACCESS_KEY_ID)
            .env(
                "AWS_SECRET_ACCESS_KEY",
                mock_sts::DEFAULT_ADMIN_SECRET_ACCESS_KEY,
            )
            .env("AWS_DEFAULT_REGION", region)
            .env("AWS_ENDPOINT_URL_S3", &self.s3_endpoint)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .current_dir(home);
        command
    }

    /// Runs and requires success; returns stdout.
    fn ok(&self, region: &str, args: &[&str]) -> String {
        let output = self.run(region, args);
        assert!(
            output.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }
}

/// (operation, status, error code) of every S3 request mock-sts logged.
fn s3_log(fed: &Federation) -> Vec<(String, u16, Option<String>)> {
    fed.requests()
        .into_iter()
        .filter(|r| r.service.as_deref() == Some("s3"))
        .map(|r| (r.action.unwrap_or_default(), r.status, r.code))
        .collect()
}

#[tokio::test]
#[ignore = "needs the aws CLI: FEDLAB_AWS_CLI=/path/to/aws and --include-ignored"]
async fn the_aws_cli_creates_buckets_copies_up_and_down_lists_heads_and_removes() {
    let fed = Federation::start().await.unwrap();
    let cli = RootCli::new(&fed);
    cli.ok(
        "us-east-1",
        &["s3api", "create-bucket", "--bucket", "fedlab-api"],
    );
    cli.ok(
        "eu-west-1",
        &[
            "s3api",
            "create-bucket",
            "--bucket",
            "fedlab-eu",
            "--create-bucket-configuration",
            "LocationConstraint=eu-west-1",
        ],
    );
    cli.ok("us-east-1", &["s3", "mb", "s3://fedlab-mb"]);
    std::fs::write(cli.path("up.txt"), "up and down\n").unwrap();
    cli.ok(
        "us-east-1",
        &["s3", "cp", "up.txt", "s3://fedlab-mb/dir/up.txt"],
    );
    let buckets = cli.ok("us-east-1", &["s3", "ls"]);
    for name in ["fedlab-api", "fedlab-eu", "fedlab-mb"] {
        assert!(buckets.contains(name), "{buckets}");
    }
    let top = cli.ok("us-east-1", &["s3", "ls", "s3://fedlab-mb/"]);
    assert!(top.contains("PRE dir/"), "{top}");
    let head: Value = serde_json::from_str(&cli.ok(
        "us-east-1",
        &[
            "s3api",
            "head-object",
            "--bucket",
            "fedlab-mb",
            "--key",
            "dir/up.txt",
        ],
    ))
    .unwrap();
    assert_eq!(head["ContentLength"], 12);
    // The MD5 of "up and down\n", quoted, as S3 sends an ETag.
    assert_eq!(head["ETag"], "\"1f5bf3ffb0f62e8cb315b81945d332f2\"");
    cli.ok(
        "us-east-1",
        &["s3", "cp", "s3://fedlab-mb/dir/up.txt", "down.txt"],
    );
    assert_eq!(
        std::fs::read_to_string(cli.path("down.txt")).unwrap(),
        "up and down\n"
    );
    cli.ok("us-east-1", &["s3", "rm", "s3://fedlab-mb/dir/up.txt"]);
    let missing = cli.run(
        "us-east-1",
        &[
            "s3api",
            "get-object",
            "--bucket",
            "fedlab-mb",
            "--key",
            "dir/up.txt",
            "gone.txt",
        ],
    );
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("NoSuchKey"), "{stderr}");
    // The eu-west-1 bucket asked from us-east-1: S3 names its region and the CLI follows.
    cli.ok("us-east-1", &["s3", "ls", "s3://fedlab-eu"]);
    let log = s3_log(&fed);
    assert!(
        log.iter()
            .any(|(op, status, _)| op == "PutObject" && *status == 200),
        "{log:?}"
    );
    assert!(
        log.iter().any(|(op, _, code)| op == "ListObjectsV2"
            && code.as_deref() == Some("AuthorizationHeaderMalformed")),
        "{log:?}"
    );
}

#[tokio::test]
#[ignore = "needs the aws CLI: FEDLAB_AWS_CLI=/path/to/aws and --include-ignored"]
async fn the_aws_cli_shows_s3_s_errors_for_region_rules_and_taken_names() {
    let fed = Federation::start().await.unwrap();
    let cli = RootCli::new(&fed);
    let unspecified = cli.run(
        "eu-west-1",
        &["s3api", "create-bucket", "--bucket", "fedlab-x"],
    );
    let stderr = String::from_utf8_lossy(&unspecified.stderr);
    assert!(
        stderr.contains("IllegalLocationConstraintException")
            && stderr.contains("The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."),
        "{stderr}"
    );
    let taken = cli.run("us-east-1", &["s3", "mb", "s3://examplebucket"]);
    assert!(String::from_utf8_lossy(&taken.stderr).contains("BucketAlreadyExists"));
    let invalid = cli.run(
        "us-east-1",
        &["s3api", "create-bucket", "--bucket", "Not_Valid"],
    );
    assert!(String::from_utf8_lossy(&invalid.stderr).contains("InvalidBucketName"));
}

#[tokio::test]
#[ignore = "needs the aws CLI: FEDLAB_AWS_CLI=/path/to/aws and --include-ignored"]
async fn without_an_s3_endpoint_the_aws_cli_reaches_s3_through_fedlab_s_proxy_over_https() {
    let fed = Federation::start().await.unwrap();
    let cli = RootCli::new(&fed);
    let ca = fed.proxy_ca_file().unwrap();
    let via_proxy = |args: &[&str]| {
        let output = cli
            .command("us-east-1")
            .args(args)
            .env_remove("AWS_ENDPOINT_URL_S3")
            .env("HTTPS_PROXY", fed.proxy_url())
            .env("AWS_CA_BUNDLE", &ca)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    via_proxy(&["s3", "mb", "s3://fedlab-proxied"]);
    std::fs::write(cli.path("up.txt"), "through the proxy\n").unwrap();
    // Over HTTPS botocore sends PutObject as aws-chunked with a trailing CRC32.
    via_proxy(&["s3", "cp", "up.txt", "s3://fedlab-proxied/up.txt"]);
    via_proxy(&["s3", "cp", "s3://fedlab-proxied/up.txt", "down.txt"]);
    assert_eq!(
        std::fs::read_to_string(cli.path("down.txt")).unwrap(),
        "through the proxy\n"
    );
    assert!(via_proxy(&["s3", "ls", "s3://fedlab-proxied"]).contains("up.txt"));
    let proxied: Vec<String> = fed
        .proxy_requests()
        .into_iter()
        .map(|r| r.destination)
        .collect();
    assert!(
        proxied.iter().any(|d| d.contains("s3.amazonaws.com:443")),
        "{proxied:?}"
    );
    assert!(
        fed.proxy_refusals().is_empty(),
        "{:?}",
        fed.proxy_refusals()
    );
}

#[tokio::test]
#[ignore = "needs boto3: FEDLAB_PYTHON=/path/to/python and --include-ignored"]
async fn boto3_sets_up_iam_assumes_the_role_and_is_allowed_and_denied_by_its_policy() {
    let fed = Federation::start().await.unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/s3/sts_suite.py");
    let output = Command::new(python())
        .arg(&script)
        .args([
            fed.sts_endpoint(),
            fed.s3_endpoint(),
            fed.issuer(),
            fed.thumbprint(),
            token.as_str(),
            mock_sts::DEFAULT_ADMIN_ACCESS_KEY_ID,
            mock_sts::DEFAULT_ADMIN_SECRET_ACCESS_KEY,
        ])
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let outcomes: Value = serde_json::from_slice(&output.stdout).unwrap();
    let ok = |name: &str| {
        assert_eq!(outcomes[name]["ok"], true, "{name}: {}", outcomes[name]);
        outcomes[name]["result"].clone()
    };
    let denied = |name: &str| {
        assert_eq!(outcomes[name]["ok"], false, "{name}: {}", outcomes[name]);
        assert_eq!(
            outcomes[name]["code"], "AccessDenied",
            "{name}: {}",
            outcomes[name]
        );
        outcomes[name]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(ok("create_bucket"), 200);
    ok("put_object");
    assert_eq!(ok("get_object"), "hello s3-tests");
    assert_eq!(ok("head_object"), 14);
    assert_eq!(ok("list_objects_v2"), serde_json::json!(["hello.txt"]));
    ok("put_secret");
    assert!(denied("get_secret").ends_with("with an explicit deny in an identity-based policy"));
    // s3:ListBucket is allowed, so a missing key is NoSuchKey, not AccessDenied.
    assert_eq!(outcomes["get_missing"]["code"], "NoSuchKey");
    assert_eq!(
        denied("delete_object"),
        "User: arn:aws:sts::123456789012:assumed-role/S3Access/s3-tests is not authorized to perform: s3:DeleteObject on resource: \"arn:aws:s3:::tenant-bucket/hello.txt\" because no identity-based policy allows the s3:DeleteObject action"
    );
    denied("list_other_bucket");
    denied("create_other_bucket");
    denied("list_buckets");
    assert_eq!(
        ok("root_list_buckets"),
        serde_json::json!(["other-bucket", "tenant-bucket"])
    );
    assert_eq!(ok("root_delete_object"), 204);
    assert_eq!(outcomes["root_get_deleted"]["code"], "NoSuchKey");

    let requests = fed.requests();
    let delete = requests
        .iter()
        .find(|r| r.service.as_deref() == Some("s3") && r.action.as_deref() == Some("DeleteObject"))
        .unwrap();
    assert_eq!(delete.iam_action.as_deref(), Some("s3:DeleteObject"));
    assert_eq!(
        delete.resource.as_deref(),
        Some("arn:aws:s3:::tenant-bucket/hello.txt")
    );
    assert_eq!(delete.decision.as_deref(), Some("deny"));
    assert_eq!(
        delete.role_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/S3Access")
    );
    assert!(
        delete
            .user_agent
            .as_deref()
            .unwrap_or_default()
            .contains("Boto3")
    );
}

/// Debian's aws CLI v2 (`apt-get install awscli`), or the test fails saying so.
fn debian_aws_cli_v2() -> PathBuf {
    let aws = PathBuf::from("/usr/bin/aws");
    let version = Command::new(&aws)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    assert!(
        version.starts_with("aws-cli/2."),
        "/usr/bin/aws is not the aws CLI v2 ({version:?}): apt-get install awscli"
    );
    aws
}

#[tokio::test]
#[ignore = "needs Debian's aws CLI v2 at /usr/bin/aws and --include-ignored"]
async fn debians_aws_cli_v2_ignores_the_s3_endpoint_and_reaches_s3_through_fedlab_s_proxy() {
    let aws = debian_aws_cli_v2();
    let fed = Federation::start().await.unwrap();
    let cli = RootCli::new(&fed);
    let ca = fed.proxy_ca_file().unwrap();
    // The endpoint variable stays set: this release of the CLI does not read it, so only the
    // proxy can bring its calls to mock-sts.
    let v2 = |args: &[&str]| {
        let output = cli
            .command_of(&aws, "us-east-1")
            .args(args)
            .env("HTTPS_PROXY", fed.proxy_url())
            .env("AWS_CA_BUNDLE", &ca)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    v2(&["s3", "mb", "s3://fedlab-debian-v2"]);
    std::fs::write(cli.path("up.txt"), "from the aws CLI v2\n").unwrap();
    v2(&["s3", "cp", "up.txt", "s3://fedlab-debian-v2/up.txt"]);
    v2(&["s3", "cp", "s3://fedlab-debian-v2/up.txt", "down.txt"]);
    assert_eq!(
        std::fs::read_to_string(cli.path("down.txt")).unwrap(),
        "from the aws CLI v2\n"
    );
    assert!(v2(&["s3", "ls", "s3://fedlab-debian-v2"]).contains("up.txt"));
    v2(&["s3", "rm", "s3://fedlab-debian-v2/up.txt"]);
    let operations: Vec<String> = s3_log(&fed).into_iter().map(|(op, _, _)| op).collect();
    for expected in [
        "CreateBucket",
        "PutObject",
        "GetObject",
        "ListObjectsV2",
        "DeleteObject",
    ] {
        assert!(
            operations.iter().any(|op| op == expected),
            "{expected}: {operations:?}"
        );
    }
    assert!(
        fed.proxy_refusals().is_empty(),
        "{:?}",
        fed.proxy_refusals()
    );
}
