//! Progress on the time axis (SPEC section 6): the status time, each task's state, the bound on
//! its start, its fixed history and the work it has left, written once for every kernel.
//!
//! - The status time `s` is the offset of the start of the status date (of the next working day
//!   when it is not one); undated plans give it as a number. Without a status date nothing
//!   changes: every task is [`Work::Estimate`] with release time 0 (or its `not_before`).
//! - A done task is [`Work::History`]: it runs over `[started, end of its done day)` on the
//!   plan's axis, holds no capacity and keeps no incoming link ([`super::Network`] drops them).
//! - A started task's remaining work runs from `max(s, its links)`: [`Work::Remaining`],
//!   [`Work::Scaled`] or [`Work::Conditional`].
//! - A task not started starts at or after `s` and its `not_before`.
//!
//! Architecture invariant: like the rest of [`crate::network`], this module imports only
//! [`crate::model`] and [`crate::calendar`]; the samplers of [`mod@crate::simulate`] turn a [`Work`]
//! into draws, and its single point ([`Work::point`]) is what `schedule` uses.

use chrono::{Days, NaiveDate};

use crate::calendar::Timeline;
use crate::model::{
    Estimate, Items, Per, Plan, Release, RiskStatus, Task, TaskKind, TaskState, When,
};

/// What a task's duration on the kernels' time axis is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Work {
    /// Not started: its estimate (plus the single-point impact of its occurred risks in
    /// `schedule`).
    Estimate(Estimate),
    /// Done: fixed history of this length on the plan's axis (not sampled, no risk).
    History(f64),
    /// Started, with `remaining` given: this estimate of the work left.
    Remaining(Estimate),
    /// Started, with `progress` given: `factor x` the estimate (`factor = 1 - progress`).
    Scaled(Estimate, f64),
    /// Started, with neither: the estimate `D` given `D > elapsed`, less `elapsed`.
    Conditional(Estimate, f64),
    /// Item-sized (SPEC section 9): its items at its team's throughput.
    Items(ItemWork),
}

/// An item-sized task's work: what the simulation draws its duration from, and its single
/// point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemWork {
    /// Its item count and split.
    pub items: Items,
    /// Its team (whose `throughput` it draws from).
    pub team: usize,
    /// `demand / capacity`: its share of each day's throughput.
    pub share: f64,
    /// The share of the items left (`1 - progress`; 1 when not started).
    pub factor: f64,
    /// The single-point duration `schedule` uses ([`crate::model::Plan::items_point`] times
    /// `factor`).
    pub point: f64,
    /// The shortest duration it can take: its fewest items at the best day's share.
    pub min: f64,
}

impl ItemWork {
    /// The work of task `j` of `plan` (item-sized, valid), `factor` of its items left.
    pub fn new(plan: &Plan, j: usize, factor: f64) -> Option<ItemWork> {
        let t = &plan.tasks[j];
        let items = t.items?;
        let team = t.team?;
        let tm = &plan.teams[team];
        let tp = tm.throughput.as_ref()?;
        let share = f64::from(t.demand) / f64::from(tm.capacity.max(1));
        let best = tp.samples.iter().copied().fold(0.0, f64::max);
        let best_day = match tp.per {
            Per::Day => best,
            Per::Week => best / f64::from(plan.calendars[tm.calendar].workdays_per_week().max(1)),
        };
        let fewest = (f64::from(items.low) * items.split.map_or(1.0, |s| s.0)).ceil();
        Some(ItemWork {
            items,
            team,
            share,
            factor,
            point: plan.items_point(j)? * factor,
            min: fewest * factor / (best_day * share),
        })
    }
}

impl Work {
    /// The single-point duration `schedule` uses: the estimate's point, the history's length,
    /// `remaining`'s point, `factor x` the estimate's point, or the median of the conditional
    /// remaining `D - E` given `D > E`. Never below 0.
    pub fn point(&self) -> f64 {
        let v = match *self {
            Work::Estimate(e) | Work::Remaining(e) => e.point(),
            Work::History(d) => d,
            Work::Scaled(e, f) => f * e.point(),
            Work::Conditional(e, elapsed) => conditional_quantile(&e, elapsed, 0.5),
            Work::Items(w) => w.point,
        };
        v.max(0.0)
    }

