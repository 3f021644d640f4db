//! The leveller (genetic algorithm with forward-backward improvement) and the exact mode,
//! against PSPLIB's proven optima, the Patterson optima, brute force and the independent
//! checker.

use shipdate_engine::dispatch::{schedule_with, Method};
use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::leveling::exact::{solve, solve_until, ExactOptions, Stop};
use shipdate_engine::leveling::generate::{rcpsp, release_plan, RcpspParams};
use shipdate_engine::leveling::{level, level_until, Leveled, Options};
use shipdate_engine::model::Plan;
use shipdate_engine::schedule::{Problem, Sgs};

use crate::checker;
use crate::psplib::{j30_files, j30_optima};
use crate::util::psplib_dir;

fn read(path: &std::path::Path, format: Format) -> Plan {
    let src = std::fs::read_to_string(path).unwrap();
    parse_str(&src, format).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
}

/// Asserts the checker accepts the schedule, that the general serial scheme reproduces it
/// from its order, and that the fitness is what the schedule says.
fn accepted(plan: &Plan, got: &Leveled, what: &str) {
    let v = checker::check(plan, &got.start, &got.finish);
    assert!(v.is_empty(), "{what}: checker rejects: {v:#?}");
    let p = Problem::new(plan);
    let n = p.len();
    let (mut s, mut f) = (vec![0.0; n], vec![0.0; n]);
    Sgs::new(&p).run(&p, p.point_durations(), &got.order, &mut s, &mut f);
    assert_eq!(
        (&s, &f),
        (&got.start, &got.finish),
        "{what}: order does not reproduce"
    );
    let makespan = got.finish.iter().copied().fold(0.0, f64::max);
    assert_eq!(*got.fitness.last().unwrap(), makespan, "{what}");
    for (r, rel) in plan.releases.iter().enumerate() {
        let ready = rel.tasks.iter().map(|&j| got.finish[j]).fold(0.0, f64::max);
        assert_eq!(got.fitness[r], ready, "{what}: release {}", rel.id);
    }
    for (l, x) in got.lower_bound.iter().zip(&got.fitness) {
        assert!(l <= x, "{what}: bound {l} above value {x}");
    }
}

/// Every J30 instance with default settings: mean deviation from the proven optimum at most
/// 0.05%, every schedule accepted, no makespan below the optimum, and every claim of
/// optimality true.
#[test]
fn j30_default_settings_within_five_hundredths_of_a_percent() {
    let optima = j30_optima();
    let files = j30_files();
    assert_eq!(files.len(), 480);
    let (mut dev, mut optimal) = (0.0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let plan = read(path, Format::Psplib);
        let problem = Problem::new(&plan);
        let got = level(&plan, &problem, &Options::default());
        accepted(&plan, &got, &name);
        let opt = optima[&name];
        let ms = *got.fitness.last().unwrap();
        assert!(ms >= opt, "{name}: {ms} below the optimum {opt}");
        if got.optimal {
            assert_eq!(ms, opt, "{name}: claimed optimal");
        }
        dev += (ms - opt) / opt;
        optimal += usize::from(ms == opt);
    }
    let mean = 100.0 * dev / 480.0;
    eprintln!("J30 default: mean deviation {mean:.4}%, optimal {optimal}/480");
    assert!(mean <= 0.05, "mean deviation {mean:.4}%");
}

fn patterson() -> Vec<(String, f64)> {
    let csv = std::fs::read_to_string(format!("{}/patterson_optimum.csv", psplib_dir())).unwrap();
    csv.lines()
        .skip(1)
        .map(|l| {
            let (f, o) = l.split_once(',').unwrap();
            (f.to_string(), o.trim().parse().unwrap())
        })
        .collect()
}

/// Exact mode on the Patterson set: every instance proven at its published optimum, with the
/// default heuristic first and with a single schedule first (then the branch and bound must
/// find the better schedules itself as well as prove the last one optimal).
#[test]
fn exact_mode_proves_the_patterson_optima() {
    let cases = patterson();
    assert_eq!(cases.len(), 110);
    for schedules in [None, Some(1)] {
        for (file, opt) in &cases {
            let plan = read(
                &std::path::PathBuf::from(format!("{}/patterson/{file}", psplib_dir())),
                Format::Patterson,
            );
            let problem = Problem::new(&plan);
            let options = ExactOptions {
                heuristic: Options { schedules, seed: 1 },
                ..ExactOptions::default()
            };
            let e = solve(&plan, &problem, &options).unwrap();
            accepted(&plan, &e.best, file);
            let ms = *e.best.fitness.last().unwrap();
            assert_eq!(ms, *opt, "{file}: {ms}, published optimum {opt}");
            assert!(e.best.optimal, "{file}: not proven, {:?}", e.stopped);
            assert_eq!(e.gap, 0.0);
            assert!(e.stopped.is_none());
            assert_eq!(*e.best.lower_bound.last().unwrap(), *opt);
        }
    }
}

