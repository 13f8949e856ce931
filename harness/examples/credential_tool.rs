//! Tests a credential tool the way a platform team would in its own CI: the aws CLI (or any
//! program given as the first argument) must get credentials through GitLab's web-identity
//! variables when the trust policy allows the job, and must surface AWS's exact refusal when it
//! does not.
//!
//! ```sh
//! cargo run -p fedlab --example credential_tool             # the `aws` on PATH
//! cargo run -p fedlab --example credential_tool -- .venv/bin/aws
//! ```
//!
//! Exits 0 when the tool behaves, 1 when it does not, and says so; without an aws CLI it says
//! that it skipped.

use std::process::ExitCode;

use fedlab::{Expectation, Federation, IdToken, OidcProvider, Role, TrustPolicy};

const REFUSAL: &str = "Not authorized to perform sts:AssumeRoleWithWebIdentity";

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<ExitCode> {
    let tool = std::env::args().nth(1).unwrap_or_else(|| "aws".to_owned());
    if std::process::Command::new(&tool)
        .arg("--version")
        .output()
        .is_err()
    {
        println!("skipped: no aws CLI at {tool:?} (pip install awscli, or pass its path)");
        return Ok(ExitCode::SUCCESS);
    }

    // The account as the infrastructure code sets it up: GitLab's tutorial provider and a role
    // for the main branch of the group's projects.
    let fed = Federation::start().await?;
    fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))
        .await?;
    let policy = TrustPolicy::for_issuer(&fed)
        .string_equals("aud", "sts.amazonaws.com")
        .string_like("sub", "project_path:mygroup/*:ref_type:branch:ref:main");
    let role = fed.create_role(Role::new("gitlab-ci", policy)).await?;
    // Each job makes exactly one AssumeRoleWithWebIdentity: a tool that retries an AccessDenied
    // or calls twice fails here, when `fed` is dropped.
    fed.expect(
        Expectation::action("AssumeRoleWithWebIdentity")
            .role_arn(&role.arn)
            .times(2),
    );

    let mut failures = Vec::new();

    // A job on main: the tool must come back with the role's session.
    let main = fed
        .mint(IdToken::new("sts.amazonaws.com").branch("main"))
        .await?;
    let job = fed.job(&role.arn, &main)?;
    let output = job
        .command(&tool)
        .args([
            "sts",
            "get-caller-identity",
            "--query",
            "Arn",
            "--output",
            "text",
        ])
        .output()?;
    let arn = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if arn != "arn:aws:sts::123456789012:assumed-role/gitlab-ci/fedlab" {
        failures.push(format!(
            "a job on main should get credentials; the tool printed {arn:?} and {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }

    // A job on a feature branch: the tool must fail and show AWS's message byte for byte.
    let feature = fed
        .mint(IdToken::new("sts.amazonaws.com").branch("feature"))
        .await?;
    let output = fed
        .job(&role.arn, &feature)?
        .command(&tool)
        .args(["sts", "get-caller-identity"])
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() || !stderr.contains(REFUSAL) {
        failures.push(format!(
            "a job on a feature branch should fail with {REFUSAL:?}; the tool exited with {} and said {}",
            output.status,
            stderr.trim()
        ));
    }

    for request in fed.requests() {
        let why = request.detail.unwrap_or_default();
        println!(
            "mock-sts #{} {} {} {}",
            request.seq,
            request.action.unwrap_or_default(),
            request.status,
            why.lines().next().unwrap_or_default()
        );
    }
    if failures.is_empty() {
        println!("{tool}: behaves as a GitLab job needs");
        Ok(ExitCode::SUCCESS)
    } else {
        for failure in &failures {
            println!("FAIL {failure}");
        }
        Ok(ExitCode::FAILURE)
    }
}
