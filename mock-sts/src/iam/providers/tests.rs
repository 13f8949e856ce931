//! The provider rules that need no server: URL checks and the port choice.

use super::*;

#[test]
fn a_provider_url_with_a_port_is_refused_when_ports_are_not_allowed() {
    assert_eq!(
        check_provider_url("https://localhost:8443", false),
        Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasPort))
    );
    assert_eq!(
        check_provider_url("https://[::1]:8443/gitlab", false),
        Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasPort))
    );
    assert_eq!(
        check_provider_url("https://gitlab.example.com/a:b", false),
        Ok("gitlab.example.com/a:b")
    );
    assert_eq!(check_provider_url("https://[::1]/x", false), Ok("[::1]/x"));
}

#[test]
fn a_provider_url_with_a_port_is_registered_when_ports_are_allowed() {
    assert_eq!(
        check_provider_url("https://localhost:8443", true),
        Ok("localhost:8443")
    );
}

#[test]
fn create_open_id_connect_provider_reads_the_port_choice_from_unknowns() {
    let store = IamStore::default();
    let params =
        Params::parse("Url=https%3A%2F%2Flocalhost%3A8443&ClientIDList.member.1=sts.amazonaws.com");
    let created = validate_open_id_connect_provider(&store, "123456789012", &params);
    assert_eq!(created.is_ok(), unknowns::ALLOW_PROVIDER_URL_PORT);
}

#[test]
fn provider_urls_must_be_https_without_a_query() {
    assert_eq!(
        check_provider_url("http://gitlab.example.com", true),
        Err(AwsError::InvalidInput(InvalidInput::ProviderUrlNotHttps))
    );
    assert_eq!(
        check_provider_url("https://gitlab.example.com?x=1", true),
        Err(AwsError::InvalidInput(InvalidInput::ProviderUrlHasQuery))
    );
}
