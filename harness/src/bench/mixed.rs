//! The `mixed` workload: valid and invalid AssumeRoleWithWebIdentity calls and GetCallerIdentity
//! with session credentials, in a fixed rotation, each answer checked against what its own
//! request should get. A valid call asks for a session name no other request uses and must see
//! it echoed in its `AssumedRoleUser` ARN; a GetCallerIdentity must answer the ARN of the session
//! that signed it. An answer meant for another request (state bleeding between requests) is a
//! mismatch, as is any other wrong answer.

use std::sync::atomic::{AtomicU64, Ordering};

use aws_smithy_runtime_api::client::identity::Identity;
use reqwest::header::{CONTENT_TYPE, HOST};

use super::answer::{FORM, Failure, read_answer, signed};
use super::sign::{Service, host_of};
use crate::aws_query::element;

/// What one request of the rotation is, and so what it must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// 200, credentials, the ARN ending in this request's own session name.
    Valid,
    /// A signature changed in the middle: `InvalidIdentityToken`, "Signature verification failed".
    Tampered,
    /// Minted for another audience: `InvalidIdentityToken`, "Incorrect token audience".
    WrongAudience,
    /// `exp` an hour past: `ExpiredTokenException`.
    Expired,
    /// `DurationSeconds=1`, under the minimum: `ValidationError` on `durationSeconds`.
    BadDuration,
    /// Signed with one of the sessions: 200 with that session's ARN.
    CallerIdentity,
}

/// Ten requests: four valid calls, four invalid ones, two GetCallerIdentity.
const ROTATION: [Kind; 10] = [
    Kind::Valid,
    Kind::Tampered,
    Kind::CallerIdentity,
    Kind::Valid,
    Kind::WrongAudience,
    Kind::Valid,
    Kind::Expired,
    Kind::CallerIdentity,
    Kind::Valid,
    Kind::BadDuration,
];

/// The shortest session STS issues: valid calls' sessions are the first the store drops when
/// full, never the long ones GetCallerIdentity signs with.
const VALID_CALL_DURATION: &str = "900";

/// Session credentials and the ARN GetCallerIdentity must answer for them.
pub(super) struct Session {
    pub(super) identity: Identity,
    pub(super) arn: String,
}

