//! Monte Carlo results against closed forms and against the deterministic engines.
//!
//! # Tolerances
//!
//! Each statistical check runs 100,000 iterations with a fixed seed and allows 4.5 standard
//! errors (a two-sided normal tail of 7e-6 per check, so well under 1e-3 for all checks here
//! together, were the seed not fixed) plus the sampler's own deterministic error:
//!
//! - a probability `p` from `n` iterations: SE = `sqrt(p (1 - p) / n)`;
//! - a sample mean: SE = `sd / sqrt(n)` with `sd` the exact standard deviation;
//! - a sample `p`-quantile (an order statistic): asymptotically normal with
//!   SE = `sqrt(p (1 - p) / n) / f(q_p)`, `f` the exact density at the exact quantile `q_p`
//!   (Bahadur; the engine's percentile is the `ceil(p n)`-th order statistic, whose offset from
//!   the `p n`-th is below one rank, i.e. below `1 / (n f)`, which is added);
//! - the tabulated Beta-PERT quantile is within 1e-5 of the true CDF (engine unit test), i.e.
//!   within `1e-5 / f(q)` in value, which is added;
//! - a sample rank correlation: SE about `(1 - rho^2) / sqrt(n)` (at most 0.0032 here), so the
//!   issue's 0.02 bound is over 6 standard errors.

use shipdate_engine::calendar::Timeline;
use shipdate_engine::dispatch::schedule;
use shipdate_engine::graph;
use shipdate_engine::io::{parse_str, Format};
use shipdate_engine::leveling;
use shipdate_engine::model::{Estimate, LinkKind, Plan};
use shipdate_engine::simulate::{
    sample_durations, simulate, Options, PriorityOrder, Sampling, SimError, Simulation,
};

const N: usize = 100_000;

fn plan(src: &str) -> Plan {
    match parse_str(src, Format::Toml) {
        Ok(p) => p,
        Err(e) => panic!("invalid test plan: {e:?}\n{src}"),
    }
}

fn options(n: usize, ignore_capacity: bool, sampling: Sampling) -> Options {
    Options {
        iterations: n,
        seed: 42,
        sampling,
        ignore_capacity,
        ..Options::default()
    }
}

fn run(p: &Plan, ignore_capacity: bool, sampling: Sampling) -> Simulation {
    simulate(p, &options(N, ignore_capacity, sampling)).unwrap()
}

/// `|got - want| <= tol`, with a message.
#[track_caller]
fn near(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} +- {tol} (off by {})",
        (got - want).abs()
    );
}

/// The tolerance for a sample p-quantile: 4.5 SE + one rank + `extra / f`.
fn quantile_tol(p: f64, density: f64, extra_cdf: f64) -> f64 {
    let n = N as f64;
    4.5 * (p * (1.0 - p) / n).sqrt() / density + (1.0 / n + extra_cdf) / density
}

fn prob_tol(p: f64) -> f64 {
    4.5 * (p * (1.0 - p) / N as f64).sqrt()
}

/// The engine's five percentiles as (p, value).
fn pcts(s: &shipdate_engine::simulate::Summary) -> [(f64, f64); 5] {
    [
        (0.10, s.p10),
        (0.50, s.p50),
        (0.80, s.p80),
        (0.90, s.p90),
        (0.95, s.p95),
    ]
}

/// Beta(a, b) on [0, 1]: an independent CDF by composite Simpson on 20,000 intervals, normalised
/// numerically, and its quantile by bisection.
struct BetaRef {
    a: f64,
    b: f64,
    norm: f64,
}

