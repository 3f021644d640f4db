//! libFuzzer target: the rcp reader on arbitrary bytes (`cargo +nightly fuzz run rcp`).
#![no_main]

#[path = "../common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::run(common::Target::Rcp, data);
});
