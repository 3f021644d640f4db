//! The real `shipdate` binary on real files: exit codes, located errors, output formats.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::Value;

use crate::util::{data, shipdate, BIN, EXAMPLE};

fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(v.as_str().expect("a date string"), "%Y-%m-%d").expect("ISO date")
}

#[test]
fn validate_example_prints_a_summary() {
    let r = shipdate(&["validate", EXAMPLE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Checkout 2027"));
    assert!(r.stdout.contains("backend"));
    assert!(r.stdout.contains("2027.1"));
    assert!(r.stderr.is_empty());
}

#[test]
fn four_errors_in_one_run_with_locations_and_exit_2() {
    let file = data("bad-four-errors.toml");
    for cmd in ["validate", "schedule"] {
        let r = shipdate(&[cmd, &file]);
        assert_eq!(r.code, 2, "{cmd}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        let lines: Vec<&str> = r.stderr.lines().collect();
        let expect = [
            (
                21,
                8,
                "unknown team `backedn` for task `api`",
                Some("`backend`"),
            ),
            (27, 12, "task `ui`", None),
            (34, 10, "demand 5 is above the capacity 3", None),
            (39, 10, "dependency cycle: a -> b -> c -> a", None),
        ];
        for (line, col, text, help) in expect {
            let prefix = format!("{file}:{line}:{col}: error: ");
            let found = lines
                .iter()
                .find(|l| l.starts_with(&prefix))
                .unwrap_or_else(|| panic!("no error at {line}:{col} in:\n{}", r.stderr));
            assert!(found.contains(text), "{found}");
            if let Some(h) = help {
                assert!(found.contains(h), "{found}");
            }
        }
        assert!(!r.stderr.contains("panicked"));
    }
}

#[test]
fn syntax_error_is_located() {
    let file = data("bad-syntax.toml");
    let r = shipdate(&["schedule", &file]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(&format!("{file}:8:39: error: ")),
        "{}",
        r.stderr
    );
}

#[test]
fn other_failures_exit_1() {
    let r = shipdate(&["schedule", "no-such-plan.toml"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no-such-plan.toml"));
    let r = shipdate(&["schedule", "plan.docx"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("unknown plan format"));
}

#[test]
fn standard_input_is_read_as_toml() {
    let mut child = Command::new(BIN)
        .args(["schedule", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"[plan]\nname = \"p\"\n[[tasks]]\nid = \"a\"\nestimate = 2\n[[tasks]]\nid = \"b\"\nestimate = 3\nafter = [\"a\"]\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["makespan"], 5.0);
    assert!(
        v["tasks"][0].get("start_date").is_none(),
        "undated plan has no dates"
    );
}

/// The example's JSON carries the SPEC fields, and its dates honour weekends, the `us`
/// holidays, the mobile team's `eu` holidays, and release cadence and freeze rules.
#[test]
fn example_schedule_json_honours_the_calendars() {
    let r = shipdate(&["schedule", EXAMPLE, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    assert!(v["makespan"].as_f64().expect("makespan") > 0.0);
    let us_holidays = ["2027-01-18", "2027-02-15", "2027-05-31"].map(|d| d.parse().unwrap());
    let eu_holidays = ["2027-03-26", "2027-03-29", "2027-05-06", "2027-05-17"]
        .map(|d: &str| d.parse::<NaiveDate>().unwrap());
    let tasks = v["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 38);
    for t in tasks {
        for key in [
            "id",
            "start",
            "finish",
            "slack",
            "critical",
            "start_date",
            "finish_date",
        ] {
            assert!(t.get(key).is_some(), "task lacks {key}: {t}");
        }
        for key in ["start_date", "finish_date"] {
            let d = date(&t[key]);
            assert!(!matches!(d.weekday(), Weekday::Sat | Weekday::Sun), "{t}");
            assert!(!us_holidays.contains(&d), "{key} on a holiday: {t}");
            if t["team"] == "mobile" {
                assert!(
                    !eu_holidays.contains(&d),
                    "mobile works on an eu holiday: {t}"
                );
            }
        }
        assert!(date(&t["start_date"]) <= date(&t["finish_date"]));
    }
    let releases = v["releases"].as_array().expect("releases");
    assert_eq!(releases.len(), 3);
    for r in releases {
        for key in ["id", "ready", "ready_date", "deploy_date", "on_time"] {
            assert!(r.get(key).is_some(), "release lacks {key}: {r}");
        }
        let deploy = date(&r["deploy_date"]);
        assert!(
            deploy > date(&r["ready_date"]),
            "deploys strictly after ready: {r}"
        );
        match r["id"].as_str().unwrap() {
            // Cadence: Tuesdays and Thursdays, but not in the 2027-02-22..26 freeze.
            "2027.1" => {
                assert!(matches!(deploy.weekday(), Weekday::Tue | Weekday::Thu));
                assert!(
                    !(deploy >= "2027-02-22".parse().unwrap()
                        && deploy <= "2027-02-26".parse().unwrap())
                );
            }
            "2027.2" => assert!([
                "2027-03-09",
                "2027-03-23",
                "2027-04-06",
                "2027-04-20",
                "2027-05-04"
            ]
            .contains(&r["deploy_date"].as_str().unwrap())),
            "2027.3" => {
                assert_eq!(deploy.weekday(), Weekday::Tue);
                let weeks = (deploy - "2027-01-12".parse::<NaiveDate>().unwrap()).num_days() / 7;
                assert_eq!(weeks % 2, 0, "every other Tuesday from 2027-01-12");
            }
            other => panic!("unexpected release {other}"),
        }
    }
}

#[test]
fn table_csv_and_mermaid_render_the_example() {
    let r = shipdate(&["schedule", EXAMPLE]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("critical"));
    assert!(r.stdout.contains("release"));
    assert!(r.stdout.contains("2027.2"));

    let r = shipdate(&["schedule", EXAMPLE, "--format", "csv"]);
    assert_eq!(r.code, 0);
    let mut lines = r.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("id,name,team,start,finish,start_date,finish_date,slack,critical")
    );
    assert_eq!(lines.count(), 38);

    let r = shipdate(&["schedule", EXAMPLE, "--format", "mermaid"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("gantt\n"));
    for team in ["backend", "frontend", "mobile", "qa", "sre"] {
        assert!(r.stdout.contains(&format!("section {team}\n")), "{team}");
    }
    assert!(r.stdout.contains(":crit, "));
    assert!(r.stdout.contains("section releases"));
}