impl BetaRef {
    fn kernel(&self, x: f64) -> f64 {
        x.powf(self.a - 1.0) * (1.0 - x).powf(self.b - 1.0)
    }
    fn integral(&self, x: f64) -> f64 {
        let n = 20_000;
        let h = x / n as f64;
        let mut s = self.kernel(0.0) + self.kernel(x);
        for i in 1..n {
            s += if i % 2 == 1 { 4.0 } else { 2.0 } * self.kernel(i as f64 * h);
        }
        s * h / 3.0
    }
    fn new(a: f64, b: f64) -> BetaRef {
        let mut r = BetaRef { a, b, norm: 1.0 };
        r.norm = r.integral(1.0);
        r
    }
    fn cdf(&self, x: f64) -> f64 {
        self.integral(x) / self.norm
    }
    fn density(&self, x: f64) -> f64 {
        self.kernel(x) / self.norm
    }
    fn quantile(&self, p: f64) -> f64 {
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..50 {
            let mid = (lo + hi) / 2.0;
            if self.cdf(mid) < p {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        (lo + hi) / 2.0
    }
}

#[test]
fn beta_pert_mean_and_quantiles() {
    // PERT(2, 5.3, 14): r = 0.275 (between two tabulated shapes), alpha = 2.1, beta = 3.9.
    let p = plan(
        r#"
[plan]
name = "pert"
[[tasks]]
id = "t"
estimate = { low = 2, likely = 5.3, high = 14 }
"#,
    );
    let (low, width, a, b) = (2.0, 12.0, 2.1, 3.9);
    let beta = BetaRef::new(a, b);
    let mean = (2.0 + 4.0 * 5.3 + 14.0) / 6.0;
    let sd = (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt() * width;
    for sampling in [Sampling::MonteCarlo, Sampling::LatinHypercube] {
        for ignore in [true, false] {
            let s = run(&p, ignore, sampling);
            near(
                "PERT mean",
                s.makespan.mean,
                mean,
                4.5 * sd / (N as f64).sqrt(),
            );
            for (q, got) in pcts(&s.makespan) {
                let x = beta.quantile(q);
                let f = beta.density(x) / width;
                near(
                    &format!("PERT P{} ({sampling:?})", q * 100.0),
                    got,
                    low + width * x,
                    quantile_tol(q, f, 1e-5),
                );
            }
        }
    }
}

#[test]
fn max_of_independent_uniforms() {
    // Six unlinked tasks U(3, 10): the finish is their maximum, F(x) = ((x - 3) / 7)^6.
    let mut src = String::from("[plan]\nname = \"max\"\n");
    for k in 0..6 {
        src += &format!(
            "[[tasks]]\nid = \"u{k}\"\nestimate = {{ dist = \"uniform\", low = 3, high = 10 }}\n"
        );
    }
    let p = plan(&src);
    let k = 6.0;
    for ignore in [true, false] {
        let s = run(&p, ignore, Sampling::MonteCarlo);
        for (q, got) in pcts(&s.makespan) {
            let want = 3.0 + 7.0 * q.powf(1.0 / k);
            let f = k * q.powf((k - 1.0) / k) / 7.0;
            near(
                &format!("max P{}", q * 100.0),
                got,
                want,
                quantile_tol(q, f, 0.0),
            );
        }
        // E[max] = 3 + 7 k / (k + 1); Var = 49 k / ((k + 1)^2 (k + 2)).
        let sd = (49.0 * k / ((k + 1.0).powi(2) * (k + 2.0))).sqrt();
        near(
            "max mean",
            s.makespan.mean,
            3.0 + 7.0 * k / (k + 1.0),
            4.5 * sd / (N as f64).sqrt(),
        );
    }
}

/// A triangular density on a grid of step `h` from 0.
fn triangular_density(lo: f64, mode: f64, hi: f64, h: f64, len: usize) -> Vec<f64> {
    (0..len)
        .map(|i| {
            let x = i as f64 * h;
            if x < lo || x > hi {
                0.0
            } else if x < mode {
                2.0 * (x - lo) / ((hi - lo) * (mode - lo))
            } else {
                2.0 * (hi - x) / ((hi - lo) * (hi - mode))
            }
        })
        .collect()
}

fn convolve(f: &[f64], g: &[f64], h: f64) -> Vec<f64> {
    let mut out = vec![0.0; f.len() + g.len() - 1];
    for (i, &a) in f.iter().enumerate() {
        if a == 0.0 {
            continue;
        }
        for (j, &b) in g.iter().enumerate() {
            out[i + j] += a * b * h;
        }
    }
    out
}

#[test]
fn chain_of_triangulars_against_numerical_convolution() {
    // a -> b -> c finish-to-start: the finish is the sum of three triangulars.
    let p = plan(
        r#"
[plan]
name = "chain"
[[tasks]]
id = "a"
estimate = { dist = "triangular", low = 1, likely = 2, high = 6 }
[[tasks]]
id = "b"
estimate = { dist = "triangular", low = 2, likely = 3, high = 4 }
after = ["a"]
[[tasks]]
id = "c"
estimate = { dist = "triangular", low = 0.5, likely = 4, high = 5 }
after = ["b"]
"#,
    );
    // Densities on a 0.001 grid, convolved with the rectangle rule (error O(h^2) for these
    // piecewise-linear densities, far below the tolerances), then integrated to a CDF.
    let h = 0.001;
    let fa = triangular_density(1.0, 2.0, 6.0, h, 6001);
    let fb = triangular_density(2.0, 3.0, 4.0, h, 4001);
    let fc = triangular_density(0.5, 4.0, 5.0, h, 5001);
    let sum = convolve(&convolve(&fa, &fb, h), &fc, h);
    let mut cdf = Vec::with_capacity(sum.len());
    let mut acc = 0.0;
    for (i, &d) in sum.iter().enumerate() {
        if i > 0 {
            acc += (d + sum[i - 1]) / 2.0 * h;
        }
        cdf.push(acc);
    }
    let total = *cdf.last().unwrap();
    assert!((total - 1.0).abs() < 1e-4, "convolution mass {total}");
    let quantile = |q: f64| {
        let i = cdf.partition_point(|&c| c < q * total);
        (i as f64 * h, sum[i])
    };
    let mean = (1.0 + 2.0 + 6.0) / 3.0 + (2.0 + 3.0 + 4.0) / 3.0 + (0.5 + 4.0 + 5.0) / 3.0;
    let var = [(1.0, 2.0, 6.0), (2.0, 3.0, 4.0), (0.5, 4.0, 5.0)]
        .iter()
        .map(|&(a, m, b): &(f64, f64, f64)| (a * a + m * m + b * b - a * m - a * b - m * b) / 18.0)
        .sum::<f64>();
    for ignore in [true, false] {
        let s = run(&p, ignore, Sampling::MonteCarlo);
        near(
            "chain mean",
            s.makespan.mean,
            mean,
            4.5 * (var / N as f64).sqrt(),
        );
        for (q, got) in pcts(&s.makespan) {
            let (x, f) = quantile(q);
            // Plus the grid step of the reference quantile.
            near(
                &format!("chain P{}", q * 100.0),
                got,
                x,
                quantile_tol(q, f, 0.0) + h,
            );
        }
    }
}

#[test]
fn risk_event_mixture_jumps_and_fire_rate() {
    // A fixed 10-day task; a risk of 0.3 adds exactly 5: the finish is 10 (p 0.7) or 15.
    let fixed = plan(
        r#"
[plan]
name = "risk"
[[tasks]]
id = "a"
estimate = 10
[[risks]]
id = "late"
probability = 0.3
impact = 5
tasks = ["a"]
"#,
    );
    for ignore in [true, false] {
        let s = run(&fixed, ignore, Sampling::MonteCarlo);
        assert_eq!(s.makespan.p10, 10.0);
        assert_eq!(s.makespan.p50, 10.0);
        assert_eq!(s.makespan.p80, 15.0);
        assert_eq!(s.makespan.p95, 15.0);
        near("fire rate", s.risks[0].fired, 0.3, prob_tol(0.3));
        near(
            "fire SE",
            s.risks[0].fired_se,
            (0.21 / N as f64).sqrt(),
            1e-4,
        );
        assert_eq!(s.risks[0].p80_without, Some(10.0));
        assert_eq!(s.risks[0].p80_effect, Some(5.0));
    }
    // U(10, 12) plus, with probability 0.25, exactly 5: F = 0.75 (x - 10) / 2 on [10, 12],
    // 0.75 on [12, 15], 0.75 + 0.25 (x - 15) / 2 on [15, 17]. So P50 = 10 + 2 (0.5 / 0.75),
    // P80 = 15 + 2 (0.05 / 0.25): the P80 jumps over the gap.
    let mixed = plan(
        r#"
[plan]
name = "risk"
[[tasks]]
id = "a"
estimate = { dist = "uniform", low = 10, high = 12 }
[[risks]]
id = "late"
probability = 0.25
impact = 5
tasks = ["a"]
"#,
    );
    let exact = |q: f64| -> (f64, f64) {
        if q <= 0.75 {
            (10.0 + 2.0 * q / 0.75, 0.375)
        } else {
            (15.0 + 2.0 * (q - 0.75) / 0.25, 0.125)
        }
    };
    for sampling in [Sampling::MonteCarlo, Sampling::LatinHypercube] {
        let s = run(&mixed, true, sampling);
        for (q, got) in pcts(&s.makespan) {
            let (x, f) = exact(q);
            near(
                &format!("mixture P{}", q * 100.0),
                got,
                x,
                quantile_tol(q, f, 0.0),
            );
        }
        near("fire rate", s.risks[0].fired, 0.25, prob_tol(0.25));
        // Without the risk (same random numbers): U(10, 12), P80 = 11.6; effect 15.4 - 11.6.
        let without = s.risks[0].p80_without.unwrap();
        near("P80 without", without, 11.6, quantile_tol(0.8, 0.5, 0.0));
        near(
            "P80 effect",
            s.risks[0].p80_effect.unwrap(),
            3.8,
            quantile_tol(0.8, 0.5, 0.0) + quantile_tol(0.8, 0.125, 0.0),
        );
    }
}

#[test]
fn criticality_on_two_parallel_paths() {
    // Path A: a1 ~ U(0, 10) then a2 = 1; path B: b1 ~ Tri(2, 3, 8) then b2 = 1.
    // A is critical when a1 > b1: P = E[1 - F_A(B)] = (10 - E[B]) / 10 = (10 - 13/3) / 10.
    let p = plan(
        r#"
[plan]
name = "paths"
[[tasks]]
id = "a1"
estimate = { dist = "uniform", low = 0, high = 10 }
[[tasks]]
id = "a2"
estimate = 1
after = ["a1"]
[[tasks]]
id = "b1"
estimate = { dist = "triangular", low = 2, likely = 3, high = 8 }
[[tasks]]
id = "b2"
estimate = 1
after = ["b1"]
"#,
    );
    let pa = (10.0 - 13.0 / 3.0) / 10.0;
    for ignore in [true, false] {
        let s = run(&p, ignore, Sampling::MonteCarlo);
        let c: Vec<f64> = s.tasks.iter().map(|t| t.criticality).collect();
        near("a1", c[0], pa, prob_tol(pa));
        near("a2", c[1], pa, prob_tol(pa));
        near("b1", c[2], 1.0 - pa, prob_tol(pa));
        near("b2", c[3], 1.0 - pa, prob_tol(pa));
        // Exactly one path is critical in every iteration (ties have probability 0).
        assert!((c[0] + c[2] - 1.0).abs() < 1e-12);
        near(
            "SE",
            s.tasks[0].criticality_se,
            (pa * (1.0 - pa) / N as f64).sqrt(),
            1e-4,
        );
    }
}

/// Spearman's rank correlation of two samples (exact midranks), for checking the engine.
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        let mut k = 0;
        while k < idx.len() {
            let mut e = k + 1;
            while e < idx.len() && v[idx[e]] == v[idx[k]] {
                e += 1;
            }
            for &i in &idx[k..e] {
                r[i] = (k + 1 + e) as f64 / 2.0;
            }
            k = e;
        }
        r
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let m = (x.len() as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - m) * (b - m);
        sxx += (a - m) * (a - m);
        syy += (b - m) * (b - m);
    }
    sxy / (sxx * syy).sqrt()
}

#[test]
fn achieved_rank_correlation_matches_the_request() {
    let p = plan(
        r#"
[plan]
name = "corr"
[[tasks]]
id = "x"
estimate = { low = 1, likely = 3, high = 9 }
[[tasks]]
id = "y"
estimate = { dist = "triangular", low = 2, likely = 4, high = 12 }
[[tasks]]
id = "z"
estimate = { dist = "lognormal", median = 5, p90 = 9 }
[[correlations]]
tasks = ["x", "y"]
coefficient = 0.6
[[correlations]]
tasks = ["y", "z"]
coefficient = 0.3
"#,
    );
    for sampling in [Sampling::MonteCarlo, Sampling::LatinHypercube] {
        let d = sample_durations(&p, &options(N, true, sampling));
        let col = |j: usize| d.iter().map(|row| row[j]).collect::<Vec<f64>>();
        let (x, y, z) = (col(0), col(1), col(2));
        near("rho(x, y)", spearman(&x, &y), 0.6, 0.02);
        near("rho(y, z)", spearman(&y, &z), 0.3, 0.02);
        // Not requested, so the copula's Pearson correlation is 0: rank correlation 0.
        near("rho(x, z)", spearman(&x, &z), 0.0, 0.02);
        // The marginals are untouched by the copula: x is still PERT(1, 3, 9) (mean 11/3).
        near("mean x", x.iter().sum::<f64>() / N as f64, 11.0 / 3.0, 0.02);
    }
}

#[test]
fn inconsistent_correlations_are_repaired_and_reported() {
    // a~b 0.9 and b~c 0.9 force a~c well above 0, yet a~c is asked to be 0.
    let p = plan(
        r#"
[plan]
name = "bad corr"
[[tasks]]
id = "a"
estimate = { low = 1, likely = 2, high = 5 }
[[tasks]]
id = "b"
estimate = { low = 1, likely = 2, high = 5 }
[[tasks]]
id = "c"
estimate = { low = 1, likely = 2, high = 5 }
[[correlations]]
tasks = ["a", "b"]
coefficient = 0.9
[[correlations]]
tasks = ["b", "c"]
coefficient = 0.9
[[correlations]]
tasks = ["a", "c"]
coefficient = 0.0
"#,
    );
    let s = simulate(&p, &options(2000, true, Sampling::MonteCarlo)).unwrap();
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(s.warnings[0].contains("inconsistent") && s.warnings[0].contains("a, b, c"));
    // The nearest correlation matrix (Higham) to the requested Pearson matrix, r = 2 sin(0.15 pi)
    // for a~b and b~c and 0 for a~c, is unique and keeps the a <-> c symmetry, so it has
    // entries (x, x, y). Its determinant (1 - y)(1 + y - 2x^2) must be >= 0, which the request
    // (x = r, y = 0) violates; on the boundary y = 2x^2 - 1 the squared distance is
    // proportional to 2(x - r)^2 + (2x^2 - 1)^2, stationary where 4x^3 - x - r = 0.
    let r = 2.0 * (std::f64::consts::PI * 0.9 / 6.0).sin();
    let mut x = 0.75;
    for _ in 0..50 {
        x -= (4.0 * x * x * x - x - r) / (12.0 * x * x - 1.0);
    }
    let y = 2.0 * x * x - 1.0;
    let rank = |rho: f64| 6.0 / std::f64::consts::PI * (rho / 2.0).asin();
    let d = sample_durations(&p, &options(N, true, Sampling::MonteCarlo));
    let col = |j: usize| d.iter().map(|row| row[j]).collect::<Vec<f64>>();
    near("rho(a, b)", spearman(&col(0), &col(1)), rank(x), 0.02);
    near("rho(b, c)", spearman(&col(1), &col(2)), rank(x), 0.02);
    near("rho(a, c)", spearman(&col(0), &col(2)), rank(y), 0.02);
}

#[test]
fn same_result_on_any_thread_count() {
    let p = checkout();
    for ignore in [false, true] {
        for sampling in [Sampling::MonteCarlo, Sampling::LatinHypercube] {
            let json = |threads| {
                let o = Options {
                    threads,
                    ..options(3000, ignore, sampling)
                };
                serde_json::to_string(&simulate(&p, &o).unwrap()).unwrap()
            };
            let one = json(Some(1));
            assert_eq!(one, json(Some(2)));
            assert_eq!(one, json(Some(3)));
            assert_eq!(one, json(None));
        }
    }
}

/// The checkout example plan.
fn checkout() -> Plan {
    plan(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/checkout.toml"
        ))
        .unwrap(),
    )
}

