//! `Config::admin`: the admin routes served to everyone, to loopback peers only, or to no one,
//! health always; and the request total they report.

use mock_sts::AdminAccess;

use crate::s3_support;

fn client() -> reqwest::Client {
    // A refused admin path is answered as the emulated API answers any path: for a request
    // without an Action, a redirect off the machine, never to be followed.
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Status and `Location` of an answer, which is what tells the emulated API's redirect apart.
async fn seen(request: reqwest::RequestBuilder) -> (u16, Option<String>) {
    let answer = request.send().await.unwrap();
    let location = answer
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (answer.status().as_u16(), location)
}

#[tokio::test]
async fn with_admin_off_the_admin_paths_answer_as_any_other_path_and_health_still_answers() {
    let sts = s3_support::start(|config| config.admin = AdminAccess::Off).await;
    let http = client();
    let url = |path: &str| format!("{}{path}", sts.endpoint());
    let unknown = seen(http.get(url("/-/mock/nothing-here"))).await;
    assert_eq!(unknown.0, 302, "{unknown:?}");
    assert_eq!(seen(http.get(url("/-/mock/requests"))).await, unknown);
    assert_eq!(seen(http.get(url("/-/mock/state"))).await, unknown);
    assert_eq!(
        seen(http.post(url("/-/mock/reset"))).await,
        seen(http.post(url("/-/mock/nothing-here"))).await
    );
    let health = http.get(url("/-/mock/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn with_admin_loopback_a_loopback_peer_reaches_the_admin_routes() {
    let sts = s3_support::start(|config| config.admin = AdminAccess::Loopback).await;
    let http = client();
    let requests = http
        .get(format!("{}/-/mock/requests", sts.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(requests.status(), 200);
    assert_eq!(requests.text().await.unwrap(), "[]");
    let reset = http
        .post(format!("{}/-/mock/reset", sts.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 204);
}

#[tokio::test]
async fn the_request_total_counts_past_the_log_capacity_a_clear_and_a_reset() {
    let sts = s3_support::start(|config| config.request_log_capacity = 2).await;
    let http = client();
    for _ in 0..5 {
        let answer = http
            .get(format!(
                "{}/?Action=Probe&Version=2011-06-15",
                sts.endpoint()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400);
    }
    let total = || async {
        let answer = http
            .get(format!("{}/-/mock/requests", sts.endpoint()))
            .send()
            .await
            .unwrap();
        let total = answer.headers()["x-mock-requests-total"]
            .to_str()
            .unwrap()
            .to_owned();
        let kept: Vec<serde_json::Value> = answer.json().await.unwrap();
        (total, kept.len())
    };
    assert_eq!(total().await, ("5".to_owned(), 2));
    http.delete(format!("{}/-/mock/requests", sts.endpoint()))
        .send()
        .await
        .unwrap();
    sts.reset();
    assert_eq!(total().await, ("5".to_owned(), 0));
}
