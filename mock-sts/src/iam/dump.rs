//! The store as a [`Seed`]: every provider and customer managed policy in ARN order and every
//! role in (lower-case) name order, each field as IAM holds it (attached policies in attachment
//! order), so dumping, seeding a new mock-sts with the dump and dumping again gives the same text.

use crate::iam::store::{IamStore, Tag};
use crate::seed::{
    PolicyText, Seed, SeedManagedPolicy, SeedPolicy, SeedProvider, SeedRole, SeedTag,
};

pub(crate) fn dump(store: &IamStore) -> Seed {
    Seed {
        providers: store
            .providers()
            .map(|provider| SeedProvider {
                url: provider.url.clone(),
                client_ids: provider.client_ids.clone(),
                thumbprints: provider.thumbprints.clone(),
                tags: seed_tags(&provider.tags),
            })
            .collect(),
        managed_policies: store
            .customer_policies()
            .map(|policy| SeedManagedPolicy {
                name: policy.name.clone(),
                path: Some(policy.path.clone()),
                description: policy.description.clone(),
                document: PolicyText::Text(policy.text.clone()),
                tags: seed_tags(&policy.tags),
            })
            .collect(),
        roles: store
            .roles()
            .map(|(_, role)| SeedRole {
                name: role.name.clone(),
                path: Some(role.path.clone()),
                trust_policy: PolicyText::Text(role.trust_policy_text.clone()),
                max_session_duration: u32::try_from(role.max_session_duration).ok(),
                description: role.description.clone(),
                tags: seed_tags(&role.tags),
                policies: role
                    .inline_policies
                    .iter()
                    .map(|(name, policy)| SeedPolicy {
                        name: name.clone(),
                        document: PolicyText::Text(policy.text.clone()),
                    })
                    .collect(),
                attached_policies: role.attached_policies.clone(),
            })
            .collect(),
    }
}

fn seed_tags(tags: &[Tag]) -> Vec<SeedTag> {
    tags.iter()
        .map(|tag| SeedTag {
            key: tag.key.clone(),
            value: tag.value.clone(),
        })
        .collect()
}
