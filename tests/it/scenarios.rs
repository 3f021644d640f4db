//! Scenarios (SPEC section 7) through the binary: `--scenario`, `compare`, located errors and
//! the round trip through `export`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{path, scratch, shipdate, Run};

const EXAMPLE: &str = "examples/scenarios.toml";

/// The example plan without its `[[scenarios]]` tables.
fn base_text() -> String {
    let text = std::fs::read_to_string(path(EXAMPLE)).unwrap();
    let at = text
        .find("[[scenarios]]")
        .expect("the example has scenarios");
    text[..at].to_string()
}

/// `text` with `from` replaced by `to`, which must occur.
fn edited(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "no `{from}` in the plan");
    text.replacen(from, to, 1)
}

/// The example's scenarios written by hand: the base plan edited as each scenario says.
fn by_hand(id: &str) -> String {
    let base = base_text();
    match id {
        "contractor" => edited(
            &base,
            "[teams.backend]\ncapacity = 1",
            "[teams.backend]\ncapacity = 2",
        ),
        "lean" => {
            let docs = "[[tasks]]\nid = \"docs\"\nname = \"Help centre articles\"\nteam = \"frontend\"\nestimate = 3\nafter = [\"ui\"]\n\n";
            let t = edited(&base, docs, "");
            let t = edited(
                &t,
                "after = [\"api\", \"fraud\", \"ui\", \"docs\"]",
                "after = [\"api\", \"fraud\", \"ui\"]",
            );
            edited(
                &t,
                "estimate = { low = 3, likely = 5, high = 12 }",
                "estimate = { low = 2, likely = 3, high = 5 }",
            )
        }
        "mitigated" => {
            let t = edited(&base, "probability = 0.3", "probability = 0.1");
            edited(&t, "target = 2027-02-02", "target = 2027-02-09")
        }
        _ => unreachable!(),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn ok(run: Run) -> String {
    assert!(run.success(), "exit {}: {}", run.code, run.stderr);
    run.stdout
}

fn json(run: Run) -> Value {
    serde_json::from_str(&ok(run)).unwrap()
}

const SCENARIOS: [&str; 3] = ["contractor", "lean", "mitigated"];

#[test]
fn a_scenario_simulates_to_the_bit_as_the_plan_edited_by_hand() {
    let dir = scratch("scenarios_by_hand");
    for id in SCENARIOS {
        let twin = write(&dir, &format!("{id}.toml"), &by_hand(id));
        let twin = twin.to_str().unwrap();
        for mode in [&[][..], &["--ignore-capacity"][..]] {
            let mut args = vec!["simulate", "-n", "3000", "--seed", "7", "--format", "json"];
            args.extend_from_slice(mode);
            let mut with = args.clone();
            with.extend_from_slice(&[EXAMPLE, "--scenario", id]);
            let mut hand = args.clone();
            hand.push(twin);
            let (a, b) = (ok(shipdate(&with)), ok(shipdate(&hand)));
            assert_eq!(
                a, b,
                "scenario `{id}` {mode:?} differs from the plan edited by hand"
            );
            // And the scenario changed something: it is not the base plan.
            args.push(EXAMPLE);
            // Capacity is what critical-path mode leaves out.
            if id != "contractor" || mode.is_empty() {
                assert!(
                    a != ok(shipdate(&args)),
                    "scenario `{id}` {mode:?} changed nothing"
                );
            }
        }
        let sched = |extra: &[&str]| {
            let mut args = vec!["schedule", "--format", "json"];
            args.extend_from_slice(extra);
            json(shipdate(&args))
        };
        assert_eq!(sched(&[EXAMPLE, "--scenario", id]), sched(&[twin]), "{id}");
    }
}

#[test]
fn a_cut_task_leaves_with_its_links_and_its_successors_keep_the_others() {
    let v = json(shipdate(&[
        "schedule",
        EXAMPLE,
        "--scenario",
        "lean",
        "--format",
        "json",
    ]));
    let ids: Vec<&str> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(!ids.contains(&"docs"), "{ids:?}");
    // `launch` still waits for `ui`, its other link.
    let finish = |id: &str| {
        v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()["finish"]
            .as_f64()
            .unwrap()
    };
    let last = ["api", "fraud", "ui"]
        .map(finish)
        .into_iter()
        .fold(0.0, f64::max);
    assert_eq!(finish("launch"), last);
}

#[test]
fn compare_json_is_base_and_each_scenario_as_simulate_prints_them() {
    for mode in [&[][..], &["--ignore-capacity"][..]] {
        let mut args = vec![EXAMPLE, "-n", "1500", "--seed", "3", "--format", "json"];
        args.extend_from_slice(mode);
        let v = json(shipdate(&[&["compare"][..], &args].concat()));
        let top: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(top, ["base", "scenarios"]);
        let simulate = |extra: &[&str]| json(shipdate(&[&["simulate"][..], &args, extra].concat()));
        assert_eq!(v["base"], simulate(&[]));
        let scenarios = v["scenarios"].as_array().unwrap();
        assert_eq!(scenarios.len(), SCENARIOS.len());
        for (s, id) in scenarios.iter().zip(SCENARIOS) {
            let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["id", "result"]);
            assert_eq!(s["id"], id);
            assert_eq!(s["result"], simulate(&["--scenario", id]), "{id} {mode:?}");
        }
    }
}

#[test]
fn compare_table_and_markdown_show_each_release_per_variant() {
    let table = ok(shipdate(&["compare", EXAMPLE, "-n", "500"]));
    let header = table.lines().nth(2).unwrap();
    for col in [
        "base P50",
        "contractor P80",
        "lean on time",
        "mitigated P50",
    ] {
        assert!(header.contains(col), "{header}");
    }
    assert!(table.lines().any(|l| l.starts_with("2027.1 ")), "{table}");
    let md = ok(shipdate(&[
        "compare", EXAMPLE, "-n", "500", "--format", "markdown",
    ]));
    assert!(
        md.contains("| release | base P50 | base P80 | base on time | contractor P50"),
        "{md}"
    );
    assert!(
        md.lines().any(|l| l.starts_with("| 2027.1 | 2027-")),
        "{md}"
    );
}

#[test]
fn scenario_errors_are_located_in_their_tables_all_in_one_run() {
    let dir = scratch("scenarios_errors");
    let text = format!(
        "{}{}",
        base_text(),
        "[[scenarios]]\n\
         id = \"typos\"\n\
         tasks = { frud = { estimate = 3 }, api = { estimat = 4 } }\n\
         teams = { backend = { capacity = \"lots\" } }\n\
         \n\
         [[scenarios]]\n\
         id = \"empty\"\n\
         tasks = { launch = { cut = true } }\n\
         risks = { vendor-late = { probability = 2 } }\n\
         \n\
         [[scenarios]]\n\
         id = \"over\"\n\
         tasks = { api = { demand = 3 } }\n"
    );
    let first = base_text().lines().count() as u32 + 1;
    let plan = write(&dir, "bad.toml", &text);
    let run = shipdate(&["validate", plan.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let at = |line: u32, col: u32| format!("bad.toml:{}:{col}: error: ", first + line);
    let expect = [
        (
            at(2, 11),
            "scenario `typos`: unknown task `frud` (did you mean `fraud`?)",
        ),
        (
            at(2, 44),
            "scenario `typos`: task `api`: unknown key `estimat` (did you mean `estimate`?)",
        ),
        (
            at(3, 34),
            "scenario `typos`: team `backend`: `capacity` must be a whole number",
        ),
        (
            at(7, 11),
            "scenario `empty`: release `2027.1`: `tasks` is empty",
        ),
        (
            at(8, 41),
            "scenario `empty`: risk `vendor-late`: `probability` must be in (0, 1]",
        ),
        (
            at(12, 11),
            "scenario `over`: task `api`: demand 3 is above the capacity 1",
        ),
    ];
    for (loc, msg) in &expect {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.contains(loc.as_str()) && l.contains(msg)),
            "no `{loc}{msg}` in:\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("6 error(s)"), "{}", run.stderr);
}

#[test]
fn scenario_errors_in_json_plans_are_located_too() {
    let dir = scratch("scenarios_json_errors");
    let text = "{\n  \"plan\": { \"name\": \"p\" },\n  \"tasks\": [ { \"id\": \"a\", \"estimate\": 3 } ],\n  \"scenarios\": [\n    { \"id\": \"s\", \"tasks\": { \"b\": { \"estimate\": 2 } } }\n  ]\n}\n";
    let plan = write(&dir, "bad.json", text);
    let run = shipdate(&["simulate", plan.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("bad.json:5:29: error: scenario `s`: unknown task `b`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_scenario_is_a_plan_error_with_the_near_miss() {
    for cmd in ["schedule", "simulate", "windows"] {
        let run = shipdate(&[cmd, EXAMPLE, "--scenario", "contracter"]);
        assert_eq!(run.code, 2, "{cmd}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("unknown scenario `contracter` (did you mean `contractor`?)"),
            "{cmd}: {}",
            run.stderr
        );
    }
    let dir = scratch("scenarios_unknown");
    let out = dir.join("r.html");
    let run = shipdate(&[
        "report",
        EXAMPLE,
        "--scenario",
        "nope",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn windows_and_report_take_a_scenario() {
    let base = json(shipdate(&["windows", EXAMPLE, "--format", "json"]));
    let with = json(shipdate(&[
        "windows",
        EXAMPLE,
        "--scenario",
        "contractor",
        "--format",
        "json",
    ]));
    assert_ne!(base["load"], with["load"], "the contractor adds capacity");
    let dir = scratch("scenarios_report");
    let out = dir.join("r.html");
    ok(shipdate(&[
        "report",
        EXAMPLE,
        "--scenario",
        "lean",
        "-n",
        "300",
        "-o",
        out.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(!html.contains(">docs<"), "the cut task is in the report");
}

#[test]
fn export_keeps_the_scenarios_through_toml_and_json() {
    let dir = scratch("scenarios_export");
    let toml = ok(shipdate(&["export", EXAMPLE, "--to", "toml"]));
    assert!(toml.contains("[[scenarios]]\nid = \"lean\""), "{toml}");
    let json_text = ok(shipdate(&["export", EXAMPLE, "--to", "json"]));
    let t = write(&dir, "p.toml", &toml);
    let j = write(&dir, "p.json", &json_text);
    // Written back, each reads to the same plan: the same text again, from either.
    assert_eq!(
        ok(shipdate(&["export", t.to_str().unwrap(), "--to", "toml"])),
        toml
    );
    assert_eq!(
        ok(shipdate(&["export", j.to_str().unwrap(), "--to", "toml"])),
        toml
    );
    assert_eq!(
        ok(shipdate(&["export", t.to_str().unwrap(), "--to", "json"])),
        json_text
    );
    // And the scenarios still mean the same.
    let args = ["-n", "500", "--seed", "5", "--format", "json"];
    let cmp = |p: &str| json(shipdate(&[&["compare", p][..], &args].concat()));
    let original = cmp(EXAMPLE);
    assert_eq!(cmp(t.to_str().unwrap()), original);
    assert_eq!(cmp(j.to_str().unwrap()), original);
}

#[test]
fn the_report_has_the_scenarios_side_by_side_as_compare_shows_them() {
    let dir = scratch("scenarios_report_section");
    let out = dir.join("r.html");
    let common = ["-n", "400", "--seed", "9"];
    ok(shipdate(
        &[
            &["report", EXAMPLE, "-o", out.to_str().unwrap()][..],
            &common,
        ]
        .concat(),
    ));
    let html = std::fs::read_to_string(&out).unwrap();
    let at = html
        .find("<section id=\"scenarios\">")
        .expect("a Scenarios section");
    let section = &html[at..at + html[at..].find("</section>").unwrap()];
    let md = ok(shipdate(
        &[&["compare", EXAMPLE, "--format", "markdown"][..], &common].concat(),
    ));
    let row = md.lines().find(|l| l.starts_with("| 2027.1 |")).unwrap();
    let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
    // Each variant's P50 and P80, in order, in the report's row.
    let mut rest = section;
    for v in 0..4 {
        for cell in &cells[1 + 3 * v..3 + 3 * v] {
            let needle = format!("<td class=\"num\">{cell}</td>");
            let k = rest
                .find(&needle)
                .unwrap_or_else(|| panic!("no {needle} in {section}"));
            rest = &rest[k + needle.len()..];
        }
    }
    assert!(
        section.contains("<b>lean</b>: Docs after launch"),
        "{section}"
    );
    // A scenario's own report has no scenarios; nor has a plan without them.
    ok(shipdate(
        &[
            &[
                "report",
                EXAMPLE,
                "--scenario",
                "lean",
                "-o",
                out.to_str().unwrap(),
            ][..],
            &common,
        ]
        .concat(),
    ));
    assert!(!std::fs::read_to_string(&out)
        .unwrap()
        .contains("id=\"scenarios\""));
    ok(shipdate(
        &[
            &[
                "report",
                "examples/checkout.toml",
                "-o",
                out.to_str().unwrap(),
            ][..],
            &common,
        ]
        .concat(),
    ));
    assert!(!std::fs::read_to_string(&out)
        .unwrap()
        .contains("id=\"scenarios\""));
}

#[test]
fn validate_lists_the_scenarios() {
    let out = ok(shipdate(&["validate", EXAMPLE]));
    assert!(
        out.contains("scenarios (shipdate compare, or --scenario ID)\n"),
        "{out}"
    );
    assert!(
        out.contains("  lean           2 field(s) replaced  Docs after launch"),
        "{out}"
    );
}