/// The example plan with every estimate fixed at its single-point value and no risks.
fn fixed_example() -> Plan {
    let mut p = checkout();
    for t in &mut p.tasks {
        t.estimate = Estimate::Fixed {
            value: t.estimate.point(),
        };
    }
    p.risks.clear();
    p.correlations.clear();
    p
}

#[test]
fn fixed_durations_reproduce_the_critical_path_method() {
    let p = fixed_example();
    let tl = Timeline::new(&p);
    let durations: Vec<f64> = p
        .tasks
        .iter()
        .map(|t| match t.kind {
            shipdate_engine::model::TaskKind::Milestone => 0.0,
            _ => t.estimate.point(),
        })
        .collect();
    let cpm = graph::cpm(&p, &tl, &durations);
    let s = simulate(&p, &options(200, true, Sampling::MonteCarlo)).unwrap();
    for q in [s.makespan.mean, s.makespan.p10, s.makespan.p95] {
        assert_eq!(q, cpm.makespan);
    }
    for (t, &crit) in s.tasks.iter().zip(&cpm.critical) {
        assert_eq!(t.criticality, if crit { 1.0 } else { 0.0 }, "{}", t.id);
        assert_eq!(t.sensitivity, 0.0);
    }
}

#[test]
fn fixed_durations_reproduce_the_deterministic_schedule() {
    let p = fixed_example();
    let det = schedule(&p);
    let s = simulate(&p, &options(200, false, Sampling::MonteCarlo)).unwrap();
    assert_eq!(s.makespan.p50, det.makespan);
    assert_eq!(s.makespan.mean, det.makespan);
    assert_eq!(s.finish_date.unwrap().p95, det.finish_date.unwrap());
    for (t, d) in s.tasks.iter().zip(&det.tasks) {
        assert_eq!(
            t.criticality,
            if d.critical { 1.0 } else { 0.0 },
            "{}",
            t.id
        );
    }
    for (r, d) in s.releases.iter().zip(&det.releases) {
        assert_eq!(r.ready.p50, d.ready, "{}", r.id);
        assert_eq!(r.ready_date.unwrap().p80, d.ready_date.unwrap(), "{}", r.id);
        assert_eq!(r.deploy_date.unwrap().p50, d.deploy_date, "{}", r.id);
        let on_time = d.on_time.map(|b| if b { 1.0 } else { 0.0 });
        assert_eq!(r.on_time_probability, on_time, "{}", r.id);
        assert_eq!(
            r.unscheduled_probability,
            if d.unscheduled { 1.0 } else { 0.0 }
        );
        if let Some(date) = d.deploy_date {
            assert_eq!(r.windows.len(), 1);
            assert_eq!(r.windows[0].date, Some(date));
            assert_eq!(r.windows[0].probability, 1.0);
        }
    }
}