    /// The smallest duration it can take (for the kernels' "always takes time" shortcuts).
    pub fn min(&self) -> f64 {
        match *self {
            Work::Estimate(e) | Work::Remaining(e) => e.min(),
            Work::History(d) => d,
            Work::Scaled(e, f) => f * e.min(),
            Work::Conditional(..) => 0.0,
            Work::Items(w) => w.min,
        }
    }

    /// Whether risks may apply to it (not to done work).
    pub fn takes_risks(&self) -> bool {
        !matches!(self, Work::History(_))
    }
}

/// An estimate scaled by `f > 0` (every parameter times `f`): `f x D` for each draw `D`.
pub fn scaled(e: &Estimate, f: f64) -> Estimate {
    match *e {
        Estimate::Fixed { value } => Estimate::Fixed { value: value * f },
        Estimate::Pert { low, likely, high } => Estimate::Pert {
            low: low * f,
            likely: likely * f,
            high: high * f,
        },
        Estimate::Triangular { low, likely, high } => Estimate::Triangular {
            low: low * f,
            likely: likely * f,
            high: high * f,
        },
        Estimate::Uniform { low, high } => Estimate::Uniform {
            low: low * f,
            high: high * f,
        },
        Estimate::Lognormal { median, p90 } => Estimate::Lognormal {
            median: median * f,
            p90: p90 * f,
        },
    }
}

/// The estimate's upper limit (high, or the fixed value); `None` for a lognormal (no limit).
pub fn upper_limit(e: &Estimate) -> Option<f64> {
    match *e {
        Estimate::Fixed { value } => Some(value),
        Estimate::Pert { high, .. }
        | Estimate::Triangular { high, .. }
        | Estimate::Uniform { high, .. } => Some(high),
        Estimate::Lognormal { .. } => None,
    }
}

/// The `u`-quantile of the remaining work `D - elapsed` given `D > elapsed`, with `D` drawn
/// from `e`: `F^-1(F(E) + u (1 - F(E))) - E`, at least 0.
pub fn conditional_quantile(e: &Estimate, elapsed: f64, u: f64) -> f64 {
    let fe = cdf(e, elapsed);
    (quantile(e, fe + u * (1.0 - fe)) - elapsed).max(0.0)
}

/// The distribution function of an estimate at `x`.
pub fn cdf(e: &Estimate, x: f64) -> f64 {
    match *e {
        Estimate::Fixed { value } => f64::from(u8::from(x >= value)),
        Estimate::Uniform { low, high } => {
            if high > low {
                ((x - low) / (high - low)).clamp(0.0, 1.0)
            } else {
                f64::from(u8::from(x >= low))
            }
        }
        Estimate::Triangular { low, likely, high } => {
            if x <= low {
                0.0
            } else if x >= high {
                1.0
            } else if x <= likely {
                (x - low).powi(2) / ((high - low) * (likely - low))
            } else {
                1.0 - (high - x).powi(2) / ((high - low) * (high - likely))
            }
        }
        Estimate::Lognormal { median, p90 } => {
            if x <= 0.0 || median <= 0.0 {
                return f64::from(u8::from(x >= median));
            }
            let sigma = (p90 / median).ln() / crate::model::Z90;
            let z = (x / median).ln() / sigma;
            0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
        }
        Estimate::Pert { low, likely, high } => {
            if x <= low {
                return 0.0;
            }
            if x >= high {
                return 1.0;
            }
            let (a, b) = pert_shape(low, likely, high);
            beta_cdf((x - low) / (high - low), a, b)
        }
    }
}

