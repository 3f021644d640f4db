//! Peak memory of the Monte Carlo engine (issue 4): 10,000 tasks by 10,000 iterations, in
//! critical-path and in resource-aware mode, target under 1 GiB.
//!
//! Not a criterion timing: each mode runs once and the process's peak resident set size
//! (`VmHWM` in `/proc/self/status`, reset between the modes through `/proc/self/clear_refs`)
//! is printed, with the plan's own footprint before the run for comparison. Linux only.
//!
//! Run: `cargo bench --bench simulate_memory`.

use std::time::Instant;

use shipdate_engine::simulate::{simulate, Options};

mod synthetic;
use synthetic::synthetic_plan;

/// A line of `/proc/self/status` in MiB (`VmHWM`: peak, `VmRSS`: now).
fn status_mib(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a kB figure");
    kib / 1024.0
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument (as criterion takes) selects a mode.
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_default();
    let plan = synthetic_plan(10_000, 10, 3);
    for (name, ignore_capacity) in [("critical_path", true), ("resource_aware", false)] {
        if !name.contains(&filter) {
            continue;
        }
        // Reset the peak to the current footprint (Linux 4.0 and later).
        std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
        let before = status_mib("VmRSS");
        let options = Options {
            iterations: 10_000,
            ignore_capacity,
            ..Options::default()
        };
        let t0 = Instant::now();
        let result = simulate(&plan, &options).expect("a valid plan");
        let secs = t0.elapsed().as_secs_f64();
        let peak = status_mib("VmHWM");
        println!(
            "simulate_memory/{name}_10000_tasks_10000_iterations: peak RSS {peak:.0} MiB \
             (plan and program {before:.0} MiB before the run), {secs:.1} s, P80 {:.2}",
            result.makespan.p80
        );
        drop(result);
    }
}