#[test]
fn risk_effects_equal_a_run_in_which_the_risk_never_fires() {
    // Critical-path mode: switching a risk off keeps every other random number, exactly like
    // a probability of 0 (its uniforms are still drawn): the re-run must agree with such a
    // run to the bit. (Resource-aware effects re-time each iteration's own schedule instead,
    // SPEC section 4: see the next test, and the engine's unit tests for the bit-for-bit
    // comparison with a re-timing from scratch.)
    let p = checkout();
    assert!(p.risks.len() >= 2);
    {
        let o = options(4000, true, Sampling::MonteCarlo);
        let s = simulate(&p, &o).unwrap();
        for (k, effect) in s.risks.iter().enumerate() {
            let mut q = p.clone();
            q.risks[k].probability = 0.0;
            let off = simulate(&q, &o).unwrap();
            assert_eq!(effect.p80_without, Some(off.makespan.p80), "{}", effect.id);
            for (e, r) in effect.releases.iter().zip(&off.releases) {
                let with = s.releases.iter().find(|x| x.id == e.id).unwrap().ready.p80;
                assert_eq!(e.p80_effect, with - r.ready.p80, "{} {}", effect.id, e.id);
            }
        }
    }
}

#[test]
fn resource_aware_risk_effects_are_never_negative_without_finish_links() {
    // Resource-aware effects re-time each iteration's schedule with the teams' order of work
    // kept: with finish-to-start and start-to-start links only, nothing finishes later without
    // a risk, so no P80 can move down (a new run of the serial scheme could, as it may reorder
    // the work). The checkout example, its finish links made finish-to-start.
    let mut p = checkout();
    for t in &mut p.tasks {
        for l in &mut t.after {
            if matches!(l.kind, LinkKind::FF | LinkKind::SF) {
                l.kind = LinkKind::FS;
            }
        }
    }
    let s = simulate(&p, &options(4000, false, Sampling::MonteCarlo)).unwrap();
    let mut moved = 0;
    for effect in &s.risks {
        let e = effect.p80_effect.unwrap();
        assert!(e >= 0.0, "{}: {e}", effect.id);
        assert!(
            effect.p80_without.unwrap() <= s.makespan.p80,
            "{}",
            effect.id
        );
        moved += usize::from(e > 0.0);
        for r in &effect.releases {
            assert!(
                r.p80_effect >= 0.0,
                "{} {}: {}",
                effect.id,
                r.id,
                r.p80_effect
            );
            moved += usize::from(r.p80_effect > 0.0);
        }
    }
    assert!(moved >= 3, "only {moved} effects above zero");
}

