#![no_main]
//! mock_sts::fuzz_api::s3_request on every input: it must return, never panic.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mock_sts::fuzz_api::s3_request(data);
});
