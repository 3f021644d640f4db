//! Interchange through the real binary: MS Project XML both ways (checked by MPXJ, the library
//! most project tools read MSPDI with), CSV import, iCalendar (checked by the `icalendar`
//! parser), Mermaid, and the normalised TOML and JSON.
//!
//! The MPXJ and iCalendar checks run Python scripts under tests/mpxj/; they need
//! `pip install mpxj icalendar` (and Java), which scripts/setup.sh installs. Without them the
//! tests fail with that instruction rather than pass unchecked.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;
use shipdate_engine::dispatch::schedule;
use shipdate_engine::interchange::mspdi;
use shipdate_engine::io::{self, clear_positions, Format};
use shipdate_engine::model::{Estimate, LinkKind, Plan, TaskKind};
use shipdate_engine::schedule::ScheduleReport;

use crate::util::{path, shipdate};

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    crate::util::scratch(&format!("interchange-{name}"))
}

/// Runs a helper script of tests/mpxj/ and parses the JSON it prints.
fn python(script: &str, args: &[&str]) -> Value {
    let out = Command::new("python3")
        .arg(path(&format!("tests/mpxj/{script}")))
        .args(args)
        .output()
        .expect("python3 must be installed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{script} failed ({}): {stderr}\n(needs `pip install mpxj icalendar` and Java: scripts/setup.sh)",
        out.status
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

fn load(file: &str) -> Plan {
    let format = Format::from_path(file).expect("a plan format");
    let src = std::fs::read_to_string(file).expect("read plan");
    let mut plan = io::parse_str(&src, format).expect("a valid plan");
    clear_positions(&mut plan);
    plan
}

fn parse_toml(text: &str) -> Plan {
    let mut plan = io::parse_str(text, Format::Toml).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    clear_positions(&mut plan);
    plan
}

fn kind_name(k: LinkKind) -> &'static str {
    match k {
        LinkKind::FS => "FS",
        LinkKind::SS => "SS",
        LinkKind::FF => "FF",
        LinkKind::SF => "SF",
    }
}

fn datetime(v: &Value) -> NaiveDateTime {
    let s = v.as_str().expect("a date-time");
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// 08:00 plus the fraction of an eight-hour day.
fn time_of(frac: f64) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(
        (8.0 * 3600.0 + frac * 8.0 * 3600.0).round() as u32,
        0,
    )
    .unwrap()
}

/// Everything MPXJ reads from our MSPDI must be the plan and its schedule.
fn check_mpxj_reading(plan: &Plan, s: &ScheduleReport, seen: &Value) {
    let tasks = seen["tasks"].as_array().unwrap();
    assert_eq!(
        tasks.len(),
        plan.tasks.len(),
        "every task, and nothing else"
    );
    for (j, t) in plan.tasks.iter().enumerate() {
        let m = &tasks[j];
        let r = &s.tasks[j];
        assert_eq!(m["uid"], j + 1);
        assert_eq!(m["text1"], t.id.as_str());
        assert_eq!(m["name"], t.label());
        let point = if t.kind == TaskKind::Milestone {
            0.0
        } else {
            t.estimate.point()
        };
        let d = m["duration"].as_f64().unwrap();
        assert!(
            (d - point).abs() < 1e-6,
            "{}: duration {d} vs {point}",
            t.id
        );
        assert_eq!(m["milestone"], point == 0.0, "{}", t.id);
        assert_eq!(m["summary"], false);
        assert_eq!(m["critical"], r.critical, "{}", t.id);
        // Links: the same set of (predecessor, type, lag).
        let want: BTreeSet<(u64, String, i64)> = t
            .after
            .iter()
            .map(|l| {
                (
                    l.pred as u64 + 1,
                    kind_name(l.kind).to_string(),
                    (l.lag * 1e6).round() as i64,
                )
            })
            .collect();
        let got: BTreeSet<(u64, String, i64)> = m["preds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["uid"].as_u64().unwrap(),
                    p["type"].as_str().unwrap().to_string(),
                    (p["lag"].as_f64().unwrap() * 1e6).round() as i64,
                )
            })
            .collect();
        assert_eq!(got, want, "links of {}", t.id);
        // Dates: the schedule's, with fractions of a day as times of day. Undated plans are
        // written one period a day from Monday 2001-01-01.
        if !r.start.is_finite() {
            // A task that can never run (its team never works) has no dates.
            assert!(m["start"].is_null() || !plan.is_dated(), "{}", t.id);
            continue;
        }
        let epoch = NaiveDate::from_ymd_opt(2001, 1, 1).unwrap();
        let day = |x: f64| epoch + chrono::Duration::days(x.floor() as i64);
        let start = datetime(&m["start"]);
        let finish = datetime(&m["finish"]);
        let sd = r.start_date.unwrap_or_else(|| day(r.start + 1e-9));
        assert_eq!(start.date(), sd, "start of {}", t.id);
        assert_eq!(
            start.time(),
            time_of(r.start - (r.start + 1e-9).floor()),
            "{}",
            t.id
        );
        if point > 0.0 {
            let frac = r.finish - (r.finish + 1e-9).floor();
            let whole = frac.abs() < 1e-9;
            let fd = r
                .finish_date
                .unwrap_or_else(|| day(if whole { r.finish - 1.0 } else { r.finish }));
            assert_eq!(finish.date(), fd, "finish of {}", t.id);
            let want = if whole { time_of(1.0) } else { time_of(frac) };
            assert_eq!(finish.time(), want, "{}", t.id);
        } else {
            assert_eq!(finish, start);
        }
    }
    // Teams as resources with their capacity; demands as assignments.
    let resources = seen["resources"].as_array().unwrap();
    assert_eq!(resources.len(), plan.teams.len());
    for (k, team) in plan.teams.iter().enumerate() {
        // A team's display name where it has one, else its id.
        assert_eq!(
            resources[k]["name"],
            team.name.as_deref().unwrap_or(&team.id)
        );
        assert_eq!(
            resources[k]["max_units"].as_f64().unwrap(),
            f64::from(team.capacity) * 100.0
        );
    }
    let want: BTreeSet<(u64, String, u64)> = plan
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind != TaskKind::Milestone)
        .flat_map(|(j, t)| {
            t.demands().map(move |(k, d)| {
                let team = &plan.teams[k];
                let name = team.name.clone().unwrap_or_else(|| team.id.clone());
                (j as u64 + 1, name, u64::from(d) * 100)
            })
        })
        .collect();
    let got: BTreeSet<(u64, String, u64)> = seen["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["task"].as_u64().unwrap(),
                a["resource"].as_str().unwrap().to_string(),
                a["units"].as_f64().unwrap().round() as u64,
            )
        })
        .collect();
    assert_eq!(got, want);
    // Calendars and their holidays.
    if plan.is_dated() {
        let cals = seen["calendars"].as_array().unwrap();
        for cal in &plan.calendars {
            let m = cals
                .iter()
                .find(|c| c["name"] == cal.id.as_str())
                .unwrap_or_else(|| panic!("calendar {}", cal.id));
            let hol: Vec<String> = cal.holidays.iter().map(|d| d.to_string()).collect();
            let got: Vec<String> = m["holidays"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_str().unwrap().to_string())
                .collect();
            assert_eq!(got, hol, "holidays of {}", cal.id);
        }
    }
}

