use super::*;
use crate::io::{clear_positions, parse_str, to_json, to_toml};
use crate::model::{RiskStatus, When};

const EXAMPLE: &str = include_str!("../../../examples/scenarios.toml");

fn plan(src: &str) -> Plan {
    parse_str(src, Format::Toml).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn bare(mut p: Plan) -> Plan {
    clear_positions(&mut p);
    p
}

const SMALL: &str = "[plan]\nname = \"p\"\n[teams.be]\ncapacity = 1\n\
    [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\n\
    [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\nafter = [\"a\"]\n\
    [[tasks]]\nid = \"c\"\nestimate = 1\nafter = [\"a\", \"b\"]\n\
    [[risks]]\nid = \"r\"\nprobability = 0.5\nimpact = 2\ntasks = [\"a\", \"b\"]\n\
    [[releases]]\nid = \"r1\"\ntasks = [\"b\", \"c\"]\n";

#[test]
fn the_scenarios_survive_toml_and_json_round_trips() {
    let p = plan(EXAMPLE);
    assert_eq!(p.scenarios.len(), 3);
    let original = bare(p.clone());
    assert_eq!(bare(plan(&to_toml(&p))), original);
    assert_eq!(
        bare(parse_str(&to_json(&p), Format::Json).unwrap()),
        original
    );
}

#[test]
fn a_scenario_is_the_plan_edited_by_hand() {
    let src = format!(
        "{SMALL}[[scenarios]]\nid = \"s\"\nteams = {{ be = {{ capacity = 2 }} }}\n\
         tasks = {{ b = {{ cut = true }}, c = {{ estimate = {{ low = 1, likely = 2, high = 4 }} }} }}\n\
         risks = {{ r = {{ status = \"closed\" }} }}\nreleases = {{ r1 = {{ target = 9 }} }}\n"
    );
    let p = plan(&src);
    let by_hand = SMALL
        .replace("capacity = 1", "capacity = 2")
        .replace(
            "[[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\nafter = [\"a\"]\n",
            "",
        )
        .replace(
            "estimate = 1\nafter = [\"a\", \"b\"]",
            "estimate = { low = 1, likely = 2, high = 4 }\nafter = [\"a\"]",
        )
        .replace(
            "tasks = [\"a\", \"b\"]",
            "tasks = [\"a\"]\nstatus = \"closed\"",
        )
        .replace("tasks = [\"b\", \"c\"]", "tasks = [\"c\"]\ntarget = 9");
    assert_eq!(apply(&p, "s").unwrap(), bare(plan(&by_hand)));
    // The base plan is untouched, and keeps its scenario.
    assert_eq!(p.tasks.len(), 3);
    assert_eq!(p.scenarios[0].changes.len(), 5);
}

#[test]
fn a_cut_leaves_the_successors_their_other_links_and_the_risks_and_releases() {
    let src = format!("{SMALL}[[scenarios]]\nid = \"s\"\ntasks = {{ b = {{ cut = true }} }}\n");
    let s = apply(&plan(&src), "s").unwrap();
    let ids: Vec<&str> = s.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["a", "c"]);
    assert_eq!(s.tasks[1].after.len(), 1);
    assert_eq!(s.tasks[1].after[0].pred, 0);
    assert_eq!(s.risks[0].tasks, [0]);
    assert_eq!(s.releases[0].tasks, [1]);
    assert!(s.scenarios.is_empty());
}

#[test]
fn fields_are_replaced_together_not_one_by_one() {
    // Capacity down to 1 with the demand down to 1: either alone first would hold 2 of 1.
    let src = "[plan]\nname = \"p\"\n[teams.be]\ncapacity = 2\n\
        [[tasks]]\nid = \"a\"\nteam = \"be\"\ndemand = 2\nestimate = 3\n\
        [[scenarios]]\nid = \"s\"\nteams = { be = { capacity = 1 } }\ntasks = { a = { demand = 1 } }\n";
    let s = apply(&plan(src), "s").unwrap();
    assert_eq!((s.teams[0].capacity, s.tasks[0].demand), (1, 1));
}

#[test]
fn a_scenarios_plan_is_validated_and_its_errors_point_into_its_table() {
    let src =
        format!("{SMALL}[[scenarios]]\nid = \"s\"\ntasks = {{ a = {{ after = [\"c\"] }} }}\n");
    assert!(
        parse_str(&src, Format::Toml).is_ok(),
        "io alone does not apply scenarios"
    );
    let errs = super::parse_str(&src, Format::Toml).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].message.starts_with("scenario `s`: "),
        "{}",
        errs[0].message
    );
    assert!(errs[0].message.contains("cycle"), "{}", errs[0].message);
    let pos = errs[0].pos.unwrap();
    let line = SMALL.lines().count() as u32 + 3;
    assert_eq!((pos.line, pos.column), (line, 11));
}

