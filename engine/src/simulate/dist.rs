//! Duration distributions as precomputed inverse-CDF samplers.
//!
//! Every estimate becomes a [`Sampler`] that maps a uniform `u` in (0, 1) to a duration by its
//! quantile function, so that one uniform per task and iteration drives its duration (which is
//! what Latin hypercube sampling and the Gaussian copula need):
//!
//! - fixed, uniform and triangular: exact closed forms (the triangular one with a square root);
//! - lognormal by (median, p90): `median * exp(sigma * z)` with `z` the standard normal
//!   quantile (Wichura's AS 241, relative error about 1e-16) and `sigma = ln(p90 / median) /
//!   z_0.9`, cut at [`MAX_SPAN`] (the longest duration a plan may hold);
//! - Beta-PERT with lambda 4: a Beta(alpha, beta) on [low, high] with `alpha = 1 + 4 r`,
//!   `beta = 5 - 4 r`, `r = (likely - low) / (high - low)`. Its quantile has no closed form, so
//!   it is tabulated: for shapes `r` on a grid of [`PERT_SHAPES`] points, the standard Beta
//!   quantile at `u = k / PERT_CELLS` is computed once (numerical integration of the density on
//!   a Chebyshev-graded grid and inversion of the piecewise cubic Hermite CDF; error below 1e-7)
//!   and stored as `f32`. A sample interpolates linearly in `u` inside its cell and linearly
//!   between the two shape rows around `r`. In the first and last cell, where the quantile
//!   has an infinite slope, the interpolation follows the leading power law
//!   (`Q(u) ~ u^(1/alpha)`, `1 - Q(u) ~ (1 - u)^(1/beta)`) instead. The tests bound the whole
//!   error (table, interpolation and shape blending) against an independent quadrature:
//!   `|F(sample(u)) - u| < 1e-5` for `u` in [0.01, 0.99].
//!
//! Everything here is plain IEEE arithmetic plus `libm`'s pure-Rust `exp`, `log`, `pow` and
//! `erfc`, so the same uniform gives the same duration, bit for bit, natively and in
//! WebAssembly.

use std::sync::OnceLock;

use crate::calendar::limits::MAX_SPAN;
use crate::model::{Estimate, Per, Plan, Z90};
use crate::network::progress::{scaled, ItemWork, Work};

use super::rng::Stream;

pub(crate) use super::beta::{PERT_CELLS, PERT_SHAPES};

/// A duration distribution ready to sample: [`Sampler::sample_into`] maps uniforms to its
/// quantiles.
#[derive(Debug, Clone)]
pub(crate) enum Sampler {
    /// Always this value.
    Fixed(f64),
    /// `low + width * u`.
    Uniform { low: f64, width: f64 },
    /// Triangular on `[low, low + width]` with its mode at `low + c * width`.
    Triangular { low: f64, width: f64, c: f64 },
    /// `exp(mu + sigma * z(u))`, tabulated at `k / PERT_CELLS` (`q`) and computed exactly in
    /// the cells within [`LOGNORMAL_EXACT_CELLS`] of either end.
    Lognormal {
        mu: f64,
        sigma: f64,
        q: Box<[f64; PERT_CELLS + 1]>,
    },
    /// Beta-PERT on `[low, low + width]`, blending the two shape rows of `pair` with weight
    /// `w` on the upper one.
    Pert {
        low: f64,
        width: f64,
        pair: &'static PertPair,
        w: f64,
    },
    /// The upper tail of `inner` from its quantile `from` on, less `shift`: `inner` given that
    /// it exceeds `shift` (where `from` is its distribution function), minus `shift`, at least
    /// 0 (SPEC section 6: a started task's remaining work without `remaining` or `progress`).
    Tail {
        inner: Box<Sampler>,
        from: f64,
        shift: f64,
    },
    /// An item-sized task (SPEC section 9): its duration is the walk of
    /// [`ItemSampler::sample_into`], which draws from the task's stream beyond one uniform.
    Items(Box<ItemSampler>),
}

