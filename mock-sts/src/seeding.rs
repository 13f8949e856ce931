//! Seeding: a [`Seed`]'s providers, customer managed policies and roles (with their inline and
//! attached policies) created through the IAM actions themselves, so a bad entry fails with IAM's
//! own answer and names the entry.

use crate::error::Error;
use crate::errors::AwsError;
use crate::iam::{self, IamStore, NewProvider};
use crate::query::Params;
use crate::seed::{Seed, SeedManagedPolicy, SeedProvider, SeedRole, SeedTag};
use crate::state::Sts;

/// Creates every provider, then every role, in order. Providers without thumbprints need
/// [`fill_thumbprints`] first: only a running server can connect to them.
pub(crate) fn apply(sts: &Sts, seed: &Seed) -> Result<(), Error> {
    let account = sts.config.account_id.as_str();
    let now = sts.config.clock.now();
    let mut store = sts.iam_mut();
    for (index, provider) in seed.providers.iter().enumerate() {
        let entry = || format!("providers[{index}] ({})", provider.url);
        let new = validate_provider(&store, account, provider).map_err(|e| failed(entry(), &e))?;
        if new.thumbprints.is_empty() {
            return Err(Error::Seed {
                entry: entry(),
                message: "no thumbprints: IAM would connect to the provider to compute one, \
                          which only a spawned mock-sts can do"
                    .to_owned(),
            });
        }
        iam::insert_open_id_connect_provider(&mut store, new, now)
            .map_err(|e| failed(entry(), &e))?;
    }
    for (index, policy) in seed.managed_policies.iter().enumerate() {
        let entry = || format!("managed_policies[{index}] ({})", policy.name);
        iam::create_policy(&mut store, account, &policy_params(policy), now)
            .map_err(|e| failed(entry(), &e))?;
    }
    for (index, role) in seed.roles.iter().enumerate() {
        let entry = || format!("roles[{index}] ({})", role.name);
        iam::create_role(&mut store, account, &role_params(role), now)
            .map_err(|e| failed(entry(), &e))?;
        for policy in &role.policies {
            let params = params(&[
                ("RoleName".to_owned(), role.name.clone()),
                ("PolicyName".to_owned(), policy.name.clone()),
                ("PolicyDocument".to_owned(), policy.document.to_text()),
            ]);
            iam::put_role_policy(&mut store, &params).map_err(|e| failed(entry(), &e))?;
        }
        for arn in &role.attached_policies {
            let params = params(&[
                ("RoleName".to_owned(), role.name.clone()),
                ("PolicyArn".to_owned(), arn.clone()),
            ]);
            iam::attach_role_policy(&mut store, &params).map_err(|e| failed(entry(), &e))?;
        }
    }
    Ok(())
}

/// The seed with a computed thumbprint for every valid provider that has none, as
/// CreateOpenIDConnectProvider computes it. Invalid providers are left for [`apply`] to refuse
/// with IAM's answer, as IAM checks the request before it connects anywhere.
pub(crate) async fn fill_thumbprints(sts: &Sts, seed: &Seed) -> Result<Seed, Error> {
    let mut filled = seed.clone();
    let empty = IamStore::default();
    let account = sts.config.account_id.as_str();
    for (index, provider) in filled.providers.iter_mut().enumerate() {
        if !provider.thumbprints.is_empty() || validate_provider(&empty, account, provider).is_err()
        {
            continue;
        }
        let thumbprint = sts
            .keys
            .provider_thumbprint(&provider.url)
            .await
            .map_err(|reason| Error::Seed {
                entry: format!("providers[{index}] ({})", provider.url),
                message: format!(
                    "{} ({reason})",
                    AwsError::OpenIdIdpCommunicationError
                        .message()
                        .unwrap_or_default()
                ),
            })?;
        provider.thumbprints.push(thumbprint);
    }
    Ok(filled)
}

fn validate_provider(
    store: &IamStore,
    account: &str,
    provider: &SeedProvider,
) -> Result<NewProvider, AwsError> {
    let mut pairs = vec![("Url".to_owned(), provider.url.clone())];
    list(&mut pairs, "ClientIDList", &provider.client_ids);
    list(&mut pairs, "ThumbprintList", &provider.thumbprints);
    tags(&mut pairs, &provider.tags);
    iam::validate_open_id_connect_provider(store, account, &params(&pairs))
}

fn role_params(role: &SeedRole) -> Params {
    let mut pairs = vec![
        ("RoleName".to_owned(), role.name.clone()),
        (
            "AssumeRolePolicyDocument".to_owned(),
            role.trust_policy.to_text(),
        ),
    ];
    pairs.extend(role.path.clone().map(|path| ("Path".to_owned(), path)));
    pairs.extend(
        role.max_session_duration
            .map(|seconds| ("MaxSessionDuration".to_owned(), seconds.to_string())),
    );
    pairs.extend(
        role.description
            .clone()
            .map(|text| ("Description".to_owned(), text)),
    );
    tags(&mut pairs, &role.tags);
    params(&pairs)
}

fn policy_params(policy: &SeedManagedPolicy) -> Params {
    let mut pairs = vec![
        ("PolicyName".to_owned(), policy.name.clone()),
        ("PolicyDocument".to_owned(), policy.document.to_text()),
    ];
    pairs.extend(policy.path.clone().map(|path| ("Path".to_owned(), path)));
    pairs.extend(
        policy
            .description
            .clone()
            .map(|text| ("Description".to_owned(), text)),
    );
    tags(&mut pairs, &policy.tags);
    params(&pairs)
}

fn list(pairs: &mut Vec<(String, String)>, name: &str, values: &[String]) {
    for (index, value) in (1..).zip(values) {
        pairs.push((format!("{name}.member.{index}"), value.clone()));
    }
}

fn tags(pairs: &mut Vec<(String, String)>, tags: &[SeedTag]) {
    for (index, tag) in (1..).zip(tags) {
        pairs.push((format!("Tags.member.{index}.Key"), tag.key.clone()));
        pairs.push((format!("Tags.member.{index}.Value"), tag.value.clone()));
    }
}

/// The pairs as the Query protocol would carry them.
fn params(pairs: &[(String, String)]) -> Params {
    Params::parse(&serde_urlencoded::to_string(pairs).unwrap_or_default())
}

/// IAM's code and message, as the API would have answered.
fn failed(entry: String, err: &AwsError) -> Error {
    Error::Seed {
        entry,
        message: format!("{}: {}", err.code(), err.message().unwrap_or_default()),
    }
}
