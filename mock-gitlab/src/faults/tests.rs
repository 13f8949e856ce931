use serde_json::json;

use super::*;

#[test]
fn the_command_line_form_parses_slow_and_a_status() {
    assert_eq!(
        "slow:6000".parse::<Fault>().unwrap(),
        Fault::Slow { ms: 6000 }
    );
    assert_eq!(
        "jwks_status:503".parse::<Fault>().unwrap(),
        Fault::JwksStatus { status: 503 }
    );
    assert_eq!(
        " throttle : 2 ".parse::<Fault>().unwrap(),
        Fault::Throttle { after: 2 }
    );
    assert_eq!(
        "ci_key_missing".parse::<Fault>().unwrap(),
        Fault::CiKeyMissing
    );
    // The argument is everything after the first colon, so a URL keeps its own.
    assert_eq!(
        "jwks_redirect:https://keys.test:8443/jwks"
            .parse::<Fault>()
            .unwrap(),
        Fault::JwksRedirect {
            location: "https://keys.test:8443/jwks".into()
        }
    );
}

#[test]
fn the_command_line_form_round_trips_through_display() {
    for fault in [
        Fault::DiscoveryUnavailable,
        Fault::JwksUnavailable,
        Fault::DiscoveryStatus { status: 500 },
        Fault::JwksStatus { status: 404 },
        Fault::JwksRedirect {
            location: "http://127.0.0.1:9/keys".into(),
        },
        Fault::Slow { ms: 1 },
        Fault::Throttle { after: 0 },
        Fault::MalformedJwks,
        Fault::DiscoveryIssuerMismatch,
        Fault::CiKeyMissing,
        Fault::KidMismatch,
        Fault::ChainOutOfOrder,
        Fault::ChainWithoutIntermediate,
        Fault::NewCertificate,
    ] {
        let text = fault.to_string();
        assert_eq!(text.parse::<Fault>().unwrap(), fault, "{text}");
        assert!(text.starts_with(fault.kind()));
    }
}

#[test]
fn a_misspelt_or_incomplete_command_line_fault_is_an_error_that_says_why() {
    let cases = [
        ("slw:6000", "slw"),
        ("slow", "ms"),
        ("slow:fast", "not a whole number"),
        ("ci_key_missing:1", "takes no argument"),
        ("jwks_status:42", "200 to 599"),
        ("jwks_status:600", "200 to 599"),
        ("jwks_redirect", "location"),
        ("jwks_redirect:/relative", "absolute http or https URL"),
        (
            "jwks_redirect:ftp://keys.test/",
            "absolute http or https URL",
        ),
        ("jwks_redirect:https://", "absolute http or https URL"),
    ];
    for (text, expected) in cases {
        let message = text.parse::<Fault>().unwrap_err().to_string();
        assert!(message.contains(expected), "{text}: {message}");
        assert!(message.contains("KIND:ARG"), "{text}: {message}");
    }
}

#[test]
fn json_is_tagged_by_kind_in_snake_case() {
    let faults = vec![
        Fault::JwksUnavailable,
        Fault::Slow { ms: 6000 },
        Fault::DiscoveryStatus { status: 503 },
    ];
    let value = serde_json::to_value(&faults).unwrap();
    assert_eq!(
        value,
        json!([
            {"kind": "jwks_unavailable"},
            {"kind": "slow", "ms": 6000},
            {"kind": "discovery_status", "status": 503}
        ])
    );
    let back: Vec<Fault> = serde_json::from_value(value).unwrap();
    assert_eq!(back, faults);
}

#[test]
fn json_with_an_unknown_field_or_kind_is_rejected() {
    for bad in [
        json!({"kind": "slow", "ms": 1, "extra": true}),
        json!({"kind": "jwks_unavailable", "status": 503}),
        json!({"kind": "slow", "millis": 1}),
        json!({"kind": "jwks_unavailible"}),
        json!({"kind": "jwks_status", "status": 99}),
        json!({"ms": 1}),
    ] {
        assert!(
            serde_json::from_value::<Fault>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn validation_rejects_a_status_built_in_rust_that_json_would_reject() {
    assert!(validate(&[Fault::JwksStatus { status: 503 }]).is_ok());
    let message = validate(&[Fault::DiscoveryStatus { status: 100 }]).unwrap_err();
    assert!(message.contains("discovery_status:100"), "{message}");
}

#[test]
fn throttle_counts_fetches_from_the_moment_the_set_is_set() {
    let set = FaultSet::new(vec![Fault::Throttle { after: 2 }]);
    let active = set.current();
    assert!(active.throttled().is_none());
    assert!(active.throttled().is_none());
    assert_eq!(active.throttled(), Some(&Fault::Throttle { after: 2 }));
    set.set(vec![Fault::Throttle { after: 1 }]);
    let renewed = set.current();
    assert!(renewed.throttled().is_none());
    assert!(renewed.throttled().is_some());
    assert_eq!(set.list(), vec![Fault::Throttle { after: 1 }]);
}