/// An item-sized task's duration draws (SPEC section 9).
///
/// In each iteration it takes its item count from the iteration's uniform `u`
/// (`low + floor(u x (high - low + 1))`), then from the task's stream: a split factor (when
/// it has one; the count times the factor, rounded up), then one sample index per working day
/// (`per = "day"`) or per run of a nominal week's working days (`per = "week"`: the team
/// calendar's working weekdays; a weekly sample is spread evenly over them). Each working day
/// adds `demand / capacity` of that day's items; the task finishes on the day the items it got
/// reach its count, within that day in proportion. Working days are the team calendar's, so a
/// holiday pauses the walk and the duration in working days does not depend on the start
/// date. A walk longer than [`MAX_SPAN`] working days is cut there.
#[derive(Debug, Clone)]
pub(crate) struct ItemSampler {
    low: u32,
    /// `high - low + 1`.
    counts: u64,
    /// The split factor's `(low, width)`.
    split: Option<(f64, f64)>,
    /// The share of the items left.
    factor: f64,
    /// Items a working day for each sample: the sample times the share (and over the week's
    /// working days for weekly samples).
    rates: Vec<f64>,
    /// Working days each draw lasts: 1, or a nominal week's.
    run: u32,
}

/// A small tolerance for sums of spread weekly samples (1.4 + 1.4 + ... by floating point).
const ITEM_EPS: f64 = 1e-9;

impl ItemSampler {
    /// The draws of `w` (item-sized work of a valid plan).
    pub(crate) fn new(plan: &Plan, w: &ItemWork) -> ItemSampler {
        let team = &plan.teams[w.team];
        let tp = team
            .throughput
            .as_ref()
            .expect("a valid plan's item-sized task has a team with throughput");
        let week_days = plan.calendars[team.calendar].workdays_per_week().max(1);
        let (run, per_day) = match tp.per {
            Per::Day => (1, 1.0),
            Per::Week => (week_days, f64::from(week_days)),
        };
        ItemSampler {
            low: w.items.low,
            counts: u64::from(w.items.high - w.items.low) + 1,
            split: w.items.split.map(|(a, b)| (a, b - a)),
            factor: w.factor,
            rates: tp.samples.iter().map(|&x| x * w.share / per_day).collect(),
            run,
        }
    }

    /// A uniform index into the samples.
    #[inline]
    fn index(&self, stream: &mut Stream) -> usize {
        ((u64::from(stream.next_u32()) * self.rates.len() as u64) >> 32) as usize
    }

    /// Fills `out[i]` with iteration `i`'s duration: its count from `u[i]`, the rest drawn
    /// from `stream`, iterations in order.
    pub(crate) fn sample_into(&self, stream: &mut Stream, u: &[f64], out: &mut [f64]) {
        for (o, &x) in out.iter_mut().zip(u) {
            let k = ((x * self.counts as f64) as u64).min(self.counts - 1);
            let mut count = (u64::from(self.low) + k) as f64;
            if let Some((low, width)) = self.split {
                count = (count * (low + width * stream.uniform())).ceil();
            }
            *o = self.walk(stream, count * self.factor);
        }
    }

    /// The working days until the items got reach `target`.
    fn walk(&self, stream: &mut Stream, target: f64) -> f64 {
        if target <= 0.0 {
            return 0.0;
        }
        let mut done = 0.0;
        let mut days = 0.0;
        loop {
            let rate = self.rates[self.index(stream)];
            for _ in 0..self.run {
                if rate > 0.0 && done + rate >= target - ITEM_EPS {
                    return days + ((target - done) / rate).clamp(0.0, 1.0);
                }
                done += rate;
                days += 1.0;
                if days >= MAX_SPAN {
                    return MAX_SPAN;
                }
            }
        }
    }
}