/// Exact mode on a J30 sample (instance 1 of parameter groups 1, 5, ..., 45, the tight,
/// low-resource-strength groups among them): every one proven at its published optimum, from
/// the default heuristic and from a single schedule.
#[test]
fn exact_mode_on_a_j30_sample() {
    let optima = j30_optima();
    for schedules in [None, Some(1)] {
        for group in (1..=45).step_by(4) {
            let name = format!("j30{group}_1.sm");
            let plan = read(
                &std::path::PathBuf::from(format!("{}/j30/{name}", psplib_dir())),
                Format::Psplib,
            );
            let problem = Problem::new(&plan);
            let options = ExactOptions {
                heuristic: Options { schedules, seed: 1 },
                ..ExactOptions::default()
            };
            let e = solve(&plan, &problem, &options).unwrap();
            accepted(&plan, &e.best, &name);
            let opt = optima[&name];
            assert!(e.best.optimal, "{name}: not proven, {:?}", e.stopped);
            assert_eq!(*e.best.fitness.last().unwrap(), opt, "{name}");
            assert_eq!(*e.best.lower_bound.last().unwrap(), opt, "{name}");
        }
    }
}

/// With too little room to search, exact mode stops with a gap and still gives a feasible
/// schedule: pat19 is not settled by the heuristic and the bounds alone (its default proof
/// needs a search), so a zero time limit, or node budgets of 0 or 5 for the branch and bound
/// with the other searches starved, stop it short.
#[test]
fn exact_mode_reports_a_gap_when_stopped() {
    let plan = read(
        &std::path::PathBuf::from(format!("{}/patterson/pat19.rcp", psplib_dir())),
        Format::Patterson,
    );
    let problem = Problem::new(&plan);
    for options in [
        ExactOptions {
            node_limit: Some(1),
            search_nodes: 0,
            branch_nodes: 0,
            ..ExactOptions::default()
        },
        ExactOptions {
            time_limit: Some(0.0),
            ..ExactOptions::default()
        },
        ExactOptions {
            max_binaries: 10,
            search_nodes: 0,
            branch_nodes: 0,
            ..ExactOptions::default()
        },
        ExactOptions {
            branch_nodes: 5,
            node_limit: Some(1),
            search_nodes: 0,
            ..ExactOptions::default()
        },
    ] {
        let e = solve(&plan, &problem, &options).unwrap();
        accepted(&plan, &e.best, "pat19");
        assert!(!e.best.optimal);
        let (ub, lb) = (
            *e.best.fitness.last().unwrap(),
            *e.best.lower_bound.last().unwrap(),
        );
        assert!(lb < ub);
        assert!(
            (e.gap - (ub - lb) / ub).abs() < 1e-12,
            "{} vs {ub} {lb}",
            e.gap
        );
        assert!(e.gap > 0.0);
        assert!(e.stopped.is_some());
        if options.max_binaries == 10 {
            assert!(matches!(e.stopped, Some(Stop::ModelTooLarge(_))));
        }
    }
}

/// The caller's stop function ends exact mode wherever it is, with the best schedule so far, a
/// valid bound, a gap and `TimeLimit` (the CLI gives it a wall-clock deadline). Here it counts
/// its calls: a first run learns how many checks the whole proof makes, then runs stopped
/// after the heuristic, and one check before the end, both stop there.
#[test]
fn exact_mode_stops_when_the_caller_says() {
    let name = "j3017_1.sm";
    let plan = read(
        &std::path::PathBuf::from(format!("{}/j30/{name}", psplib_dir())),
        Format::Psplib,
    );
    let problem = Problem::new(&plan);
    let opt = j30_optima()[name];
    let run = |limit: u64| {
        let calls = std::cell::Cell::new(0u64);
        let stop = || {
            calls.set(calls.get() + 1);
            calls.get() > limit
        };
        let e = solve_until(&plan, &problem, &ExactOptions::default(), Some(&stop)).unwrap();
        accepted(&plan, &e.best, name);
        (e, calls.get())
    };
    let (full, total) = run(u64::MAX);
    assert!(full.best.optimal, "the instance is proven without a limit");
    assert_eq!(*full.best.fitness.last().unwrap(), opt);
    // The heuristic's own checks come first; the proof's (questions, shaving rounds, search
    // nodes) after them.
    let calls = std::cell::Cell::new(0u64);
    let count = || {
        calls.set(calls.get() + 1);
        false
    };
    level_until(&plan, &problem, &Options::default(), Some(&count));
    let heuristic = calls.get();
    assert!(
        total > heuristic + 2,
        "{total} checks, {heuristic} by the heuristic"
    );
    for limit in [heuristic + 1, total - 2] {
        let (e, calls) = run(limit);
        assert_eq!(e.stopped, Some(Stop::TimeLimit), "limit {limit}");
        assert_eq!(calls, limit + 1, "stops at the first check past the limit");
        assert!(!e.best.optimal && e.gap > 0.0);
        let (ub, lb) = (
            *e.best.fitness.last().unwrap(),
            *e.best.lower_bound.last().unwrap(),
        );
        assert!(
            lb <= opt && opt <= ub,
            "bound {lb}, value {ub}, optimum {opt}"
        );
    }
}

