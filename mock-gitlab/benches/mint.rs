//! Micro-benchmark of minting an ID token (claims built, serialised and signed, as the mint API
//! does without HTTP) with mock-gitlab's fixed RS256 (RSA-2048) and ES256 (P-256) test keys.
//!
//! `cargo bench -p mock-gitlab` runs it; `-- --quick` for a short run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "fixture setup outside the measured loop; a panic is the failure report"
)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use mock_gitlab::bench_api::Minter;
use mock_gitlab::{Config, FixedClock, MintRequest, SigningAlgorithm};
use serde_json::json;

const RSA_KEY: &str = include_str!("../tests/fixtures/ci-signing-key.pem");
const EC_KEY: &str = include_str!("../tests/fixtures/ci-signing-key-ec.pem");
const OIDC_KEY: &str = include_str!("../tests/fixtures/oidc-signing-key.pem");

fn minter(key: &str, algorithm: SigningAlgorithm) -> Minter {
    let mut config = Config::new("127.0.0.1:0".parse().unwrap());
    config.signing_key_pem = Some(key.to_owned());
    config.signing_algorithm = algorithm;
    config.oidc_key_pem = Some(OIDC_KEY.to_owned());
    config.clock = Arc::new(FixedClock(1_700_000_000));
    Minter::new(&config).unwrap()
}

fn minting(c: &mut Criterion) {
    // The tutorial job's token: audience sts.amazonaws.com, mygroup/myproject on main.
    let request: MintRequest = serde_json::from_value(json!({
        "aud": "sts.amazonaws.com",
        "project_path": "mygroup/myproject",
    }))
    .unwrap();
    let mut group = c.benchmark_group("mint");
    for (name, key, algorithm) in [
        ("RS256", RSA_KEY, SigningAlgorithm::Rs256),
        ("ES256", EC_KEY, SigningAlgorithm::Es256),
    ] {
        let minter = minter(key, algorithm);
        assert!(minter.mint(&request).is_some(), "the {name} fixture mints");
        group.bench_function(name, |b| b.iter(|| minter.mint(black_box(&request))));
    }
    group.finish();
}

criterion_group!(benches, minting);
criterion_main!(benches);