impl Sampler {
    /// The sampler of an estimate.
    pub(crate) fn new(e: &Estimate) -> Sampler {
        match *e {
            Estimate::Fixed { value } => Sampler::Fixed(value),
            Estimate::Uniform { low, high } => {
                if high > low {
                    Sampler::Uniform {
                        low,
                        width: high - low,
                    }
                } else {
                    Sampler::Fixed(low)
                }
            }
            Estimate::Triangular { low, likely, high } => {
                if high > low {
                    Sampler::Triangular {
                        low,
                        width: high - low,
                        c: ((likely - low) / (high - low)).clamp(0.0, 1.0),
                    }
                } else {
                    Sampler::Fixed(likely)
                }
            }
            Estimate::Lognormal { median, p90 } => {
                if median > 0.0 && p90 > median {
                    let (mu, sigma) = (libm::log(median), libm::log(p90 / median) / Z90);
                    // `lognormal(mu, sigma, k / PERT_CELLS)`, from the shared normal knots.
                    let z = normal_knots();
                    let mut q = Box::new([0.0f64; PERT_CELLS + 1]);
                    for k in 1..PERT_CELLS {
                        q[k] = libm::exp(mu + sigma * z[k]);
                    }
                    q[PERT_CELLS] = f64::INFINITY;
                    Sampler::Lognormal { mu, sigma, q }
                } else {
                    Sampler::Fixed(median)
                }
            }
            Estimate::Pert { low, likely, high } => {
                if high > low {
                    let r = ((likely - low) / (high - low)).clamp(0.0, 1.0);
                    let pos = r * (PERT_SHAPES - 1) as f64;
                    let i = (pos.floor() as usize).min(PERT_SHAPES - 2);
                    let w = pos - i as f64;
                    Sampler::Pert {
                        low,
                        width: high - low,
                        pair: pert_pair(i),
                        w,
                    }
                } else {
                    Sampler::Fixed(likely)
                }
            }
        }
    }

