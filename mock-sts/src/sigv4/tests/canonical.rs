//! The canonicalisation pieces and date formats, one rule at a time.

use crate::sigv4::canonical::{canonical_query, canonical_uri, remove_dot_segments, trim_all};
use crate::sigv4::dates::{format_amz_date, parse_amz_date};
use crate::sigv4::types::AuthLocation;

#[test]
fn dot_segments_follow_botocore() {
    assert_eq!(remove_dot_segments(""), "/");
    assert_eq!(remove_dot_segments("/"), "/");
    assert_eq!(remove_dot_segments("//a//b/"), "/a/b/");
    assert_eq!(remove_dot_segments("/a/./b/../c"), "/a/c");
    assert_eq!(remove_dot_segments("/../.."), "/");
}

#[test]
fn uri_is_double_encoded() {
    assert_eq!(canonical_uri("/a%20b/c~d"), "/a%2520b/c~d");
    assert_eq!(canonical_uri(""), "/");
}

#[test]
fn query_is_form_decoded_then_sigv4_encoded() {
    assert_eq!(
        canonical_query(
            Some("b=a+b%20c&a=x:y/z=1&a=%e2%82%ac&flag"),
            AuthLocation::Header
        ),
        "a=%E2%82%AC&a=x%3Ay%2Fz%3D1&b=a%20b%20c&flag="
    );
    assert_eq!(
        canonical_query(Some("p=%zz"), AuthLocation::Header),
        "p=%25zz"
    );
}

#[test]
fn trim_all_collapses_runs() {
    assert_eq!(trim_all(b"  a   b \t c  "), b"a b c".to_vec());
}

#[test]
fn amz_date_shape_is_strict() {
    assert!(parse_amz_date("20150830T123600Z").is_ok());
    assert!(parse_amz_date("+2015830T123600Z").is_err());
    assert!(parse_amz_date("20150830T123600").is_err());
    assert!(parse_amz_date("20151330T123600Z").is_err());
    assert_eq!(
        format_amz_date(parse_amz_date("20150830T123600Z").unwrap()),
        "20150830T123600Z"
    );
}
