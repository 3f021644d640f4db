//! Monte Carlo inside headless Chromium (WebAssembly): the same plan and seed must give the
//! same numbers, bit for bit, as natively. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p shipdate-engine --test wasm_simulate`
//! (the runner is set in `.cargo/config.toml`). The same tests run natively as plain
//! `#[test]`s (`cargo test -p shipdate-engine --test wasm_simulate`), against the same golden
//! values, so a difference between the platforms fails one of the two runs.
//!
//! The golden values were recorded from a native run; they pin the generator, the seeding,
//! the samplers (Beta-PERT tables, lognormal, triangular, uniform), the copula, the risk
//! re-runs and every summary. A change that moves them on purpose must update them here, and
//! the test then shows whether WebAssembly still agrees.

use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::simulate::{simulate, Options, Sampling, Simulation};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

/// Every estimate form, a team calendar with time off, every link type, two risks, a
/// correlation, and two releases with windows, a cadence and a freeze.
const PLAN: &str = r#"[plan]
name = "wasm simulate"
start = 2027-01-04

[calendars.standard]
workdays = ["mon", "tue", "wed", "thu", "fri"]
holidays = [2027-01-18]

[calendars.short]
workdays = ["mon", "tue", "wed", "thu"]

[teams.be]
capacity = 2
time_off = [{ from = 2027-01-11, to = 2027-01-13, capacity = 1 }]

[teams.fe]
capacity = 1
calendar = "short"

[[tasks]]
id = "api"
team = "be"
estimate = { low = 3, likely = 5, high = 11 }

[[tasks]]
id = "db"
team = "be"
estimate = { dist = "triangular", low = 2, likely = 3, high = 7 }

[[tasks]]
id = "ui"
team = "fe"
estimate = { dist = "uniform", low = 4, high = 9 }
after = [{ task = "api", type = "SS", lag = 2 }]

[[tasks]]
id = "sdk"
team = "be"
estimate = { dist = "lognormal", median = 4, p90 = 7 }
after = ["db", { task = "api", type = "FF", lag = 1 }]

[[tasks]]
id = "qa"
estimate = { low = 1, likely = 2, high = 4 }
after = ["ui", "sdk"]

[[tasks]]
id = "ship"
kind = "milestone"
after = ["qa", { task = "db", type = "SF", lag = -1 }]

[[risks]]
id = "vendor"
probability = 0.3
impact = { low = 2, likely = 4, high = 9 }
tasks = ["api"]

[[risks]]
id = "review"
probability = 0.15
impact = 3
tasks = ["qa", "ui"]

[[correlations]]
tasks = ["api", "sdk"]
coefficient = 0.5

[[releases]]
id = "beta"
tasks = ["api", "ui"]
target = 2027-01-21
windows = [2027-01-14, 2027-01-21, 2027-01-28]

[[releases]]
id = "ga"
tasks = ["ship"]
target = 2027-02-04
cadence = { weekdays = ["tue", "thu"], every_weeks = 1, from = 2027-01-05 }
freeze = [{ from = 2027-01-25, to = 2027-01-29 }]
"#;

fn run(ignore_capacity: bool, sampling: Sampling) -> Simulation {
    let plan = parse_str(PLAN, Format::Toml).expect("a valid plan");
    let options = Options {
        iterations: 3000,
        seed: 7,
        sampling,
        ignore_capacity,
        ..Options::default()
    };
    simulate(&plan, &options).expect("a simulation")
}

/// FNV-1a of the JSON report: one number standing for every field, bit for bit.
fn fingerprint(sim: &Simulation) -> u64 {
    let json = serde_json::to_string(sim).expect("serialisable");
    json.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The summary numbers the web app shows, as exact bits.
fn key_numbers(sim: &Simulation) -> Vec<u64> {
    let mut v = vec![
        sim.makespan.mean.to_bits(),
        sim.makespan.p50.to_bits(),
        sim.makespan.p80.to_bits(),
        sim.makespan.p95.to_bits(),
    ];
    for r in &sim.releases {
        v.push(r.ready.p80.to_bits());
        v.push(r.on_time_probability.unwrap_or(-1.0).to_bits());
    }
    for t in &sim.tasks {
        v.push(t.criticality.to_bits());
        v.push(t.sensitivity.to_bits());
    }
    for r in &sim.risks {
        v.push(r.fired.to_bits());
        v.push(r.p80_effect.unwrap_or(-1.0).to_bits());
    }
    v
}

/// Prints what a native run computes (for recording the golden values).
fn show(name: &str, sim: &Simulation) {
    println!("{name}: fingerprint {:#x}", fingerprint(sim));
    println!("{name}: key numbers {:?}", key_numbers(sim));
}

#[test]
fn resource_aware_monte_carlo_matches_native() {
    let sim = run(false, Sampling::MonteCarlo);
    show("resource mc", &sim);
    assert_eq!(key_numbers(&sim), GOLDEN_RESOURCE_MC_KEYS);
    assert_eq!(fingerprint(&sim), GOLDEN_RESOURCE_MC);
}

#[test]
fn critical_path_latin_hypercube_matches_native() {
    let sim = run(true, Sampling::LatinHypercube);
    show("cpm lhs", &sim);
    assert_eq!(key_numbers(&sim), GOLDEN_CPM_LHS_KEYS);
    assert_eq!(fingerprint(&sim), GOLDEN_CPM_LHS);
}

const GOLDEN_RESOURCE_MC: u64 = 0xf25c_0d74_d432_23f7;
const GOLDEN_RESOURCE_MC_KEYS: &[u64] = &[
    4624965610170407126,
    4624576494779447972,
    4625967923427383627,
    4626848010675445574,
    4623278376077295616,
    4604222052644959202,
    4625967923427383627,
    4606777094833554063,
    4604921611787077419,
    4601393270247157326,
    4595593155758917332,
    4598213481644758226,
    4601387787279467370,
    4602316716993158368,
    4603324335119236683,
    4600674424829863305,
    4607182418800017408,
    4601896168882724137,
    4607182418800017408,
    0,
    4599208045059820050,
    4603949172865053024,
    4594896599016550695,
    4611073828083573552,
];
const GOLDEN_CPM_LHS: u64 = 0x401b_a539_2470_8183;
const GOLDEN_CPM_LHS_KEYS: &[u64] = &[
    4624151088562063101,
    4623913609610109408,
    4625141688948001439,
    4626503688613532121,
    4623269473439470592,
    4604249074242723425,
    4625141688948001439,
    4607062322809954195,
    4605504077338884003,
    4598826419423204244,
    4595881386135069043,
    4587646248116534508,
    4603927817469304330,
    4604814521413225585,
    4600180822579332077,
    4596291189817302904,
    4607182418800017408,
    4603154413397371877,
    4607182418800017408,
    0,
    4599075939470750515,
    4603140050474516384,
    4594560330244373698,
    4608006398962976176,
];
