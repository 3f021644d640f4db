//! Window planning (the MIP on microlp) inside headless Chromium (WebAssembly), checked
//! against the same hand-worked answers as natively. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p shipdate-engine --test wasm_windows`
//! (the runner is set in `.cargo/config.toml`); natively the same tests are plain `#[test]`s
//! (`cargo test -p shipdate-engine --test wasm_windows`).

use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::model::When;
use shipdate_engine::optimize::{plan_windows, WindowsOptions};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

/// SPEC section 5's worked example; `{OPTIONAL}` is replaced to make its twin.
const WORKED: &str = r#"[plan]
name = "worked example"

[teams.be]
capacity = 1

[[tasks]]
id = "a"
team = "be"
estimate = 4

[[tasks]]
id = "b"
team = "be"
estimate = 4
{OPTIONAL}

[[tasks]]
id = "c"
team = "be"
estimate = 3

[[releases]]
id = "r1"
tasks = ["a", "b"]
windows = [5, 10]
target = 5
value = 10

[[releases]]
id = "r2"
tasks = ["c"]
windows = [5, 10]
target = 10
value = 1
"#;

/// Two dated trains; before Tue 2027-01-12 lie 6 working days (capacity 12 for `be`), then
/// 10 more before Tue 2027-01-26 (20). x (10) and y (4) cannot both ride the first train,
/// so the optional y is cut; z (8) rides the second.
const DATED: &str = r#"[plan]
name = "dated"
start = 2027-01-04

[teams.be]
capacity = 2

[[tasks]]
id = "x"
team = "be"
demand = 2
estimate = 5

[[tasks]]
id = "y"
team = "be"
estimate = 4
optional = true
after = ["x"]

[[tasks]]
id = "z"
team = "be"
estimate = 8

[[releases]]
id = "one"
tasks = ["x", "y"]
windows = [2027-01-12, 2027-01-26]
target = 2027-01-12
value = 3

[[releases]]
id = "two"
tasks = ["z"]
windows = [2027-01-12, 2027-01-26]
"#;

fn date(s: &str) -> When {
    When::Date(s.parse().unwrap())
}

#[test]
fn worked_example_in_the_browser() {
    let plan = parse_str(
        &WORKED.replace("{OPTIONAL}", "optional = true"),
        Format::Toml,
    )
    .unwrap();
    let r = plan_windows(&plan, &WindowsOptions::default()).unwrap();
    assert!(r.status.optimal);
    assert_eq!(r.releases[0].window, Some(When::Period(5.0)));
    assert!(r.releases[0].on_time);
    assert_eq!(r.releases[0].cut, vec!["b".to_string()]);
    assert_eq!(r.releases[1].window, Some(When::Period(10.0)));
    assert!(r.releases[1].on_time);
    assert!(r.overload.is_empty());
}

#[test]
fn worked_example_twin_in_the_browser() {
    let plan = parse_str(&WORKED.replace("{OPTIONAL}", ""), Format::Toml).unwrap();
    let r = plan_windows(&plan, &WindowsOptions::default()).unwrap();
    assert_eq!(r.releases[0].window, Some(When::Period(10.0)));
    assert!(!r.releases[0].on_time);
    assert!(r.releases[1].unscheduled);
    assert_eq!(r.overload.len(), 1);
    assert_eq!(r.overload[0].message, "be lacks 1 unit by 10");
    assert_eq!(r.overload[0].missing, 1.0);
}

#[test]
fn dated_trains_in_the_browser() {
    let plan = parse_str(DATED, Format::Toml).unwrap();
    let r = plan_windows(&plan, &WindowsOptions::default()).unwrap();
    assert!(r.status.optimal);
    let caps: Vec<f64> = r.load.iter().map(|l| l.capacity).collect();
    assert_eq!(caps, vec![12.0, 20.0]);
    assert_eq!(r.releases[0].window, Some(date("2027-01-12")));
    assert!(r.releases[0].on_time);
    assert_eq!(r.releases[0].cut, vec!["y".to_string()]);
    assert_eq!(r.releases[1].window, Some(date("2027-01-26")));
}
