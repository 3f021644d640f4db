//! Every input that mutation fuzzing found making a command panic or hang
//! (`tests/data/fuzz/`, issue 15), run through the real binary with the command that broke:
//! each must now end with a result (exit 0) or located errors (exit 2), in bounded time.
//! And the dates of a schedule: no task finishes before it starts, over the dated examples and
//! mutants of their calendars.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_shipdate");

/// Far above what any of these runs needs (well under a second each): only a hang detector.
const HANG: Duration = Duration::from_secs(60);

/// A fresh scratch folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("shipdate-fuzz-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with a hang detector: a run past [`HANG`] is killed and fails the test.
fn run(args: &[&str], dir: &Path) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start shipdate");
    let began = Instant::now();
    // Read both pipes on threads so a large output cannot block the child.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).map(|_| s)
    });
    let err_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).map(|_| s)
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for shipdate") {
            break status;
        }
        if began.elapsed() > HANG {
            child.kill().ok();
            child.wait().ok();
            panic!("shipdate {args:?} still running after {HANG:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8(out_t.join().unwrap().unwrap()).expect("utf-8 stdout");
    let stderr = String::from_utf8(err_t.join().unwrap().unwrap()).expect("utf-8 stderr");
    let code = status
        .code()
        .unwrap_or_else(|| panic!("shipdate {args:?} killed by a signal: {stderr}"));
    Run {
        code,
        stdout,
        stderr,
    }
}

/// Whether `line` reads `FILE:LINE:COLUMN: error: MESSAGE` for this file.
fn located(line: &str, file: &str) -> bool {
    let Some(rest) = line.strip_prefix(file).and_then(|r| r.strip_prefix(':')) else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let (Some(l), Some(c), Some(msg)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    l.parse::<u32>().is_ok_and(|l| l > 0)
        && c.parse::<u32>().is_ok_and(|c| c > 0)
        && msg.starts_with(" error: ")
        && msg.len() > " error: ".len()
}

/// Asserts a plan-error exit: code 2, nothing on stdout, every stderr line located (the last
/// may be the count of errors), and returns the error lines.
fn assert_located(r: &Run, file: &str, what: &str) -> Vec<String> {
    assert_eq!(r.code, 2, "{what}: exit {} with {}", r.code, r.stderr);
    assert!(r.stdout.is_empty(), "{what}: stdout {}", r.stdout);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(!lines.is_empty(), "{what}: no error printed");
    let summary = format!("{file}: {} error(s) in the plan", lines.len() - 1);
    let errors = match lines.split_last() {
        Some((last, rest)) if *last == summary => rest,
        _ => &lines[..],
    };
    assert!(!errors.is_empty(), "{what}: no error line in {}", r.stderr);
    for l in errors {
        assert!(located(l, file), "{what}: not a located error: {l}");
    }
    errors.iter().map(|s| s.to_string()).collect()
}

/// The command each finding broke (the table of the findings' README).
fn command(name: &str) -> Vec<&str> {
    let n: u32 = name[..2].parse().expect("numbered finding");
    match n {
        1..=4 => vec!["report", "-n", "200", "-o", "out.html", name],
        5..=9 | 18 => vec!["schedule", name, "--format", "json"],
        16 | 17 | 19 => vec!["validate", name],
        _ => vec!["simulate", "-n", "200", "--format", "json", name],
    }
}

/// For the findings fixed by the time axis's limits: a word of the message each error must
/// carry, naming the field past its limit.
fn expected_field(name: &str) -> Option<&'static str> {
    Some(match &name[..2] {
        "01" | "04" | "07" | "09" | "14" | "23" => "estimate",
        "02" | "11" => "estimate `high`",
        "03" | "08" | "13" | "24" => "time off: `",
        "05" | "06" | "10" | "18" | "22" => "`lag`",
        "12" => "estimate `p90`",
        "15" => "impact `high`",
        "20" => "estimate `p90`",
        // A lognormal of median 1e-320 and p90 5: half its samples past the longest span.
        "21" => "99th percentile",
        // Found by the validation side (a lint hang, an overflow) but past the horizon too.
        "16" => "`target`",
        "17" => "time off: `to`",
        _ => return None,
    })
}

#[test]
fn every_fuzz_finding_ends_with_a_result_or_located_errors() {
    let dir = data("fuzz");
    let scratch = Scratch::new("findings");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/data/fuzz")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml") || n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 24, "the 24 findings of issue 15: {names:?}");
    // Every finding is run and every failure reported together.
    let failures: Vec<String> = names
        .iter()
        .filter_map(|name| {
            std::panic::catch_unwind(|| check_finding(&dir, scratch.path(), name))
                .err()
                .map(|e| {
                    let msg = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    format!("{name}: {msg}")
                })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs one finding with its command (on a copy, where the output file may be written).
fn check_finding(dir: &Path, scratch: &Path, name: &str) {
    std::fs::copy(dir.join(name), scratch.join(name)).unwrap();
    let r = run(&command(name), scratch);
    if r.code == 0 {
        // Only a plan within every limit may give a result: the ones this test names a field
        // for must be refused.
        assert!(
            expected_field(name).is_none(),
            "accepted, but it holds a value past the time axis's limits"
        );
        let json: Value = serde_json::from_str(&r.stdout).expect("JSON output");
        assert!(json.is_object(), "{}", r.stdout);
        return;
    }
    let errors = assert_located(&r, name, name);
    if let Some(field) = expected_field(name) {
        assert!(
            errors.iter().any(|e| e.contains(field)),
            "no error names {field}: {errors:?}"
        );
    }
}

/// A date of the JSON output: ISO 8601 with a four-digit year, or `None` for null.
fn json_date(v: &Value, what: &str) -> Option<NaiveDate> {
    let s = v.as_str()?;
    assert!(
        s.len() == 10 && s.as_bytes()[4] == b'-',
        "{what}: `{s}` is not YYYY-MM-DD"
    );
    Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("ISO date"))
}

/// Text edits of a dated plan's calendars and dates, each giving a plan that still validates.
fn calendar_mutants(src: &str) -> Vec<(&'static str, String)> {
    let first_workdays = |s: &str, days: &str| -> String {
        match s.find("workdays = [") {
            Some(at) => {
                let end = at + s[at..].find(']').unwrap() + 1;
                format!("{}workdays = {days}{}", &s[..at], &s[end..])
            }
            None => s.to_string(),
        }
    };
    let start_line = src
        .lines()
        .find(|l| l.starts_with("start = "))
        .expect("a dated plan");
    vec![
        ("as written", src.to_string()),
        (
            "starting on a Saturday",
            src.replacen(start_line, "start = 2027-01-02", 1),
        ),
        (
            "a plan calendar of Mondays and Fridays",
            first_workdays(src, r#"["mon", "fri"]"#),
        ),
        (
            "a plan calendar of Tuesday, Thursday and Saturday",
            first_workdays(src, r#"["tue", "thu", "sat"]"#),
        ),
        (
            "every time off at capacity 0",
            src.replace("capacity = 1 }", "capacity = 0 }"),
        ),
        (
            "fractional lags",
            src.replace("lag = 3", "lag = 0.5")
                .replace("lag = 2", "lag = 1.25")
                .replace("lag = -1.5", "lag = -0.25"),
        ),
        (
            "moved to the last year whose dates a plan may hold",
            src.replacen(start_line, "start = 2199-06-01", 1)
                .replace("2027-", "2199-"),
        ),
    ]
}

#[test]
fn no_task_finishes_before_it_starts_on_mutated_calendars() {
    let scratch = Scratch::new("dates");
    let mut checked = 0;
    for source in [
        "../../examples/checkout.toml",
        "full.toml",
        "windows-dated.toml",
    ] {
        let src = std::fs::read_to_string(data(source)).expect("a dated plan");
        for (what, text) in calendar_mutants(&src) {
            let file = scratch.path().join("plan.toml");
            std::fs::write(&file, &text).unwrap();
            let r = run(
                &["schedule", "plan.toml", "--format", "json"],
                scratch.path(),
            );
            let what = format!("{source} {what}");
            assert_eq!(r.code, 0, "{what}: {}", r.stderr);
            let json: Value = serde_json::from_str(&r.stdout).expect("JSON schedule");
            for t in json["tasks"].as_array().expect("tasks") {
                let id = t["id"].as_str().unwrap();
                let (s, f) = (t["start"].as_f64().unwrap(), t["finish"].as_f64().unwrap());
                assert!(
                    f >= s,
                    "{what}: task {id} finishes at {f}, before its start {s}"
                );
                let sd = json_date(&t["start_date"], &what).expect("a start date");
                let fd = json_date(&t["finish_date"], &what).expect("a finish date");
                assert!(
                    fd >= sd,
                    "{what}: task {id} finishes on {fd}, before it starts on {sd}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} tasks checked");
}

#[test]
fn a_start_too_late_for_the_horizon_is_a_located_error() {
    let scratch = Scratch::new("late");
    let src = std::fs::read_to_string(data("full.toml")).unwrap();
    // The old behaviour: a schedule past 9999-12-31 printed `+10000-01-07` as a finish date,
    // which sorts before its start as text.
    let text = src
        .replacen("start = 2027-01-04", "start = 9999-12-20", 1)
        .replace("2027-", "9999-");
    std::fs::write(scratch.path().join("late.toml"), text).unwrap();
    let r = run(
        &["schedule", "late.toml", "--format", "json"],
        scratch.path(),
    );
    let errors = assert_located(&r, "late.toml", "start 9999-12-20");
    assert!(
        errors[0].starts_with(
            "late.toml:5:9: error: [plan]: `start` 9999-12-20 is outside the accepted dates"
        ),
        "{errors:?}"
    );
}

/// A task with 1e-308 days of work made the windows MIP infeasible (the solver's tolerances
/// are near 1e-9): work below [`shipdate_engine::optimize::WORK_RESOLUTION`] is none, so the
/// plan is planned exactly as with an estimate of 0. The fuzzer's plan starts after both of
/// its release's windows, which are therefore no longer open (SPEC section 5): they held no
/// capacity at all. Here the plan starts before them and every team is away until after
/// both, so again no window has capacity: the model needs its smallest extra capacity.
#[test]
fn a_task_with_vanishing_work_plans_as_one_with_none() {
    let scratch = Scratch::new("tiny-work");
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/regressions/pipeline/tiny-work-windows.toml"),
    )
    .unwrap();
    assert!(src.contains("estimate = 1e-308") && src.contains("start = 2028-02-29"));
    let away = "time_off = [{ from = 2027-03-01, to = 2027-04-30, capacity = 0 }]";
    let src: String = src
        .replace("start = 2028-02-29", "start = 2027-03-01")
        .lines()
        .filter(|l| !l.starts_with("time_off"))
        .flat_map(|l| {
            let team = l.starts_with("[teams.");
            std::iter::once(l).chain(team.then_some(away))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(src.matches(away).count(), 3);
    std::fs::write(scratch.path().join("tiny.toml"), &src).unwrap();
    let zero = src.replace("estimate = 1e-308", "estimate = 0");
    std::fs::write(scratch.path().join("zero.toml"), zero).unwrap();
    let tiny = run(
        &["windows", "tiny.toml", "--format", "json"],
        scratch.path(),
    );
    let none = run(
        &["windows", "zero.toml", "--format", "json"],
        scratch.path(),
    );
    assert_eq!(
        (tiny.code, none.code),
        (0, 0),
        "{}\n{}",
        tiny.stderr,
        none.stderr
    );
    let (a, b): (Value, Value) = (
        serde_json::from_str(&tiny.stdout).unwrap(),
        serde_json::from_str(&none.stdout).unwrap(),
    );
    assert_eq!(a["releases"], b["releases"]);
    assert!(
        a["releases"].as_array().is_some_and(|r| r.len() == 1),
        "{a}"
    );
}

/// Inputs a first short fuzz run found (a panic, an overflow, a hang, an unlocated error),
/// re-checked on the current code: each is now a located error naming its field.
#[test]
fn the_first_fuzz_runs_other_findings_are_located_errors() {
    let scratch = Scratch::new("first-run");
    let example = std::fs::read_to_string(data("../../examples/checkout.toml")).unwrap();
    let worked = std::fs::read_to_string(data("windows-worked.toml")).unwrap();
    let cases: Vec<(&str, String, Vec<&str>, &str)> = vec![
        (
            // Panicked in `simulate`.
            "high.toml",
            example.replacen("high = 14 }", "high = 999999999 }", 1),
            vec!["simulate", "-n", "200", "--format", "json"],
            "estimate `high` is 999999999",
        ),
        (
            // Overflowed in the calendar.
            "huge.toml",
            example.replacen("estimate = 3\n", "estimate = 9999999999999999999\n", 1),
            vec!["schedule", "--format", "json"],
            "estimate is 1e19",
        ),
        (
            // Hung in `windows`.
            "far-windows.toml",
            worked
                .replacen("windows = [5, 10]", "windows = [5, 1e25]", 1)
                .replacen("target = 5\n", "target = 1e25\n", 1),
            vec!["windows", "--format", "json"],
            "`windows` is 1e25",
        ),
        (
            // Accepted by the reader.
            "no-id.toml",
            "[plan]\nname = \"x\"\n[[tasks]]\nname = \"nameless\"\nestimate = 3\n".into(),
            vec!["validate"],
            "task #1: missing `id`",
        ),
        (
            "no-id.json",
            r#"{"plan": {"name": "x"}, "tasks": [{"name": "nameless", "estimate": 3}]}"#.into(),
            vec!["validate"],
            "task #1: missing `id`",
        ),
        (
            // Exited 1 without a location.
            "no-windows.toml",
            "[plan]\nname = \"x\"\n[[tasks]]\nid = \"a\"\nestimate = 1\n\
             [[releases]]\nid = \"r\"\ntasks = [\"a\"]\n"
                .into(),
            vec!["windows"],
            "release `r` has neither `windows` nor a `cadence`",
        ),
    ];
    for (name, text, mut args, field) in cases {
        assert_ne!(text.len(), 0);
        std::fs::write(scratch.path().join(name), &text).unwrap();
        args.push(name);
        let r = run(&args, scratch.path());
        let errors = assert_located(&r, name, name);
        assert!(
            errors.iter().any(|e| e.contains(field)),
            "{name}: no error says {field}: {errors:?}"
        );
    }
}

/// MS Project XML nested 150,000 elements deep and never closed (the closed case imports:
/// `interchange::mspdi_nested_150000_deep_neither_overflows_on_import_nor_on_drop`): through
/// the CLI's ordinary main thread, a located error, not a stack overflow.
#[test]
fn mspdi_unclosed_150000_deep_is_a_located_error_through_the_cli() {
    let scratch = Scratch::new("deep");
    let open = "<Project xmlns=\"http://schemas.microsoft.com/project\">";
    let xml = format!("<?xml version=\"1.0\"?>\n{}", open.repeat(150_000));
    std::fs::write(scratch.path().join("deep.xml"), xml).unwrap();
    let r = run(&["import", "deep.xml"], scratch.path());
    let errors = assert_located(&r, "deep.xml", "deep.xml");
    assert!(
        errors[0].contains("the document ends inside an element"),
        "{errors:?}"
    );
}

/// Task a0 (estimate likely 1e-308) on a team away for the plan's first three working days
/// was scheduled to start at 3 and finish at 0: the calendar rounded its 1e-308 days of work
/// away and finished it when no work at all had been done, before the pause.
#[test]
fn a_vanishing_duration_after_time_off_finishes_at_its_start() {
    let scratch = Scratch::new("tiny-duration");
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/regressions/pipeline/zero-length-before-time-off.toml"),
    )
    .unwrap();
    assert!(src.contains("likely = 1e-308"));
    std::fs::write(scratch.path().join("tiny.toml"), &src).unwrap();
    let r = run(
        &["schedule", "tiny.toml", "--format", "json"],
        scratch.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    let a0 = &json["tasks"][0];
    assert_eq!(a0["id"], "a0");
    // The team first works on day 3 (Sunday 10 January).
    assert_eq!(
        (a0["start"].as_f64(), a0["finish"].as_f64()),
        (Some(3.0), Some(3.0))
    );
    assert_eq!(a0["start_date"], a0["finish_date"]);
}