#[test]
fn deploy_window_odds_dated() {
    // Work U(3, 13) days from Monday 4 Jan 2027 (no holidays). Ready on day ceil(d) - 1;
    // window Wed 13 Jan is plan day 7, Wed 20 Jan day 12 (strictly after the ready date):
    // first window iff d <= 7 (p 0.4), second iff 7 < d <= 12 (p 0.5), none after (p 0.1).
    let p = plan(
        r#"
[plan]
name = "windows"
start = 2027-01-04
[[tasks]]
id = "w"
estimate = { dist = "uniform", low = 3, high = 13 }
[[releases]]
id = "r"
tasks = ["w"]
windows = [2027-01-13, 2027-01-20]
target = 2027-01-13
"#,
    );
    let s = run(&p, true, Sampling::MonteCarlo);
    let r = &s.releases[0];
    assert_eq!(r.windows.len(), 2);
    near("window 1", r.windows[0].probability, 0.4, prob_tol(0.4));
    near("window 2", r.windows[1].probability, 0.5, prob_tol(0.5));
    near("unscheduled", r.unscheduled_probability, 0.1, prob_tol(0.1));
    near(
        "on time",
        r.on_time_probability.unwrap(),
        0.4,
        prob_tol(0.4),
    );
    assert_eq!(
        r.on_time_probability.unwrap(),
        r.windows[0].probability,
        "on time exactly when it takes the first window"
    );
    let d = r.deploy_date.unwrap();
    assert_eq!(d.p10, Some("2027-01-13".parse().unwrap()));
    assert_eq!(d.p50, Some("2027-01-20".parse().unwrap()));
    assert_eq!(
        d.p95, None,
        "the 95th percentile is past every window: unscheduled"
    );
}

