//! Nothing the job does leaves the machine.

use super::*;

#[tokio::test]
async fn a_request_for_another_host_is_refused_by_the_proxy_without_leaving_the_machine() {
    let fed = Federation::start().await.unwrap();
    // Names under the reserved .invalid TLD: nothing could answer them, and the proxy, not this
    // machine's resolver, is asked for them.
    let text =
        "escape:\n  script:\n    - curl -sS --max-time 60 https://fedlab-elsewhere.invalid/\n";
    let job = CiFile::parse(text).unwrap().job("escape").unwrap();
    let prepared = job_run::prepare(&fed, &job, &JobOptions::default())
        .await
        .unwrap();
    let code = prepared.run().unwrap();
    // curl's "CONNECT tunnel failed": the proxy's 403, not a time-out or a DNS failure.
    assert_eq!(code, 56, "curl's exit code");
    let refused: Vec<String> = fed
        .proxy_refusals()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.destination))
        .collect();
    assert_eq!(refused, ["CONNECT fedlab-elsewhere.invalid:443"]);
}

#[tokio::test]
#[ignore = "needs the aws CLI: FEDLAB_AWS_CLI=/path/to/aws and --include-ignored"]
async fn the_aws_cli_cannot_be_sent_elsewhere_by_an_endpoint_url_or_the_job_s_own_config() {
    let fed = Federation::start().await.unwrap();
    let call = "aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/x \
                --role-session-name fedlab --web-identity-token not-a-token";
    let text = format!(
        "escape:\n  script:\n    - {call} --endpoint-url https://sts.elsewhere.invalid || true\n    \
         - mkdir -p ~/.aws && printf '[default]\\nignore_configured_endpoint_urls = true\\n' > ~/.aws/config\n    \
         - {call} || true\n"
    );
    let job = CiFile::parse(&text).unwrap().job("escape").unwrap();
    let options = JobOptions {
        aws_cli: Some(aws_cli()),
        ..JobOptions::default()
    };
    let prepared = job_run::prepare(&fed, &job, &options).await.unwrap();
    assert_eq!(prepared.run().unwrap(), 0);
    let requests = fed.proxy_requests();
    assert!(
        requests
            .iter()
            .all(|r| r.destination.ends_with(".invalid:443") == r.refused),
        "{requests:?}"
    );
    assert!(requests.iter().any(|r| r.refused), "{requests:?}");
    // With the endpoint variables ignored, the CLI went to sts.amazonaws.com, which the proxy
    // answers with mock-sts: the role does not exist there.
    assert!(
        requests
            .iter()
            .any(|r| !r.refused && r.destination.starts_with("sts.")),
        "{requests:?}"
    );
    assert_eq!(
        calls(&fed.requests()),
        [(
            "AssumeRoleWithWebIdentity".into(),
            403,
            Some("arn:aws:iam::123456789012:role/x".into())
        )]
    );
}
