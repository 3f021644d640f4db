//! libFuzzer target: the psplib reader on arbitrary bytes (`cargo +nightly fuzz run psplib`).
#![no_main]

#[path = "../common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::run(common::Target::Psplib, data);
});
