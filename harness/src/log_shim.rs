//! TEMPORARY: reads mock-sts's request log over HTTP until mock-sts offers in-process access.

use mock_sts::request_log::LogEntry;

pub(crate) fn requests(sts: &mock_sts::RunningSts) -> Vec<LogEntry> {
    let url = format!("{}/-/mock/requests", sts.endpoint());
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async {
                    let client = reqwest::Client::builder().no_proxy().build().ok()?;
                    client.get(&url).send().await.ok()?.json().await.ok()
                })
            })
            .join()
            .ok()
            .flatten()
            .unwrap_or_default()
    })
}
