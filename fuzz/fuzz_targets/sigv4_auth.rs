#![no_main]
//! mock_sts::fuzz_api::sigv4_auth on every input: it must return, never panic.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mock_sts::fuzz_api::sigv4_auth(data);
});
