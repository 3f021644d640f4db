//! SPEC section 8, stable draws: a task's draws depend on the seed, its id and the iteration
//! only, a risk's on the seed, its id and the iteration, a correlated group's on its tasks'
//! ids. In critical-path mode, reordering the file, adding a task no release needs, or
//! re-estimating a task no release depends on leave every release's numbers bit-identical.

use shipdate_engine::simulate::{ReleaseRisk, Sampling};
use shipdate_engine::{SimulateOptions, Simulation};

use super::util::plan;

/// Release `a` needs `a1 -> a2 -> a3` (with an SS and an FF link); release `b` needs `b1` and
/// `b2`, which waits for `a1`. Risks on `a2` and on `b1` and `a1`; `a2` and `b1` are
/// correlated, `a3` and `b2` too. Tasks are TOML blocks so that tests can reorder them.
const TASKS: [&str; 6] = [
    "[[tasks]]\nid = \"a1\"\nteam = \"be\"\nestimate = { low = 2, likely = 4, high = 9 }\n",
    "[[tasks]]\nid = \"a2\"\nteam = \"be\"\nestimate = { dist = \"lognormal\", median = 5, p90 = 9 }\n\
     after = [{ task = \"a1\", type = \"SS\", lag = 1 }]\n",
    "[[tasks]]\nid = \"a3\"\nteam = \"fe\"\nestimate = { dist = \"triangular\", low = 1, likely = 2, high = 6 }\n\
     after = [{ task = \"a2\", type = \"FF\", lag = 0 }]\n",
    "[[tasks]]\nid = \"b1\"\nteam = \"fe\"\nestimate = { dist = \"uniform\", low = 3, high = 8 }\n",
    "[[tasks]]\nid = \"b2\"\nteam = \"be\"\nestimate = { low = 1, likely = 3, high = 4 }\nafter = [\"b1\", \"a1\"]\n",
    "[[tasks]]\nid = \"gate\"\nkind = \"milestone\"\nafter = [\"a3\"]\n",
];

const TAIL: &str = r#"
[[risks]]
id = "vendor"
probability = 0.3
impact = { low = 1, likely = 3, high = 8 }
tasks = ["a2"]

[[risks]]
id = "outage"
probability = 0.2
impact = 2
tasks = ["b1", "a1"]

[[correlations]]
tasks = ["a2", "b1"]
coefficient = 0.5

[[correlations]]
tasks = ["b2", "a3"]
coefficient = 0.7

[[releases]]
id = "a"
tasks = ["gate"]
target = 2027-02-01
windows = [2027-01-21, 2027-01-26, 2027-02-02, 2027-02-09]

[[releases]]
id = "b"
tasks = ["b2"]
target = 2027-01-22
cadence = { weekdays = ["tue", "thu"], every_weeks = 1, from = 2027-01-05 }
"#;

const HEAD: &str = "[plan]\nname = \"stable\"\nstart = 2027-01-04\n\n\
                    [teams.be]\ncapacity = 2\n\n[teams.fe]\ncapacity = 1\n\n";

/// The plan with its task blocks in `order`, plus `extra` blocks.
fn text(order: &[usize], extra: &[&str]) -> String {
    let mut s = HEAD.to_string();
    for &i in order {
        s.push_str(TASKS[i]);
        s.push('\n');
    }
    for e in extra {
        s.push_str(e);
        s.push('\n');
    }
    s.push_str(TAIL);
    s
}

fn run(src: &str, sampling: Sampling) -> Simulation {
    let options = SimulateOptions {
        iterations: 3_000,
        seed: 11,
        sampling,
        ignore_capacity: true,
        ..SimulateOptions::default()
    };
    shipdate_engine::simulate(&plan(src), &options).expect("a simulation")
}

fn release<'a>(sim: &'a Simulation, id: &str) -> &'a ReleaseRisk {
    sim.releases
        .iter()
        .find(|r| r.id == id)
        .expect("the release")
}