    /// The sampler of a task's work (SPEC section 6): its estimate, its history, `remaining`,
    /// the scaled estimate, the estimate's tail past the time already worked, or the item walk
    /// of an item-sized task of `plan`.
    pub(crate) fn of_work(plan: &Plan, w: &Work) -> Sampler {
        match *w {
            Work::Items(ref iw) => Sampler::Items(Box::new(ItemSampler::new(plan, iw))),
            Work::Estimate(e) | Work::Remaining(e) => Sampler::new(&e),
            Work::History(d) => Sampler::Fixed(d),
            Work::Scaled(e, f) => Sampler::new(&scaled(&e, f)),
            Work::Conditional(e, elapsed) => {
                let inner = Sampler::new(&e);
                if let Sampler::Fixed(v) = inner {
                    return Sampler::Fixed((v - elapsed).max(0.0));
                }
                // The inner distribution function at `elapsed`, by bisection on its quantile.
                let (mut lo, mut hi) = (0.0f64, 1.0f64);
                for _ in 0..60 {
                    let mid = 0.5 * (lo + hi);
                    let mut x = [0.0];
                    inner.sample_into(&[mid], &mut x);
                    if x[0] < elapsed {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                Sampler::Tail {
                    inner: Box::new(inner),
                    from: 0.5 * (lo + hi),
                    shift: elapsed,
                }
            }
        }
    }

    /// Fills `out` from the uniforms `u` drawn from `stream` (the task's own), drawing further
    /// numbers from it for an item-sized task.
    #[inline]
    pub(crate) fn sample_stream(&self, stream: &mut Stream, u: &[f64], out: &mut [f64]) {
        match self {
            Sampler::Items(items) => items.sample_into(stream, u, out),
            _ => self.sample_into(u, out),
        }
    }

    /// Whether it is an item-sized task's (whose duration is no function of one uniform).
    pub(crate) fn is_items(&self) -> bool {
        matches!(self, Sampler::Items(_))
    }

    /// The shared quantile table it reads, as a sort key (0 for none): the address of its
    /// Beta-PERT pair, which lives in one static array in shape order, so the order is the
    /// same on every run.
    pub(crate) fn table(&self) -> usize {
        match self {
            Sampler::Pert { pair, .. } => *pair as *const PertPair as usize,
            _ => 0,
        }
    }

    /// Whether every sample is the same value.
    pub(crate) fn is_fixed(&self) -> bool {
        matches!(self, Sampler::Fixed(_))
    }

    /// The quantile at `u` in (0, 1) (what [`Sampler::sample_into`] computes for each `u`).
    #[cfg(test)]
    pub(crate) fn sample(&self, u: f64) -> f64 {
        let mut out = [0.0];
        self.sample_into(&[u], &mut out);
        out[0]
    }

    /// Fills `out[i]` with the quantile at `u[i]`: the one definition of every distribution's
    /// quantile, a loop per distribution with the match outside it.
    #[inline]
    pub(crate) fn sample_into(&self, u: &[f64], out: &mut [f64]) {
        match *self {
            Sampler::Fixed(v) => out.iter_mut().for_each(|o| *o = v),
            Sampler::Uniform { low, width } => {
                for (o, &x) in out.iter_mut().zip(u) {
                    *o = low + width * x;
                }
            }
            Sampler::Triangular { low, width, c } => {
                // Both square roots, then a select: no unpredictable branch, and the loop
                // vectorises.
                for (o, &x) in out.iter_mut().zip(u) {
                    let below = low + width * (x * c).sqrt();
                    let above = low + width * (1.0 - ((1.0 - x) * (1.0 - c)).sqrt());
                    *o = if x < c { below } else { above };
                }
            }
            Sampler::Lognormal { mu, sigma, ref q } => {
                for (o, &x) in out.iter_mut().zip(u) {
                    let (j, f) = split_cell(x * PERT_CELLS as f64);
                    let j = j & (PERT_CELLS - 1);
                    let inside = PERT_CELLS - 2 * LOGNORMAL_EXACT_CELLS;
                    let v = if j.wrapping_sub(LOGNORMAL_EXACT_CELLS) < inside {
                        q[j] + f * (q[j + 1] - q[j])
                    } else {
                        lognormal(mu, sigma, x)
                    };
                    // The tail has no end: cut it at the longest span a plan may hold (an
                    // overflowing table, inf - inf, is NaN, and cut there too).
                    *o = v.min(MAX_SPAN);
                }
            }
            Sampler::Pert {
                low,
                width,
                pair,
                w,
            } => {
                for (o, &x) in out.iter_mut().zip(u) {
                    *o = low + width * pair.quantile(x, w);
                }
            }
            Sampler::Tail {
                ref inner,
                from,
                shift,
            } => {
                let tail: Vec<f64> = u.iter().map(|&x| from + x * (1.0 - from)).collect();
                inner.sample_into(&tail, out);
                for o in out.iter_mut() {
                    *o = (*o - shift).max(0.0);
                }
            }
            // Its draws go on in the task's stream: `sample_stream`.
            Sampler::Items(_) => unreachable!("an item-sized task is sampled from its stream"),
        }
    }
}

/// Lognormal cells at either end computed exactly rather than interpolated: there the
/// quantile curves too fast for a straight line (the unit tests bound the rest).
pub(crate) const LOGNORMAL_EXACT_CELLS: usize = 16;

/// The lognormal quantile `exp(mu + sigma z(u))`.
#[inline]
fn lognormal(mu: f64, sigma: f64, u: f64) -> f64 {
    libm::exp(mu + sigma * normal_quantile(u))
}

/// The standard normal quantile at each knot `k / PERT_CELLS`, `k` in `1..PERT_CELLS`
/// (entries 0 and `PERT_CELLS` are unused), computed once: every lognormal table is
/// `exp(mu + sigma z)` of these.
fn normal_knots() -> &'static [f64; PERT_CELLS + 1] {
    static KNOTS: OnceLock<Box<[f64; PERT_CELLS + 1]>> = OnceLock::new();
    KNOTS.get_or_init(|| {
        let mut z = Box::new([0.0f64; PERT_CELLS + 1]);
        for (k, v) in z.iter_mut().enumerate().take(PERT_CELLS).skip(1) {
            *v = normal_quantile(k as f64 / PERT_CELLS as f64);
        }
        z
    })
}

/// The tabulated quantile of one standard Beta(alpha, beta) on [0, 1].
#[derive(Debug)]
pub(crate) struct PertRow {
    /// `q[k]` = the quantile at `k / PERT_CELLS`.
    q: Box<[f32; PERT_CELLS + 1]>,
    inv_alpha: f64,
    inv_beta: f64,
}

/// `(floor(x), x - floor(x))` for `0 <= x < 2^31`, without a float-to-integer conversion:
/// adding 1.5 * 2^52 rounds `x - 0.5` to an integer held in the low mantissa bits. When `x` is
/// an integer `k` the result may be `(k - 1, 1.0)` instead of `(k, 0.0)` (round half to even),
/// which interpolates to the same knot. Plain IEEE arithmetic: the same on every platform.
#[inline]
pub(crate) fn split_cell(x: f64) -> (usize, f64) {
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    let j = (x - 0.5 + MAGIC).to_bits() as u32 as usize;
    (j, x - j as f64)
}

#[inline]
fn tail_pow(x: f64, p: f64) -> f64 {
    if p == 1.0 {
        x
    } else {
        libm::pow(x, p)
    }
}

/// Two neighbouring shape rows interleaved, so that one sample reads both from one place.
#[derive(Debug)]
pub(crate) struct PertPair {
    /// `q[k] = [row i, row i + 1]` at `k / PERT_CELLS`.
    q: Box<[[f32; 2]; PERT_CELLS + 1]>,
    inv_alpha: [f64; 2],
    inv_beta: [f64; 2],
}

impl PertPair {
    /// `(1 - w) Q_i(u) + w Q_{i+1}(u)`, each row's quantile interpolated linearly in its cell
    /// (by the power law in the first and last cell; see the module documentation).
    #[inline(always)]
    pub(crate) fn quantile(&self, u: f64, w: f64) -> f64 {
        let (j, f) = split_cell(u * PERT_CELLS as f64);
        let j = j & (PERT_CELLS - 1);
        let [a0, a1] = self.q[j];
        let [b0, b1] = self.q[j + 1];
        let (a0, a1, b0, b1) = (f64::from(a0), f64::from(a1), f64::from(b0), f64::from(b1));
        let (qa, qb) = if j.wrapping_sub(1) >= PERT_CELLS - 2 {
            if j == 0 {
                (
                    a0 + (b0 - a0) * tail_pow(f, self.inv_alpha[0]),
                    a1 + (b1 - a1) * tail_pow(f, self.inv_alpha[1]),
                )
            } else {
                (
                    b0 - (b0 - a0) * tail_pow(1.0 - f, self.inv_beta[0]),
                    b1 - (b1 - a1) * tail_pow(1.0 - f, self.inv_beta[1]),
                )
            }
        } else {
            (a0 + f * (b0 - a0), a1 + f * (b1 - a1))
        };
        if w > 0.0 {
            qa + w * (qb - qa)
        } else {
            qa
        }
    }
}

static PERT_PAIRS: [OnceLock<PertPair>; PERT_SHAPES - 1] =
    [const { OnceLock::new() }; PERT_SHAPES - 1];

/// The interleaved rows `i` and `i + 1`, built on first use.
pub(crate) fn pert_pair(i: usize) -> &'static PertPair {
    PERT_PAIRS[i].get_or_init(|| {
        let (lo, hi) = (pert_row(i), pert_row(i + 1));
        let mut q = Box::new([[0.0f32; 2]; PERT_CELLS + 1]);
        for (k, v) in q.iter_mut().enumerate() {
            *v = [lo.q[k], hi.q[k]];
        }
        PertPair {
            q,
            inv_alpha: [lo.inv_alpha, hi.inv_alpha],
            inv_beta: [lo.inv_beta, hi.inv_beta],
        }
    })
}

