//! Monte Carlo benchmarks (issue 4):
//!
//! - critical-path mode, 2,000-task synthetic plan, 10,000 iterations: throughput in
//!   task-samples per second (criterion's "elements"), target >= 150 million;
//! - resource-aware mode, 1,000 tasks on 10 teams, 10,000 iterations: target < 2 s.
//!
//! Both run the full public `simulate` (sampling, scheduling, criticality, sensitivity, risk
//! effects and every summary), with the CLI's `parallel` feature and rayon's default threads;
//! the `_no_risk_effects` variants leave out the per-risk re-runs (10 risks firing 2.35 times
//! per iteration in total here), to show what the tornado by risk costs. The resource-aware
//! runs include finding the deterministic schedule's priority list (the leveller) once.
//!
//! Run: `cargo bench --bench simulate`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use shipdate_engine::simulate::{simulate, Options};

mod synthetic;
use synthetic::synthetic_plan;

fn critical_path(c: &mut Criterion) {
    let plan = synthetic_plan(2000, 10, 1);
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    g.throughput(Throughput::Elements((2000 * 10_000) as u64));
    for (name, risk_effects) in [
        ("critical_path_2000_tasks_10000_iterations", true),
        (
            "critical_path_2000_tasks_10000_iterations_no_risk_effects",
            false,
        ),
    ] {
        let options = Options {
            iterations: 10_000,
            ignore_capacity: true,
            risk_effects,
            ..Options::default()
        };
        g.bench_function(name, |b| b.iter(|| simulate(&plan, &options).unwrap()));
    }
    g.finish();
}

fn resource_aware(c: &mut Criterion) {
    let plan = synthetic_plan(1000, 10, 2);
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    g.throughput(Throughput::Elements((1000 * 10_000) as u64));
    for (name, risk_effects) in [
        ("resource_aware_1000_tasks_10_teams_10000_iterations", true),
        (
            "resource_aware_1000_tasks_10_teams_10000_iterations_no_risk_effects",
            false,
        ),
    ] {
        let options = Options {
            iterations: 10_000,
            risk_effects,
            ..Options::default()
        };
        g.bench_function(name, |b| b.iter(|| simulate(&plan, &options).unwrap()));
    }
    g.finish();
}

criterion_group!(benches, critical_path, resource_aware);
criterion_main!(benches);
