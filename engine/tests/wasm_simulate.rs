//! Monte Carlo inside headless Chromium (WebAssembly): the same plan and seed must give the
//! same numbers, bit for bit, as natively. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p shipdate-engine --test wasm_simulate`
//! (the runner is set in `.cargo/config.toml`). The same tests run natively as plain
//! `#[test]`s (`cargo test -p shipdate-engine --test wasm_simulate`), against the same golden
//! values, so a difference between the platforms fails one of the two runs.
//!
//! The golden values were recorded from a native run; they pin the generator, the seeding,
//! the samplers (Beta-PERT tables, lognormal, triangular, uniform), the copula, the risk
//! re-runs (resource-aware: the re-timings on each iteration's hand-offs) and every summary. A change that moves them on purpose must update them here, and
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

/// SPEC section 9: item-sized tasks drawn from a team's throughput (one with a split and a
/// risk) beside tasks estimated in days, with links, capacity, time off, holidays and a
/// release on a cadence.
const THROUGHPUT_PLAN: &str = include_str!("../../examples/throughput.toml");

fn run(ignore_capacity: bool, sampling: Sampling) -> Simulation {
    run_plan(PLAN, ignore_capacity, sampling)
}

fn run_plan(src: &str, ignore_capacity: bool, sampling: Sampling) -> Simulation {
    let plan = parse_str(src, Format::Toml).expect("a valid plan");
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

#[test]
fn item_sized_tasks_resource_aware_match_native() {
    let sim = run_plan(THROUGHPUT_PLAN, false, Sampling::MonteCarlo);
    show("items resource mc", &sim);
    assert_eq!(key_numbers(&sim), GOLDEN_ITEMS_RESOURCE_MC_KEYS);
    assert_eq!(fingerprint(&sim), GOLDEN_ITEMS_RESOURCE_MC);
}

#[test]
fn item_sized_tasks_critical_path_latin_hypercube_match_native() {
    let sim = run_plan(THROUGHPUT_PLAN, true, Sampling::LatinHypercube);
    show("items cpm lhs", &sim);
    assert_eq!(key_numbers(&sim), GOLDEN_ITEMS_CPM_LHS_KEYS);
    assert_eq!(fingerprint(&sim), GOLDEN_ITEMS_CPM_LHS);
}

const GOLDEN_RESOURCE_MC: u64 = 0x5507_43f9_b869_2268;
const GOLDEN_RESOURCE_MC_KEYS: &[u64] = &[
    4624969270479860968,
    4624524756213172028,
    4626035335761305422,
    4626861352838083586,
    4623263805785461264,
    4604149995050921274,
    4626035335761305422,
    4606759080435044581,
    4605071731774656436,
    4601183589078366914,
    4595557126961898368,
    4598416441769959265,
    4601664008056612760,
    4602431917442154125,
    4603186224730663988,
    4601346515967943383,
    4607182418800017408,
    4601888842890407493,
    4607182418800017408,
    0,
    4598835747490624089,
    4595391304957622784,
    4594716455031455875,
    4611873405540026064,
];
const GOLDEN_CPM_LHS: u64 = 0xc370_47e0_441a_ab71;
const GOLDEN_CPM_LHS_KEYS: &[u64] = &[
    4624155458845583830,
    4623946288833723207,
    4625174473230150869,
    4626474812269717098,
    4623272452140856078,
    4604255079042226586,
    4625174473230150869,
    4607101354006724739,
    4605600154130934574,
    4598383234874413167,
    4595497078966866761,
    4591990061014143468,
    4603969851065826454,
    4604754673467444454,
    4600096755386287828,
    4596472604343241449,
    4607182418800017408,
    4603007722254106139,
    4607182418800017408,
    0,
    4599069934671247355,
    4602820513852587776,
    4594524301447354734,
    4608222610382922200,
];
const GOLDEN_ITEMS_RESOURCE_MC: u64 = 0xfec9_c395_0d78_b37f;
const GOLDEN_ITEMS_RESOURCE_MC_KEYS: &[u64] = &[
    4626648767831216307,
    4626547897197710541,
    4627516163734497056,
    4628573075872525691,
    4627516163734497056,
    4605308921355031282,
    4607182418800017408,
    4582424451446355323,
    4606362763667835978,
    4607083990922399689,
    4590164817008060094,
    4582113696452819569,
    4579608379481503651,
    13808320487016134490,
    4607182418800017408,
    0,
    4597646797188998278,
    4608263164581016064,
];
const GOLDEN_ITEMS_CPM_LHS: u64 = 0xc0fb_dfd4_871c_f3dc;
const GOLDEN_ITEMS_CPM_LHS_KEYS: &[u64] = &[
    4626642830004382829,
    4626533823448875008,
    4627518985867362304,
    4628502530689024029,
    4627518985867362304,
    4605272892558012318,
    4607182418800017408,
    4582506671153026585,
    4606305718072555951,
    4607079160965975570,
    4590308932196135950,
    4585441094219655506,
    4581133598555306459,
    4575539805676111921,
    4607182418800017408,
    0,
    4598175219545276416,
    4609434218613702656,
];
