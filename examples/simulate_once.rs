//! One simulation of the Monte Carlo benchmark's 2,000-task synthetic plan in a fresh
//! process: the time a single CLI or crate run pays, page faults included, which the
//! criterion benchmark (many runs in one process) does not show.
//!
//! ```text
//! cargo run --release --example simulate_once -- [--no-risk-effects] [--runs N]
//! ```
//!
//! A 128-iteration run first builds the shared Beta-PERT tables (a once-per-process cost);
//! then one 10,000-iteration critical-path run is timed. With `--runs N` the whole process is
//! repeated N times (each run in its own child process) and every time is printed.

use std::process::Command;
use std::time::Instant;

use shipdate_engine::simulate::{simulate, Options};

#[path = "../benches/synthetic/mod.rs"]
mod synthetic;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let risk_effects = !args.iter().any(|a| a == "--no-risk-effects");
    if let Some(k) = args.iter().position(|a| a == "--runs") {
        let runs: usize = args
            .get(k + 1)
            .and_then(|v| v.parse().ok())
            .expect("--runs N");
        let me = std::env::current_exe().expect("the example's path");
        let pass: Vec<&String> = args.iter().filter(|a| *a == "--no-risk-effects").collect();
        for _ in 0..runs {
            let status = Command::new(&me).args(&pass).status().expect("a child run");
            assert!(status.success());
        }
        return;
    }
    let plan = synthetic::synthetic_plan(2000, 10, 1);
    let options = Options {
        iterations: 10_000,
        ignore_capacity: true,
        risk_effects,
        ..Options::default()
    };
    let warm = Options {
        iterations: 128,
        ..options.clone()
    };
    std::hint::black_box(simulate(&plan, &warm).expect("a valid plan"));
    let t = Instant::now();
    std::hint::black_box(simulate(&plan, &options).expect("a valid plan"));
    let ms = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "critical path, 2,000 tasks x 10,000 iterations, risk effects {risk_effects}: {ms:.1} ms, {:.0} M task-samples/s",
        20_000.0 / ms
    );
}
