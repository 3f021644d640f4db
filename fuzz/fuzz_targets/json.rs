//! libFuzzer target: the json reader on arbitrary bytes (`cargo +nightly fuzz run json`).
#![no_main]

#[path = "../common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::run(common::Target::Json, data);
});
