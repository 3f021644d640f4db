//! The PSPLIB benchmark: runs the leveller on every instance of a PSPLIB set, checks every
//! schedule with the independent feasibility checker of the engine's tests, and prints the
//! mean deviation from the reference makespans (J30: the proven optima; J60 and J120: the
//! literature's best-known makespans), the share at the reference and the time per instance.
//!
//! ```text
//! cargo run --release --example j30_bench -- [--dir PSPLIB] [--schedules N]
//!     [--seed S] [--every K] [--set j30|j60|j120|patterson|gen60|gen120] [--per N]
//!     [--reference SCHEDULESxRUNS] [--exact-reference SECONDS] [--exact] [--only NAME]
//!     [--verbose]
//! ```
//!
//! The instances are read from `--dir`, else `$SHIPDATE_PSPLIB`, else `shared/psplib` in the
//! nearest directory above the repository that has one (as the engine's tests find them).
//! `--set j60` reads `j60/*.sm` against `j60hrs.sm`; `--set j120` reads the instances of
//! `j120/` listed in `j120hrs_1to5.sm`. Best-known makespans are upper bounds, not optima: a
//! run may match or beat one (counted apart).
//!
//! `--every K` runs every K-th instance only (a quick sample). `--set patterson` runs the
//! Patterson set against `patterson_optimum.csv` instead. `--set gen60` / `gen120` runs
//! generated ProGen-like instances of 60 or 120 jobs (`--per N` per parameter cell); with
//! `--reference 500000x3` each is also run 3 times with 500,000 schedules (other seeds) and the
//! default run is compared with the best makespan found. `--exact` runs exact mode. On a
//! generated set, `--exact-reference SECONDS` also runs exact mode on each instance for at
//! most that long: its lower bound is at or below the optimum, so the default run's mean
//! deviation from it bounds the mean deviation from the optimum (and from any best-known
//! makespan) from above; the instances it proves optimal are counted.

use std::time::Instant;

use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::leveling::exact::{solve, ExactOptions};
use shipdate_engine::leveling::{default_budget, level, Options};
use shipdate_engine::schedule::Problem;

#[allow(dead_code)]
#[path = "../engine/tests/behaviour/checker.rs"]
mod checker;

/// The PSPLIB directory: `$SHIPDATE_PSPLIB`, else `shared/psplib` in the nearest directory
/// above the repository that has one.
fn psplib_dir() -> String {
    if let Ok(dir) = std::env::var("SHIPDATE_PSPLIB") {
        return dir;
    }
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared/psplib"))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| panic!("no shared/psplib above {}; pass --dir", here.display()))
        .to_string_lossy()
        .into_owned()
}

/// The reference makespans of a PSPLIB set (`Par Inst Makespan ...` lines), by file name
/// (`{prefix}{par}_{inst}.sm`), sorted by parameter set then instance.
fn references(path: &str, prefix: &str) -> Vec<(String, f64)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() >= 3 {
            if let (Ok(p), Ok(i), Ok(m)) = (
                f[0].parse::<u32>(),
                f[1].parse::<u32>(),
                f[2].parse::<f64>(),
            ) {
                out.push(((p, i), format!("{prefix}{p}_{i}.sm"), m));
            }
        }
    }
    out.sort_by_key(|c| c.0);
    out.into_iter().map(|(_, n, m)| (n, m)).collect()
}

