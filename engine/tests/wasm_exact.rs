//! Exact mode (`schedule --optimal`) inside headless Chromium (WebAssembly): the same proofs
//! as natively, on the pure-Rust code the default build ships. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p shipdate-engine --test wasm_exact`
//! (the runner is set in `.cargo/config.toml`); natively the same tests are plain `#[test]`s
//! (`cargo test -p shipdate-engine --test wasm_exact`).

use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::leveling::exact::{solve, ExactOptions};
use shipdate_engine::schedule::Problem;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

const PAT77: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/psplib/patterson/pat77.rcp"
));
const PAT19: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/psplib/patterson/pat19.rcp"
));
const J3045_1: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/psplib/j30/j3045_1.sm"
));

/// A plan with start-to-start links, which the branch and bound does not take (a successor
/// may start before its predecessor finishes): propagation, the search and the MIP settle it.
/// a and b (3 days each) share a team of 1; c (5 days, another team) starts at least 1 after
/// a starts and no earlier than b starts. a first: c runs from 3 to 8; b first: from 4 to 9.
/// The optimum is 8, above every bound that ignores the order (6).
const OVERLAP: &str = r#"[plan]
name = "overlap"

[teams.be]
capacity = 1

[teams.fe]
capacity = 1

[[tasks]]
id = "a"
team = "be"
estimate = 3

[[tasks]]
id = "b"
team = "be"
estimate = 3

[[tasks]]
id = "c"
team = "fe"
estimate = 5
after = [{ task = "a", type = "SS", lag = 1 }, { task = "b", type = "SS" }]
"#;

/// The proven makespan, whether it is proven, and whether the branch and bound ran.
fn prove(text: &str, format: Format) -> (f64, bool, bool) {
    let plan = parse_str(text, format).expect("a valid instance");
    let e = solve(&plan, &Problem::new(&plan), &ExactOptions::default()).expect("whole numbers");
    (
        *e.best.fitness.last().unwrap(),
        e.best.optimal,
        e.branch_nodes > 0,
    )
}

#[test]
fn the_published_optima_are_proven_in_the_browser() {
    // pat77: optimum 64 (the Patterson set's hardest for bounds alone); j3045_1: optimum 82.
    assert_eq!(prove(PAT77, Format::Patterson), (64.0, true, true));
    assert_eq!(prove(J3045_1, Format::Psplib), (82.0, true, true));
}

#[test]
fn start_to_start_overlaps_are_proven_by_the_other_searches() {
    assert_eq!(prove(OVERLAP, Format::Toml), (8.0, true, false));
}

#[test]
fn a_gap_is_reported_when_the_budgets_run_out_in_the_browser() {
    let plan = parse_str(PAT19, Format::Patterson).unwrap();
    let options = ExactOptions {
        node_limit: Some(1),
        search_nodes: 0,
        branch_nodes: 0,
        ..ExactOptions::default()
    };
    let e = solve(&plan, &Problem::new(&plan), &options).unwrap();
    assert!(!e.best.optimal);
    assert!(e.gap > 0.0 && e.stopped.is_some());
}