#[test]
fn a_scenario_built_in_code_is_applied_and_checked_too() {
    let mut p = plan(SMALL);
    let mut risk = p.risks[0].clone();
    risk.status = RiskStatus::Occurred;
    let mut release = p.releases[0].clone();
    release.target = Some(When::Date(
        chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    ));
    let mut sc = Scenario::new("s");
    sc.changes.push(Change::new(
        Patch::Risk {
            risk: 0,
            value: risk,
        },
        &["status"],
    ));
    sc.changes.push(Change::new(
        Patch::Release {
            release: 0,
            value: release,
        },
        &["target", "colour"],
    ));
    p.scenarios.push(sc);
    let errs = check(&p);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(
        errs[0].message.contains("cannot replace `colour`"),
        "{errs:#?}"
    );
    assert!(
        errs[1].message.contains("a period, not a date"),
        "{errs:#?}"
    );
}

#[test]
fn deleting_a_task_by_edit_keeps_the_scenarios_consistent() {
    let src = format!(
        "{SMALL}[[scenarios]]\nid = \"s\"\ntasks = {{ a = {{ estimate = 5 }}, c = {{ after = [\"b\"] }} }}\n"
    );
    let p = plan(&src);
    let q = edit::apply(&p, &Edit::DeleteTask(0)).unwrap();
    let sc = &q.scenarios[0];
    assert_eq!(sc.changes.len(), 1, "the change of `a` went with it");
    let Patch::Task { task, value } = &sc.changes[0].patch else {
        panic!("a task change")
    };
    assert_eq!((*task, value.after[0].pred), (1, 0));
    assert_eq!(apply(&q, "s").unwrap().tasks[1].after[0].pred, 0);
}

const ITEMS: &str = "[plan]\nname = \"p\"\n[teams.be]\ncapacity = 1\n\
    throughput = { per = \"day\", samples = [2, 3, 4] }\n\
    [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\n\
    [[tasks]]\nid = \"b\"\nteam = \"be\"\nitems = 10\nsplit = { low = 1.0, high = 1.5 }\nafter = [\"a\"]\n\
    [[tasks]]\nid = \"c\"\nteam = \"be\"\nitems = { low = 4, high = 6 }\nafter = [\"b\"]\n";

#[test]
fn a_scenario_replaces_throughput_items_and_split_as_by_hand() {
    // A team's history, an estimated task sized in items, an item-sized task estimated, and
    // a split factor added (SPEC section 9): writing `items` drops the estimate, writing
    // `estimate` drops the items and split.
    let src = format!(
        "{ITEMS}[[scenarios]]\nid = \"s\"\n\
         teams = {{ be = {{ throughput = {{ per = \"week\", samples = [10, 12, 15] }} }} }}\n\
         tasks = {{ a = {{ items = 5 }}, b = {{ estimate = 4 }}, c = {{ split = {{ low = 1.0, high = 2.0 }} }} }}\n"
    );
    let by_hand = ITEMS
        .replace(
            "throughput = { per = \"day\", samples = [2, 3, 4] }",
            "throughput = { per = \"week\", samples = [10, 12, 15] }",
        )
        .replace("estimate = 3", "items = 5")
        .replace(
            "items = 10\nsplit = { low = 1.0, high = 1.5 }",
            "estimate = 4",
        )
        .replace(
            "items = { low = 4, high = 6 }",
            "items = { low = 4, high = 6 }\nsplit = { low = 1.0, high = 2.0 }",
        );
    assert_eq!(apply(&plan(&src), "s").unwrap(), bare(plan(&by_hand)));
}

#[test]
fn a_scenario_that_sizes_a_task_without_a_history_is_a_located_error() {
    let src = format!("{SMALL}[[scenarios]]\nid = \"s\"\ntasks = {{ a = {{ items = 5 }} }}\n");
    let errs = apply(&plan(&src), "s").unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].pos.is_some(), "{errs:#?}");
    assert!(errs[0].message.contains("`a`"), "{}", errs[0].message);
    assert!(
        errs[0].message.contains("throughput"),
        "{}",
        errs[0].message
    );
}
