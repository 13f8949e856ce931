//! `fedlab explain --policy FILE (--token FILE | --claims FILE | --claim k=v…)`: the decision
//! and trace of [`crate::explain`], as text or JSON. Exit 0 allow, 1 deny, 2 bad input.

use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::exit_codes;
use crate::explain::{
    Claims, ExplainError, ExplainOptions, claims_from_json, claims_from_pairs, decode_token,
    explain, text,
};

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("claims-input").required(true).args(["token", "claims", "claim"])))]
pub(super) struct ExplainArgs {
    /// The role's trust policy JSON file.
    #[arg(long)]
    policy: PathBuf,
    /// A file holding the ID token (e.g. the job's `$GITLAB_OIDC_TOKEN`); decoded, never verified.
    #[arg(long)]
    token: Option<PathBuf>,
    /// A JSON object of claims.
    #[arg(long)]
    claims: Option<PathBuf>,
    /// One claim as key=value; repeat it (a repeated `aud` makes a list).
    #[arg(long, value_name = "KEY=VALUE")]
    claim: Vec<String>,
    /// The issuer URL or host (default: the `iss` claim).
    #[arg(long)]
    issuer: Option<String>,
    /// The IAM OIDC provider ARN (default: arn:aws:iam::<the role's account>:oidc-provider/<host>;
    /// without --role-arn, the policy's own Federated provider for the issuer).
    #[arg(long)]
    provider_arn: Option<String>,
    /// The role's ARN; its account is the provider's default account.
    #[arg(long)]
    role_arn: Option<String>,
    /// The time of the request for aws:CurrentTime / aws:EpochTime: RFC 3339 or Unix seconds
    /// (default: now).
    #[arg(long)]
    now: Option<String>,
    /// Print the explanation as JSON.
    #[arg(long)]
    json: bool,
}

pub(super) fn run(args: &ExplainArgs) -> anyhow::Result<i32> {
    match explanation(args) {
        Ok(Some(explanation)) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&explanation)?);
            } else {
                print!("{}", text(&explanation));
            }
            Ok(if explanation.allowed {
                exit_codes::OK
            } else {
                exit_codes::DENIED
            })
        }
        Ok(None) => Ok(exit_codes::USAGE),
        Err(err) => {
            eprintln!("fedlab explain: {err}");
            Ok(exit_codes::USAGE)
        }
    }
}

/// `Ok(None)` when an input file could not be read (already reported).
fn explanation(args: &ExplainArgs) -> Result<Option<crate::explain::Explanation>, ExplainError> {
    let Some(policy) = read(&args.policy) else {
        return Ok(None);
    };
    let claims: Claims = if let Some(path) = &args.token {
        let Some(token) = read(path) else {
            return Ok(None);
        };
        decode_token(&token)?
    } else if let Some(path) = &args.claims {
        let Some(claims) = read(path) else {
            return Ok(None);
        };
        claims_from_json(&claims)?
    } else {
        claims_from_pairs(&args.claim)?
    };
    let now = match args.now.as_deref().map(parse_time) {
        None => OffsetDateTime::now_utc(),
        Some(Ok(now)) => now,
        Some(Err(())) => {
            eprintln!(
                "fedlab explain: --now wants RFC 3339 (2024-05-01T12:00:00Z) or Unix seconds"
            );
            return Ok(None);
        }
    };
    let options = ExplainOptions {
        issuer: args.issuer.clone(),
        provider_arn: args.provider_arn.clone(),
        role_arn: args.role_arn.clone(),
        ..ExplainOptions::at(now)
    };
    explain(&policy, &claims, &options).map(Some)
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .map_err(|err| eprintln!("fedlab explain: cannot read {}: {err}", path.display()))
        .ok()
}

fn parse_time(text: &str) -> Result<OffsetDateTime, ()> {
    if let Ok(seconds) = text.parse::<i64>() {
        return OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| ());
    }
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| ())
}
