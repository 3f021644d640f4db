//! Each check on a tiny plan built to fail exactly it, with closed counts.

use super::*;
use crate::io::{parse_str, Format};

/// A plan that passes every check: a start milestone, two tasks in a row on one team, a
/// release with a target far away.
const BASE: &str = r#"
[plan]
name = "base"
[teams.be]
capacity = 1
[[tasks]]
id = "start"
kind = "milestone"
[[tasks]]
id = "a"
team = "be"
estimate = 3
after = ["start"]
[[tasks]]
id = "b"
team = "be"
estimate = 2
after = ["a"]
[[releases]]
id = "r"
tasks = ["b"]
target = 1000
"#;

fn report(src: &str) -> HealthReport {
    let plan = parse_str(src, Format::Toml).unwrap_or_else(|e| panic!("{e:?}"));
    check(&plan, &CheckOptions::default())
}

fn get<'r>(r: &'r HealthReport, key: &str) -> &'r Check {
    r.checks.iter().find(|c| c.key == key).expect(key)
}

/// The keys of the failed checks.
fn failed(r: &HealthReport) -> Vec<&'static str> {
    r.checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.key)
        .collect()
}

fn ids(c: &Check) -> Vec<&str> {
    c.subjects.iter().map(|s| s.id.as_str()).collect()
}

#[test]
fn the_base_plan_passes_and_the_unsupported_checks_are_skipped() {
    let r = report(BASE);
    assert_eq!(r.checks.len(), 14);
    assert_eq!(
        r.checks.iter().map(|c| c.number).collect::<Vec<_>>(),
        (1..=14).collect::<Vec<u8>>()
    );
    assert!(failed(&r).is_empty(), "{r:#?}");
    assert_eq!((r.failed, r.passed, r.skipped), (0, 11, 3));
    assert_eq!(get(&r, "hard_constraints").total, 3);
    for key in ["invalid_dates", "missed_tasks", "bei"] {
        let c = get(&r, key);
        assert_eq!(c.status, Status::Skipped, "{key}");
        assert!(c.note.is_some(), "{key}");
    }
    let cp = get(&r, "critical_path_test");
    assert_eq!(cp.value, Some(100.0));
    assert_eq!(get(&r, "cpli").value, Some(1000.0 / 5.0));
    assert_eq!(get(&r, "logic").total, 3);
    assert_eq!(get(&r, "leads").total, 2);
}

#[test]
fn logic_counts_open_ends_but_not_starts_and_ends() {
    let src = BASE.replace(
        "[[releases]]",
        "[[tasks]]\nid = \"c\"\nteam = \"be\"\nestimate = 1\nafter = [\"a\"]\n\
         [[tasks]]\nid = \"d\"\nteam = \"be\"\nestimate = 1\n[[releases]]",
    );
    let r = report(&src);
    assert_eq!(failed(&r), vec!["logic"]);
    let c = get(&r, "logic");
    assert_eq!((c.count, c.total), (2, 5));
    assert_eq!(ids(c), vec!["c", "d"]);
    assert_eq!(c.subjects[1].detail, "no predecessor and no successor");
    assert!(c.subjects[0].pos.is_some());
}

#[test]
fn a_negative_lag_is_a_lead_and_nothing_else() {
    let src = BASE.replace("after = [\"a\"]", "after = [{ task = \"a\", lag = -1 }]");
    let r = report(&src);
    assert_eq!(failed(&r), vec!["leads"]);
    let c = get(&r, "leads");
    assert_eq!((c.count, c.total, c.share), (1, 2, Some(0.5)));
    assert_eq!(ids(c), vec!["b"]);
    assert_eq!(c.subjects[0].detail, "FS -1 from `a`");
    // Located at the link.
    assert_eq!(c.subjects[0].pos.map(|p| p.line), Some(18));
}

#[test]
fn a_positive_lag_fails_lags_only() {
    let src = BASE.replace("after = [\"a\"]", "after = [{ task = \"a\", lag = 2 }]");
    let r = report(&src);
    assert_eq!(failed(&r), vec!["lags"]);
    assert_eq!(get(&r, "lags").count, 1);
    assert_eq!(get(&r, "leads").count, 0);
}

#[test]
fn a_start_to_start_link_fails_relationship_types_only() {
    let src = BASE.replace(
        "after = [\"a\"]",
        "after = [{ task = \"a\", type = \"SS\" }]",
    );
    let r = report(&src);
    assert_eq!(failed(&r), vec!["relationship_types"]);
    let c = get(&r, "relationship_types");
    assert_eq!((c.count, c.total), (1, 2));
    assert_eq!(c.subjects[0].detail, "SS 0 from `a`");
}

#[test]
fn a_short_side_task_beside_a_long_chain_has_high_float() {
    let src = BASE
        .replace("estimate = 3", "estimate = 40")
        .replace("estimate = 2", "estimate = 40")
        .replace(
            "[[releases]]",
            "[[tasks]]\nid = \"s\"\nteam = \"be\"\nestimate = 1\nafter = [\"start\"]\n\
             [[releases]]\nid = \"side\"\ntasks = [\"s\"]\n[[releases]]",
        );
    let r = report(&src);
    assert_eq!(failed(&r), vec!["high_float"]);
    let c = get(&r, "high_float");
    assert_eq!((c.count, c.total), (1, 4));
    assert_eq!(ids(c), vec!["s"]);
    assert_eq!(c.subjects[0].detail, "total float 79 days");
    // A lower threshold counts more.
    let plan = parse_str(&src, Format::Toml).unwrap();
    let strict = check(
        &plan,
        &CheckOptions {
            long_days: 20.0,
            ..CheckOptions::default()
        },
    );
    assert_eq!(get(&strict, "high_float").count, 1);
    assert_eq!(get(&strict, "high_duration").count, 2);
}

