//! The runtime the mocks run on. Like wiremock's server, it is the federation's own, on threads of
//! its own: a test that blocks its thread (running the aws CLI with `std::process::Command`, say)
//! can never starve the servers that CLI is talking to, whatever runtime the test uses.

use std::future::Future;

use tokio::runtime::{Builder, Handle, Runtime};

use crate::error::Error;

/// Two workers: mock-sts fetches keys from mock-gitlab while answering, so one must never wait
/// for the other's thread.
const WORKER_THREADS: usize = 2;

#[derive(Debug)]
pub(crate) struct BackgroundRuntime {
    runtime: Option<Runtime>,
}

impl BackgroundRuntime {
    pub(crate) fn new() -> Result<Self, Error> {
        let runtime = Builder::new_multi_thread()
            .worker_threads(WORKER_THREADS)
            .thread_name("fedlab-mocks")
            .enable_all()
            .build()
            .map_err(|e| Error::Start {
                what: "the mocks' runtime",
                reason: e.to_string(),
            })?;
        Ok(Self {
            runtime: Some(runtime),
        })
    }

    /// Runs `future` on the mocks' runtime and waits for it from any async context.
    pub(crate) async fn run<F, T>(&self, future: F) -> Result<T, Error>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let handle = self.handle().ok_or_else(stopped)?;
        handle.spawn(future).await.map_err(|e| Error::Start {
            what: "a task on the mocks' runtime",
            reason: e.to_string(),
        })
    }

    /// Runs `future` on the mocks' runtime, blocking this thread: the blocking API's engine.
    /// Panics when called from inside an async runtime, as `Runtime::block_on` does.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        let handle = self.handle().ok_or_else(stopped)?;
        Ok(handle.block_on(future))
    }

    /// Runs `future` on the mocks' runtime and blocks this thread until it is done, from any
    /// thread, async or not: the sync methods that ask a remote mock over HTTP. Unlike
    /// [`BackgroundRuntime::block_on`] it never panics inside an async runtime; it blocks that
    /// runtime's thread for the length of one loopback request, which the future (running on
    /// these workers, not the caller's) can never wait on.
    pub(crate) fn wait<F, T>(&self, future: F) -> Result<T, Error>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let handle = self.handle().ok_or_else(stopped)?;
        let (done, result) = std::sync::mpsc::sync_channel(1);
        handle.spawn(async move {
            // The receiver waits for this send; it is gone only if the caller's thread is.
            let _ = done.send(future.await);
        });
        result.recv().map_err(|_| Error::Start {
            what: "a task on the mocks' runtime",
            reason: "the task ended without an answer".to_owned(),
        })
    }

    fn handle(&self) -> Option<&Handle> {
        self.runtime.as_ref().map(Runtime::handle)
    }
}

fn stopped() -> Error {
    Error::Start {
        what: "a task on the mocks' runtime",
        reason: "the runtime has stopped".to_owned(),
    }
}

impl Drop for BackgroundRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Tokio refuses to drop a runtime (which waits for its workers) from async code, and
            // a test usually drops its federation at the end of an async fn. A plain thread may
            // wait; joining it keeps "everything has stopped once drop returns" true.
            let stopper = std::thread::Builder::new()
                .name("fedlab-stop".to_owned())
                .spawn(move || drop(runtime));
            if let Ok(stopper) = stopper {
                let _ = stopper.join();
            }
        }
    }
}
