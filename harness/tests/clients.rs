//! The clients of the conformance suite: `--client` specs, `cmd:PROGRAM` (any client plugged in
//! by command, judged by what mock-sts saw), raw HTTP, and the aws-sdk-rust client.
//!
//! Tests that need the aws CLI or the aws-sdk-rust client are ignored; `.ci/run` provides the
//! aws CLI (`FEDLAB_AWS_CLI`) and runs them with `--include-ignored`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions panic on purpose"
)]

use fedlab::clients::{BUILTIN_CLIENTS, Tools, builtin_clients};
use fedlab::runner::{Client, ClientOutcome, ClientRequest, Runner, ScenarioResult, Verdict};
use fedlab::scenario::{Expected, ScenarioSource};
use fedlab::{Federation, IdToken, OidcProvider, Role, TrustPolicy};

/// The embedded catalogue with one client.
async fn catalogue(client: Client) -> Vec<ScenarioResult> {
    Runner::new()
        .run_all(&ScenarioSource::embedded(), &[client], |_| {})
        .await
}

/// Everything but passes and the skips the scenarios' data declares.
fn failures(results: &[ScenarioResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| !matches!(r.verdict, Verdict::Pass | Verdict::Skipped(_)))
        .map(|r| format!("{} [{}]: {:?}", r.name, r.client, r.verdict))
        .collect()
}

/// Whether the scenario expects credentials (rather than an AWS error).
fn expects_credentials(source: &ScenarioSource) -> bool {
    matches!(source.preview().unwrap().expect, Expected::Credentials)
}

#[test]
fn every_client_spec_parses_to_the_name_reports_use() {
    let tools = Tools::default();
    for name in BUILTIN_CLIENTS {
        assert_eq!(Client::parse(name, &tools).unwrap().name(), *name);
    }
    let plugged = Client::parse("cmd:./my-tool.sh --fast", &tools).unwrap();
    assert_eq!(plugged.name(), "cmd:./my-tool.sh --fast");
    let unknown = Client::parse("awscli", &tools).unwrap_err();
    assert!(
        unknown.contains("aws-cli") && unknown.contains("cmd:PROGRAM"),
        "{unknown}"
    );
    assert!(Client::parse("cmd: ", &tools).is_err());
}

#[tokio::test]
async fn an_unbuilt_aws_sdk_client_says_how_to_build_it() {
    let client = Client::parse("aws-sdk-rust", &Tools::default()).unwrap();
    let reason = client.preflight().await.unwrap_err();
    assert!(reason.contains("--features aws-sdk-client"), "{reason}");
}

#[tokio::test]
async fn the_client_list_names_every_builtin_client_with_what_it_finds() {
    let tools = Tools {
        aws_cli: "/nonexistent/aws".into(),
        ..Tools::default()
    };
    let listed = builtin_clients(&tools).await;
    let names: Vec<&str> = listed.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, BUILTIN_CLIENTS);
    assert_eq!(listed[0].1, Ok(None));
    let aws_cli = listed[2].1.as_ref().unwrap_err();
    assert!(aws_cli.contains("/nonexistent/aws"), "{aws_cli}");
}

#[tokio::test]
async fn every_embedded_scenario_passes_with_the_raw_http_client() {
    let failed = failures(&catalogue(Client::raw_http()).await);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[tokio::test]
async fn a_command_that_claims_success_without_calling_sts_fails_every_scenario() {
    let results = catalogue(Client::command("true")).await;
    assert_eq!(results.len(), ScenarioSource::embedded().len());
    for result in &results {
        match &result.verdict {
            Verdict::Fail(problems) => assert!(
                problems.iter().any(|p| p.contains("never received")),
                "{}: {problems:?}",
                result.name
            ),
            // Cases a program cannot express (DurationSeconds, raw parameters) are skipped by the
            // scenario's data, never passed.
            Verdict::Skipped(_) => {}
            other => panic!("{} [cmd:true]: {other:?}", result.name),
        }
    }
}

/// A job for the tutorial's role, with a main-branch token.
async fn tutorial_job(fed: &Federation) -> fedlab::JobEnvironment {
    fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))
        .await
        .unwrap();
    let role = fed
        .create_role(Role::new("gitlab-ci", TrustPolicy::for_issuer(fed)))
        .await
        .unwrap();
    let token = fed.mint(IdToken::new("sts.amazonaws.com")).await.unwrap();
    fed.job(&role.arn, &token).unwrap()
}