#[test]
fn deploy_window_odds_undated() {
    // Ready at d ~ U(3, 13); windows at 5 and 9 (at or after the ready time).
    let p = plan(
        r#"
[plan]
name = "windows"
[[tasks]]
id = "w"
estimate = { dist = "uniform", low = 3, high = 13 }
[[releases]]
id = "r"
tasks = ["w"]
windows = [5, 9]
"#,
    );
    let s = run(&p, false, Sampling::MonteCarlo);
    let r = &s.releases[0];
    near("window 5", r.windows[0].probability, 0.2, prob_tol(0.2));
    assert_eq!(r.windows[0].period, Some(5.0));
    near("window 9", r.windows[1].probability, 0.4, prob_tol(0.4));
    near("unscheduled", r.unscheduled_probability, 0.4, prob_tol(0.4));
    let d = r.deploy.unwrap();
    assert_eq!((d.p10, d.p50, d.p80), (Some(5.0), Some(9.0), None));
}

#[test]
fn sensitivity_matches_a_direct_spearman() {
    // a then b: the finish is a + b. The engine ranks a (a plain uniform) by its 8-bit key and
    // b (risk-affected) by its exact duration; compare with exact ranks of the raw samples.
    let p = plan(
        r#"
[plan]
name = "sens"
[[tasks]]
id = "a"
estimate = { dist = "uniform", low = 0, high = 10 }
[[tasks]]
id = "b"
estimate = { low = 1, likely = 2, high = 4 }
after = ["a"]
[[tasks]]
id = "c"
estimate = 1
after = ["b"]
[[risks]]
id = "r"
probability = 0.2
impact = { dist = "uniform", low = 1, high = 3 }
tasks = ["b"]
"#,
    );
    let o = options(20_000, true, Sampling::MonteCarlo);
    let s = simulate(&p, &o).unwrap();
    let d = sample_durations(&p, &o);
    let col = |j: usize| d.iter().map(|row| row[j]).collect::<Vec<f64>>();
    let finish: Vec<f64> = d.iter().map(|row| row[0] + row[1] + row[2]).collect();
    // Quantising a uniform to 256 bins moves the coefficient by O(1e-5); f32 durations are
    // exact for ranking here.
    near(
        "sens a",
        s.tasks[0].sensitivity,
        spearman(&col(0), &finish),
        1e-4,
    );
    near(
        "sens b",
        s.tasks[1].sensitivity,
        spearman(&col(1), &finish),
        1e-4,
    );
    assert_eq!(s.tasks[2].sensitivity, 0.0);
    assert!(s.tasks[0].sensitivity > s.tasks[1].sensitivity);
    // A single task is its own finish.
    let one = plan("[plan]\nname = \"one\"\n[[tasks]]\nid = \"t\"\nestimate = { low = 1, likely = 2, high = 9 }\n");
    let s1 = simulate(&one, &options(5000, true, Sampling::MonteCarlo)).unwrap();
    assert!(
        s1.tasks[0].sensitivity > 0.9999,
        "{}",
        s1.tasks[0].sensitivity
    );
}