fn main() {
    let mut dir: Option<String> = None;
    let mut schedules = None;
    let mut seed = 1u64;
    let mut every = 1usize;
    let mut set = "j30".to_string();
    let mut verbose = false;
    let mut per = 1usize;
    let mut only: Option<String> = None;
    let mut exact = false;
    let mut nodes: Option<u64> = Some(200);
    let mut reference: Option<(usize, u64)> = None;
    let mut exact_reference: Option<f64> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("a value after the option");
        match a.as_str() {
            "--dir" => dir = Some(value()),
            "--schedules" => schedules = Some(value().parse().expect("a number")),
            "--seed" => seed = value().parse().expect("a number"),
            "--every" => every = value().parse().expect("a number"),
            "--set" => set = value(),
            "--verbose" => verbose = true,
            "--exact" => exact = true,
            "--nodes" => nodes = Some(value().parse().expect("a number")),
            "--only" => only = Some(value()),
            "--per" => per = value().parse().expect("a number"),
            "--reference" => {
                let v = value();
                let (n, k) = v.split_once('x').expect("--reference SCHEDULESxRUNS");
                reference = Some((n.parse().expect("a number"), k.parse().expect("a number")));
            }
            "--exact-reference" => {
                exact_reference = Some(value().parse().expect("seconds"));
            }
            other => panic!("unknown option {other}"),
        }
    }
    let dir = dir.unwrap_or_else(psplib_dir);
    let mut cases: Vec<(String, String, f64)> = Vec::new();
    // J30 and Patterson references are proven optima; J60 and J120 ones best-known makespans.
    let proven_reference = matches!(set.as_str(), "j30" | "patterson");
    let what = if proven_reference {
        "optimum"
    } else {
        "best known"
    };
    if set == "patterson" {
        let csv = std::fs::read_to_string(format!("{dir}/patterson_optimum.csv"))
            .expect("patterson_optimum.csv");
        for line in csv.lines().skip(1) {
            let (file, opt) = line.split_once(',').expect("problem,optimum");
            cases.push((
                file.to_string(),
                format!("{dir}/patterson/{file}"),
                opt.trim().parse().expect("a number"),
            ));
        }
    } else if !set.starts_with("gen") {
        let file = match set.as_str() {
            "j30" => "j30opt.sm",
            "j60" => "j60hrs.sm",
            "j120" => "j120hrs_1to5.sm",
            other => panic!("unknown set {other}"),
        };
        for (n, m) in references(&format!("{dir}/{file}"), &set) {
            cases.push((n.clone(), format!("{dir}/{set}/{n}"), m));
        }
    }
    if let Some(jobs) = set.strip_prefix("gen") {
        return generated(&Generated {
            jobs: jobs.parse().expect("gen60, gen120, ..."),
            per,
            schedules,
            seed,
            every,
            verbose,
            reference,
            exact_reference,
        });
    }
    let cases: Vec<_> = cases
        .into_iter()
        .filter(|c| only.as_ref().is_none_or(|o| &c.0 == o))
        .step_by(every.max(1))
        .collect();
    let format = if set == "patterson" {
        Format::Patterson
    } else {
        Format::Psplib
    };
    let (mut dev_sum, mut optimal, mut proven, mut total_time, mut worst) =
        (0.0, 0usize, 0usize, 0.0, (0.0, String::new()));
    let (mut total_schedules, mut below, mut slowest) = (0usize, 0usize, (0.0, String::new()));
    for (name, path, opt) in &cases {
        let text = std::fs::read_to_string(path).expect("instance file");
        let plan = parse_str(&text, format).expect("a valid instance");
        let t0 = Instant::now();
        let problem = Problem::new(&plan);
        let options = Options { schedules, seed };
        let (best, note) = if exact {
            let e = solve(
                &plan,
                &problem,
                &ExactOptions {
                    heuristic: options,
                    node_limit: nodes,
                    ..ExactOptions::default()
                },
            )
            .expect("an integral instance");
            let note = format!(
                " [exact: {} solves, {} nodes, {} branch nodes, gap {:.3}, {:?}]",
                e.solves, e.nodes, e.branch_nodes, e.gap, e.stopped
            );
            (e.best, note)
        } else {
            (level(&plan, &problem, &options), String::new())
        };
        let secs = t0.elapsed().as_secs_f64();
        let violations = checker::check(&plan, &best.start, &best.finish);
        assert!(
            violations.is_empty(),
            "{name}: the checker rejects the schedule: {violations:#?}"
        );
        let makespan = *best.fitness.last().unwrap();
        let dev = (makespan - opt) / opt;
        assert!(
            !proven_reference || dev >= -1e-9,
            "{name}: makespan {makespan} below the optimum {opt}"
        );
        dev_sum += dev;
        optimal += usize::from(dev.abs() < 1e-9);
        below += usize::from(dev < -1e-9);
        proven += usize::from(best.optimal);
        total_time += secs;
        total_schedules += best.schedules;
        if dev > worst.0 {
            worst = (dev, name.clone());
        }
        if secs > slowest.0 {
            slowest = (secs, name.clone());
        }
        if verbose || dev > 1e-9 || (exact && !best.optimal) {
            println!(
                "{name}: {makespan} ({what} {opt}, bound {}) {:.3} s, {} schedules{note}",
                best.lower_bound.last().unwrap(),
                secs,
                best.schedules
            );
        }
    }
    let k = cases.len() as f64;
    println!(
        "{} instances ({set}), schedules {}, seed {seed}, every schedule accepted by the checker",
        cases.len(),
        schedules.map_or_else(
            || {
                // PSPLIB counts the dummy start and end jobs as tasks.
                let tasks = match set.as_str() {
                    "j60" => 62,
                    "j120" => 122,
                    _ => 32,
                };
                format!(
                    "default ({} for {tasks} tasks)",
                    default_budget(tasks, true)
                )
            },
            |s| s.to_string()
        )
    );
    println!("mean deviation from {what}: {:.4}%", 100.0 * dev_sum / k);
    if proven_reference {
        println!(
            "solved optimally: {optimal}/{} ({:.1}%), proven optimal by the lower bound: {proven}",
            cases.len(),
            100.0 * optimal as f64 / k
        );
    } else {
        println!(
            "at the best known: {optimal}/{} ({:.1}%), below it: {below}, proven optimal by \
             the lower bound: {proven}",
            cases.len(),
            100.0 * optimal as f64 / k
        );
    }
    println!(
        "mean time per instance: {:.4} s (total {:.2} s, slowest {} in {:.3} s), mean schedules \
         {:.0}",
        total_time / k,
        total_time,
        slowest.1,
        slowest.0,
        total_schedules as f64 / k
    );
    if worst.0 > 0.0 {
        println!("worst: {} at {:.2}%", worst.1, 100.0 * worst.0);
    }
}