/// Everything the rotation needs, prepared before the clock starts. Not `Debug`: it holds tokens
/// and secrets.
pub(super) struct Mixed {
    pub(super) url: String,
    pub(super) role_arn: String,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/`: a valid call's ARN is this and its session name.
    pub(super) assumed_role_prefix: String,
    /// Used in turn by the valid calls.
    pub(super) valid_tokens: Vec<String>,
    pub(super) tampered_token: String,
    pub(super) wrong_audience_token: String,
    pub(super) expired_token: String,
    pub(super) sessions: Vec<Session>,
    pub(super) region: String,
    /// Numbers every request of the run across connections, so session names never repeat.
    pub(super) next: AtomicU64,
}

impl Mixed {
    /// Sends the next request of the rotation and checks its answer.
    pub(super) async fn send(&self, http: &reqwest::Client) -> Result<(), Failure> {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        let kind = ROTATION[(number % ROTATION.len() as u64) as usize];
        let pick = |count: usize| (number / ROTATION.len() as u64) as usize % count.max(1);
        match kind {
            Kind::Valid => {
                let session_name = format!("mixed-{number}");
                let token = &self.valid_tokens[pick(self.valid_tokens.len())];
                let (status, body) = self
                    .assume(http, token, &session_name, VALID_CALL_DURATION)
                    .await?;
                if status != 200 {
                    return Err(Failure::answered(status, &body, "valid call: "));
                }
                let expected = format!("{}{session_name}", self.assumed_role_prefix);
                if element(&body, "Arn").as_deref() != Some(expected.as_str()) {
                    return Err(Failure::mismatch("valid call: another session's ARN"));
                }
                if element(&body, "SessionToken").is_none_or(|token| token.is_empty()) {
                    return Err(Failure::mismatch("valid call: 200 without credentials"));
                }
                Ok(())
            }
            Kind::Tampered => {
                let answer = self.assume(http, &self.tampered_token, "mixed", "3600");
                refused(answer.await?, "tampered token: ", "InvalidIdentityToken")
                    .and_then(|body| says(&body, "Signature verification failed", "tampered token"))
            }
            Kind::WrongAudience => {
                let answer = self.assume(http, &self.wrong_audience_token, "mixed", "3600");
                refused(answer.await?, "wrong audience: ", "InvalidIdentityToken")
                    .and_then(|body| says(&body, "Incorrect token audience", "wrong audience"))
            }
            Kind::Expired => {
                let answer = self.assume(http, &self.expired_token, "mixed", "3600");
                refused(answer.await?, "expired token: ", "ExpiredTokenException")
                    .and_then(|body| says(&body, "Token expired", "expired token"))
            }
            Kind::BadDuration => {
                let token = &self.valid_tokens[pick(self.valid_tokens.len())];
                let answer = self.assume(http, token, "mixed", "1");
                refused(answer.await?, "bad duration: ", "ValidationError")
                    .and_then(|body| says(&body, "'durationSeconds'", "bad duration"))
            }
            Kind::CallerIdentity => {
                let session = &self.sessions[pick(self.sessions.len())];
                let request = http::Request::post(self.url.as_str())
                    .header(CONTENT_TYPE, FORM)
                    .header(HOST, host_of(&self.url))
                    .body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec());
                let request = signed(request, &session.identity, Service::Sts, &self.region)?;
                let (status, body) = read_answer(http.execute(request).await).await?;
                if status != 200 {
                    return Err(Failure::answered(status, &body, "caller identity: "));
                }
                if element(&body, "Arn").as_deref() == Some(session.arn.as_str()) {
                    Ok(())
                } else {
                    Err(Failure::mismatch("caller identity: another session's ARN"))
                }
            }
        }
    }

    async fn assume(
        &self,
        http: &reqwest::Client,
        token: &str,
        session_name: &str,
        duration: &str,
    ) -> Result<(u16, String), Failure> {
        let body = serde_urlencoded::to_string([
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", self.role_arn.as_str()),
            ("RoleSessionName", session_name),
            ("WebIdentityToken", token),
            ("DurationSeconds", duration),
        ])
        .map_err(|e| Failure::mismatch(format!("request not built: {e}")))?;
        let sent = http
            .post(&self.url)
            .header(CONTENT_TYPE, FORM)
            .body(body)
            .send()
            .await;
        read_answer(sent).await
    }
}

/// A 400 with `code`; its body.
fn refused((status, body): (u16, String), context: &str, code: &str) -> Result<String, Failure> {
    if status == 400 && element(&body, "Code").as_deref() == Some(code) {
        Ok(body)
    } else {
        Err(Failure::answered(status, &body, context))
    }
}

/// The error's message says `words`.
fn says(body: &str, words: &str, context: &str) -> Result<(), Failure> {
    if element(body, "Message").is_some_and(|message| message.contains(words)) {
        Ok(())
    } else {
        Err(Failure::mismatch(format!("{context}: another message")))
    }
}

/// `token` with one character of its signature changed: still a well-formed JWT, no longer
/// the issuer's. The middle character, since the last may carry only padding bits.
pub(super) fn tamper(token: &str) -> String {
    let Some(dot) = token.rfind('.') else {
        return token.to_owned();
    };
    let at = dot + 1 + (token.len() - dot - 1) / 2;
    let mut bytes = token.as_bytes().to_vec();
    if let Some(byte) = bytes.get_mut(at) {
        *byte = if *byte == b'A' { b'B' } else { b'A' };
    }
    String::from_utf8(bytes).unwrap_or_else(|_| token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rotation_is_four_valid_calls_four_refusals_and_two_caller_identities() {
        let count = |kind: Kind| ROTATION.iter().filter(|k| **k == kind).count();
        assert_eq!(count(Kind::Valid), 4);
        assert_eq!(count(Kind::CallerIdentity), 2);
        for refusal in [
            Kind::Tampered,
            Kind::WrongAudience,
            Kind::Expired,
            Kind::BadDuration,
        ] {
            assert_eq!(count(refusal), 1);
        }
    }

    #[test]
    fn a_tampered_token_differs_only_in_its_signature() {
        let token = "aGVhZGVy.cGF5bG9hZA.c2lnbmF0dXJlc2lnbmF0dXJl";
        let tampered = tamper(token);
        assert_ne!(tampered, token);
        assert_eq!(tampered.len(), token.len());
        assert!(tampered.starts_with("aGVhZGVy.cGF5bG9hZA."));
    }
}
