//! `shipdate schedule`'s search options through the real binary: the leveller's seed and
//! budget, exact mode and the time limit, on PSPLIB and Patterson instances.

use shipdate_engine::io::{parse_str, Format};

use crate::checker;
use crate::util::{psplib_dir, scratch, shipdate as run};

fn shipdate(args: &[&str]) -> (bool, String, String) {
    let r = run(args);
    (r.success(), r.stdout, r.stderr)
}

/// `shipdate schedule` with a seed and a schedule budget prints the same JSON every run, with
/// the search summary.
#[test]
fn cli_schedule_is_reproducible_and_reports_its_search() {
    let file = format!("{}/j30/j3013_7.sm", psplib_dir());
    let args = [
        "schedule",
        &file,
        "--format",
        "json",
        "--seed",
        "5",
        "--schedules",
        "3000",
    ];
    let (ok, a, err) = shipdate(&args);
    assert!(ok, "{err}");
    let (_, b, _) = shipdate(&args);
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["search"]["method"], "genetic algorithm");
    assert_eq!(v["search"]["seed"], 5);
    assert!(v["search"]["schedules"].as_u64().unwrap() <= 3000);
    assert!(v["makespan"].as_f64().unwrap() >= 77.0);
}

/// `--optimal` proves a Patterson instance and says so; `--time-limit 0` still gives a feasible
/// schedule and says the limit stopped the search.
#[test]
fn cli_optimal_and_time_limit() {
    let file = format!("{}/patterson/pat1.rcp", psplib_dir());
    let (ok, out, err) = shipdate(&["schedule", &file, "--optimal", "--format", "json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["makespan"], 19.0);
    assert_eq!(v["search"]["method"], "exact");
    assert_eq!(v["search"]["optimal"], true);
    assert_eq!(v["search"]["gap"], 0.0);
    let (ok, out, _) = shipdate(&["schedule", &file, "--optimal"]);
    assert!(ok);
    assert!(out.contains("proven optimal"), "{out}");

    let file = format!("{}/j30/j3013_7.sm", psplib_dir());
    let (ok, out, err) = shipdate(&["schedule", &file, "--time-limit", "0", "--format", "json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["search"]["stopped_early"], true);
    let src = std::fs::read_to_string(&file).unwrap();
    let plan = parse_str(&src, Format::Psplib).unwrap();
    let start: Vec<f64> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["start"].as_f64().unwrap())
        .collect();
    let finish: Vec<f64> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["finish"].as_f64().unwrap())
        .collect();
    assert!(checker::check(&plan, &start, &finish).is_empty());

    // Given no time, exact mode on a hard instance reports its gap and a feasible schedule.
    let file = format!("{}/j30/j3013_1.sm", psplib_dir());
    let args = ["schedule", &file, "--optimal", "--time-limit", "0"];
    let (ok, out, err) = shipdate(&[&args[..], &["--format", "json"]].concat());
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["search"]["method"], "exact");
    assert_eq!(v["search"]["optimal"], false);
    let gap = v["search"]["gap"].as_f64().unwrap();
    assert!(gap > 0.0 && gap < 1.0, "{gap}");
    let (ok, out, _) = shipdate(&args);
    assert!(ok);
    assert!(out.contains("not proven optimal (gap "), "{out}");

    // Exact mode on fractional durations is an error (exit 1), not a wrong answer.
    let dir = scratch("leveling-cli-frac");
    let plan = dir.join("frac.toml");
    std::fs::write(
        &plan,
        "[plan]\nname = \"f\"\n[[tasks]]\nid = \"a\"\nestimate = 2.5\n",
    )
    .unwrap();
    let out = run(&["schedule", plan.to_str().unwrap(), "--optimal"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("whole-number"), "{}", out.stderr);
}
