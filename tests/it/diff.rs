//! `shipdate diff OLD NEW` and `shipdate trend` on the weekly versions of examples/history: the old and new numbers
//! are those of plain `simulate` runs, the parts of every release's P80 change add up to it
//! exactly, the table and the markdown note, located errors from both files in one run.

use serde_json::Value;

use crate::util::{path, scratch, shipdate};

const W2: &str = "examples/history/checkout-2027-01-11.toml";
const W3: &str = "examples/history/checkout-2027-01-18.toml";
const W4: &str = "examples/history/checkout-2027-01-25.toml";

fn json(args: &[&str]) -> Value {
    let r = shipdate(args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).expect("JSON")
}

fn release<'a>(sim: &'a Value, id: &str) -> &'a Value {
    sim["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .expect("the release")
}

#[test]
fn old_and_new_numbers_are_plain_simulate_runs_and_parts_add_up() {
    for (old, new) in [(W2, W3), (W3, W4), (W2, W4)] {
        for mode in [&[][..], &["--ignore-capacity"][..]] {
            let (o, n) = (path(old), path(new));
            let mut args = vec![
                "diff", &o, &n, "-n", "1500", "--seed", "9", "--format", "json",
            ];
            args.extend_from_slice(mode);
            let d = json(&args);
            let sim = |file: &str| {
                let mut a = vec![
                    "simulate", file, "-n", "1500", "--seed", "9", "--format", "json",
                ];
                a.extend_from_slice(mode);
                json(&a)
            };
            let (so, sn) = (sim(&o), sim(&n));
            assert!(!d["changes"].as_array().unwrap().is_empty());
            for r in d["releases"].as_array().unwrap() {
                let id = r["id"].as_str().unwrap();
                for (side, s) in [("old", &so), ("new", &sn)] {
                    let plain = release(s, id);
                    assert_eq!(r[side]["p50"], plain["ready"]["p50"], "{id} {side}");
                    assert_eq!(r[side]["p80"], plain["ready"]["p80"], "{id} {side}");
                    assert_eq!(
                        r[side]["p80_date"], plain["ready_date"]["p80"],
                        "{id} {side}"
                    );
                    assert_eq!(
                        r[side]["on_time_probability"], plain["on_time_probability"],
                        "{id} {side}"
                    );
                }
                let total = r["p80_change"].as_f64().unwrap();
                assert_eq!(
                    total,
                    r["new"]["p80"].as_f64().unwrap() - r["old"]["p80"].as_f64().unwrap()
                );
                let sum = r["attribution"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .fold(0.0, |s, p| s + p["p80_change"].as_f64().unwrap());
                assert_eq!(sum, total, "{old} -> {new} {mode:?} {id}: {r}");
            }
        }
    }
}

#[test]
fn the_table_and_the_status_note_say_what_moved_and_why() {
    let (o, n) = (path(W2), path(W3));
    let r = shipdate(&["diff", &o, &n, "-n", "1500"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for want in [
        "6 change(s)",
        "status date",
        "estimate     api            6/8/14",
        "psp-sandbox",
        "2027.1",
        "Why (each change applied in turn",
    ] {
        assert!(r.stdout.contains(want), "{want}: {}", r.stdout);
    }
    let r = shipdate(&["diff", &o, &n, "-n", "1500", "--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("- **2027.1**: P80 2027-"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("working days since"), "{}", r.stdout);
    assert!(r.stdout.contains("on time (was"), "{}", r.stdout);
    assert!(r.stdout.contains("Why: #"), "{}", r.stdout);
    // A plan against itself: no changes, no moves.
    let r = shipdate(&["diff", &o, &o, "-n", "500", "--format", "json"]);
    let d: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(d["changes"].as_array().unwrap().len(), 0);
    for rel in d["releases"].as_array().unwrap() {
        assert_eq!(rel["p80_change"], 0.0);
        assert_eq!(rel["attribution"].as_array().unwrap().len(), 0);
    }
}

#[test]
fn errors_in_both_versions_are_located_in_one_run() {
    let dir = scratch("diff_errors");
    let bad_old = dir.join("old.toml");
    let bad_new = dir.join("new.toml");
    std::fs::write(
        &bad_old,
        "[plan]\nname = \"x\"\n[[tasks]]\nid = \"a\"\nestimate = -1\n",
    )
    .unwrap();
    std::fs::write(
        &bad_new,
        "[plan]\nname = \"x\"\n[[tasks]]\nid = \"a\"\nafter = [\"b\"]\n",
    )
    .unwrap();
    let (o, n) = (bad_old.to_string_lossy(), bad_new.to_string_lossy());
    let r = shipdate(&["diff", &o, &n]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{o}:5:")), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{n}:5:")), "{}", r.stderr);
}

/// `shipdate trend` over the three weekly versions (given out of order): one row per status
/// date, oldest first, each release's deploy P50/P80 equal to plain `simulate` runs; the JSON,
/// the chart and the report's section.
#[test]
fn trend_orders_versions_by_status_date_with_plain_simulate_numbers() {
    let files = [path(W3), path(W4), path(W2)];
    let mut args = vec!["trend"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["-n", "1000", "--seed", "5", "--format", "json"]);
    let t = json(&args);
    let points = t["points"].as_array().unwrap();
    let status: Vec<&str> = points
        .iter()
        .map(|p| p["status_date"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["2027-01-11", "2027-01-18", "2027-01-25"]);
    assert_eq!(
        points
            .iter()
            .map(|p| p["version"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [2, 0, 1]
    );
    for p in points {
        let file = &files[p["version"].as_u64().unwrap() as usize];
        let sim = json(&[
            "simulate", file, "-n", "1000", "--seed", "5", "--format", "json",
        ]);
        for r in p["releases"].as_array().unwrap() {
            let plain = release(&sim, r["id"].as_str().unwrap());
            assert_eq!(r["p50_date"], plain["deploy_date"]["p50"]);
            assert_eq!(r["p80_date"], plain["deploy_date"]["p80"]);
            assert_eq!(r["on_time_probability"], plain["on_time_probability"]);
        }
    }

    let dir = scratch("trend_cli");
    let chart = dir.join("trend.svg");
    let mut args = vec!["trend"];
    args.extend(files.iter().map(String::as_str));
    let chart_arg = chart.to_string_lossy().into_owned();
    args.extend(["-n", "500", "--chart", &chart_arg]);
    let r = shipdate(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("2027-01-11") && r.stdout.contains("2027.3"),
        "{}",
        r.stdout
    );
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert_eq!(svg.matches("class=\"p80\"").count(), 3, "{svg}");
    assert_eq!(svg.matches("<circle").count(), 3 * 3 * 2);

    let page = dir.join("report.html");
    let page_arg = page.to_string_lossy().into_owned();
    let mut args = vec!["report", &files[1], "-o", &page_arg, "-n", "500", "--trend"];
    args.extend(files.iter().map(String::as_str));
    let r = shipdate(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<section id=\"trend\"><h2>Milestone trend</h2>"));
    assert!(html.contains("class=\"diagonal\""));

    // A version without a status date is refused, named, exit 2.
    let plain = path("examples/checkout.toml");
    let r = shipdate(&["trend", &files[0], &plain]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{plain}: no status date")),
        "{}",
        r.stderr
    );
}

#[test]
fn an_undated_plans_moves_are_in_periods() {
    let dir = scratch("diff-undated");
    let plan = "[plan]\nname = \"u\"\n[[tasks]]\nid = \"a\"\nestimate = 3\n\
                [[releases]]\nid = \"r\"\ntasks = [\"a\"]\n";
    let old = dir.join("old.toml");
    let new = dir.join("new.toml");
    std::fs::write(&old, plan).unwrap();
    std::fs::write(&new, plan.replace("estimate = 3", "estimate = 5")).unwrap();
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let r = shipdate(&["diff", o, n, "-n", "200"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("move (periods)"), "{}", r.stdout);
    assert!(!r.stdout.contains("working days"), "{}", r.stdout);
    let r = shipdate(&["diff", o, n, "-n", "200", "--format", "markdown"]);
    assert!(r.stdout.contains("(+2.0 periods since "), "{}", r.stdout);
}