#[tokio::test]
async fn a_command_gets_only_the_standard_variables_and_the_job_directory_as_home() {
    let fed = Federation::start().await.unwrap();
    let job = tutorial_job(&fed).await;
    let outcome = Client::command("env")
        .run(&job, &ClientRequest::default())
        .await;
    let ClientOutcome::Exited {
        code: Some(0),
        output,
    } = outcome
    else {
        panic!("env failed: {outcome:?}");
    };
    let mut names: Vec<&str> = output
        .lines()
        .filter_map(|line| line.split_once('=').map(|(name, _)| name))
        .filter(|name| !matches!(*name, "PWD" | "SHLVL" | "_" | "OLDPWD"))
        .collect();
    names.sort_unstable();
    let mut expected = vec![
        "AWS_CA_BUNDLE",
        "AWS_DEFAULT_REGION",
        "AWS_EC2_METADATA_DISABLED",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_STS",
        "AWS_REGION",
        "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "HOME",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "NO_PROXY",
        "PATH",
        "SSL_CERT_FILE",
        "http_proxy",
        "https_proxy",
        "no_proxy",
    ];
    expected.sort_unstable();
    assert_eq!(names, expected);
    assert!(output.contains(&format!("HOME={}\n", job.dir().display())));
}

#[tokio::test]
async fn a_command_is_reported_by_exit_code_with_stdout_and_stderr() {
    let fed = Federation::start().await.unwrap();
    let job = tutorial_job(&fed).await;
    let outcome = Client::command("echo out; echo err >&2; exit 3")
        .run(&job, &ClientRequest::default())
        .await;
    assert_eq!(
        outcome,
        ClientOutcome::Exited {
            code: Some(3),
            output: "out\nerr\n".to_owned()
        }
    );
}

/// The aws CLI's path as a shell word.
fn aws_cli_word() -> String {
    let aws = Tools::from_env().aws_cli.display().to_string();
    format!("'{}'", aws.replace('\'', r"'\''"))
}

#[tokio::test]
#[ignore = "needs the aws CLI: run .ci/run, or pip install awscli and use --include-ignored"]
async fn a_command_that_always_exits_0_passes_the_successes_and_fails_every_error_case() {
    let program = format!("{} sts get-caller-identity; exit 0", aws_cli_word());
    let results = catalogue(Client::command(program)).await;
    let sources = ScenarioSource::embedded();
    assert_eq!(results.len(), sources.len());
    let mut wrong = Vec::new();
    for (source, result) in sources.iter().zip(&results) {
        if matches!(result.verdict, Verdict::Skipped(_)) {
            continue;
        }
        let passed = matches!(result.verdict, Verdict::Pass);
        if passed != expects_credentials(source) {
            wrong.push(format!("{}: {:?}", result.name, result.verdict));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
#[ignore = "needs the aws CLI: run .ci/run, or pip install awscli and use --include-ignored"]
async fn every_embedded_scenario_passes_with_the_aws_cli_plugged_in_by_command() {
    let program = format!("{} sts get-caller-identity", aws_cli_word());
    // A plugged-in client gets only the standard variables, so it cannot send a scenario's
    // DurationSeconds: those scenarios are for clients that make the tutorial's explicit call.
    let sources: Vec<ScenarioSource> = ScenarioSource::embedded()
        .into_iter()
        .filter(|s| s.preview().unwrap().request.duration_seconds.is_none())
        .collect();
    let results = Runner::new()
        .run_all(&sources, &[Client::command(program)], |_| {})
        .await;
    let failed = failures(&results);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[tokio::test]
#[ignore = "needs the aws-sdk-rust client: cargo build -p fedlab --features aws-sdk-client"]
async fn every_embedded_scenario_passes_with_the_aws_sdk_rust_client() {
    let client = Client::parse("aws-sdk-rust", &Tools::from_env()).unwrap();
    let version = client
        .preflight()
        .await
        .expect("the aws-sdk-rust client is built");
    eprintln!("{version:?}");
    let failed = failures(&catalogue(client).await);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[tokio::test]
async fn the_raw_http_client_sends_parameters_sdks_refuse_and_the_builtin_one_does_not() {
    let fed = Federation::start().await.unwrap();
    let job = tutorial_job(&fed).await;
    let request = ClientRequest {
        duration_seconds: Some(900),
        params: vec![("DurationSeconds".into(), "abc".into())],
        ..ClientRequest::default()
    };

    let raw = Client::raw_http().run(&job, &request).await;
    let builtin = Client::builtin().run(&job, &request).await;

    // STS's own validation: a DurationSeconds that is not a number is malformed input.
    assert_eq!(
        raw,
        ClientOutcome::AwsError {
            code: "MalformedInput".into(),
            message: None
        }
    );
    let answered = fed.requests();
    assert_eq!(
        answered[answered.len() - 3].code.as_deref(),
        Some("MalformedInput")
    );
    assert_eq!(
        builtin,
        ClientOutcome::Credentials {
            caller_arn: "arn:aws:sts::123456789012:assumed-role/gitlab-ci/fedlab".into(),
            s3: Vec::new(),
        }
    );
}
