//! SPEC section 6 through the binary: located errors (exit 2), located warnings, the "as of"
//! table and the JSON fields of `schedule` and `simulate`, and plans written back with their
//! progress.

use crate::util::{scratch, shipdate_in};

const PLAN: &str = r#"[plan]
name = "Checkout"
start = 2027-01-04
status_date = 2027-01-18

[teams.be]
capacity = 1

[[tasks]]
id = "schema"
team = "be"
estimate = 3
started = 2027-01-04
done = 2027-01-07

[[tasks]]
id = "api"
team = "be"
estimate = { low = 6, likely = 8, high = 14 }
after = ["schema"]
started = 2027-01-11
progress = 0.5

[[tasks]]
id = "docs"
team = "be"
estimate = 2
after = ["api"]
not_before = 2027-02-08
due = 2027-02-12

[[risks]]
id = "vendor"
probability = 0.3
impact = 4
tasks = ["api"]
status = "occurred"

[[releases]]
id = "r1"
tasks = ["docs"]
"#;

#[test]
fn each_error_of_section_6_is_located_names_the_task_and_exits_2() {
    let dir = scratch("progress_errors");
    let src = r#"[plan]
name = "Errors"
start = 2027-01-04
status_date = 2027-01-18

[[tasks]]
id = "late"
estimate = 3
started = 2027-01-20

[[tasks]]
id = "backwards"
estimate = 3
started = 2027-01-12
done = 2027-01-08

[[tasks]]
id = "overrun"
estimate = { low = 1, likely = 2, high = 4 }
started = 2027-01-04

[[tasks]]
id = "share"
estimate = 5
started = 2027-01-11
progress = 1.2

[[tasks]]
id = "both"
estimate = 5
started = 2027-01-11
progress = 0.2
remaining = 2

[[tasks]]
id = "future"
estimate = 5
done = 2027-01-19
"#;
    std::fs::write(dir.join("e.toml"), src).unwrap();
    let run = shipdate_in(&dir, &["validate", "e.toml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let want = [
        "e.toml:9:11: error: task `late`: `started` 2027-01-20 is after the status date 2027-01-18",
        "e.toml:15:8: error: task `backwards`: `done` 2027-01-08 is before `started` 2027-01-12",
        "e.toml:20:11: error: task `overrun`: started 2027-01-04 and not done, it has run 10 working days, at least its estimate's upper limit (4) (give `remaining`",
        "e.toml:26:12: error: task `share`: `progress` is 1.2; it must be in [0, 1)",
        "e.toml:32:12: error: task `both`: `remaining` and `progress` are both given",
        "e.toml:38:8: error: task `future`: `done` 2027-01-19 is after the status date 2027-01-18",
    ];
    for w in want {
        assert!(
            run.stderr.lines().any(|l| l.starts_with(w)),
            "missing `{w}` in\n{}",
            run.stderr
        );
    }
    // Without a status date, progress is an error that says what to add.
    std::fs::write(
        dir.join("n.toml"),
        "[plan]\nname = \"n\"\n[[tasks]]\nid = \"a\"\nestimate = 3\nstarted = 2\n",
    )
    .unwrap();
    let run = shipdate_in(&dir, &["schedule", "n.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "n.toml:6:11: error: task `a`: `started` needs a status date: the plan has no `status` (add `status = N` to [plan]"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn progress_warnings_are_located() {
    let dir = scratch("progress_warnings");
    let src = "[plan]\nname = \"w\"\nstatus = 10\n\
               [[tasks]]\nid = \"a\"\nestimate = 8\n\
               [[tasks]]\nid = \"b\"\nestimate = 2\nafter = [\"a\"]\nstarted = 3\nremaining = 1\n\
               [[releases]]\nid = \"r\"\ntasks = [\"b\"]\ndeployed = 9\n";
    std::fs::write(dir.join("w.toml"), src).unwrap();
    let run = shipdate_in(&dir, &["validate", "w.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        out.contains("w.toml:10:10: warning: task `b` is started but its predecessor `a` is not done: progress out of sequence"),
        "{out}"
    );
    assert!(
        out.contains("w.toml:13:1: warning: release `r` is deployed but task `b` is not done"),
        "{out}"
    );
}

#[test]
fn schedule_and_simulate_say_as_of_and_carry_the_progress_fields() {
    let dir = scratch("progress_output");
    std::fs::write(dir.join("p.toml"), PLAN).unwrap();
    let run = shipdate_in(&dir, &["schedule", "p.toml"]);
    assert!(run.success(), "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("Checkout as of 2027-01-18: 2027-01-04 to 2027-02-09"),
        "{}",
        run.stdout
    );
    let run = shipdate_in(&dir, &["schedule", "p.toml", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["status_date"], "2027-01-18");
    let t = &v["tasks"];
    assert_eq!(t[0]["state"], "done");
    assert_eq!(t[0]["remaining"], 0.0);
    assert_eq!(t[1]["state"], "in_progress");
    assert_eq!(t[1]["start_date"], "2027-01-11");
    // (1 - 0.5) x 8, plus the occurred risk's 4, from the status date (day 10) on.
    assert_eq!(t[1]["remaining"], 8.0);
    assert_eq!(t[1]["finish"], 18.0);
    assert_eq!(t[2]["state"], "not_started");
    assert_eq!(t[2]["start_date"], "2027-02-08");
    assert_eq!(t[2]["due_date"], "2027-02-12");
    assert_eq!(t[2]["due_met"], true);
    let run = shipdate_in(
        &dir,
        &["simulate", "p.toml", "-n", "500", "--format", "json"],
    );
    assert!(run.success(), "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["status_date"], "2027-01-18");
    assert_eq!(v["tasks"][2]["due_probability"], 1.0);
    assert_eq!(v["tasks"][1]["state"], "in_progress");
    let run = shipdate_in(&dir, &["simulate", "p.toml", "-n", "500"]);
    assert!(
        run.stdout.starts_with("Checkout as of 2027-01-18:"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_plan_with_progress_is_written_back_with_it() {
    let dir = scratch("progress_export");
    std::fs::write(dir.join("p.toml"), PLAN).unwrap();
    for to in ["toml", "json"] {
        let out = format!("back.{to}");
        let run = shipdate_in(&dir, &["export", "p.toml", "--to", to, "-o", &out]);
        assert!(run.success(), "{}", run.stderr);
        let a = shipdate_in(&dir, &["schedule", "p.toml", "--format", "json"]);
        let b = shipdate_in(&dir, &["schedule", &out, "--format", "json"]);
        assert_eq!(a.stdout, b.stdout, "{to}");
        let text = std::fs::read_to_string(dir.join(&out)).unwrap();
        for key in [
            "status_date",
            "started",
            "done",
            "progress",
            "not_before",
            "due",
            "occurred",
        ] {
            assert!(text.contains(key), "{to}: {key} missing in\n{text}");
        }
    }
}

/// A release whose work is all done but that is not deployed, and whose window has passed by
/// the status date, is forecast in the past: validate says so, at the release. One whose window
/// is still ahead, or that is deployed, is not warned about.
#[test]
fn a_done_release_whose_window_passed_is_warned_about() {
    let dir = scratch("done_not_deployed");
    let src = "[plan]\nname = \"w\"\nstatus = 10\n\
               [[tasks]]\nid = \"a\"\nestimate = 2\ndone = 4\n\
               [[tasks]]\nid = \"b\"\nestimate = 2\ndone = 5\n\
               [[releases]]\nid = \"past\"\ntasks = [\"a\", \"b\"]\nwindows = [6, 12]\n\
               [[releases]]\nid = \"ahead\"\ntasks = [\"a\"]\nwindows = [11]\n\
               [[releases]]\nid = \"shipped\"\ntasks = [\"b\"]\nwindows = [6]\ndeployed = 6\n";
    std::fs::write(dir.join("w.toml"), src).unwrap();
    let run = shipdate_in(&dir, &["validate", "w.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        out.contains("w.toml:12:1: warning: release `past` is not deployed, yet its tasks were done by 5 and it deploys on 6, before the status date 10"),
        "{out}"
    );
    assert_eq!(out.matches("is not deployed, yet").count(), 1, "{out}");
}
