//! libFuzzer target, structure-aware: the fuzzer's bytes choose a valid plan (teams,
//! calendars, estimates, links, risks, releases), which then goes through validate,
//! schedule, simulate and windows (`cargo +nightly fuzz run pipeline`).
#![no_main]

#[path = "../common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let plan = common::generate_plan(data);
    common::run(common::Target::Pipeline, plan.as_bytes());
});
