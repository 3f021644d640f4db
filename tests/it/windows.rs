//! `shipdate windows` through the real binary: SPEC section 5's worked example and its twin,
//! a dated plan with hand-computed bucket capacities, formats, the time limit and errors.

use serde_json::{json, Value};

use crate::util::{data, shipdate_stdin, EXAMPLE};

/// Exit code, standard output and standard error of a run with `stdin` as its input.
fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let r = shipdate_stdin(args, stdin);
    (r.code, r.stdout, r.stderr)
}

fn json_of(file: &str) -> Value {
    let (code, out, err) = run(&["windows", &data(file), "--format", "json"], None);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON")
}

fn release<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("release {id}"))
}

#[test]
fn worked_example_json_gives_the_spec_answer() {
    let v = json_of("windows-worked.toml");
    assert_eq!(v["windows"], json!([5.0, 10.0]));
    let r1 = release(&v, "r1");
    assert_eq!(r1["window"], json!(5.0));
    assert_eq!(r1["on_time"], json!(true));
    assert_eq!(r1["unscheduled"], json!(false));
    assert_eq!(r1["cut"], json!(["b"]));
    let r2 = release(&v, "r2");
    assert_eq!(r2["window"], json!(10.0));
    assert_eq!(r2["on_time"], json!(true));
    assert_eq!(r2["cut"], json!([]));
    assert_eq!(v["overload"], json!([]));
    assert_eq!(v["status"]["optimal"], json!(true));
    // a rides the first train (4 of 5), c the second (3 of 5).
    let load: Vec<(f64, f64)> = v["load"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["work"].as_f64().unwrap(), l["capacity"].as_f64().unwrap()))
        .collect();
    assert_eq!(load, vec![(4.0, 5.0), (3.0, 5.0)]);
}

#[test]
fn worked_example_twin_reports_late_unscheduled_and_the_overload() {
    let v = json_of("windows-worked-twin.toml");
    let r1 = release(&v, "r1");
    assert_eq!(r1["window"], json!(10.0));
    assert_eq!(r1["on_time"], json!(false));
    assert_eq!(r1["unscheduled"], json!(false));
    let r2 = release(&v, "r2");
    assert_eq!(r2["window"], Value::Null);
    assert_eq!(r2["unscheduled"], json!(true));
    assert_eq!(r2["unplaced"], json!(["c"]));
    let overload = v["overload"].as_array().unwrap();
    assert_eq!(overload.len(), 1);
    assert_eq!(overload[0]["team"], json!("be"));
    assert_eq!(overload[0]["by_window"], json!(10.0));
    assert_eq!(overload[0]["missing"], json!(1.0));
    assert_eq!(overload[0]["message"], json!("be lacks 1 unit by 10"));

    let (code, table, err) = run(&["windows", &data("windows-worked-twin.toml")], None);
    assert_eq!(code, 0, "{err}");
    assert!(table.contains("be lacks 1 unit by 10"), "{table}");
    assert!(table.contains("unscheduled: c cannot be placed"), "{table}");
    assert!(table.contains("late"), "{table}");
}

