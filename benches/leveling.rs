//! The leveller with default settings: the whole deterministic `schedule` of a generated
//! 2,000-task, 10-team release plan (dated, holidays, time off, every link type, three
//! releases; the general serial scheme decodes), a hard PSPLIB J30 instance and a generated
//! 120-job instance (the integer grid decodes).
//!
//! Run: `cargo bench --bench leveling`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use shipdate_engine::dispatch::schedule;
use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::leveling::generate::{rcpsp, release_plan, RcpspParams};
use shipdate_engine::leveling::{level, Options};
use shipdate_engine::schedule::Problem;

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("leveling");
    g.sample_size(10);

    let plan = release_plan(2000, 10, 3, 1);
    g.bench_function(
        "schedule 2000-task 10-team release plan (default settings)",
        |b| b.iter(|| black_box(schedule(black_box(&plan)))),
    );

    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/psplib/j30/j3013_7.sm"
    ))
    .expect("the J30 instance");
    let j30 = parse_str(&src, Format::Psplib).expect("a valid instance");
    let p30 = Problem::new(&j30);
    g.bench_function("level J30 j3013_7 (default: 50,000 schedules)", |b| {
        b.iter(|| black_box(level(&j30, &p30, &Options::default())))
    });

    let j120 = rcpsp(
        RcpspParams {
            jobs: 120,
            complexity: 1.8,
            factor: 0.75,
            strength: 0.3,
        },
        3,
    );
    let p120 = Problem::new(&j120);
    g.bench_function("level generated 120-job instance (default settings)", |b| {
        b.iter(|| black_box(level(&j120, &p120, &Options::default())))
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
