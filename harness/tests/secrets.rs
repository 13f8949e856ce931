//! Tokens, secret keys and session tokens never reach a log line, an error message or the mocks'
//! request logs: every path a job takes (success, refusal, a forged token, a bad signature) is
//! driven with known secrets at TRACE level for every crate, and everything written is searched.
//! One test per binary: the subscriber is process-wide.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is the failure report"
)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use fedlab::{Credentials, Federation, IdToken, OidcProvider, Role, TrustPolicy};
use tracing_subscriber::fmt::MakeWriter;

/// Everything every thread logs, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Where `secret` shows up in `text`, by name, if it does; long secrets are also searched by
/// their last 24 characters, so a truncated copy is caught too.
fn leaks(places: &[(&str, &str)], secrets: &[(&str, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (secret_name, secret) in secrets {
        let tail = &secret[secret.len().saturating_sub(24)..];
        for (place, text) in places {
            if text.contains(secret.as_str()) || text.contains(tail) {
                found.push(format!("{secret_name} in {place}"));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_secret_key_or_session_token_is_ever_written_anywhere() {
    let logs = Captured::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .init();

    let fed = Federation::start().await.unwrap();
    fed.create_provider(OidcProvider::new().client_id("sts.amazonaws.com"))
        .await
        .unwrap();
    let policy = TrustPolicy::for_issuer(&fed).string_like("sub", "project_path:mygroup/*");
    let role = fed
        .create_role(Role::new("gitlab-ci", policy))
        .await
        .unwrap();
    let token = fed
        .mint(IdToken::new("sts.amazonaws.com").project_path("mygroup/myproject"))
        .await
        .unwrap();
    let assumed = fed.assume(&role.arn, &token).await.unwrap();
    let mut errors = Vec::new();

    // Success, then a call signed with the session.
    fed.caller_identity(&assumed.credentials).await.unwrap();
    // The same session's key with a wrong secret: SignatureDoesNotMatch.
    let wrong_secret = Credentials {
        secret_access_key: "wrong-secret-but-still-a-secret-0123456789".to_owned(),
        ..assumed.credentials.clone()
    };
    errors.push(
        fed.caller_identity(&wrong_secret)
            .await
            .unwrap_err()
            .to_string(),
    );
    // A refused token (another group), and a forged one (its signature from another token).
    let other = fed
        .mint(IdToken::new("sts.amazonaws.com").project_path("evil/project"))
        .await
        .unwrap();
    errors.push(fed.assume(&role.arn, &other).await.unwrap_err().to_string());
    let (signing_input, _) = other.as_str().rsplit_once('.').unwrap();
    let (_, signature) = token.as_str().rsplit_once('.').unwrap();
    let forged = fedlab::AssumeRoleWithWebIdentity::new(&role.arn, &other)
        .raw_token(format!("{signing_input}.{signature}"));
    errors.push(
        fed.assume_role_with_web_identity(forged)
            .await
            .unwrap_err()
            .to_string(),
    );

    let requests = serde_json::to_string(&fed.requests()).unwrap();
    let issuer_requests = serde_json::to_string(&fed.issuer_requests()).unwrap();
    let admin_secret = fed.admin_credentials().secret_access_key.clone();
    let session_token = assumed.credentials.session_token.clone().unwrap();
    let secrets = [
        ("the job's token", token.as_str().to_owned()),
        ("the token's signature", signature.to_owned()),
        ("the refused token", other.as_str().to_owned()),
        (
            "the issued secret key",
            assumed.credentials.secret_access_key.clone(),
        ),
        ("the issued session token", session_token),
        (
            "the wrong secret key",
            wrong_secret.secret_access_key.clone(),
        ),
        ("the admin secret key", admin_secret),
    ];
    drop(fed);

    let log_text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    // The capture works: the mocks' request events are in it.
    assert!(log_text.contains("AssumeRoleWithWebIdentity"), "{log_text}");
    let errors = errors.join("\n");
    let places = [
        ("the logs", log_text.as_str()),
        ("the error messages", errors.as_str()),
        ("mock-sts's request log", requests.as_str()),
        ("mock-gitlab's request log", issuer_requests.as_str()),
    ];
    let found = leaks(&places, &secrets);
    assert!(found.is_empty(), "{found:?}");
}