#[test]
fn worked_example_table_lists_releases_and_load_bars() {
    let (code, out, err) = run(&["windows", &data("windows-worked.toml")], None);
    assert_eq!(code, 0, "{err}");
    let line = |start: &str| {
        out.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line {start:?} in\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(line("r1 "), ["r1", "5", "1", "5", "on", "time", "b"]);
    assert_eq!(line("r2 "), ["r2", "10", "2", "10", "on", "time"]);
    // be: 4 of 5 then 3 of 5, 20-character bars.
    let bars: Vec<&str> = out.lines().filter(|l| l.starts_with("be ")).collect();
    assert_eq!(bars.len(), 2, "{out}");
    assert!(bars[0].ends_with(&format!("{}{}", "#".repeat(16), ".".repeat(4))));
    assert!(bars[1].ends_with(&format!("{}{}", "#".repeat(12), ".".repeat(8))));
    assert!(!out.contains("lacks"));
}

#[test]
fn dated_plan_buckets_follow_calendars_cadence_and_freeze() {
    let v = json_of("windows-dated.toml");
    let windows: Vec<&str> = v["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(
        &windows[..4],
        ["2027-01-12", "2027-01-26", "2027-02-02", "2027-02-09"]
    );
    assert!(!windows.contains(&"2027-01-19"), "frozen");
    let r1 = release(&v, "2027.1");
    assert_eq!(r1["window"], json!("2027-01-12"));
    assert_eq!(r1["on_time"], json!(true));
    assert_eq!(r1["cut"], json!(["ui"]));
    let r2 = release(&v, "2027.2");
    assert_eq!(r2["window"], json!("2027-01-26"));
    assert_eq!(r2["on_time"], json!(true));
    let load = |team: &str, window: &str| {
        let l = v["load"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["team"] == team && l["window"] == window)
            .unwrap_or_else(|| panic!("load {team} {window}"));
        (l["work"].as_f64().unwrap(), l["capacity"].as_f64().unwrap())
    };
    assert_eq!(load("backend", "2027-01-12"), (10.0, 12.0));
    assert_eq!(load("backend", "2027-01-26"), (8.0, 18.0));
    assert_eq!(load("backend", "2027-02-02"), (0.0, 10.0));
    assert_eq!(load("qa", "2027-01-12"), (2.0, 6.0));
    assert_eq!(load("qa", "2027-01-26"), (0.0, 10.0));
    assert_eq!(v["overload"], json!([]));
}

#[test]
fn example_plan_solves_within_a_zero_time_limit() {
    // With no time at all the answer is the greedy start: still a full, feasible plan.
    let (code, out, err) = run(
        &["windows", EXAMPLE, "--format", "json", "--time-limit", "0"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    for r in v["releases"].as_array().unwrap() {
        assert_eq!(r["window"].is_null(), r["unscheduled"].as_bool().unwrap());
    }
    let (code, _, err) = run(&["windows", EXAMPLE, "--time-limit=-1"], None);
    assert_eq!(code, 1);
    assert!(err.contains("--time-limit"), "{err}");
}

#[test]
fn plan_errors_and_plans_without_windows_exit_2_located() {
    let (code, _, err) = run(&["windows", &data("bad-four-errors.toml")], None);
    assert_eq!(code, 2, "{err}");
    // No release at all: an error at the top of the file.
    let plan = "[plan]\nname = \"x\"\n[[tasks]]\nid = \"a\"\nestimate = 1\n";
    let (code, out, err) = run(&["windows", "-"], Some(plan));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("-:1:1: error: the plan has no release"),
        "{err}"
    );
    // A release without a window rule, and one whose only window is frozen: each located at
    // its own `[[releases]]`.
    let plan = "[plan]\nname = \"x\"\n[[tasks]]\nid = \"a\"\nestimate = 1\n\
                [[releases]]\nid = \"r1\"\ntasks = [\"a\"]\n\
                [[releases]]\nid = \"r2\"\ntasks = [\"a\"]\nwindows = [5]\n\
                freeze = [{ from = 4, to = 6 }]\n";
    let (code, _, err) = run(&["windows", "-"], Some(plan));
    assert_eq!(code, 2, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[0].starts_with("-:6:1: error: release `r1` has neither `windows` nor a `cadence`"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("-:9:1: error: release `r2` has no open deploy window"),
        "{err}"
    );
    assert_eq!(lines[2], "-: 2 error(s) in the plan");
}

/// The dated plan with its first release shipped (SPEC section 6): reported as deployed on
/// its date in the table and the JSON, and the second release planned as before.
#[test]
fn a_deployed_release_is_reported_as_shipped() {
    let src = std::fs::read_to_string(data("windows-dated.toml")).unwrap();
    let shipped = src
        .replacen(
            "start = 2027-01-04\n",
            "start = 2027-01-04\nstatus_date = 2027-01-20\n",
            1,
        )
        .replacen("id = \"api\"\n", "id = \"api\"\ndone = 2027-01-08\n", 1)
        .replacen(
            "id = \"regression\"\n",
            "id = \"regression\"\ndone = 2027-01-11\n",
            1,
        )
        .replacen(
            "id = \"2027.1\"\n",
            "id = \"2027.1\"\ndeployed = 2027-01-19\n",
            1,
        );
    assert_eq!(
        shipped.matches("2027-01-").count(),
        src.matches("2027-01-").count() + 4
    );
    let (code, out, err) = run(&["windows", "-", "--format", "json"], Some(&shipped));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let r1 = release(&v, "2027.1");
    assert_eq!(r1["deployed"], "2027-01-19");
    assert_eq!(
        (&r1["window"], r1["on_time"].as_bool()),
        (&Value::Null, Some(true))
    );
    assert!(release(&json_of("windows-dated.toml"), "2027.1")
        .get("deployed")
        .is_none());
    let (code, table, err) = run(&["windows", "-"], Some(&shipped));
    assert_eq!(code, 0, "{err}");
    let row = table.lines().find(|l| l.starts_with("2027.1")).unwrap();
    assert!(row.contains("deployed 2027-01-19"), "{table}");
}
