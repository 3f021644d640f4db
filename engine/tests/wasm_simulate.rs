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

const GOLDEN_RESOURCE_MC: u64 = 0x4177_8f7d_f483_efd3;
const GOLDEN_RESOURCE_MC_KEYS: &[u64] = &[
    4624931568937044903,
    4624490488579339088,
    4625960260190490743,
    4626839875989321408,
    4623276600049729536,
    4604213045445704461,
    4625960260190490743,
    4606792106832311965,
    4604975654982605865,
    4601636049634294759,
    4595617174956929974,
    4598469160919413654,
    4601772094447669652,
    4602572415026357747,
    4603132181535135542,
    4600947373498879930,
    4607182418800017408,
    4602018957432376304,
    4607182418800017408,
    0,
    4599214049859323210,
    4602883249178670848,
    4594476263051329449,
    4610615435449251056,
];
const GOLDEN_CPM_LHS: u64 = 0x86e8_0584_b47c_9e2b;
const GOLDEN_CPM_LHS_KEYS: &[u64] = &[
    4624137737212651661,
    4623937430798930320,
    4625088947894492074,
    4626486911625945339,
    4623276060996568576,
    4604255079042226586,
    4625088947894492074,
    4607080337208463677,
    4605492067739877682,
    4598884882758142893,
    4595929424531094329,
    4588543654209923982,
    4603942829468062231,
    4604874722341176730,
    4600150798581816274,
    4596580830174036913,
    4607182418800017408,
    4603112625608679126,
    4607182418800017408,
    0,
    4599063929871744194,
    4602385094122301376,
    4594536311046361055,
    4607519762960365704,
];