#[test]
fn a_target_just_short_of_the_work_gives_negative_float_only() {
    // The work needs 5 periods; the target 4.8: float -0.2 on the chain, CPLI 0.96 passes.
    let src = BASE.replace("target = 1000", "target = 4.8");
    let r = report(&src);
    assert_eq!(failed(&r), vec!["negative_float"]);
    let c = get(&r, "negative_float");
    assert_eq!(ids(c), vec!["start", "a", "b"]);
    assert_eq!(c.subjects[2].detail, "total float -0.2 days");
    assert!((get(&r, "cpli").value.unwrap() - 0.96).abs() < 1e-9);
}

#[test]
fn a_target_far_short_of_the_work_fails_cpli_and_so_negative_float() {
    // A CPLI below 1 means the target is before the work's finish: negative float too.
    let src = BASE.replace("target = 1000", "target = 4");
    let r = report(&src);
    assert_eq!(failed(&r), vec!["negative_float", "cpli"]);
    let c = get(&r, "cpli");
    assert_eq!((c.count, c.total, c.value), (1, 1, Some(0.8)));
    assert_eq!(ids(c), vec!["r"]);
}

#[test]
fn a_long_task_fails_high_duration_only() {
    let src = BASE.replace("estimate = 3", "estimate = 45");
    let r = report(&src);
    assert_eq!(failed(&r), vec!["high_duration"]);
    let c = get(&r, "high_duration");
    assert_eq!((c.count, c.total), (1, 2));
    assert_eq!(c.subjects[0].detail, "45 working days");
}

#[test]
fn work_without_a_team_fails_resources_but_gates_need_none() {
    let src = BASE.replace("team = \"be\"\nestimate = 2", "estimate = 2");
    let r = report(&src);
    assert_eq!(failed(&r), vec!["resources"]);
    assert_eq!(ids(get(&r, "resources")), vec!["b"]);
    let gate = BASE.replace(
        "team = \"be\"\nestimate = 2",
        "kind = \"gate\"\nestimate = 2",
    );
    assert!(failed(&report(&gate)).is_empty());
}

#[test]
fn a_start_to_start_successor_that_hides_a_delay_fails_the_critical_path_test() {
    // a (1 day) starts b (10 days) through SS: a is critical, but delaying it by 100 days
    // moves the finish by 90 only (from 11 to 101). Nine FS links keep the share of FS at 10/11.
    let mut src = String::from(
        "[plan]\nname = \"cp\"\n[teams.be]\ncapacity = 1\n\
         [[tasks]]\nid = \"start\"\nkind = \"milestone\"\n\
         [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 1\nafter = [\"start\"]\n\
         [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 10\n\
         after = [{ task = \"a\", type = \"SS\" }]\n",
    );
    for k in 1..=9 {
        src.push_str(&format!(
            "[[tasks]]\nid = \"x{k}\"\nteam = \"be\"\nestimate = 1\nafter = [\"b\"]\n"
        ));
    }
    src.push_str("[[releases]]\nid = \"r\"\ntasks = [");
    src.push_str(
        &(1..=9)
            .map(|k| format!("\"x{k}\""))
            .collect::<Vec<_>>()
            .join(", "),
    );
    src.push_str("]\ntarget = 1000\n");
    let r = report(&src);
    assert_eq!(failed(&r), vec!["critical_path_test"]);
    let c = get(&r, "critical_path_test");
    assert_eq!(c.value, Some(90.0));
    assert_eq!(ids(c), vec!["a"]);
    assert_eq!(get(&r, "relationship_types").count, 1);
}

#[test]
fn an_empty_plan_has_nothing_to_fail() {
    let r = report("[plan]\nname = \"empty\"\n");
    assert!(failed(&r).is_empty());
    assert_eq!(get(&r, "logic").share, None);
    assert_eq!(get(&r, "critical_path_test").status, Status::Skipped);
    assert_eq!(get(&r, "cpli").status, Status::Skipped);
}

#[test]
fn dated_targets_are_met_at_the_end_of_their_day() {
    // Mon 2027-01-04 start, 5 working days: done at the end of Fri 2027-01-08.
    let src = "[plan]\nname = \"d\"\nstart = 2027-01-04\n[teams.be]\ncapacity = 1\n\
               [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 5\n\
               [[releases]]\nid = \"r\"\ntasks = [\"a\"]\ntarget = 2027-01-08\n";
    let r = report(src);
    assert_eq!(get(&r, "negative_float").count, 0);
    assert_eq!(get(&r, "cpli").value, Some(1.0));
    let late = src.replace("2027-01-08", "2027-01-07");
    let r = report(&late);
    assert_eq!(ids(get(&r, "negative_float")), vec!["a"]);
    assert_eq!(
        get(&r, "negative_float").subjects[0].detail,
        "total float -1 days"
    );
}

#[test]
fn a_due_date_on_unfinished_work_fails_hard_constraints_only() {
    // One of three unfinished tasks has a deadline: 33% > 5%.
    let src = BASE.replace("estimate = 2\n", "estimate = 2\ndue = 900\n");
    let r = report(&src);
    assert_eq!(failed(&r), vec!["hard_constraints"]);
    let c = get(&r, "hard_constraints");
    assert_eq!((c.count, c.total), (1, 3));
    assert_eq!(c.subjects[0].detail, "due 900");
    assert_eq!(ids(c), vec!["b"]);
    // A start-no-earlier-than date is a soft constraint.
    let soft = BASE.replace("estimate = 2\n", "estimate = 2\nnot_before = 4\n");
    assert!(failed(&report(&soft)).is_empty());
}