#[test]
fn zero_iterations_and_bad_priority_lists_are_errors() {
    let p = plan(
        "[plan]\nname = \"x\"\n[[tasks]]\nid = \"t\"\nestimate = 1\n\
         [[tasks]]\nid = \"u\"\nestimate = 1\nafter = [\"t\"]\n",
    );
    assert_eq!(
        simulate(&p, &options(0, true, Sampling::MonteCarlo)),
        Err(SimError::NoIterations)
    );
    for bad in [vec![1, 0], vec![0], vec![0, 0], vec![0, 1, 1], vec![0, 7]] {
        let o = Options {
            order: PriorityOrder::List(bad.clone()),
            ..options(10, false, Sampling::MonteCarlo)
        };
        assert_eq!(simulate(&p, &o), Err(SimError::InvalidOrder), "{bad:?}");
    }
    let o = Options {
        order: PriorityOrder::List(vec![0, 1]),
        ..options(10, false, Sampling::MonteCarlo)
    };
    assert_eq!(simulate(&p, &o).unwrap().makespan.p50, 2.0);
}

/// xorshift64* for the random plans below.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random valid dated plan: up to 3 teams (one on a Monday-to-Thursday calendar, time off
/// with capacity 0 and 1), every link type with positive, zero and negative lags, milestones,
/// fixed and random estimates.
fn random_plan(seed: u64) -> Plan {
    let mut g = Gen(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut src = String::from(
        "[plan]\nname = \"random\"\nstart = 2027-01-04\n\n\
         [calendars.standard]\nworkdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n\
         holidays = [2027-01-18]\n\
         [calendars.short]\nworkdays = [\"mon\", \"tue\", \"wed\", \"thu\"]\n\n",
    );
    let teams = g.below(4);
    let mut caps = Vec::new();
    for k in 0..teams {
        let cap = 1 + g.below(3);
        caps.push(cap);
        src += &format!("[teams.t{k}]\ncapacity = {cap}\n");
        if k == 1 {
            src += "calendar = \"short\"\n";
        }
        if g.below(2) == 0 {
            src += &format!(
                "time_off = [{{ from = 2027-01-{:02}, to = 2027-01-{:02}, capacity = {} }}]\n",
                6 + g.below(5),
                12 + g.below(5),
                g.below(2).min(cap - 1)
            );
        }
    }
    let n = 5 + g.below(20) as usize;
    for j in 0..n {
        src += &format!("\n[[tasks]]\nid = \"j{j}\"\n");
        if teams > 0 && g.below(4) != 0 {
            let k = g.below(teams);
            src += &format!(
                "team = \"t{k}\"\ndemand = {}\n",
                1 + g.below(caps[k as usize])
            );
        }
        match g.below(6) {
            0 => src += &format!("estimate = {}\n", g.below(4)),
            1 => src += "kind = \"milestone\"\n",
            2 => src += "estimate = { dist = \"uniform\", low = 0.5, high = 4 }\n",
            3 => src += "estimate = { dist = \"triangular\", low = 1, likely = 1.5, high = 6 }\n",
            _ => src += "estimate = { low = 1, likely = 2, high = 5 }\n",
        }
        if j > 0 {
            let mut links = Vec::new();
            for _ in 0..g.below(3) {
                let pred = j - 1 - g.below(j.min(6) as u64) as usize;
                let kind = ["FS", "SS", "FF", "SF"][g.below(4) as usize];
                let lag = [-1.0, 0.0, 0.5, 2.0][g.below(4) as usize];
                let entry = format!("{{ task = \"j{pred}\", type = \"{kind}\", lag = {lag} }}");
                if !links
                    .iter()
                    .any(|l: &String| l.contains(&format!("\"j{pred}\"")))
                {
                    links.push(entry);
                }
            }
            if !links.is_empty() {
                src += &format!("after = [{}]\n", links.join(", "));
            }
        }
    }
    plan(&src)
}

#[test]
fn each_iteration_matches_the_reference_engines_on_random_plans() {
    use shipdate_engine::graph::CRITICAL_EPS;
    use shipdate_engine::schedule::{resource_links, Problem, Sgs};
    for seed in 0..60 {
        let p = random_plan(seed);
        let o = |ignore| Options {
            iterations: 1,
            seed,
            ..options(1, ignore, Sampling::MonteCarlo)
        };
        let d = &sample_durations(&p, &o(true))[0];
        // Critical path: graph::cpm with the same durations.
        let cpm = graph::cpm(&p, &Timeline::new(&p), d);
        let s = simulate(&p, &o(true)).unwrap();
        assert_eq!(s.makespan.p50, cpm.makespan, "seed {seed}");
        for (t, &c) in s.tasks.iter().zip(&cpm.critical) {
            assert_eq!(
                t.criticality,
                if c { 1.0 } else { 0.0 },
                "seed {seed} {}",
                t.id
            );
        }
        // Resource-aware: the serial scheme with the deterministic schedule's priority list (the
        // leveller's, by default) or the priority rule, slack on the levelled network with the
        // scheduler's own (pairwise) resource links.
        let prob = Problem::new(&p);
        let leveled = leveling::level(&p, &prob, &leveling::Options::default()).order;
        for (choice, order) in [
            (PriorityOrder::Schedule, leveled),
            (PriorityOrder::Rule, prob.priority_order()),
        ] {
            let mut sgs = Sgs::new(&prob);
            let (mut st, mut fi) = (vec![0.0; p.tasks.len()], vec![0.0; p.tasks.len()]);
            sgs.run(&prob, d, &order, &mut st, &mut fi);
            let makespan = fi.iter().copied().fold(0.0, f64::max);
            let links = resource_links(&prob, &sgs, &order, &fi);
            let (ls, _) = graph::backward_pass(prob.network(), d, &order, &links, makespan);
            let s = simulate(
                &p,
                &Options {
                    order: choice.clone(),
                    ..o(false)
                },
            )
            .unwrap();
            assert_eq!(s.makespan.p50, makespan, "seed {seed} {choice:?}");
            for (j, t) in s.tasks.iter().enumerate() {
                let c = (ls[j] - st[j]).max(0.0) < CRITICAL_EPS;
                assert_eq!(
                    t.criticality,
                    if c { 1.0 } else { 0.0 },
                    "seed {seed} {choice:?} {}",
                    t.id
                );
            }
        }
    }
}