static PERT_ROWS: [OnceLock<PertRow>; PERT_SHAPES] = [const { OnceLock::new() }; PERT_SHAPES];

/// The Beta-PERT row for shape `r = i / (PERT_SHAPES - 1)`, built on first use (thread-safe;
/// the same bits on every platform).
pub(crate) fn pert_row(i: usize) -> &'static PertRow {
    PERT_ROWS[i].get_or_init(|| {
        let (alpha, beta) = super::beta::pert_shape(i);
        let mut q = Box::new([0.0f32; PERT_CELLS + 1]);
        pert_quantiles(i, &mut q[..]);
        PertRow {
            q,
            inv_alpha: 1.0 / alpha,
            inv_beta: 1.0 / beta,
        }
    })
}

/// Row `i` of the Beta-PERT quantiles ([`super::beta::pert_quantiles`]) into `q`: natively
/// from the table the build script computed with the same code (`build.rs`; the tests check
/// every bit), so that no run pays for it; in WebAssembly, where the table would grow the
/// download by half a megabyte, computed here.
#[cfg(not(target_arch = "wasm32"))]
fn pert_quantiles(i: usize, q: &mut [f32]) {
    static TABLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/pert_quantiles.bin"));
    let row = &TABLE[i * (PERT_CELLS + 1) * 4..(i + 1) * (PERT_CELLS + 1) * 4];
    for (o, b) in q.iter_mut().zip(row.chunks_exact(4)) {
        *o = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
}

#[cfg(target_arch = "wasm32")]
fn pert_quantiles(i: usize, q: &mut [f32]) {
    super::beta::pert_quantiles(i, q);
}

/// Unnormalised Beta density `x^(a-1) (1-x)^(b-1)` for `a, b >= 1`.
#[cfg(test)]
fn beta_kernel(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return if a == 1.0 { 1.0 } else { 0.0 };
    }
    if x >= 1.0 {
        return if b == 1.0 { 1.0 } else { 0.0 };
    }
    libm::exp((a - 1.0) * libm::log(x) + (b - 1.0) * libm::log1p(-x))
}

