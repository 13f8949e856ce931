//! Whether mocks that already run can play a scenario. Some of a scenario's settings are fixed
//! when a mock starts (its GitLab release, CI key algorithm, `ci_id_tokens_issuer_url`, clock,
//! the CAs mock-sts trusts, the account and region); a reset cannot change them, so a scenario
//! that asks for other values than the target's is skipped, with the reason, never passed.
//! Everything else a scenario does is expressible: IAM setup goes through the API, faults (at
//! setup too, set right after the reset) through mock-gitlab's fault route, a key rotation
//! through its rotation route, undone by the next reset.

use mock_gitlab::GitlabVersion;

use crate::remote::RemoteMocks;
use crate::scenario::Scenario;

/// Why `target` cannot play `scenario`, or `None` when it can.
pub(super) fn cannot_express(scenario: &Scenario, target: &RemoteMocks) -> Option<String> {
    let (account, region) = (mock_sts::DEFAULT_ACCOUNT_ID, mock_sts::DEFAULT_REGION);
    if target.account_id != account || target.region != region {
        return Some(format!(
            "scenarios are written for account {account} in {region}; the target's mock-sts \
             serves account {} in {} (its --account and --region)",
            target.account_id, target.region
        ));
    }
    if let Some(now) = scenario.clock {
        return Some(format!(
            "the scenario pins both mocks' clock to {now}; mocks that already run keep the \
             system clock"
        ));
    }
    let gitlab = &scenario.gitlab;
    if let Some(version) = &gitlab.version {
        match version.parse::<GitlabVersion>() {
            Ok(wanted) if wanted == target.gitlab_version => {}
            Ok(wanted) => {
                return Some(format!(
                    "the scenario imitates GitLab {wanted}; the target's mock-gitlab imitates \
                     {}, chosen when it starts (--gitlab-version)",
                    target.gitlab_version
                ));
            }
            Err(err) => return Some(format!("the scenario's GitLab release: {err}")),
        }
    }
    if let Some(algorithm) = gitlab.signing_algorithm
        && algorithm != target.signing_algorithm
    {
        return Some(format!(
            "the scenario signs tokens with {algorithm}; the target's mock-gitlab signs with \
             {}, chosen when it starts (--signing-algorithm)",
            target.signing_algorithm
        ));
    }
    if gitlab.id_tokens_issuer_url.is_some() {
        return Some(
            "the scenario sets GitLab's ci_id_tokens_issuer_url, which mock-gitlab takes only \
             when it starts (--id-tokens-issuer-url)"
                .to_owned(),
        );
    }
    if scenario.gitlab.outage.is_some() && target.issuer_container.is_none() {
        return Some(
            "the scenario cuts the issuer off for real, which needs its container \
             (--gitlab-container)"
                .to_owned(),
        );
    }
    if scenario.aws.trusted_issuer_ca != target.trusts_issuer_ca {
        let (wanted, has) = if scenario.aws.trusted_issuer_ca {
            ("trusts", "does not")
        } else {
            ("does not trust", "does")
        };
        return Some(format!(
            "in the scenario AWS {wanted} the issuer's CA; the target's mock-sts {has}, which is \
             fixed when it starts (--trust-ca)"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            "name: a-case\ndescription: d\nsource: s\n{extra}\ntoken: {{aud: sts.amazonaws.com}}\n\
             request: {{role: gitlab-ci}}\nexpect: {{result: credentials}}\n"
        );
        serde_yaml::from_str(&text).unwrap()
    }

    fn compose() -> RemoteMocks {
        RemoteMocks::compose("")
    }

    #[test]
    fn a_scenario_with_the_defaults_is_expressible_with_faults_and_a_rotation() {
        let plain = scenario(
            "gitlab:\n  faults_at_setup: [{kind: jwks_unavailable}]\n  \
             rotate_signing_key: {keep_old: true}\n  version: \"19.2\"\n  \
             signing_algorithm: RS256",
        );
        assert_eq!(cannot_express(&plain, &compose()), None);
    }

    #[test]
    fn another_gitlab_release_is_skipped_naming_both_releases() {
        let reason = cannot_express(&scenario("gitlab: {version: \"16.11\"}"), &compose()).unwrap();
        assert!(
            reason.contains("16.11") && reason.contains("19.2"),
            "{reason}"
        );
    }

    #[test]
    fn a_pinned_clock_another_algorithm_or_an_issuer_override_is_skipped() {
        for extra in [
            "clock: 1700000000",
            "gitlab: {signing_algorithm: ES256}",
            "gitlab: {id_tokens_issuer_url: \"https://example.com\"}",
        ] {
            assert!(
                cannot_express(&scenario(extra), &compose()).is_some(),
                "{extra}"
            );
        }
    }

    #[test]
    fn a_self_managed_ca_is_skipped_unless_the_target_distrusts_it_too() {
        let private = scenario("aws: {trusted_issuer_ca: false}");
        let reason = cannot_express(&private, &compose()).unwrap();
        assert!(reason.contains("--trust-ca"), "{reason}");
        let distrusting = RemoteMocks {
            trusts_issuer_ca: false,
            ..compose()
        };
        assert_eq!(cannot_express(&private, &distrusting), None);
        assert!(cannot_express(&scenario(""), &distrusting).is_some());
    }

    #[test]
    fn another_account_or_region_is_skipped_for_every_scenario() {
        let elsewhere = RemoteMocks {
            region: "eu-west-1".to_owned(),
            ..compose()
        };
        let reason = cannot_express(&scenario(""), &elsewhere).unwrap();
        assert!(reason.contains("eu-west-1"), "{reason}");
    }
}