#[test]
fn mspdi_export_is_read_by_mpxj_with_every_task_link_and_duration() {
    let dir = scratch("mpxj-read");
    for (name, file) in [
        ("example", path("examples/checkout.toml")),
        ("links", path("tests/data/interchange/links.toml")),
        ("named", path("tests/data/interchange/named-teams.toml")),
        ("full", path("tests/data/full.toml")),
        ("psplib", path("../shared/psplib/j30/j301_1.sm")),
    ] {
        let xml = dir.join(format!("{name}.xml"));
        let r = shipdate(&[
            "export",
            &file,
            "--to",
            "mspdi",
            "-o",
            xml.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let plan = load(&file);
        let s = schedule(&plan);
        let seen = python("read_mspdi.py", &[xml.to_str().unwrap()]);
        check_mpxj_reading(&plan, &s, &seen);
    }
}

#[test]
fn mspdi_written_by_mpxj_imports_and_schedules_to_the_finish_it_implies() {
    let dir = scratch("mpxj-write");
    let xml = dir.join("mpxj.xml");
    let toml = dir.join("plan.toml");
    let expected = python("write_mspdi.py", &[xml.to_str().unwrap()]);
    let r = shipdate(&[
        "import",
        xml.to_str().unwrap(),
        "-o",
        toml.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("2 summary task(s) flattened"),
        "{}",
        r.stderr
    );
    let r = shipdate(&["schedule", toml.to_str().unwrap(), "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got["makespan"].as_f64(), expected["makespan"].as_f64());
    let finish = got["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["finish_date"].as_str())
        .max()
        .unwrap();
    assert_eq!(finish, expected["finish"].as_str().unwrap());
    // Every leaf task, none of the summaries; each starts where the independent pass says.
    let names: BTreeSet<&str> = got["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let want: BTreeSet<&str> = expected["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(names, want);
    for t in got["tasks"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        assert_eq!(
            t["start"].as_f64(),
            expected["early_start"][name].as_f64(),
            "start of {name}"
        );
    }
}

#[test]
fn committed_mpxj_file_imports_to_its_hand_checked_schedule() {
    // tests/data/interchange/mpxj-written.xml was written by tests/mpxj/write_mspdi.py. By hand:
    // Design [0,3); Build [4,9) (FS+1); Review [6,8) (SS+2); Docs finishes by Build - 1: [4,8);
    // Phase B after Phase A + 0.5: Integrate [9.5,12); Deploy prep finishes by Integrate's
    // start + 3: [11.5,12.5); Sign-off at 12; Tail after max(12 - 0.5, 11.5 + 1.5) = 13: [13,15).
    // 15 working days from Monday 4 January 2027 with Monday 18 January off: Monday 25.
    let src = std::fs::read_to_string(path("tests/data/interchange/mpxj-written.xml")).unwrap();
    let imported = mspdi::import(&src).expect("imports");
    let plan = imported.plan;
    assert_eq!(plan.tasks.len(), 8);
    let s = schedule(&plan);
    assert_eq!(s.makespan, 15.0);
    assert_eq!(s.finish_date, NaiveDate::from_ymd_opt(2027, 1, 25));
    let start = |id: &str| s.tasks[plan.task_index(id).unwrap()].start;
    assert_eq!(
        [
            start("design"),
            start("build"),
            start("review"),
            start("docs"),
            start("integrate"),
            start("deploy-prep"),
            start("sign-off"),
            start("tail")
        ],
        [0.0, 4.0, 6.0, 4.0, 9.5, 11.5, 12.0, 13.0]
    );
    assert_eq!(
        plan.calendars[0].holidays,
        vec![NaiveDate::from_ymd_opt(2027, 1, 18).unwrap()]
    );
}

#[test]
fn mpxj_progress_file_imports_schedules_and_exports_with_its_actuals() {
    // tests/data/interchange/mpxj-progress.xml was written by tests/mpxj/write_progress.py
    // (MPXJ, not shipdate). By MS Project's rules, on its Monday-to-Friday calendar:
    // - the status date is Friday 15 January 17:00: the work left runs from Monday 18;
    // - Design is done: it keeps its actual dates, Monday 4 to Friday 8 January;
    // - Build started Monday 11, is 40% done and has 6 working days remaining: they run from
    //   the status date, Monday 18 to Monday 25 (18-22, 25); it keeps its actual start;
    // - Test (3 days) follows Build: Tuesday 26 to Thursday 28;
    // - Docs (2 days, not started, no links) starts at the status date: Monday 18 and
    //   Tuesday 19 (shipdate's rule: work not started starts at or after the status date).
    // The finish, Thursday 28, is the end of working day 19 from Monday 4.
    let file = path("tests/data/interchange/mpxj-progress.xml");
    let dir = scratch("mpxj-progress");
    let toml = dir.join("plan.toml");
    let r = shipdate(&["import", &file, "-o", toml.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = shipdate(&["schedule", toml.to_str().unwrap(), "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got["status_date"], "2027-01-18");
    assert_eq!(got["makespan"].as_f64(), Some(19.0));
    let rows: Vec<(&str, &str, &str, &str)> = got["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                t["state"].as_str().unwrap(),
                t["start_date"].as_str().unwrap(),
                t["finish_date"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Design", "done", "2027-01-04", "2027-01-08"),
            ("Build", "in_progress", "2027-01-11", "2027-01-25"),
            ("Test", "not_started", "2027-01-26", "2027-01-28"),
            ("Docs", "not_started", "2027-01-18", "2027-01-19"),
        ]
    );
    assert_eq!(got["tasks"][1]["remaining"].as_f64(), Some(6.0));

    // Our export of the imported plan, read by MPXJ: the same actuals. The status moment is written as the
    // start of the day it stands for (Monday 08:00, the same working time as Friday 17:00),
    // an actual finish at the end of our exported working day (16:00).
    let xml = dir.join("export.xml");
    let r = shipdate(&[
        "export",
        toml.to_str().unwrap(),
        "--to",
        "mspdi",
        "-o",
        xml.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let seen = python("read_mspdi.py", &[xml.to_str().unwrap()]);
    assert_eq!(seen["status_date"], "2027-01-18T08:00");
    let tasks = seen["tasks"].as_array().unwrap();
    let progress: Vec<(Value, Value, f64, Option<f64>)> = tasks
        .iter()
        .map(|t| {
            (
                t["actual_start"].clone(),
                t["actual_finish"].clone(),
                t["percent_complete"].as_f64().unwrap(),
                t["remaining_duration"].as_f64(),
            )
        })
        .collect();
    assert_eq!(
        progress,
        [
            (
                "2027-01-04T08:00".into(),
                "2027-01-08T16:00".into(),
                100.0,
                Some(0.0)
            ),
            ("2027-01-11T08:00".into(), Value::Null, 40.0, Some(6.0)),
            (Value::Null, Value::Null, 0.0, Some(3.0)),
            (Value::Null, Value::Null, 0.0, Some(2.0)),
        ]
    );
    assert_eq!(tasks[1]["actual_duration"].as_f64(), Some(4.0));
    assert_eq!(tasks[1]["duration"].as_f64(), Some(10.0));
    // Docs, moved to the status date, is pinned there for MS Project.
    assert_eq!(tasks[3]["constraint"], "START_NO_EARLIER_THAN");
    assert_eq!(tasks[3]["constraint_date"], "2027-01-18T08:00");
}

#[test]
fn mspdi_export_writes_not_before_and_due_for_mpxj() {
    let dir = scratch("mpxj-dates");
    let file = path("tests/data/interchange/progress.expected.toml");
    let xml = dir.join("progress.xml");
    let r = shipdate(&[
        "export",
        &file,
        "--to",
        "mspdi",
        "-o",
        xml.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let seen = python("read_mspdi.py", &[xml.to_str().unwrap()]);
    assert_eq!(seen["status_date"], "2027-01-18T08:00");
    let docs = &seen["tasks"][3];
    assert_eq!(docs["constraint"], "START_NO_EARLIER_THAN");
    assert_eq!(docs["constraint_date"], "2027-02-01T08:00");
    assert_eq!(docs["deadline"], "2027-03-05T16:00");
    assert_eq!(seen["tasks"][1]["deadline"], "2027-02-26T16:00");
    // `web`: 60% done of 5 days, given as a share: no remaining duration written.
    let web = &seen["tasks"][2];
    assert_eq!(web["percent_complete"].as_f64(), Some(60.0));
    assert_eq!(web["actual_duration"].as_f64(), Some(3.0));
}

#[test]
fn mspdi_round_trip_through_shipdate_keeps_the_plan_and_schedule() {
    for file in [
        path("examples/checkout.toml"),
        path("tests/data/interchange/links.toml"),
        path("tests/data/interchange/named-teams.toml"),
        path("tests/data/interchange/progress.expected.toml"),
    ] {
        round_trip(&load(&file));
    }
}

#[test]
fn mspdi_import_export_import_gives_the_same_plan() {
    // A plan that came from MSPDI (progress, constraints and deadlines included) comes back
    // from our export of it field for field (lags to a thousandth of a day: MSPDI writes them
    // in tenths of a minute).
    let lags = |p: &mut Plan| {
        for t in &mut p.tasks {
            for l in &mut t.after {
                l.lag = (l.lag * 1e3).round() / 1e3;
            }
        }
    };
    let progress = mspdi::export(
        &load(&path("tests/data/interchange/progress.expected.toml")),
        &schedule(&load(&path(
            "tests/data/interchange/progress.expected.toml",
        ))),
    );
    for src in [
        std::fs::read_to_string(path("tests/data/interchange/msproject.xml")).unwrap(),
        progress,
    ] {
        let mut first = mspdi::import(&src).expect("imports").plan;
        clear_positions(&mut first);
        let xml = mspdi::export(&first, &schedule(&first));
        let mut second = mspdi::import(&xml).expect("our export imports").plan;
        clear_positions(&mut second);
        lags(&mut first);
        lags(&mut second);
        assert_eq!(second, first);
    }
}

fn round_trip(plan: &Plan) {
    let s = schedule(plan);
    let xml = mspdi::export(plan, &s);
    let mut back = mspdi::import(&xml).expect("our own export imports").plan;
    clear_positions(&mut back);
    let s2 = schedule(&back);
    // Deploy windows, targets, risks and correlations have no place in MSPDI; tasks do.
    assert_eq!(s2.tasks, s.tasks, "the same schedule, task by task");
    assert_eq!(s2.makespan, s.makespan);
    assert_eq!(back.name, plan.name);
    assert_eq!(back.start, plan.start);
    assert_eq!(back.teams, plan.teams);
    assert_eq!(back.calendars, plan.calendars);
    assert_eq!(back.default_calendar, plan.default_calendar);
    assert_eq!(back.status, plan.status);
    assert_eq!(back.tasks.len(), plan.tasks.len());
    for (a, b) in plan.tasks.iter().zip(&back.tasks) {
        assert_eq!(b.id, a.id);
        assert_eq!(b.name.as_deref().unwrap_or(&b.id), a.label());
        assert_eq!(b.after, a.after, "{}", a.id);
        assert_eq!((b.team, b.demand), (a.team, a.demand), "{}", a.id);
        assert_eq!(b.extra_demands, a.extra_demands, "{}", a.id);
        assert_eq!(b.kind == TaskKind::Milestone, a.kind == TaskKind::Milestone);
        match a.estimate {
            // Three-point estimates travel in MS Project's PERT fields (Duration1-3).
            Estimate::Pert { .. } | Estimate::Fixed { .. } => {
                assert_eq!(b.estimate, a.estimate, "{}", a.id)
            }
            _ => assert_eq!(b.estimate.point(), a.estimate.point(), "{}", a.id),
        }
        // Progress and date constraints: MSPDI's remaining duration is one number (a
        // three-point `remaining` comes back as its single point) and its percentage whole.
        assert_eq!(b.dates, a.dates, "{}", a.id);
        let (x, y) = (&a.actual, &b.actual);
        assert_eq!((y.started, y.done), (x.started, x.done), "{}", a.id);
        match x.remaining {
            Some(r @ Estimate::Fixed { .. }) => assert_eq!(y.remaining, Some(r), "{}", a.id),
            Some(r) => assert_eq!(y.remaining.map(|e| e.point()), Some(r.point()), "{}", a.id),
            None => {}
        }
        let percent = |p: Option<f64>| p.map(|p| (p * 100.0).round());
        assert_eq!(percent(y.progress), percent(x.progress), "{}", a.id);
    }
    let sets = |p: &Plan| -> Vec<(String, Vec<usize>)> {
        p.releases
            .iter()
            .map(|r| (r.id.clone(), r.tasks.clone()))
            .collect()
    };
    assert_eq!(sets(&back), sets(plan));
}

#[test]
fn mspdi_errors_are_located() {
    let dir = scratch("mspdi-errors");
    let bad = dir.join("bad.xml");
    std::fs::write(
        &bad,
        "<Project>\n  <Tasks>\n    <Task><UID>1</Task>\n</Project>\n",
    )
    .unwrap();
    let r = shipdate(&["import", bad.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let first = r.stderr.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{}:3:", bad.display())) && first.contains("XML syntax error"),
        "{first}"
    );
    let other = dir.join("other.xml");
    std::fs::write(&other, "<?xml version=\"1.0\"?>\n<html></html>\n").unwrap();
    let r = shipdate(&["import", other.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(":2:1: error: not an MS Project XML (MSPDI) file"),
        "{}",
        r.stderr
    );
}

#[test]
fn csv_import_gives_the_plan_it_describes() {
    let csv = path("tests/data/interchange/jira.csv");
    let r = shipdate(&["import", &csv]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = parse_toml(&r.stdout);
    let want = load(&path("tests/data/interchange/jira.expected.toml"));
    assert_eq!(got, want);
    // With a start date and a name, the same plan, dated.
    let r = shipdate(&[
        "import",
        &csv,
        "--start",
        "2027-01-04",
        "--name",
        "Checkout",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dated = parse_toml(&r.stdout);
    assert_eq!(dated.start, NaiveDate::from_ymd_opt(2027, 1, 4));
    assert_eq!(dated.name, "Checkout");
    assert_eq!(dated.tasks, want.tasks);
}

/// Progress columns (SPEC section 6) with `--start` and `--status-date`: the plan the same
/// progress written in TOML reads as; the status date's form follows `--start`.
#[test]
fn csv_import_carries_progress_and_the_status_date() {
    let csv = path("tests/data/interchange/progress.csv");
    let r = shipdate(&[
        "import",
        &csv,
        "--start",
        "2027-01-04",
        "--status-date",
        "2027-01-18",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("status_date = 2027-01-18"),
        "{}",
        r.stdout
    );
    let want = load(&path("tests/data/interchange/progress.expected.toml"));
    assert_eq!(parse_toml(&r.stdout), want);

    // Without a status date the started and done rows are located errors.
    let r = shipdate(&["import", &csv, "--start", "2027-01-04"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{csv}:2:1: error: task `schema`: `started` needs a status date"
        )),
        "{}",
        r.stderr
    );

    // A done date after the status date: located at its row.
    let r = shipdate(&[
        "import",
        &csv,
        "--start",
        "2027-01-04",
        "--status-date",
        "2027-01-05",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{csv}:2:1: error:"))
            && r.stderr.contains("after the status date"),
        "{}",
        r.stderr
    );

    // Bad flags: a date status without --start; --status-date on a non-CSV file.
    let r = shipdate(&["import", &csv, "--status-date", "2027-01-18"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("give --start"), "{}", r.stderr);
    let xml = path("tests/data/interchange/msproject.xml");
    let r = shipdate(&["import", &xml, "--status-date", "2027-01-18"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("--status-date applies to CSV files only"),
        "{}",
        r.stderr
    );
}

#[test]
fn csv_errors_are_located_all_in_one_run() {
    let csv = path("tests/data/interchange/bad.csv");
    let r = shipdate(&["import", &csv]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    let want = [
        format!("{csv}:3:11: error: `x` is not a number of days for the estimate of task `beta`"),
        format!("{csv}:4:15: error: unknown task `alpah` for task `gamma` (did you mean `alpha`?)"),
        format!(
            "{csv}:5:1: error: duplicate task id `alpha` (the first task `alpha` is at line 2)"
        ),
        format!(
            "{csv}:6:13: error: task `delta` has an estimate out of order: low 5, likely 2, high 9"
        ),
    ];
    assert_eq!(
        &lines[..4],
        &want.iter().map(String::as_str).collect::<Vec<_>>()[..]
    );
}

#[test]
fn psplib_import_gives_the_same_plan_as_reading_it() {
    let sm = path("../shared/psplib/j30/j301_1.sm");
    let r = shipdate(&["import", &sm]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(parse_toml(&r.stdout), load(&sm));
}

#[test]
fn ical_parses_with_a_standard_parser() {
    let dir = scratch("ical");
    let ics = dir.join("plan.ics");
    let file = path("examples/checkout.toml");
    let r = shipdate(&["export", &file, "--to", "ical", "-o", ics.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(&ics).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    // RFC 5545: CRLF line ends, lines of at most 75 octets.
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split("\r\n") {
        assert!(!line.contains('\n') && line.len() <= 75, "{line:?}");
    }
    // Deterministic: the same bytes again.
    let again = shipdate(&["export", &file, "--to", "ical"]);
    assert_eq!(again.stdout.as_bytes(), &bytes[..]);

    let plan = load(&file);
    let s = schedule(&plan);
    let parsed = python("ical_check.py", &[ics.to_str().unwrap()]);
    assert_eq!(parsed["version"], "2.0");
    assert_eq!(parsed["name"], plan.name.as_str());
    let events = parsed["events"].as_array().unwrap();
    let uids: BTreeSet<&str> = events.iter().map(|e| e["uid"].as_str().unwrap()).collect();
    assert_eq!(uids.len(), events.len(), "unique UIDs");
    for e in events {
        assert_eq!(e["stamp"], "2027-01-04T00:00:00+00:00");
    }
    for (r, rs) in plan.releases.iter().zip(&s.releases) {
        let deploy: Vec<&Value> = events
            .iter()
            .filter(|e| e["summary"] == format!("Deploy {}", r.id).as_str())
            .collect();
        assert_eq!(deploy.len(), 1, "one deploy event for {}", r.id);
        let d = rs.deploy_date.unwrap();
        assert_eq!(deploy[0]["start"], d.to_string().as_str());
        assert_eq!(deploy[0]["end"], d.succ_opt().unwrap().to_string().as_str());
        let windows: Vec<String> = events
            .iter()
            .filter(|e| e["summary"] == format!("Deploy window: {}", r.id).as_str())
            .map(|e| e["start"].as_str().unwrap().to_string())
            .collect();
        let want: Vec<String> = shipdate_engine::calendar::open_windows(&plan, r)
            .into_iter()
            .map(|w| match w {
                shipdate_engine::model::When::Date(d) => d.to_string(),
                other => panic!("{other:?}"),
            })
            .collect();
        let mut sorted = want.clone();
        sorted.sort();
        assert_eq!(windows, sorted, "open windows of {}", r.id);
        assert!(!want.is_empty());
    }
}

#[test]
fn ical_needs_a_dated_plan() {
    let sm = path("../shared/psplib/j30/j301_1.sm");
    let r = shipdate(&["export", &sm, "--to", "ical"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("is undated"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn toml_and_json_exports_read_back_to_the_same_plan() {
    for file in [
        path("examples/checkout.toml"),
        path("tests/data/full.toml"),
        path("tests/data/interchange/named-teams.toml"),
    ] {
        let plan = load(&file);
        for (to, format) in [("toml", Format::Toml), ("json", Format::Json)] {
            let r = shipdate(&["export", &file, "--to", to]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            let mut back = io::parse_str(&r.stdout, format).unwrap();
            clear_positions(&mut back);
            assert_eq!(back, plan, "{file} as {to}");
        }
    }
}

#[test]
fn mermaid_export_is_the_schedule_gantt() {
    let file = path("examples/checkout.toml");
    let a = shipdate(&["export", &file, "--to", "mermaid"]);
    let b = shipdate(&["schedule", &file, "--format", "mermaid"]);
    assert_eq!(a.code, 0);
    assert!(a.stdout.starts_with("gantt\n"));
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn unknown_import_formats_are_refused() {
    let r = shipdate(&["import", &path("examples/checkout.toml")]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot import this kind of file"),
        "{}",
        r.stderr
    );
}

#[test]
fn ms_project_style_file_imports_to_the_plan_it_describes() {
    let file = path("tests/data/interchange/msproject.xml");
    let imported = mspdi::import(&std::fs::read_to_string(&file).unwrap()).expect("imports");
    let want = load(&path("tests/data/interchange/msproject.expected.toml"));
    // Each task, link and team keeps where the XML wrote it (for located errors).
    assert_eq!(imported.plan.tasks[1].pos.map(|p| p.line), Some(92));
    assert_eq!(
        imported.plan.tasks[1].after[0].pos.map(|p| p.line),
        Some(93)
    );
    assert_eq!(imported.plan.teams[0].pos.map(|p| p.line), Some(107));
    let mut plan = imported.plan.clone();
    clear_positions(&mut plan);
    assert_eq!(plan, want);
    let notes: Vec<String> = imported.notes.iter().map(|n| n.render("f")).collect();
    let expect = [
        "f:49:9: warning: calendar `Standard`: recurring exception `Christmas` ignored",
        "f:54:9: warning: calendar `Standard`: working exception 2027-05-08 to 2027-05-08 ignored (shipdate calendars have holidays only)",
        "f:107:5: warning: resource `Movers`: MaxUnits 2.5 read as capacity 3",
        "f:108:5: warning: resource `Boxes` is a material or cost resource: not a team",
        "f:101:5: warning: task `Cancelled idea` is inactive: left out",
        "f: warning: 2 summary task(s) flattened: their links now apply to the tasks under them",
        "f: warning: 1 elapsed-time lag(s) converted to working days at the calendar's share of working days",
    ];
    assert_eq!(notes, expect);
}

/// An MSPDI document from Monday 4 January 2027 (no calendar: Monday to Friday) with `body`.
fn project(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Project xmlns=\"http://schemas.microsoft.com/project\">\n<Name>t.xml</Name><StartDate>2027-01-04T08:00:00</StartDate><MinutesPerDay>480</MinutesPerDay>\n{body}\n</Project>\n"
    )
}

/// A task row: UID, name, duration (`PT..`) and its `DurationFormat`.
fn task_xml(uid: u32, name: &str, duration: &str, format: u32) -> String {
    format!(
        "<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><Duration>{duration}</Duration><DurationFormat>{format}</DurationFormat></Task>\n"
    )
}

/// A task row with the file's own dates.
fn dated_task_xml(uid: u32, name: &str, start: &str, finish: &str) -> String {
    format!(
        "<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><Start>{start}</Start><Finish>{finish}</Finish><Duration>PT24H0M0S</Duration><DurationFormat>7</DurationFormat></Task>\n"
    )
}

fn resource_xml(uid: u32, name: &str, max_units: &str) -> String {
    format!(
        "<Resource><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><Type>1</Type><MaxUnits>{max_units}</MaxUnits></Resource>\n"
    )
}

fn assignment_xml(uid: u32, task: u32, resource: u32, units: &str) -> String {
    format!(
        "<Assignment><UID>{uid}</UID><TaskUID>{task}</TaskUID><ResourceUID>{resource}</ResourceUID><Units>{units}</Units></Assignment>\n"
    )
}

/// `LINE:COLUMN` of the `nth` occurrence of `needle` in `src` (columns in characters).
fn place(src: &str, needle: &str, nth: usize) -> String {
    let at = src.match_indices(needle).nth(nth).unwrap().0;
    let before = &src[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    format!(
        "{}:{}",
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1
    )
}

fn notes_of(imported: &mspdi::Imported) -> Vec<String> {
    imported.notes.iter().map(|n| n.render("f")).collect()
}

#[test]
fn mspdi_project_files_of_other_tools_are_refused() {
    let dir = scratch("mspdi-namespace");
    for (name, text, want) in [
        (
            "old.csproj.xml",
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project ToolsVersion=\"15.0\" xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\">\n  <PropertyGroup><OutputType>Exe</OutputType></PropertyGroup>\n</Project>\n",
            ":2:1: error: not an MS Project XML (MSPDI) file: its <Project> is in namespace `http://schemas.microsoft.com/developer/msbuild/2003`, not MS Project's `http://schemas.microsoft.com/project` (an MSBuild project file)",
        ),
        (
            "sdk.csproj.xml",
            "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>\n  <ItemGroup><Compile Include=\"Tasks.cs\" /></ItemGroup>\n</Project>\n",
            ":1:1: error: not an MS Project XML (MSPDI) file: its <Project> has no namespace",
        ),
        (
            "labview.xml",
            "<?xml version='1.0' encoding='UTF-8'?>\n<Project Type=\"Project\" LVVersion=\"23008000\">\n\t<Item Name=\"My Computer\" Type=\"My Computer\"/>\n</Project>\n",
            ":2:1: error: not an MS Project XML (MSPDI) file: its <Project> has no namespace",
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let r = shipdate(&["import", file.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{name}: no plan");
        let first = r.stderr.lines().next().unwrap_or("");
        assert!(
            first.starts_with(&format!("{}{want}", file.display())),
            "{name}: {first}"
        );
        assert!(
            first.contains("save the plan as XML from MS Project"),
            "{name}: {first}"
        );
    }
    // A prefixed root in MS Project's namespace is MSPDI.
    let prefixed = "<p:Project xmlns:p=\"http://schemas.microsoft.com/project\"><p:StartDate>2027-01-04T08:00:00</p:StartDate><p:Tasks><p:Task><p:UID>1</p:UID><p:Name>A</p:Name><p:Duration>PT8H0M0S</p:Duration></p:Task></p:Tasks></p:Project>";
    let plan = mspdi::import(prefixed).expect("MSPDI").plan;
    assert_eq!(plan.tasks.len(), 1);
}

#[test]
fn mspdi_nested_150000_deep_neither_overflows_on_import_nor_on_drop() {
    const DEPTH: usize = 150_000;
    let deep = format!(
        "<Extra>{}{}</Extra>",
        "<a>".repeat(DEPTH),
        "</a>".repeat(DEPTH)
    );
    let xml = project(&format!(
        "<Tasks>{}</Tasks>{deep}",
        task_xml(1, "Only task", "PT16H0M0S", 7)
    ));
    // In the engine, on a thread with a 512 KiB stack: parsing, reading and freeing the
    // 150,000-level tree (a recursive drop would need megabytes).
    let text = xml.clone();
    let unclosed = project(&"<a>".repeat(DEPTH)).replace("\n</Project>\n", "");
    let (tasks, err) = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let tasks = mspdi::import(&text).map(|i| i.plan.tasks.len());
            let err = mspdi::import(&unclosed).map(|_| ()).unwrap_err();
            (tasks, err)
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert_eq!(tasks, Ok(1));
    assert!(
        err[0]
            .message
            .contains("the document ends inside an element"),
        "{err:?}"
    );
    // Through the CLI, with its ordinary main thread.
    let dir = scratch("mspdi-deep");
    let file = dir.join("deep.xml");
    std::fs::write(&file, &xml).unwrap();
    let r = shipdate(&["import", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("id = \"only-task\""), "{}", r.stdout);
}

#[test]
fn mspdi_elapsed_durations_are_calendar_time() {
    // Elapsed durations are written in elapsed hours: 1 emonth = 30 x 24 h, 1 eweek = 168 h.
    let tasks = [
        task_xml(1, "Month", "PT720H0M0S", 12),
        task_xml(2, "Week", "PT168H0M0S", 10),
        task_xml(3, "Two days", "PT48H0M0S", 8),
        task_xml(4, "Twelve hours", "PT12H0M0S", 6),
        task_xml(5, "Estimated week", "PT168H0M0S", 42),
        task_xml(6, "Work week", "PT40H0M0S", 7),
    ]
    .concat();
    let imported = mspdi::import(&project(&format!("<Tasks>{tasks}</Tasks>"))).unwrap();
    let plan = &imported.plan;
    // On a Monday-to-Friday calendar a calendar day is 5/7 of a working day.
    let tidy = |x: f64| (x * 1e6).round() / 1e6;
    let want = [
        ("month", tidy(30.0 * 5.0 / 7.0)),
        ("week", 5.0),
        ("two-days", tidy(2.0 * 5.0 / 7.0)),
        ("twelve-hours", tidy(0.5 * 5.0 / 7.0)),
        ("estimated-week", 5.0),
        ("work-week", 5.0),
    ];
    for (id, days) in want {
        let t = &plan.tasks[plan.task_index(id).unwrap()];
        assert_eq!(t.estimate.point(), days, "{id}");
    }
    // A month of calendar time is about 21 working days, not the 90 of reading 720 hours as
    // working hours.
    assert!((plan.tasks[0].estimate.point() - 21.43).abs() < 0.01);
    assert!(notes_of(&imported).contains(
        &"f: warning: 5 elapsed-time duration(s) converted to working days at the calendar's share of working days".to_string()
    ));
    // A week of elapsed time from Monday 4 January ends on Friday 8 January.
    let s = schedule(plan);
    let week = &s.tasks[plan.task_index("week").unwrap()];
    assert_eq!(week.finish_date, NaiveDate::from_ymd_opt(2027, 1, 8));
}

#[test]
fn mspdi_fractional_units_are_noted_with_the_task_and_the_units() {
    let body = format!(
        "<Tasks>{}{}{}</Tasks><Resources>{}</Resources><Assignments>{}{}{}</Assignments>",
        task_xml(1, "Half", "PT16H0M0S", 7),
        task_xml(2, "One and a half", "PT16H0M0S", 7),
        task_xml(3, "Whole", "PT16H0M0S", 7),
        resource_xml(1, "Crew", "2"),
        assignment_xml(1, 1, 1, "0.5"),
        assignment_xml(2, 2, 1, "1.5"),
        assignment_xml(3, 3, 1, "1"),
    );
    let src = project(&body);
    let imported = mspdi::import(&src).unwrap();
    let plan = &imported.plan;
    let demand = |id: &str| plan.tasks[plan.task_index(id).unwrap()].demand;
    assert_eq!(
        [demand("half"), demand("one-and-a-half"), demand("whole")],
        [1, 2, 1]
    );
    assert_eq!(
        notes_of(&imported),
        [
            format!(
                "f:{}: warning: task `half`: 0.5 units of `crew` read as demand 1 (demands are whole numbers)",
                place(&src, "<Assignment>", 0)
            ),
            format!(
                "f:{}: warning: task `one-and-a-half`: 1.5 units of `crew` read as demand 2 (demands are whole numbers)",
                place(&src, "<Assignment>", 1)
            ),
        ]
    );
}

#[test]
fn mspdi_over_allocated_schedule_is_noted_and_its_dates_move() {
    let body = |max_units: &str, b_start: &str, b_finish: &str| {
        format!(
            "<Tasks>{}{}</Tasks><Resources>{}</Resources><Assignments>{}{}</Assignments>",
            dated_task_xml(1, "A", "2027-01-04T08:00:00", "2027-01-06T16:00:00"),
            dated_task_xml(2, "B", b_start, b_finish),
            resource_xml(1, "Movers", max_units),
            assignment_xml(1, 1, 1, "1"),
            assignment_xml(2, 2, 1, "1"),
        )
    };
    // A and B run at once on a resource of one unit.
    let src = project(&body("1", "2027-01-05T08:00:00", "2027-01-07T16:00:00"));
    let imported = mspdi::import(&src).unwrap();
    assert_eq!(
        notes_of(&imported),
        [format!(
            "f:{}: warning: resource `Movers` is over-allocated in the file's own schedule (demand 2 against capacity 1 from 2027-01-05 08:00): shipdate levels it, so its tasks' dates will move",
            place(&src, "<Resource>", 0)
        )]
    );
    // And they do: B waits for A (the file had B on Tuesday 5 January).
    let s = schedule(&imported.plan);
    assert_eq!(s.tasks[1].start_date, NaiveDate::from_ymd_opt(2027, 1, 7));
    // Back to back (B from the moment A finishes), or two units: nothing to say.
    for src in [
        project(&body("1", "2027-01-06T16:00:00", "2027-01-11T16:00:00")),
        project(&body("2", "2027-01-05T08:00:00", "2027-01-07T16:00:00")),
    ] {
        let imported = mspdi::import(&src).unwrap();
        assert_eq!(notes_of(&imported), Vec::<String>::new());
    }
}

#[test]
fn team_display_names_are_kept_from_ms_project_and_in_plans() {
    // MS Project resource names are the teams' display names; ids stay slugs.
    let src = std::fs::read_to_string(path("tests/data/interchange/msproject.xml")).unwrap();
    let plan = mspdi::import(&src).unwrap().plan;
    let teams: Vec<(&str, Option<&str>)> = plan
        .teams
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_deref()))
        .collect();
    assert_eq!(
        teams,
        [
            ("movers", Some("Movers")),
            ("night-crew", Some("Night crew"))
        ]
    );
    // In a plan: read, written and read back, as TOML and JSON.
    let file = path("tests/data/interchange/named-teams.toml");
    let plan = load(&file);
    assert_eq!(
        plan.teams[0].name.as_deref(),
        Some("Back end & <API> \"core\"")
    );
    assert_eq!(plan.teams[2].name, None);
    let toml = io::to_toml(&plan);
    assert!(
        toml.contains("[teams.night-crew]\nname = \"Night crew\"\n"),
        "{toml}"
    );
    // Exported, the resource carries the display name and the id comes back from Text1.
    let xml = mspdi::export(&plan, &schedule(&plan));
    assert!(xml.contains("<Name>Night crew</Name>"), "{xml}");
    let (mut back, mut plan) = (mspdi::import(&xml).unwrap().plan, plan);
    clear_positions(&mut back);
    clear_positions(&mut plan);
    assert_eq!(back.teams, plan.teams);
    // A name that is not a string is a located error.
    let bad = "[plan]\nname = \"x\"\n[teams.be]\nname = 3\ncapacity = 1\n";
    let errs = io::parse_str(bad, Format::Toml).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].pos.map(|p| p.line), Some(4), "{errs:?}");
}