// Wichura's published AS 241 coefficients, at their full printed precision.
#[allow(clippy::excessive_precision)]
const AS241_A: [f64; 8] = [
    3.3871328727963666080,
    133.14166789178437745,
    1971.5909503065514427,
    13731.693765509461125,
    45921.953931549871457,
    67265.770927008700853,
    33430.575583588128105,
    2509.0809287301226727,
];
#[allow(clippy::excessive_precision)]
const AS241_B: [f64; 7] = [
    42.313330701600911252,
    687.18700749205790830,
    5394.1960214247511077,
    21213.794301586595867,
    39307.895800092710610,
    28729.085735721942674,
    5226.4952788528545610,
];
#[allow(clippy::excessive_precision)]
const AS241_C: [f64; 8] = [
    1.42343711074968357734,
    4.63033784615654529590,
    5.76949722146069140550,
    3.64784832476320460504,
    1.27045825245236838258,
    0.241780725177450611770,
    0.0227238449892691845833,
    0.000774545014278341407640,
];
#[allow(clippy::excessive_precision)]
const AS241_D: [f64; 7] = [
    2.05319162663775882187,
    1.67638483018380384940,
    0.689767334985100004550,
    0.148103976427480074590,
    0.0151986665636164571966,
    0.000547593808499534494600,
    1.05075007164441684324e-9,
];
#[allow(clippy::excessive_precision)]
const AS241_E: [f64; 8] = [
    6.65790464350110377720,
    5.46378491116411436990,
    1.78482653991729133580,
    0.296560571828504891230,
    0.0265321895265761230930,
    0.00124266094738807843860,
    0.0000271155556874348757815,
    2.01033439929228813265e-7,
];
#[allow(clippy::excessive_precision)]
const AS241_F: [f64; 7] = [
    0.599832206555887937690,
    0.136929880922735805310,
    0.0148753612908506148525,
    0.000786869131145613259100,
    1.84631831751005468180e-5,
    1.42151175831644588870e-7,
    2.04426310338993978564e-15,
];

/// `num(r) / (1 + r den(r))` by Horner's scheme (coefficients lowest degree first).
#[inline]
fn rational(r: f64, num: &[f64; 8], den: &[f64; 7]) -> f64 {
    let n = num.iter().rev().fold(0.0, |acc, &c| acc * r + c);
    let d = den.iter().rev().fold(0.0, |acc, &c| acc * r + c);
    n / (d * r + 1.0)
}

/// The standard normal quantile (Wichura 1988, algorithm AS 241, PPND16: relative error
/// about 1e-16).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        return q * rational(0.180625 - q * q, &AS241_A, &AS241_B);
    }
    let r0 = if q < 0.0 { p } else { 1.0 - p };
    let r = libm::sqrt(-libm::log(r0));
    let val = if r <= 5.0 {
        rational(r - 1.6, &AS241_C, &AS241_D)
    } else {
        rational(r - 5.0, &AS241_E, &AS241_F)
    };
    if q < 0.0 {
        -val
    } else {
        val
    }
}