const SAMPLINGS: [Sampling; 2] = [Sampling::MonteCarlo, Sampling::LatinHypercube];

#[test]
fn reordering_the_tasks_leaves_every_release_bit_identical() {
    for sampling in SAMPLINGS {
        let base = run(&text(&[0, 1, 2, 3, 4, 5], &[]), sampling);
        for order in [[5, 4, 3, 2, 1, 0], [3, 0, 4, 1, 5, 2], [1, 3, 0, 5, 2, 4]] {
            let other = run(&text(&order, &[]), sampling);
            assert_eq!(base.releases, other.releases, "{sampling:?} {order:?}");
            assert_eq!(base.makespan, other.makespan, "{sampling:?} {order:?}");
            // Per task and per risk, only the order of the list changes.
            for t in &base.tasks {
                let o = other.tasks.iter().find(|x| x.id == t.id).expect("task");
                assert_eq!(t, o, "{sampling:?} {order:?}");
            }
            assert_eq!(base.risks, other.risks, "{sampling:?} {order:?}");
        }
    }
}

#[test]
fn a_task_no_release_needs_changes_no_release() {
    let loose = "[[tasks]]\nid = \"spike\"\nteam = \"be\"\n\
                 estimate = { low = 10, likely = 30, high = 60 }\nafter = [\"a1\"]\n";
    for sampling in SAMPLINGS {
        let base = run(&text(&[0, 1, 2, 3, 4, 5], &[]), sampling);
        let more = run(&text(&[0, 1, 2, 3, 4, 5], &[loose]), sampling);
        assert_eq!(base.releases, more.releases, "{sampling:?}");
        // The project's finish does see it: the test is not vacuous.
        assert_ne!(base.makespan, more.makespan, "{sampling:?}");
    }
}

#[test]
fn re_estimating_a_task_changes_only_the_releases_that_depend_on_it() {
    for sampling in SAMPLINGS {
        let base = run(&text(&[0, 1, 2, 3, 4, 5], &[]), sampling);
        // a3 is in release a's cone only (its correlation partner b2 keeps its own draws:
        // a correlated pair is drawn from each member's id, and a3's estimate is not a draw).
        let mut tasks = TASKS.map(str::to_string);
        tasks[2] = tasks[2].replace("high = 6", "high = 12");
        let edited = edited_text(&tasks);
        let other = run(&edited, sampling);
        assert_eq!(release(&base, "b"), release(&other, "b"), "{sampling:?}");
        assert_ne!(release(&base, "a"), release(&other, "a"), "{sampling:?}");

        // b2 is in release b's cone only.
        let mut tasks = TASKS.map(str::to_string);
        tasks[4] = tasks[4].replace("likely = 3, high = 4", "likely = 3.5, high = 9");
        let other = run(&edited_text(&tasks), sampling);
        assert_eq!(release(&base, "a"), release(&other, "a"), "{sampling:?}");
        assert_ne!(release(&base, "b"), release(&other, "b"), "{sampling:?}");
    }
}

#[test]
fn a_risk_change_moves_only_the_releases_it_reaches() {
    // The vendor risk delays a2, which only release a needs.
    let base = run(&text(&[0, 1, 2, 3, 4, 5], &[]), Sampling::MonteCarlo);
    let mitigated =
        text(&[0, 1, 2, 3, 4, 5], &[]).replace("probability = 0.3", "probability = 0.1");
    let other = run(&mitigated, Sampling::MonteCarlo);
    assert_eq!(release(&base, "b"), release(&other, "b"));
    assert_ne!(release(&base, "a"), release(&other, "a"));
    // A changed risk keeps the other risk's draws: outage fires in the same iterations.
    let fired = |s: &Simulation| s.risks.iter().find(|r| r.id == "outage").unwrap().fired;
    assert_eq!(fired(&base), fired(&other));
}

fn edited_text(tasks: &[String; 6]) -> String {
    let mut s = HEAD.to_string();
    for t in tasks {
        s.push_str(t);
        s.push('\n');
    }
    s.push_str(TAIL);
    s
}
