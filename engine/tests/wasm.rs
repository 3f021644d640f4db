//! The engine inside headless Chromium (WebAssembly), checked against the same numbers as
//! natively. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p shipdate-engine --test wasm`
//! (the runner is set in `.cargo/config.toml`). The same tests run natively as plain
//! `#[test]`s (`cargo test -p shipdate-engine --test wasm`), against the same hand-worked
//! expected values, so a difference between the platforms fails one of the two runs.

use shipdate_engine::dispatch::schedule;
use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::model::When;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

/// Offset 0 is Monday 2027-01-04 (Friday the 1st is a holiday); Wednesday the 6th is a
/// holiday too, so days 0..=8 are Jan 4, 5, 7, 8, 11, 12, 13, 14, 15.
const PLAN: &str = r#"[plan]
name = "wasm check"
start = 2027-01-01

[calendars.standard]
workdays = ["mon", "tue", "wed", "thu", "fri"]
holidays = [2027-01-01, 2027-01-06]

[teams.be]
capacity = 1

[teams.qa]
capacity = 1

[[tasks]]
id = "a"
team = "be"
estimate = { low = 2, likely = 3, high = 6 }

[[tasks]]
id = "b"
team = "be"
estimate = 2

[[tasks]]
id = "c"
team = "qa"
estimate = 2
after = [{ task = "a", type = "SS", lag = 1 }]

[[tasks]]
id = "d"
team = "qa"
estimate = 1
after = ["b", "c"]

[[releases]]
id = "r1"
tasks = ["d"]
target = 2027-01-15
cadence = { weekdays = ["thu"], every_weeks = 1, from = 2027-01-04 }
"#;

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[test]
fn schedule_matches_native() {
    let plan = parse_str(PLAN, Format::Toml).expect("the plan is valid");
    let r = schedule(&plan);
    // Unlevelled, a's latest start is 0, b's and c's 1: a goes first on `be`, b waits for it.
    // a [0,3) Jan 4-7; b [3,5) Jan 8-11; c [1,3) (SS +1 after a) Jan 5-7; d [5,6) Jan 12.
    // c can slip 2 days before d moves.
    let got: Vec<(&str, f64, f64, f64, bool)> = r
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.start, t.finish, t.slack, t.critical))
        .collect();
    assert_eq!(
        got,
        vec![
            ("a", 0.0, 3.0, 0.0, true),
            ("b", 3.0, 5.0, 0.0, true),
            ("c", 1.0, 3.0, 2.0, false),
            ("d", 5.0, 6.0, 0.0, true),
        ]
    );
    let dates: Vec<_> = r
        .tasks
        .iter()
        .map(|t| (t.start_date.unwrap(), t.finish_date.unwrap()))
        .collect();
    assert_eq!(
        dates,
        vec![
            (date("2027-01-04"), date("2027-01-07")),
            (date("2027-01-08"), date("2027-01-11")),
            (date("2027-01-05"), date("2027-01-07")),
            (date("2027-01-12"), date("2027-01-12")),
        ]
    );
    assert_eq!(r.makespan, 6.0);
    assert_eq!(r.start_date, Some(date("2027-01-04")));
    assert_eq!(r.finish_date, Some(date("2027-01-12")));
    // Ready Tuesday the 12th; the first Thursday window strictly after it is the 14th.
    let rel = &r.releases[0];
    assert_eq!(rel.ready, 6.0);
    assert_eq!(rel.ready_date, Some(date("2027-01-12")));
    assert_eq!(rel.deploy_date, Some(date("2027-01-14")));
    assert_eq!(rel.target, Some(When::Date(date("2027-01-15"))));
    assert_eq!(rel.on_time, Some(true));
    assert!(!rel.unscheduled);
}

#[test]
fn every_error_is_located_in_one_pass() {
    // An unknown team with a near miss on line 17, and d linked to itself on line 35.
    let bad = PLAN
        .replace("id = \"a\"\nteam = \"be\"", "id = \"a\"\nteam = \"bee\"")
        .replace("after = [\"b\", \"c\"]", "after = [\"b\", \"d\"]");
    let errors = parse_str(&bad, Format::Toml).expect_err("the plan is invalid");
    let mut lines: Vec<u32> = errors
        .iter()
        .filter_map(|d| d.pos.map(|p| p.line))
        .collect();
    lines.dedup();
    assert_eq!(lines, vec![17, 35], "{errors:?}");
    let team = errors
        .iter()
        .find(|d| d.message.contains("bee"))
        .expect("names the team");
    assert_eq!(team.help.as_deref(), Some("did you mean `be`?"), "{team:?}");
}