/// Exact mode refuses what its grid cannot represent.
#[test]
fn exact_mode_needs_whole_numbers() {
    let plan = parse_str(
        "[plan]\nname = \"x\"\n[[tasks]]\nid = \"a\"\nestimate = 2.5\n",
        Format::Toml,
    )
    .unwrap();
    assert!(solve(&plan, &Problem::new(&plan), &ExactOptions::default()).is_err());
}

/// The same seed gives the same schedule, run after run and from several threads at once;
/// on the integer grid and on the general scheme (a dated plan with calendars).
#[test]
fn same_seed_same_schedule_on_any_thread() {
    let plans = [
        read(&j30_files()[200], Format::Psplib),
        release_plan(120, 4, 3, 5),
    ];
    for plan in &plans {
        let options = Options {
            schedules: Some(3000),
            seed: 42,
        };
        let problem = Problem::new(plan);
        let first = level(plan, &problem, &options);
        let again = level(plan, &problem, &options);
        assert_eq!(first, again);
        let from_threads: Vec<Leveled> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..3)
                .map(|_| s.spawn(|| level(plan, &Problem::new(plan), &options)))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for got in from_threads {
            assert_eq!(got, first);
        }
    }
}

/// Release plans with calendars, time off and every link type (the general scheme): accepted
/// by the checker, never worse than the release-first priority rule, and each release never
/// ready before its critical-path bound.
#[test]
fn release_plans_level_feasibly_and_beat_the_priority_rule() {
    for seed in 0..6 {
        let plan = release_plan(150, 5, 3, seed);
        let problem = Problem::new(&plan);
        let got = level(
            &plan,
            &problem,
            &Options {
                schedules: Some(2000),
                seed,
            },
        );
        accepted(&plan, &got, &format!("release plan {seed}"));
        let rule = schedule_with(&plan, &Method::PriorityRule, None).unwrap();
        let mut rule_fit: Vec<f64> = rule.releases.iter().map(|r| r.ready).collect();
        rule_fit.push(rule.makespan);
        let better_or_equal = got
            .fitness
            .iter()
            .zip(&rule_fit)
            .find(|(a, b)| (*a - *b).abs() > 1e-9)
            .is_none_or(|(a, b)| a < b);
        assert!(
            better_or_equal,
            "seed {seed}: {:?} vs rule {rule_fit:?}",
            got.fitness
        );
    }
}

/// Generated 60- and 120-job instances: feasible, and clearly better than the priority rule.
#[test]
fn generated_large_instances_are_feasible_and_improved() {
    let mut gain = 0.0;
    let mut count = 0.0;
    for (jobs, strength) in [(60, 0.3), (60, 0.5), (120, 0.2), (120, 0.4)] {
        for seed in 0..2 {
            let plan = rcpsp(
                RcpspParams {
                    jobs,
                    complexity: 1.8,
                    factor: 0.75,
                    strength,
                },
                seed,
            );
            let problem = Problem::new(&plan);
            let got = level(
                &plan,
                &problem,
                &Options {
                    schedules: Some(5000),
                    seed: 1,
                },
            );
            accepted(&plan, &got, &plan.name);
            let rule = schedule_with(&plan, &Method::PriorityRule, None).unwrap();
            let ms = *got.fitness.last().unwrap();
            assert!(ms <= rule.makespan, "{}", plan.name);
            gain += (rule.makespan - ms) / rule.makespan;
            count += 1.0;
        }
    }
    assert!(
        gain / count > 0.03,
        "mean gain over the priority rule {:.3}",
        gain / count
    );
}

/// A hand-checked release-first case: one developer; release r1 needs only `small` (2 days),
/// r2 needs `big` (5 days). Release-first must run `small` first (r1 ready at 2, r2 at 7) even
/// though file order lists `big` first.
#[test]
fn earlier_release_goes_first() {
    let plan = parse_str(
        r#"
[plan]
name = "r"
[teams.dev]
capacity = 1
[[tasks]]
id = "big"
team = "dev"
estimate = 5
[[tasks]]
id = "small"
team = "dev"
estimate = 2
[[releases]]
id = "r1"
tasks = ["small"]
[[releases]]
id = "r2"
tasks = ["big"]
"#,
        Format::Toml,
    )
    .unwrap();
    let got = level(&plan, &Problem::new(&plan), &Options::default());
    accepted(&plan, &got, "releases");
    assert_eq!(got.fitness, vec![2.0, 7.0, 7.0]);
    // The bound is componentwise (r2 alone could be ready at 5), so optimality is not claimed.
    assert_eq!(got.lower_bound, vec![2.0, 5.0, 7.0]);
    assert!(!got.optimal);
}