/// The quantile of an estimate at `u` in [0, 1] (by bisection on [`cdf`] where there is no
/// closed form).
pub fn quantile(e: &Estimate, u: f64) -> f64 {
    let u = u.clamp(0.0, 1.0);
    match *e {
        Estimate::Fixed { value } => value,
        Estimate::Uniform { low, high } => low + u * (high - low),
        Estimate::Triangular { low, likely, high } => {
            let c = if high > low {
                (likely - low) / (high - low)
            } else {
                0.0
            };
            if u < c {
                low + (high - low) * (u * c).sqrt()
            } else {
                high - (high - low) * ((1.0 - u) * (1.0 - c)).sqrt()
            }
        }
        Estimate::Lognormal { median, p90 } => {
            let mut hi = p90.max(median).max(1.0);
            while cdf(e, hi) < u && hi < crate::calendar::limits::MAX_SPAN {
                hi *= 2.0;
            }
            bisect(|x| cdf(e, x), u, 0.0, hi)
        }
        Estimate::Pert { low, high, .. } => bisect(|x| cdf(e, x), u, low, high),
    }
}

/// The `x` in `[lo, hi]` where the increasing `f` reaches `u`.
fn bisect(f: impl Fn(f64) -> f64, u: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Beta-PERT's shape parameters (lambda 4).
fn pert_shape(low: f64, likely: f64, high: f64) -> (f64, f64) {
    let r = (likely - low) / (high - low);
    (1.0 + 4.0 * r, 1.0 + 4.0 * (1.0 - r))
}

/// The regularised incomplete Beta function for shapes `a, b >= 1` (Simpson's rule on the
/// bounded density).
fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    const STEPS: usize = 2000;
    let ln_beta = libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b);
    let dens = |t: f64| {
        if t <= 0.0 || t >= 1.0 {
            // Shapes >= 1: the density is 0 at an end unless its shape is 1.
            let at0 = if a == 1.0 { 1.0 } else { 0.0 };
            let at1 = if b == 1.0 { 1.0 } else { 0.0 };
            return if t <= 0.0 { at0 } else { at1 } * (-ln_beta).exp();
        }
        ((a - 1.0) * t.ln() + (b - 1.0) * (1.0 - t).ln() - ln_beta).exp()
    };
    let h = x / STEPS as f64;
    let mut sum = dens(0.0) + dens(x);
    for k in 1..STEPS {
        let w = if k % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * dens(k as f64 * h);
    }
    (sum * h / 3.0).clamp(0.0, 1.0)
}

/// The plan's progress compiled onto its time axis (see the [module documentation](self)).
#[derive(Debug, Clone)]
pub struct Progress {
    status: Option<f64>,
    state: Vec<TaskState>,
    work: Vec<Work>,
    release: Vec<f64>,
    actual_start: Vec<Option<f64>>,
    due: Vec<Option<f64>>,
    risk_probability: Vec<f64>,
}

