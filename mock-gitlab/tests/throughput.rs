//! Mint-rate measurement over HTTPS. Ignored by default (timing-sensitive); run with
//! `cargo test -p mock-gitlab --release --test throughput -- --ignored --nocapture`.
//! The printed rate is the measurement (target: >= 3,000 tokens/s on 2 cores); nothing here
//! asserts on time, since a shared machine makes any threshold flaky. The same measurement
//! without HTTP is the ignored unit test `in_process_mint_rate` in src/mint.rs.

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "throughput measurement"]
async fn https_mint_rate() {
    let server = spawn_default().await;
    let client = Arc::new(client_for(&server));
    let url = Arc::new(server.ready().mint_url.clone());
    // Warm up the connection (TLS + h2) before timing.
    let (status, _) = mint(&client, &url, json!({"aud": "a"})).await;
    assert_eq!(status, 200);

    let (workers, per_worker) = (32, 150);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..per_worker {
                let resp = client
                    .post(url.as_str())
                    .json(&json!({"aud": "sts.amazonaws.com"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200);
                resp.bytes().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let total = workers * per_worker;
    let rate = f64::from(total) / started.elapsed().as_secs_f64();
    println!("HTTPS end to end (client on the same 2 cores), {total} requests: {rate:.0} tokens/s");
}
