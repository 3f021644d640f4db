//! Per-risk effects (SPEC section 4) against values worked out by hand: fixed durations and
//! certain or near-certain risks, so every iteration's finish is known, with and without
//! each risk, in critical-path and resource-aware mode (capacity never binds here).

use shipdate_engine::{SimulateOptions, Simulation};

use super::util::plan;

/// The plan from `src` simulated over `iterations`, in both modes.
fn both_modes(src: &str, iterations: usize) -> [(bool, Simulation); 2] {
    let plan = plan(src);
    [true, false].map(|ignore_capacity| {
        let options = SimulateOptions {
            iterations,
            ignore_capacity,
            ..SimulateOptions::default()
        };
        let sim = shipdate_engine::simulate(&plan, &options).expect("a simulation");
        (ignore_capacity, sim)
    })
}

/// The P80 of the finish, in working days, without risk `id`.
fn without(sim: &Simulation, id: &str) -> Option<f64> {
    let risk = sim.risks.iter().find(|r| r.id == id).expect("the risk");
    risk.p80_without
}

#[test]
fn a_risk_on_a_task_entered_by_a_finish_link_is_re_run_wherever_it_fires() {
    // `a` must finish with `p` (FF), so the shorter it is the later it starts, and `b` starts
    // with it (SS). With the risk (90%), `a` takes 6 days and starts on day 4, `b` runs from
    // 4 to 12 and `c` (13 days) ends the plan; without it, `a` starts on day 8 and `b` ends
    // on day 16. Taking the risk away makes the plan later, from a task on no tight chain:
    // only re-running every firing finds a P80 of 16 days without it.
    let src = r#"
[plan]
name = "finish link"
start = 2027-01-04

[teams.be]
capacity = 4

[[tasks]]
id = "p"
team = "be"
estimate = 10

[[tasks]]
id = "a"
team = "be"
estimate = 2
after = [{ task = "p", type = "FF" }]

[[tasks]]
id = "b"
team = "be"
estimate = 8
after = [{ task = "a", type = "SS" }]

[[tasks]]
id = "c"
team = "be"
estimate = 13

[[risks]]
id = "shrink"
probability = 0.9
impact = 4
tasks = ["a"]
"#;
    for (ignore_capacity, sim) in both_modes(src, 1000) {
        assert_eq!(sim.makespan.p80, 13.0, "{ignore_capacity}");
        assert_eq!(without(&sim, "shrink"), Some(16.0), "{ignore_capacity}");
    }
}

#[test]
fn a_risk_listing_a_task_twice_delays_it_twice() {
    // `a` takes 3 days; `double` (certain, 2 days) lists it twice and `once` (certain, 1 day)
    // once, so `a` takes 3 + 2 * 2 + 1 = 8 days, 4 without `double`, 7 without `once`; `b`
    // adds half a day after it, so that a re-run times a successor too.
    let src = r#"
[plan]
name = "twice"
start = 2027-01-04

[teams.be]
capacity = 1

[[tasks]]
id = "a"
team = "be"
estimate = 3

[[tasks]]
id = "b"
team = "be"
estimate = 0.5
after = ["a"]

[[risks]]
id = "once"
probability = 1
impact = 1
tasks = ["a"]

[[risks]]
id = "double"
probability = 1
impact = 2
tasks = ["a", "a"]
"#;
    for (ignore_capacity, sim) in both_modes(src, 300) {
        assert_eq!(
            (sim.makespan.p10, sim.makespan.p95),
            (8.5, 8.5),
            "{ignore_capacity}"
        );
        assert_eq!(without(&sim, "double"), Some(4.5), "{ignore_capacity}");
        assert_eq!(without(&sim, "once"), Some(7.5), "{ignore_capacity}");
    }
}