impl Progress {
    /// Compiles `plan`'s progress on `timeline` ([`Timeline::new`] of it).
    pub fn new(plan: &Plan, timeline: &Timeline) -> Progress {
        let status = plan.status.map(|w| timeline.offset_of(w));
        let s = status.unwrap_or(0.0);
        let n = plan.tasks.len();
        let mut out = Progress {
            status,
            state: Vec::with_capacity(n),
            work: Vec::with_capacity(n),
            release: Vec::with_capacity(n),
            actual_start: Vec::with_capacity(n),
            due: plan
                .tasks
                .iter()
                .map(|t| t.dates.due.map(|d| end_of(timeline, d)))
                .collect(),
            risk_probability: plan
                .risks
                .iter()
                .map(|r| match r.status {
                    RiskStatus::Open => r.probability,
                    RiskStatus::Closed => 0.0,
                    RiskStatus::Occurred => 1.0,
                })
                .collect(),
        };
        for (j, t) in plan.tasks.iter().enumerate() {
            let state = t.actual.state();
            let items = |factor: f64| match t.kind {
                TaskKind::Milestone => None,
                _ => ItemWork::new(plan, j, factor),
            };
            let started = t.actual.started.map(|w| timeline.offset_of(w));
            let estimate = match t.kind {
                TaskKind::Milestone => Estimate::Fixed { value: 0.0 },
                _ => t.estimate,
            };
            let (work, release, actual) = match state {
                TaskState::Done => {
                    let finish = t.actual.done.map_or(s, |d| end_of(timeline, d));
                    let start = match (t.kind, started) {
                        (TaskKind::Milestone, _) => finish,
                        (_, Some(a)) => a.min(finish),
                        (_, None) => {
                            let point = items(1.0).map_or(estimate.point(), |w| w.point);
                            (finish - point.max(0.0)).max(0.0)
                        }
                    };
                    (Work::History(finish - start), start, Some(start))
                }
                TaskState::InProgress => {
                    let a = started.unwrap_or(s);
                    // An item-sized task's `progress` scales its items; without it (or
                    // `remaining`), its items are all left.
                    let work = match (
                        items(1.0 - t.actual.progress.unwrap_or(0.0)),
                        t.actual.remaining,
                    ) {
                        (Some(w), None) => Work::Items(w),
                        _ => in_progress(t, estimate, (s - a).max(0.0)),
                    };
                    (work, s, Some(a))
                }
                TaskState::NotStarted => {
                    let nb = t.dates.not_before.map_or(0.0, |w| timeline.offset_of(w));
                    let work = items(1.0).map_or(Work::Estimate(estimate), Work::Items);
                    (work, s.max(nb), None)
                }
            };
            out.state.push(state);
            out.work.push(work);
            out.release.push(release);
            out.actual_start.push(actual);
        }
        out
    }

    /// The status time `s`, when the plan has a status date.
    pub fn status(&self) -> Option<f64> {
        self.status
    }

    /// Task `j`'s state at the status date.
    pub fn state(&self, j: usize) -> TaskState {
        self.state[j]
    }

    /// What task `j`'s duration is made of.
    pub fn work(&self, j: usize) -> &Work {
        &self.work[j]
    }

    /// The earliest moment task `j` may start on the kernels' axis: its actual start when
    /// done, `s` when started, `max(s, not_before)` otherwise (0 without either).
    pub fn release_time(&self, j: usize) -> f64 {
        self.release[j]
    }

    /// Task `j`'s actual start (done or started tasks).
    pub fn actual_start(&self, j: usize) -> Option<f64> {
        self.actual_start[j]
    }

    /// The latest finish time on the axis that meets task `j`'s `due` date (the end of that
    /// day; the number itself, undated).
    pub fn due(&self, j: usize) -> Option<f64> {
        self.due[j]
    }

    /// Risk `i`'s probability of firing: its own when open, 0 when closed, 1 when occurred.
    pub fn risk_probability(&self, i: usize) -> f64 {
        self.risk_probability[i]
    }
}

/// A started task's remaining work: `remaining`, `(1 - progress) x` the estimate, or the
/// estimate given that it was not done after `elapsed`.
fn in_progress(t: &Task, estimate: Estimate, elapsed: f64) -> Work {
    if let Some(r) = t.actual.remaining {
        Work::Remaining(r)
    } else if let Some(p) = t.actual.progress {
        Work::Scaled(estimate, 1.0 - p)
    } else {
        Work::Conditional(estimate, elapsed)
    }
}

/// A deployed release's ready time (SPEC section 6: it shipped, so it is reported as such,
/// not forecast): the end of its `deployed` day ([`end_of`]); `None` when it has not shipped.
pub fn deployed_ready(timeline: &Timeline, release: &Release) -> Option<f64> {
    release.deployed.map(|d| end_of(timeline, d))
}

/// The end of a day (the start of the next working day on the plan's axis); a period itself.
pub fn end_of(timeline: &Timeline, when: When) -> f64 {
    match when {
        When::Date(d) => timeline.day_of_date(next_day(d)) as f64,
        When::Period(p) => p,
    }
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}
