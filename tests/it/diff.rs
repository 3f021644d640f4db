//! `shipdate diff OLD NEW` on the weekly versions of examples/history: the old and new numbers
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
            let mut sim = |file: &str| {
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
