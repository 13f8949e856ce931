#![no_main]
//! fedlab::fuzz_api::scenario on every input: it must return, never panic.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = fedlab::fuzz_api::scenario(data);
});