/// The standard normal CDF, `erfc(-z / sqrt 2) / 2`.
#[inline]
pub(crate) fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z * std::f64::consts::FRAC_1_SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::super::beta::beta_quantile_table;
    use super::*;

    #[test]
    fn the_built_pert_table_is_the_computed_one() {
        // `build.rs` tabulates the rows natively with the same code: every bit must agree.
        let mut built = [0.0f32; PERT_CELLS + 1];
        let mut computed = [0.0f32; PERT_CELLS + 1];
        for i in 0..PERT_SHAPES {
            pert_quantiles(i, &mut built);
            super::super::beta::pert_quantiles(i, &mut computed);
            let same = built
                .iter()
                .zip(&computed)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same, "row {i} differs");
        }
    }

    /// An independent Beta CDF: composite Simpson over [0, x] (200k intervals) divided by the
    /// Beta function from `tgamma`.
    fn beta_cdf_ref(x: f64, a: f64, b: f64) -> f64 {
        let n = 200_000;
        let h = x / n as f64;
        let mut s = beta_kernel(0.0, a, b) + beta_kernel(x, a, b);
        for i in 1..n {
            let w = if i % 2 == 1 { 4.0 } else { 2.0 };
            s += w * beta_kernel(i as f64 * h, a, b);
        }
        let beta_fn = libm::tgamma(a) * libm::tgamma(b) / libm::tgamma(a + b);
        s * h / 3.0 / beta_fn
    }

    #[test]
    fn beta_table_inverts_the_cdf() {
        for &(a, b) in &[(1.0, 5.0), (3.0, 3.0), (1.6, 4.4), (4.9, 1.1), (5.0, 1.0)] {
            let t = beta_quantile_table(a, b, 64);
            for k in [1usize, 6, 16, 32, 51, 58, 63] {
                let u = k as f64 / 64.0;
                let got = beta_cdf_ref(t[k], a, b);
                assert!((got - u).abs() < 1e-7, "a={a} b={b} u={u}: F(Q(u))={got}");
            }
        }
    }

    #[test]
    fn pert_sampler_matches_reference_quantiles_off_grid() {
        // r = 0.3137 and 0.777 lie between grid rows: this checks table, cell and shape
        // interpolation together.
        for &r in &[0.0, 0.25, 0.3137, 0.5, 0.777, 1.0] {
            let (a, b) = (1.0 + 4.0 * r, 5.0 - 4.0 * r);
            let s = Sampler::new(&Estimate::Pert {
                low: 0.0,
                likely: r,
                high: 1.0,
            });
            for &u in &[0.0003, 0.01, 0.1, 0.5, 0.8, 0.95, 0.999, 0.9999] {
                let x = s.sample(u);
                let f = beta_cdf_ref(x, a, b);
                // The reported percentiles (P10..P95) sit where cells are nearly straight; in
                // the extreme cells the quantile's slope explodes and linear interpolation is
                // cruder (mass 1/1024 per cell, so it barely moves a mean). Both bounds are over
                // 30 times below the standard error of an empirical CDF at 100k iterations
                // (sqrt(u (1 - u) / 1e5) >= 3e-4 for u in [0.01, 0.99]).
                let tol = if (0.01..=0.99).contains(&u) {
                    1e-5
                } else {
                    5e-5
                };
                assert!((f - u).abs() < tol, "r={r} u={u}: F(sample) = {f}");
            }
        }
    }

    #[test]
    fn normal_quantile_and_cdf_agree() {
        for &p in &[1e-10, 1e-5, 0.01, 0.2, 0.5, 0.7, 0.99, 1.0 - 1e-9] {
            let z = normal_quantile(p);
            let back = normal_cdf(z);
            assert!(
                ((back - p) / p.min(1.0 - p)).abs() < 1e-12,
                "p={p} z={z} back={back}"
            );
        }
        assert!((normal_quantile(0.9) - Z90).abs() < 1e-15);
        assert_eq!(normal_quantile(0.5), 0.0);
    }

    #[test]
    fn tabulated_lognormal_inverts_its_cdf() {
        for &(median, p90) in &[(5.0, 9.0), (2.0, 2.2), (10.0, 60.0)] {
            let s = Sampler::new(&Estimate::Lognormal { median, p90 });
            let (mu, sigma) = (f64::ln(median), f64::ln(p90 / median) / Z90);
            let mut u = 1e-6;
            while u < 1.0 {
                let x = s.sample(u);
                let f = normal_cdf((x.ln() - mu) / sigma);
                // Same bounds as the Beta-PERT tables; the end cells are exact.
                let tol: f64 = if (0.01..=0.99).contains(&u) {
                    1e-5
                } else {
                    5e-5
                };
                assert!(
                    (f - u).abs() < tol.min(u),
                    "median {median} p90 {p90} u={u}: {f}"
                );
                u = if u < 0.02 { u * 1.7 } else { u + 0.0137 };
            }
        }
    }

    #[test]
    fn triangular_and_lognormal_closed_forms() {
        let t = Sampler::new(&Estimate::Triangular {
            low: 2.0,
            likely: 4.0,
            high: 10.0,
        });
        // F(x) = (x-2)^2 / (8*2) below the mode, u at the mode = 2/8.
        assert!((t.sample(0.25) - 4.0).abs() < 1e-12);
        assert!((t.sample(0.0625) - 3.0).abs() < 1e-12);
        // Above the mode: 1 - (10-x)^2 / (8*6); x = 7 -> 1 - 9/48.
        assert!((t.sample(1.0 - 9.0 / 48.0) - 7.0).abs() < 1e-12);
        let l = Sampler::new(&Estimate::Lognormal {
            median: 5.0,
            p90: 9.0,
        });
        // u = 0.5 is a table knot; 0.9 is interpolated: a CDF error below 1e-5 is a value
        // error below 1e-5 / f(9) = 1e-5 / 0.0425.
        assert!((l.sample(0.5) - 5.0).abs() < 1e-12);
        assert!((l.sample(0.9) - 9.0).abs() < 2.4e-4);
    }

    #[test]
    fn triangular_select_is_the_branched_quantile_to_the_bit() {
        // The batch loop computes both square roots and selects; it must equal the textbook
        // quantile with its branch, at both ends, at the mode and across the range.
        for (low, likely, high) in [(2.0, 3.0, 9.0), (2.0, 2.0, 5.0), (2.0, 5.0, 5.0)] {
            let s = Sampler::new(&Estimate::Triangular { low, likely, high });
            let (width, c) = (high - low, (likely - low) / (high - low));
            let mut u: Vec<f64> = (1..200).map(|k| k as f64 / 200.0).collect();
            u.extend([0.5 / 4_294_967_296.0, 1e-9, c, 1.0 - 1e-9]);
            let mut out = vec![0.0; u.len()];
            s.sample_into(&u, &mut out);
            for (&x, &y) in u.iter().zip(&out) {
                let textbook = if x < c {
                    low + width * (x * c).sqrt()
                } else {
                    low + width * (1.0 - ((1.0 - x) * (1.0 - c)).sqrt())
                };
                assert_eq!(
                    y.to_bits(),
                    textbook.to_bits(),
                    "({low}, {likely}, {high}) at {x}"
                );
            }
        }
    }

    #[test]
    fn lognormal_samples_are_cut_at_the_longest_span() {
        // A tail that overflows: every sample a number in [0, MAX_SPAN], the top ones cut.
        let wild = Sampler::new(&Estimate::Lognormal {
            median: 1e-300,
            p90: 1e300,
        });
        for u in [1e-12, 0.001, 0.3, 0.5, 0.7, 0.999, 1.0 - 1e-12] {
            let x = wild.sample(u);
            assert!((0.0..=MAX_SPAN).contains(&x), "u={u}: {x}");
        }
        assert_eq!(wild.sample(0.999), MAX_SPAN);
        // An ordinary heavy tail keeps its exact quantile up to the cut, and is cut past it:
        // median 10, p90 40 reaches 2,000 at z = ln(200) / ln(4) * z_0.9 = 4.90.
        let l = Sampler::new(&Estimate::Lognormal {
            median: 10.0,
            p90: 40.0,
        });
        let (mu, sigma) = (f64::ln(10.0), f64::ln(4.0) / Z90);
        let u = normal_cdf(4.5);
        assert_eq!(l.sample(u), lognormal(mu, sigma, u));
        assert!(l.sample(u) < MAX_SPAN);
        assert_eq!(l.sample(normal_cdf(5.3)), MAX_SPAN);
    }

    #[test]
    fn lognormal_tables_hold_the_exact_quantile_at_every_knot() {
        // The tables are built from shared normal knots; each entry must still be the
        // quantile computed directly, to the bit.
        for (median, p90) in [(5.0, 9.0), (0.3, 0.31), (40.0, 400.0)] {
            let Sampler::Lognormal { mu, sigma, q } =
                Sampler::new(&Estimate::Lognormal { median, p90 })
            else {
                panic!("a lognormal sampler");
            };
            for k in 1..PERT_CELLS {
                let exact = lognormal(mu, sigma, k as f64 / PERT_CELLS as f64);
                assert_eq!(q[k].to_bits(), exact.to_bits(), "median {median} knot {k}");
            }
            assert_eq!(q[PERT_CELLS], f64::INFINITY);
        }
    }
}