/// Generated ProGen-like instances (J30/J60 parameters for up to 60 jobs, J120 ones above):
/// prints the mean deviation from the lower bound and from the critical-path bound.
/// A run over generated instances.
struct Generated {
    jobs: usize,
    per: usize,
    schedules: Option<usize>,
    seed: u64,
    every: usize,
    verbose: bool,
    reference: Option<(usize, u64)>,
    exact_reference: Option<f64>,
}

fn generated(run: &Generated) {
    let &Generated {
        jobs,
        per,
        schedules,
        seed,
        every,
        verbose,
        reference,
        exact_reference,
    } = run;
    use shipdate_engine::leveling::generate::{rcpsp, RcpspParams};
    let strengths: &[f64] = if jobs > 60 {
        &[0.1, 0.2, 0.3, 0.4, 0.5]
    } else {
        &[0.2, 0.5, 0.7, 1.0]
    };
    let mut params = Vec::new();
    for &complexity in &[1.5, 1.8, 2.1] {
        for &factor in &[0.25, 0.5, 0.75, 1.0] {
            for &strength in strengths {
                for i in 0..per {
                    params.push((
                        RcpspParams {
                            jobs,
                            complexity,
                            factor,
                            strength,
                        },
                        (params.len() * 7919 + i) as u64,
                    ));
                }
            }
        }
    }
    let params: Vec<_> = params.into_iter().step_by(every.max(1)).collect();
    let (mut dev_lb, mut dev_cpm, mut sum_ms, mut time, mut proven) = (0.0, 0.0, 0.0, 0.0, 0);
    let (mut dev_ref, mut worst_ref) = (0.0, 0.0f64);
    let (mut dev_exact_lb, mut worst_exact_lb, mut dev_exact_ub) = (0.0, 0.0f64, 0.0);
    let (mut exact_proven, mut exact_time) = (0usize, 0.0);
    for (p, s) in &params {
        let plan = rcpsp(*p, *s);
        let t0 = Instant::now();
        let problem = Problem::new(&plan);
        let best = level(&plan, &problem, &Options { schedules, seed });
        let secs = t0.elapsed().as_secs_f64();
        let ms = *best.fitness.last().unwrap();
        let lb = *best.lower_bound.last().unwrap();
        let cpm = shipdate_engine::graph::cpm(&plan, problem.timeline(), problem.point_durations())
            .makespan;
        dev_lb += (ms - lb) / lb;
        dev_cpm += (ms - cpm) / cpm;
        sum_ms += ms;
        time += secs;
        proven += usize::from(best.optimal);
        // The best makespan known here: the default run and `runs` longer runs (other seeds).
        let mut best_known = ms;
        if let Some((n, runs)) = reference {
            for r in 1..=runs {
                let long = level(
                    &plan,
                    &problem,
                    &Options {
                        schedules: Some(n),
                        seed: seed.wrapping_add(1000 * r),
                    },
                );
                best_known = best_known.min(*long.fitness.last().unwrap());
            }
            dev_ref += (ms - best_known) / best_known;
            worst_ref = worst_ref.max((ms - best_known) / best_known);
        }
        // Exact mode's bound, under a wall-clock limit.
        let mut exact_note = String::new();
        if let Some(limit) = exact_reference {
            let t0 = Instant::now();
            let stop = || t0.elapsed().as_secs_f64() > limit;
            let e = shipdate_engine::leveling::exact::solve_until(
                &plan,
                &problem,
                &ExactOptions::default(),
                Some(&stop),
            )
            .expect("an integral instance");
            let (ub, lb) = (
                *e.best.fitness.last().unwrap(),
                *e.best.lower_bound.last().unwrap(),
            );
            best_known = best_known.min(ub);
            exact_proven += usize::from(e.best.optimal);
            dev_exact_lb += (ms - lb) / lb;
            worst_exact_lb = worst_exact_lb.max((ms - lb) / lb);
            dev_exact_ub += (ms - ub) / ub;
            exact_time += t0.elapsed().as_secs_f64();
            exact_note = format!(
                ", exact {ub} bound {lb}{} in {:.1} s",
                if e.best.optimal { " (proven)" } else { "" },
                t0.elapsed().as_secs_f64()
            );
        }
        if verbose {
            println!(
                "{}: {ms} (bound {lb}, cpm {cpm}, best known {best_known}) {secs:.3} s, {} \
                 schedules{exact_note}",
                plan.name, best.schedules
            );
        }
    }
    let k = params.len() as f64;
    println!(
        "{} generated instances of {jobs} jobs, seed {seed}",
        params.len()
    );
    println!(
        "mean deviation from the critical-path bound: {:.3}%",
        100.0 * dev_cpm / k
    );
    println!(
        "mean deviation from the lower bound: {:.3}% (proven optimal: {proven})",
        100.0 * dev_lb / k
    );
    if let Some((n, runs)) = reference {
        println!(
            "mean deviation from the best makespan known here (best of the default run and \
             {runs} runs of {n} schedules): {:.3}% (worst {:.2}%)",
            100.0 * dev_ref / k,
            100.0 * worst_ref
        );
    }
    if let Some(limit) = exact_reference {
        println!(
            "exact mode ({limit} s per instance, {:.1} s mean): {exact_proven} proven optimal; \
             the default run's mean deviation from its lower bound {:.3}% (worst {:.2}%), \
             from its schedule {:.3}%",
            exact_time / k,
            100.0 * dev_exact_lb / k,
            100.0 * worst_exact_lb,
            100.0 * dev_exact_ub / k
        );
    }
    println!(
        "sum of makespans: {sum_ms}; mean time per instance: {:.4} s",
        time / k
    );
}
