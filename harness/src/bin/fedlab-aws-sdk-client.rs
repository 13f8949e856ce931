//! fedlab's aws-sdk-rust client: credentials through aws-config's own web-identity provider
//! (the default chain reads `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE`), then
//! GetCallerIdentity with aws-sdk-sts, and exactly one JSON line on stdout saying what happened:
//!
//! ```text
//! {"result":"credentials","caller_arn":"arn:aws:sts::…"}
//! {"result":"error","code":"AccessDenied","message":"…" or null}
//! {"result":"broken","reason":"…"}
//! ```
//!
//! With `--duration-seconds N` it calls AssumeRoleWithWebIdentity itself, as GitLab's tutorial
//! does with the aws CLI, since the provider never sends DurationSeconds. Nothing secret is
//! printed. Built with `cargo build -p fedlab --features aws-sdk-client`.

use std::error::Error as StdError;
use std::process::ExitCode;

use aws_config::BehaviorVersion;
use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_sdk_sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityError;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
use serde_json::json;

/// What happened, as the JSON line says it.
enum Outcome {
    Credentials(String),
    Aws {
        code: String,
        message: Option<String>,
    },
    Broken(String),
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.as_slice() {
        [flag] if flag == "--version" => {
            println!(
                "{} {} (aws-sdk-sts {})",
                env!("CARGO_BIN_NAME"),
                env!("CARGO_PKG_VERSION"),
                aws_sdk_sts::meta::PKG_VERSION
            );
            return ExitCode::SUCCESS;
        }
        [] => via_provider().await,
        [flag, seconds] if flag == "--duration-seconds" => match seconds.parse() {
            Ok(seconds) => via_direct_call(seconds).await,
            Err(err) => Outcome::Broken(format!("--duration-seconds {seconds}: {err}")),
        },
        _ => Outcome::Broken("usage: fedlab-aws-sdk-client [--duration-seconds N]".into()),
    };
    let (line, code) = match outcome {
        Outcome::Credentials(arn) => (json!({"result": "credentials", "caller_arn": arn}), 0),
        Outcome::Aws { code, message } => (
            json!({"result": "error", "code": code, "message": message}),
            1,
        ),
        Outcome::Broken(reason) => (json!({"result": "broken", "reason": reason}), 2),
    };
    println!("{line}");
    ExitCode::from(code)
}

/// The default chain, as any SDK-based tool in a GitLab job meets it.
async fn via_provider() -> Outcome {
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    caller_identity(&aws_sdk_sts::Client::new(&config)).await
}

async fn via_direct_call(duration_seconds: i32) -> Outcome {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    // Verbatim, as the aws CLI's file:// reads it.
    let token = match std::fs::read_to_string(var("AWS_WEB_IDENTITY_TOKEN_FILE")) {
        Ok(token) => token,
        Err(err) => return Outcome::Broken(format!("failed to read the token file: {err}")),
    };
    // The call is unsigned; the tutorial's job has no credentials before it.
    let config = aws_config::defaults(BehaviorVersion::latest())
        .no_credentials()
        .load()
        .await;
    let answer = aws_sdk_sts::Client::new(&config)
        .assume_role_with_web_identity()
        .role_arn(var("AWS_ROLE_ARN"))
        .role_session_name(var("AWS_ROLE_SESSION_NAME"))
        .web_identity_token(token)
        .duration_seconds(duration_seconds)
        .send()
        .await;
    let credentials = match answer {
        Ok(answer) => match answer.credentials {
            Some(credentials) => credentials,
            None => return Outcome::Broken("AssumeRoleWithWebIdentity gave no credentials".into()),
        },
        Err(err) => return outcome_of_error(&err),
    };
    let signed = aws_sdk_sts::config::Builder::from(&config)
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            credentials.access_key_id,
            credentials.secret_access_key,
            Some(credentials.session_token),
            None,
            "fedlab-tutorial",
        ))
        .build();
    caller_identity(&aws_sdk_sts::Client::from_conf(signed)).await
}

async fn caller_identity(sts: &aws_sdk_sts::Client) -> Outcome {
    match sts.get_caller_identity().send().await {
        Ok(identity) => match identity.arn {
            Some(arn) => Outcome::Credentials(arn),
            None => Outcome::Broken("GetCallerIdentity answered without an Arn".into()),
        },
        Err(err) => outcome_of_error(&err),
    }
}

/// The AWS error anywhere in the chain (the provider wraps AssumeRoleWithWebIdentity's error in
/// a credentials error, which the GetCallerIdentity call wraps again), or the whole chain as a
/// failure of the client's own.
fn outcome_of_error(err: &(dyn StdError + 'static)) -> Outcome {
    let mut current = Some(err);
    while let Some(error) = current {
        let metadata = error
            .downcast_ref::<AssumeRoleWithWebIdentityError>()
            .map(|e| (e.code(), e.message()))
            .or_else(|| {
                error
                    .downcast_ref::<GetCallerIdentityError>()
                    .map(|e| (e.code(), e.message()))
            });
        if let Some((Some(code), message)) = metadata {
            return Outcome::Aws {
                code: code.to_owned(),
                message: message.map(str::to_owned),
            };
        }
        current = error.source();
    }
    Outcome::Broken(error_chain(err))
}

fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
