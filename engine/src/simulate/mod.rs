//! Monte Carlo simulation of delay risk.
//!
//! Each iteration samples every task's duration from its estimate, fires each risk event with
//! its probability (adding one sampled impact to each task it lists), and schedules the plan
//! with those durations: by default resource-aware (the scheduler's serial scheme with the
//! deterministic schedule's priority list, [`PriorityOrder`], so capacity, calendars and time
//! off hold in every iteration), or with [`Options::ignore_capacity`] by the critical-path method (links, lags
//! and team calendars, no capacity). The iterations' finishes, release ready times, deploy
//! windows and critical tasks are then summarised as a [`Simulation`].
//!
//! # Reproducibility
//!
//! Iterations run in batches of [`BATCH`]. In batch `b`, each task, risk and correlated task
//! draws from its own `Pcg64Mcg` stream derived from `(seed, its id, b)`; batches are merged in
//! batch order and every sum is taken in iteration order after the merge. The result is
//! therefore the same, bit for bit, for any number of threads (the `parallel` feature runs
//! batches on rayon) and in WebAssembly; all transcendental functions come from the pure-Rust
//! `libm`.
//!
//! # Stable draws
//!
//! Because an entity's draws depend only on the seed, its id and the iteration (SPEC section
//! 8), two versions of a plan, or a plan and its scenario, simulated with the same seed use
//! common random numbers: in critical-path mode, reordering the file or adding a task that no
//! release needs changes no release's numbers, and re-estimating a task changes only what
//! depends on it. The difference between two runs is the change's effect, not sampling noise.
//!
//! # Sampling
//!
//! Plain Monte Carlo by default; [`Sampling::LatinHypercube`] stratifies every random input
//! within each batch (replicated Latin hypercube: each batch is a Latin hypercube design of
//! [`BATCH`] points, so memory stays flat however many iterations run). Rank correlations use
//! a Gaussian copula; an inconsistent correlation matrix is replaced by the nearest valid one
//! (Higham's nearest correlation matrix) and reported in [`Simulation::warnings`]. Beta-PERT
//! quantiles are tabulated to an accuracy far below the Monte Carlo error.
//!
//! # Statistics
//!
//! Percentiles are order statistics ("p% of iterations at or before"). Every probability comes
//! with its Monte Carlo standard error `sqrt(p (1 - p) / n)`; under Latin hypercube sampling
//! that is an upper bound (LHS never does worse than plain sampling by more than a factor
//! n / (n - 1), Owen 1997). A task's `criticality` is the share of iterations in which its
//! total slack is zero, on the network of links plus, in resource-aware mode, that iteration's
//! resource links, exactly as `schedule` computes slack. Its `sensitivity` is the Spearman rank
//! correlation between its sampled duration (risk impacts included) and the project finish; a
//! task whose duration is a monotone function of one uniform is ranked by that uniform quantised
//! to 256 equal-probability bins (ties get midranks; quantising a uniform to K levels scales a
//! correlation by about sqrt(1 - 1/K^2), here by less than 1e-5, far below its standard error
//! of about 1/sqrt(n)), risk-affected tasks by their exact durations. A risk's effect is the P80
//! finish with it minus the P80 finish of the same run (same seed, same random numbers) with
//! that risk switched off.
//!
//! # Performance and memory
//!
//! A batch keeps its durations and times task-major (`[task][iteration]`), so the
//! critical-path forward and backward passes, the samplers and the risk re-runs are tight
//! loops over the batch's iterations; per-task samplers are precomputed (tabulated quantiles,
//! no allocation in the loop). Risk re-runs visit only the iterations in which the risk fired
//! and only the tasks whose predecessors moved (found in topological order through a bitset
//! over topological positions). In critical-path mode, a risk whose removal can only make
//! tasks finish earlier (an impact never negative, no finish-to-finish or start-to-finish
//! link after it) is re-run only in the iterations that can move a P80, found once every
//! batch has run; a second draw of those batches gives the same numbers, and the P80s stay
//! exact (see `rerun_pruned`). Nothing per iteration is kept but the makespan and release
//! ready times (8 bytes each), and for the sensitivity ranks a 1-byte key per task and
//! iteration (4 bytes for risk-affected tasks): about 100 MB for 10,000 tasks by 10,000
//! iterations. Each worker thread's scratch space holds its batch's durations (8 bytes per
//! task and iteration, and as much again per risk-affected task for its durations before
//! impacts) and the start, finish and backward-pass bounds of the iterations it is
//! timing, with the rows of the risk re-runs (up to 32 iterations): the whole batch, or on
//! plans of more than 31,043 tasks a power-of-two chunk of it (16 iterations at 100,000
//! tasks), so that those rows stay within 144 MiB a thread. An
//! iteration's arithmetic is its own, so the chunk changes no number. The batches' results
//! are freed on the thread pool, where the next run reuses the memory. Resource-aware mode
//! spends most of its time in the serial schedule generation scheme, once per iteration plus
//! once per risk that fired.
//!
//! ```
//! use shipdate_engine::simulate::{simulate, Options};
//! let plan = shipdate_engine::io::parse_str(
//!     "[plan]\nname = \"demo\"\n[[tasks]]\nid = \"a\"\nestimate = { low = 2, likely = 3, high = 7 }\n",
//!     shipdate_engine::io::Format::Toml,
//! ).unwrap();
//! let sim = simulate(&plan, &Options { iterations: 2000, ..Options::default() }).unwrap();
//! assert!(sim.makespan.p10 >= 2.0 && sim.makespan.p95 <= 7.0);
//! assert!((sim.makespan.mean - (2.0 + 4.0 * 3.0 + 7.0) / 6.0).abs() < 0.1);
//! ```

mod beta;
mod correlation;
mod dist;
mod engine;
mod parts;
pub(crate) mod rng;
pub(crate) mod stats;

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{self, Timeline};
use crate::model::{Plan, When};
use crate::network::Network;
use crate::schedule::Problem;

pub use engine::BATCH;
pub use parts::{batch_count, merge_parts, simulate_part, Part, PartError};
pub use stats::{Histogram, Percentiles, Summary};

use engine::{BatchOut, Ctx, Mode, Slot};
use stats::Sorted;

/// The default number of iterations.
pub const DEFAULT_ITERATIONS: usize = 10_000;
/// The default seed.
pub const DEFAULT_SEED: u64 = 1;

/// How the random inputs are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Sampling {
    /// Independent draws.
    #[default]
    #[serde(rename = "mc")]
    MonteCarlo,
    /// Latin hypercube, stratified within each batch of [`BATCH`] iterations.
    #[serde(rename = "lhs")]
    LatinHypercube,
}

/// The priority list each resource-aware iteration schedules with.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PriorityOrder {
    /// The deterministic schedule's own list, as [`crate::dispatch::schedule`] finds it (the
    /// leveller's best activity list with its default options): what SPEC section 3 asks for.
    #[default]
    Schedule,
    /// The release-first priority rule, [`Problem::priority_order`]: no search.
    Rule,
    /// An explicit activity list: every task once, each after its predecessors.
    List(Vec<usize>),
}

/// What to simulate and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Number of iterations (at least 1).
    pub iterations: usize,
    /// The seed: the same seed gives the same result everywhere.
    pub seed: u64,
    /// Plain Monte Carlo or Latin hypercube.
    pub sampling: Sampling,
    /// Critical-path simulation (links, lags, calendars) instead of resource-aware
    /// re-scheduling.
    pub ignore_capacity: bool,
    /// Whether to measure each risk's effect on the P80 (a partial re-run per risk).
    pub risk_effects: bool,
    /// Worker threads (with the `parallel` feature; `None`: rayon's default). The result does
    /// not depend on it.
    pub threads: Option<usize>,
    /// The priority list of resource-aware mode.
    pub order: PriorityOrder,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            iterations: DEFAULT_ITERATIONS,
            seed: DEFAULT_SEED,
            sampling: Sampling::MonteCarlo,
            ignore_capacity: false,
            risk_effects: true,
            threads: None,
            order: PriorityOrder::Schedule,
        }
    }
}

/// Why a simulation could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// Zero iterations were asked for.
    #[error("the number of iterations must be at least 1")]
    NoIterations,
    /// [`PriorityOrder::List`] does not list every task once, each after its predecessors.
    #[error("the priority list must hold every task once, each after its predecessors")]
    InvalidOrder,
    /// The worker threads could not be started.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The reason.
        message: String,
    },
}

/// Which scheduling the iterations used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SimMode {
    /// Every iteration re-scheduled under capacity with the deterministic priority list.
    ResourceAware,
    /// Critical-path method, capacity ignored.
    CriticalPath,
}

/// The result of a simulation (SPEC section 4, plus standard errors and risk effects).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    /// Iterations run.
    pub iterations: usize,
    /// The seed used.
    pub seed: u64,
    /// `mc` or `lhs`.
    pub sampling: Sampling,
    /// `resource-aware` or `critical-path`.
    pub mode: SimMode,
    /// Iterations per seeded batch.
    pub batch_size: usize,
    /// The status date ("as of", SPEC section 6), when the plan has one: every simulated date
    /// is a forecast from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_date: Option<When>,
    /// The plan's first working day (dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// The project finish (largest task finish), in working days (periods) from the start.
    pub makespan: Summary,
    /// Percentiles of the project's finish date (dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_date: Option<Percentiles<NaiveDate>>,
    /// Histogram of the project finish.
    pub histogram: Histogram,
    /// Every release, in file order.
    pub releases: Vec<ReleaseRisk>,
    /// Every task, in file order.
    pub tasks: Vec<TaskRisk>,
    /// Every risk event, in file order.
    pub risks: Vec<RiskEffect>,
    /// What the user should know about how the plan was read (e.g. repaired correlations).
    pub warnings: Vec<String>,
}

/// A release's risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseRisk {
    /// The release's id.
    pub id: String,
    /// When all its tasks have finished.
    pub ready: Summary,
    /// Percentiles of its ready date (the finish date of its last task; dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_date: Option<Percentiles<NaiveDate>>,
    /// Percentiles of its deploy date (dated plans; `null` where it is unscheduled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy_date: Option<Percentiles<Option<NaiveDate>>>,
    /// Percentiles of its deploy time (undated plans; `null` where it is unscheduled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<Percentiles<Option<f64>>>,
    /// The date (or period) it is wanted by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<When>,
    /// The probability that it deploys on or before its target (absent without a target).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time_probability: Option<f64>,
    /// Standard error of `on_time_probability`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time_se: Option<f64>,
    /// The probability that no open deploy window is left when it is ready.
    pub unscheduled_probability: f64,
    /// Standard error of `unscheduled_probability`.
    pub unscheduled_se: f64,
    /// The probability of each deploy window (those with a nonzero probability, in order).
    pub windows: Vec<WindowOdds>,
    /// When it shipped (`deployed`), as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployed_date: Option<When>,
}

/// The probability that a release deploys in one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowOdds {
    /// The window's date (dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The window's time (undated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<f64>,
    /// Share of iterations deploying in it.
    pub probability: f64,
    /// Standard error of `probability`.
    pub se: f64,
}

/// A task's share in the risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRisk {
    /// The task's id.
    pub id: String,
    /// Share of iterations in which it was critical (zero total slack).
    pub criticality: f64,
    /// Standard error of `criticality`.
    pub criticality_se: f64,
    /// Spearman rank correlation between its sampled duration and the project finish.
    pub sensitivity: f64,
    /// Where it stands at the status date (plans with a status date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<crate::model::TaskState>,
    /// Its single-point work left from the status date (plans with a status date; 0 when
    /// done).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<f64>,
    /// Its deadline (`due`), as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<When>,
    /// The share of iterations whose finish date is on or before `due_date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_probability: Option<f64>,
}

/// A risk event's share in the risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskEffect {
    /// The risk's id.
    pub id: String,
    /// Share of iterations in which it fired.
    pub fired: f64,
    /// Standard error of `fired`.
    pub fired_se: f64,
    /// P80 of the project finish with this risk switched off (same seed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p80_without: Option<f64>,
    /// How much this risk moves the P80 finish: P80 with it minus P80 without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p80_effect: Option<f64>,
    /// Its effect on each release's P80 ready time, in release order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub releases: Vec<ReleaseEffect>,
}

/// A risk's effect on one release.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseEffect {
    /// The release's id.
    pub id: String,
    /// P80 ready time with the risk minus P80 ready time without it.
    pub p80_effect: f64,
}

/// Runs the simulation.
///
/// # Errors
///
/// [`SimError::NoIterations`] for zero iterations; [`SimError::Threads`] when worker threads
/// cannot be started.
pub fn simulate(plan: &Plan, options: &Options) -> Result<Simulation, SimError> {
    simulate_with_progress(plan, options, &|_| {})
}

/// [`simulate`], calling `progress(done)` with the number of iterations finished so far after
/// each batch (from worker threads when parallel).
///
/// # Errors
///
/// As [`simulate`].
pub fn simulate_with_progress(
    plan: &Plan,
    options: &Options,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Simulation, SimError> {
    if options.iterations == 0 {
        return Err(SimError::NoIterations);
    }
    if let PriorityOrder::List(order) = &options.order {
        if !precedence_feasible(plan, order) {
            return Err(SimError::InvalidOrder);
        }
    }
    with_threads(options.threads, || run(plan, options, progress))
}

/// Whether `order` lists every task of `plan` once, each after its predecessors.
fn precedence_feasible(plan: &Plan, order: &[usize]) -> bool {
    let n = plan.tasks.len();
    let mut pos = vec![usize::MAX; n];
    for (k, &j) in order.iter().enumerate() {
        if j >= n || pos[j] != usize::MAX {
            return false;
        }
        pos[j] = k;
    }
    order.len() == n
        && plan
            .tasks
            .iter()
            .enumerate()
            .all(|(j, t)| t.after.iter().all(|l| pos[l.pred] < pos[j]))
}

/// Every task's sampled duration (risk impacts included) in each of the first
/// `options.iterations` iterations, iteration-major: `out[i][j]` is task `j` in iteration `i`.
/// These are exactly the durations [`simulate`] schedules with the same seed and sampling. It
/// holds `iterations x tasks` numbers: meant for tests and plots of small plans.
pub fn sample_durations(plan: &Plan, options: &Options) -> Vec<Vec<f64>> {
    let net = Network::new(plan);
    let mut warnings = Vec::new();
    let ctx = Ctx::new(plan, &net, Mode::CriticalPath, options, &mut warnings);
    let mut scratch = ctx.scratch();
    let mut out = Vec::with_capacity(options.iterations);
    for (b, len) in batches(options.iterations) {
        out.extend(ctx.sample_only(&mut scratch, b, len));
    }
    out
}

/// The batches `(index, length)` of a run of `n` iterations.
fn batches(n: usize) -> impl Iterator<Item = (usize, usize)> + Clone {
    (0..n.div_ceil(BATCH)).map(move |b| (b, BATCH.min(n - b * BATCH)))
}

#[cfg(feature = "parallel")]
fn with_threads<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> Result<T, SimError> {
    match threads {
        None => Ok(f()),
        Some(t) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map_err(|e| SimError::Threads {
                    threads: t,
                    message: e.to_string(),
                })?;
            Ok(pool.install(f))
        }
    }
}

#[cfg(not(feature = "parallel"))]
fn with_threads<T>(_threads: Option<usize>, f: impl FnOnce() -> T) -> Result<T, SimError> {
    Ok(f())
}

/// One scratch space per worker thread, made on its first batch and kept for the second pass
/// ([`rerun_pruned`]), so that the pass reuses the first one's memory rather than adding its
/// own (each holds the durations of a batch: 200 MB at 100,000 tasks).
struct Scratches(Vec<std::sync::Mutex<Option<engine::Scratch>>>);

impl Scratches {
    fn new() -> Scratches {
        #[cfg(feature = "parallel")]
        let n = rayon::current_num_threads();
        #[cfg(not(feature = "parallel"))]
        let n = 1;
        Scratches((0..n).map(|_| std::sync::Mutex::new(None)).collect())
    }

    /// `f` with the calling worker's scratch space.
    fn with<T>(&self, ctx: &Ctx<'_>, f: impl FnOnce(&mut engine::Scratch) -> T) -> T {
        #[cfg(feature = "parallel")]
        let slot = rayon::current_thread_index().unwrap_or(0) % self.0.len();
        #[cfg(not(feature = "parallel"))]
        let slot = 0;
        let mut guard = self.0[slot].lock().unwrap_or_else(|e| e.into_inner());
        f(guard.get_or_insert_with(|| ctx.scratch()))
    }
}

/// Runs every batch (in parallel when enabled) and returns their results in batch order.
fn run_batches(
    ctx: &Ctx<'_>,
    scratches: &Scratches,
    n: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<BatchOut> {
    let done = AtomicUsize::new(0);
    let one = |(b, len): (usize, usize), eager: Option<&engine::Eager>| {
        let out = scratches.with(ctx, |scratch| ctx.run_batch(scratch, b, len, true, eager));
        progress(done.fetch_add(len, Ordering::Relaxed) + len);
        out
    };
    // In waves: the first batches, one per worker, then each wave with what the batches
    // before it tell of which iterations to re-time early (see `waves`).
    let list: Vec<(usize, usize)> = batches(n).collect();
    #[cfg(feature = "parallel")]
    let workers = rayon::current_num_threads();
    #[cfg(not(feature = "parallel"))]
    let workers = 1;
    let mut outs: Vec<BatchOut> = Vec::with_capacity(list.len());
    let mut eager = None;
    let mut done = 0;
    for end in waves(workers, list.len()) {
        let wave = &list[done..end];
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            outs.par_extend(wave.par_iter().map(|&b| one(b, eager.as_ref())));
        }
        #[cfg(not(feature = "parallel"))]
        outs.extend(wave.iter().map(|&b| one(b, eager.as_ref())));
        done = end;
        if done < list.len() {
            eager = eager_bounds(ctx, &outs);
        }
    }
    outs
}

/// Where the waves of `run_batches` end, for `workers` threads and `len` batches: after one
/// batch per worker, then after four times as many batches as the wave before, and at the
/// last. Each wave re-times early with bounds estimated from all the batches before it, so
/// later waves re-time fewer iterations needlessly (critical-path mode widens the bounds by
/// one and a half standard deviations of the P80's rank in the batches seen: 3.8% of the
/// iterations after two batches, 0.9% after thirty-two); each wave's end waits for its
/// slowest batch.
fn waves(workers: usize, len: usize) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut end = workers.max(1);
    while end < len {
        ends.push(end);
        end *= 4;
    }
    ends.push(len);
    ends
}

/// The quantities of `rerun_pruned`, the finish then each release's readiness, each in
/// iteration order over `outs`.
fn quantities(outs: &[BatchOut]) -> Vec<Vec<f64>> {
    let nrel = outs[0].ready.len() / outs[0].len.max(1);
    std::iter::once(
        outs.iter()
            .flat_map(|o| o.makespan.iter().copied())
            .collect(),
    )
    .chain((0..nrel).map(|r| {
        outs.iter()
            .flat_map(|o| o.ready[r * o.len..(r + 1) * o.len].iter().copied())
            .collect()
    }))
    .collect()
}

/// Each iteration in `hit` (those in which a risk fired) with the lowest value a quantity `v`
/// can take there without the risk: `exact(i)` where it is known, `floor` otherwise (see
/// `rerun_pruned`); elsewhere the value is `v` itself.
fn floors(
    v: &[f64],
    hit: &[usize],
    floor: impl Fn(f64, usize) -> f64,
    exact: impl Fn(usize) -> Option<f64>,
) -> Vec<(u32, f64)> {
    (hit.iter())
        .map(|&i| (i as u32, exact(i).unwrap_or_else(|| floor(v[i], i))))
        .collect()
}

/// Where each batch of `outs` starts, in iterations.
fn firsts(outs: &[BatchOut]) -> Vec<usize> {
    let mut at = 0;
    (outs.iter())
        .map(|o| {
            at += o.len;
            at - o.len
        })
        .collect()
}

/// The lower bound `lo` of `rerun_pruned` for risk `r` and quantity `q`: `low()` (the
/// `k`-th smallest of the iterations' lowest values without the risk, [`floors`]), or
/// infinite when the risk cannot move the quantity at all (`Ctx::can_move`), so that no
/// iteration is re-run for it: its P80 without the risk is its P80, every iteration's own
/// value being its value without the risk.
fn lowest(ctx: &Ctx<'_>, r: usize, q: usize, low: impl FnOnce() -> f64) -> f64 {
    if ctx.can_move(r, q) {
        low()
    } else {
        f64::INFINITY
    }
}

/// For pruned risk `kk` (in `Ctx::pruned_risks` order) over `outs`: whether it fired in each
/// iteration, and each iteration's lowest value `floor(q, v, i)` of quantity `q` (whose
/// value is `v`) without it.
fn fired_and_floor(outs: &[BatchOut], kk: usize) -> (Vec<bool>, impl Fn(usize, f64, usize) -> f64) {
    let fired: Vec<bool> = outs
        .iter()
        .flat_map(|o| o.fired_lanes[kk * o.len..(kk + 1) * o.len].iter().copied())
        .collect();
    // Per quantity with its own column (one shared column in critical-path mode).
    let cols = outs[0].drop_cols;
    let drops: Vec<Vec<f64>> = (0..cols)
        .map(|q| {
            (outs.iter())
                .flat_map(|o| {
                    let at = (kk * cols + q) * o.len;
                    o.drops[at..at + o.len].iter().copied()
                })
                .collect()
        })
        .collect();
    // The lowest `w` can be in iteration `i`, with a margin for rounding.
    let floor =
        move |q: usize, v: f64, i: usize| v - drops[q.min(cols - 1)][i] - 1e-6 * (1.0 + v.abs());
    (fired, floor)
}

/// For pruned risk `kk` (of `pruned` in `Ctx::pruned_risks` order) over `outs`, whose batches
/// start at iterations `first`: per iteration, its `width` values without the risk where the
/// first pass re-ran it early (`BatchOut::eager_vals`), else `None`.
fn exact_values<'a>(
    outs: &'a [BatchOut],
    first: &[usize],
    kk: usize,
    pruned: usize,
    width: usize,
) -> Vec<Option<&'a [f64]>> {
    let n: usize = outs.iter().map(|o| o.len).sum();
    let mut exact = vec![None; n];
    for (o, &from) in outs.iter().zip(first) {
        for (e, &i) in o.eager_iters.iter().enumerate() {
            let at = (e * pruned + kk) * width;
            let w = &o.eager_vals[at..at + width];
            if !w[0].is_nan() {
                exact[from + i as usize] = Some(w);
            }
        }
    }
    exact
}

/// With pruned risks: [`engine::Eager`] from the first batches' results, the bounds of
/// `rerun_pruned` computed on them alone.
fn eager_bounds(ctx: &Ctx<'_>, outs: &[BatchOut]) -> Option<engine::Eager> {
    let pruned: Vec<usize> = ctx.pruned_risks().collect();
    let n: usize = outs.iter().map(|o| o.len).sum();
    if pruned.is_empty() || n == 0 {
        return None;
    }
    let k = stats::percentile_index(n, 80);
    // Critical-path mode widens the bounds by one and a half standard deviations of the
    // P80's rank: an iteration missed costs its whole batch drawn and timed again, one taken
    // needlessly a re-run. Measured (instructions of a 10,000-iteration run on one thread, the
    // 2,000- and 4,000-task `realistic_plan`) against 3, 2, 1.5, 1 and 0.5 deviations: 3.12,
    // 3.09, 3.06, 3.06 and 3.61 G at 2,000 tasks; 6.50, 6.35, 6.26, 6.31 and 8.01 G at 4,000.
    // In resource mode both cost an iteration's schedule.
    let spread = if ctx.resource_aware() {
        0
    } else {
        (1.5 * (n as f64 * 0.16).sqrt()).ceil() as usize
    };
    let (k_lo, k_hi) = (k.saturating_sub(spread), (k + spread).min(n - 1));
    let quantities = quantities(outs);
    let sorted = map_indices(quantities.len(), |q| Sorted::new(&quantities[q]));
    let hi: Vec<f64> = sorted.iter().map(|s| s.kth(k_hi)).collect();
    let lo = map_indices(pruned.len(), |kk| {
        let (fired, floor) = fired_and_floor(outs, kk);
        let hit: Vec<usize> = (0..n).filter(|&i| fired[i]).collect();
        (quantities.iter().zip(&sorted).enumerate())
            .map(|(q, (v, s))| {
                lowest(ctx, pruned[kk], q, || {
                    let lows = floors(v, &hit, |v, i| floor(q, v, i), |_| None);
                    s.kth_lowered(v, k_lo, &lows, |i| fired[i])
                })
            })
            .collect()
    });
    Some(engine::Eager { pruned, lo, hi })
}

/// The per-risk re-runs of the pruned risks ([`engine::RiskC::pruned`]), in the iterations
/// that can move a P80 only, so that every P80 without such a risk is exact.
///
/// Without the risk no task finishes later, so an iteration's finish (or a release's
/// readiness) `w` without it is at most `v`, the value with it, equal where the risk did not
/// fire, and at least `v - d` where it did, `d` being the most it can drop in that
/// iteration (its drawn impact times the number of its tasks on constant calendars;
/// infinite where no bound is known). The P80 without the risk, the
/// `k`-th smallest `w`, therefore lies between `lo`, the `k`-th smallest of those lower
/// bounds, and `hi`, the `k`-th smallest `v` (the P80 with the risk). An iteration in which
/// it fired and whose `v` is below `lo` has `w < lo`; one whose `v - d` is above `hi` has
/// `w > hi`: either counts on its side of the P80 whatever its exact value, so it keeps `v`
/// as a stand-in and is not re-run. Only the others, for some quantity, are re-run, from a
/// second draw of their batch (the same numbers).
///
/// Where the first pass re-ran a risk early ([`engine::Eager`]), its values without it are
/// at hand and exact: such an iteration's lowest and highest value is that value, which
/// raises `lo` and lowers `hi` (the `k`-th smallest of the highest values), so that fewer of
/// the others lie between them; it takes its exact value. Every bound is a selection over
/// the iterations in which the risk fired ([`Sorted::kth_lowered`]), not over all.
fn rerun_pruned(ctx: &Ctx<'_>, scratches: &Scratches, outs: &mut [BatchOut]) {
    let pruned: Vec<usize> = ctx.pruned_risks().collect();
    if pruned.is_empty() || outs.is_empty() {
        return;
    }
    let n: usize = outs.iter().map(|o| o.len).sum();
    let k = stats::percentile_index(n, 80);
    // Each quantity's values in iteration order: the finish, then each release's readiness.
    let quantities = quantities(outs);
    let first = firsts(outs);
    let sorted = map_indices(quantities.len(), |q| Sorted::new(&quantities[q]));
    // need[kk][i]: whether pruned risk kk fired in iteration i and may move some P80, or
    // was re-run early (its value is then at hand, and exact). Each risk's on its own (in
    // parallel when enabled): two selections per quantity, each over the iterations in
    // which the risk fired.
    let need: Vec<Vec<bool>> = map_indices(pruned.len(), |kk| {
        let (fired, floor) = fired_and_floor(outs, kk);
        let exact = exact_values(outs, &first, kk, pruned.len(), quantities.len());
        let hit: Vec<usize> = (0..n).filter(|&i| fired[i]).collect();
        let known = |i: usize| fired[i] && exact[i].is_some();
        let mut need = vec![false; n];
        for &i in hit.iter().filter(|&&i| known(i)) {
            need[i] = true;
        }
        for (q, (v, sorted)) in quantities.iter().zip(&sorted).enumerate() {
            if !ctx.can_move(pruned[kk], q) {
                continue;
            }
            // Each such iteration's lowest and highest value without the risk.
            let value = |i: usize| exact[i].map(|w| w[q]);
            let lows = floors(v, &hit, |v, i| floor(q, v, i), value);
            let highs: Vec<(u32, f64)> = (hit.iter())
                .filter_map(|&i| value(i).map(|w| (i as u32, w)))
                .collect();
            let lo = sorted.kth_lowered(v, k, &lows, |i| fired[i]);
            let hi = sorted.kth_lowered(v, k, &highs, known);
            for &(i, low) in &lows {
                let i = i as usize;
                need[i] |= value(i).unwrap_or(v[i]) >= lo && low <= hi;
            }
        }
        need
    });
    for_each_batch(ctx, scratches, outs, |scratch, b, out| {
        let from = first[b];
        ctx.rerun_needed(scratch, b, out, &|kk, i| need[kk][from + i]);
    });
}

/// `f(scratch, b, batch)` for every batch (in parallel when enabled), with the worker's
/// scratch space.
fn for_each_batch(
    ctx: &Ctx<'_>,
    scratches: &Scratches,
    outs: &mut [BatchOut],
    f: impl Fn(&mut engine::Scratch, usize, &mut BatchOut) + Sync + Send,
) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        outs.par_iter_mut()
            .enumerate()
            .for_each(|(b, out)| scratches.with(ctx, |scratch| f(scratch, b, out)));
    }
    #[cfg(not(feature = "parallel"))]
    {
        for (b, out) in outs.iter_mut().enumerate() {
            scratches.with(ctx, |scratch| f(scratch, b, out));
        }
    }
}

/// `f` over `0..n` (in parallel when enabled), results in order.
fn map_indices<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (0..n).map(f).collect()
    }
}

fn run(plan: &Plan, options: &Options, progress: &(dyn Fn(usize) + Sync)) -> Simulation {
    with_ctx(plan, options, |ctx, timeline, warnings| {
        let scratches = Scratches::new();
        let mut outs = run_batches(ctx, &scratches, options.iterations, progress);
        rerun_pruned(ctx, &scratches, &mut outs);
        drop(scratches);
        let simulation = summarise(plan, options, ctx, timeline, &outs, warnings);
        free(outs);
        simulation
    })
}

/// Frees the batches' results, on the pool's threads when parallel (they allocated them).
/// Measured on the 2,000-task benchmark plan in a loop of runs: freed there, the next run
/// reuses the memory (3,000 page faults per run); freed by the calling thread, it goes back
/// to the system and the next run faults it in again (15,000 per run; 19 ms more in criterion).
fn free(outs: Vec<BatchOut>) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        outs.into_par_iter().for_each(drop);
    }
    #[cfg(not(feature = "parallel"))]
    drop(outs);
}

/// Compiles `plan` for `options` (finding the resource-aware priority list) and calls `f` with
/// the compiled context, its timeline and the warnings so far.
fn with_ctx<T>(
    plan: &Plan,
    options: &Options,
    f: impl FnOnce(&Ctx<'_>, &Timeline, Vec<String>) -> T,
) -> T {
    let mut warnings = Vec::new();
    let problem;
    let own_network;
    let (net, mode) = if options.ignore_capacity {
        own_network = Network::new(plan);
        (&own_network, Mode::CriticalPath)
    } else {
        problem = Problem::new(plan);
        let order = match &options.order {
            PriorityOrder::Schedule => {
                crate::leveling::level(plan, &problem, &crate::leveling::Options::default()).order
            }
            PriorityOrder::Rule => problem.priority_order(),
            PriorityOrder::List(list) => list.clone(),
        };
        (
            problem.network(),
            Mode::Resource {
                problem: &problem,
                order,
            },
        )
    };
    let ctx = Ctx::new(plan, net, mode, options, &mut warnings);
    f(&ctx, net.timeline(), warnings)
}

/// The simulation from every batch's results, in batch order.
fn summarise(
    plan: &Plan,
    options: &Options,
    ctx: &Ctx<'_>,
    timeline: &Timeline,
    outs: &[BatchOut],
    warnings: Vec<String>,
) -> Simulation {
    let n: usize = outs.iter().map(|o| o.len).sum();

    // Per-iteration arrays in iteration order.
    let nrel = plan.releases.len();
    let mut makespan = Vec::with_capacity(n);
    let mut ready = vec![Vec::with_capacity(n); nrel];
    let mut crit = vec![0u64; ctx.len()];
    let mut due = vec![0u64; ctx.len()];
    for o in outs {
        for (d, &x) in due.iter_mut().zip(&o.due) {
            *d += u64::from(x);
        }
        makespan.extend_from_slice(&o.makespan);
        for (r, rel) in ready.iter_mut().enumerate() {
            rel.extend_from_slice(&o.ready[r * o.len..(r + 1) * o.len]);
        }
        for (c, &x) in crit.iter_mut().zip(&o.crit) {
            *c += u64::from(x);
        }
    }
    // A deployed release is ready when it shipped, in every iteration (SPEC section 6).
    for (rel, r) in plan.releases.iter().zip(ready.iter_mut()) {
        if let Some(x) = crate::network::progress::deployed_ready(timeline, rel) {
            r.fill(x);
        }
    }
    let dated = timeline.is_dated();
    let date = |day: i64| timeline.date_of_day(day).expect("a dated plan's day");
    // A finish's plan day is monotone in it, so its percentiles are the days of the finish's.
    let day_percentiles = |s: &Summary| {
        Percentiles {
            p10: s.p10,
            p50: s.p50,
            p80: s.p80,
            p90: s.p90,
            p95: s.p95,
        }
        .map(|x| date(engine::finish_day(x)))
    };

    let releases = (0..nrel)
        .map(|r| {
            let summary = Summary::of(&ready[r]);
            let dates = match plan.releases[r].deployed {
                Some(When::Date(d)) => Some(Percentiles {
                    p10: d,
                    p50: d,
                    p80: d,
                    p90: d,
                    p95: d,
                }),
                _ => dated.then(|| day_percentiles(&summary)),
            };
            release_risk(plan, timeline, r, &ready[r], summary, dates)
        })
        .collect();

    let sensitivity = sensitivities(ctx, outs, &makespan);
    let tasks = plan
        .tasks
        .iter()
        .enumerate()
        .map(|(j, t)| {
            let c = crit[j] as f64 / n as f64;
            let progress = ctx.network().progress();
            let state = progress.status().map(|_| progress.state(j));
            TaskRisk {
                id: t.id.clone(),
                criticality: c,
                criticality_se: stats::binomial_se(c, n),
                sensitivity: sensitivity[j],
                state,
                remaining: state.map(|s| match s {
                    crate::model::TaskState::Done => 0.0,
                    _ => ctx.network().point_durations()[j],
                }),
                due_date: t.dates.due,
                due_probability: t.dates.due.map(|_| due[j] as f64 / n.max(1) as f64),
            }
        })
        .collect();

    let summary = Summary::of(&makespan);
    let risks = risk_effects(plan, options, outs, &makespan, &summary, &ready);

    Simulation {
        iterations: n,
        seed: options.seed,
        sampling: options.sampling,
        mode: if options.ignore_capacity {
            SimMode::CriticalPath
        } else {
            SimMode::ResourceAware
        },
        batch_size: BATCH,
        status_date: plan.status,
        start_date: timeline.date_of_day(0),
        makespan: summary,
        finish_date: dated.then(|| day_percentiles(&summary)),
        histogram: Histogram::of(&makespan, 30),
        releases,
        tasks,
        risks,
        warnings,
    }
}

/// Each task's sensitivity: the rank correlation of its duration with the finish, from the
/// batches' keys and durations (see [`Slot`]).
fn sensitivities(ctx: &Ctx<'_>, outs: &[BatchOut], makespan: &[f64]) -> Vec<f64> {
    let n = makespan.len();
    // Sensitivity: midranks of the finish, then each task's rank correlation with them.
    let finish_rank = stats::midranks(makespan, f64::total_cmp);
    let sum_bb: f64 = finish_rank.iter().map(|r| r * r).sum();
    let offsets = firsts(outs);
    let items = stats::RankItems::new(&finish_rank);
    // Tasks in chunks, each with one set of rank bins (emptied as they are read).
    const CHUNK: usize = 64;
    map_indices(ctx.len().div_ceil(CHUNK), |c| {
        let mut bins = stats::RankBins::new();
        (c * CHUNK..ctx.len().min((c + 1) * CHUNK))
            .map(|j| match ctx.slots[j] {
                Slot::None => 0.0,
                Slot::Key(k) => {
                    for (o, &start) in outs.iter().zip(&offsets) {
                        let keys = &o.keys[k * o.len..(k + 1) * o.len];
                        bins.add(&items, keys, start);
                    }
                    bins.spearman(&items, n, sum_bb)
                }
                Slot::Dur(k) => {
                    let mut d = Vec::with_capacity(n);
                    for o in outs {
                        d.extend_from_slice(&o.durs[k * o.len..(k + 1) * o.len]);
                    }
                    let rank = stats::midranks_nonneg_f32(&d);
                    let sum_ab: f64 = rank.iter().zip(&finish_rank).map(|(a, b)| a * b).sum();
                    let sum_aa: f64 = rank.iter().map(|a| a * a).sum();
                    stats::rank_correlation(n, sum_ab, sum_aa, sum_bb)
                }
            })
            .collect::<Vec<f64>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Each risk's firing rate and, with `options.risk_effects`, its effect on the P80 of the
/// finish (whose summary is `summary`) and of each release's readiness (`ready`, per release
/// and iteration).
fn risk_effects(
    plan: &Plan,
    options: &Options,
    outs: &[BatchOut],
    makespan: &[f64],
    summary: &Summary,
    ready: &[Vec<f64>],
) -> Vec<RiskEffect> {
    let n: usize = outs.iter().map(|o| o.len).sum();
    let mut fired = vec![0u64; plan.risks.len()];
    for o in outs {
        for (c, &x) in fired.iter_mut().zip(&o.fired) {
            *c += u64::from(x);
        }
    }
    // Each quantity (the finish, then each release's readiness) in order, and where each
    // batch starts: a P80 without a risk is a selection among the iterations it changed.
    let values: Vec<&[f64]> = std::iter::once(makespan)
        .chain(ready.iter().map(Vec::as_slice))
        .collect();
    let sorted = if options.risk_effects {
        map_indices(values.len(), |q| Sorted::new(values[q]))
    } else {
        Vec::new()
    };
    let kp = stats::percentile_index(n, 80);
    let first = firsts(outs);
    let p80_without = |r: usize, q: usize| {
        let v = values[q];
        let mut changed = Vec::new();
        for (o, &at) in outs.iter().zip(&first) {
            let w = &o.without[r];
            let w = if q == 0 {
                &w.makespan[..]
            } else {
                &w.ready[(q - 1) * o.len..q * o.len]
            };
            for (i, (&w, &v)) in w.iter().zip(&v[at..at + o.len]).enumerate() {
                if w.to_bits() != v.to_bits() {
                    changed.push(((at + i) as u32, w));
                }
            }
        }
        let mut is = vec![false; n];
        for &(i, _) in &changed {
            is[i as usize] = true;
        }
        sorted[q].kth_lowered(v, kp, &changed, |i| is[i])
    };
    // Each risk on its own (in parallel when enabled).
    map_indices(plan.risks.len(), |k| {
        let risk = &plan.risks[k];
        let f = fired[k] as f64 / n as f64;
        let mut effect = RiskEffect {
            id: risk.id.clone(),
            fired: f,
            fired_se: stats::binomial_se(f, n),
            p80_without: None,
            p80_effect: None,
            releases: Vec::new(),
        };
        if options.risk_effects {
            let p80 = p80_without(k, 0);
            effect.p80_without = Some(p80);
            effect.p80_effect = Some(summary.p80 - p80);
            effect.releases = plan
                .releases
                .iter()
                .enumerate()
                .map(|(r, rel)| ReleaseEffect {
                    id: rel.id.clone(),
                    // Shipped: no risk moves it.
                    p80_effect: match rel.deployed {
                        Some(_) => 0.0,
                        None => sorted[r + 1].kth(kp) - p80_without(k, r + 1),
                    },
                })
                .collect();
        }
        effect
    })
}

/// Whether a deploy at `deploy` is on time for `target`, as the deterministic schedule decides.
fn on_time(timeline: &Timeline, deploy: Option<When>, target: When) -> bool {
    match (deploy, target) {
        (Some(When::Date(d)), When::Date(t)) => d <= t,
        (Some(When::Period(d)), When::Period(t)) => d <= t,
        (Some(When::Date(d)), When::Period(t)) => (timeline.day_of_date(d) as f64) <= t,
        (Some(When::Period(d)), When::Date(t)) => d <= timeline.offset_of(When::Date(t)),
        (None, _) => false,
    }
}

/// A release's summary from its per-iteration ready times and ready days.
fn release_risk(
    plan: &Plan,
    timeline: &Timeline,
    r: usize,
    ready: &[f64],
    summary: Summary,
    ready_date: Option<Percentiles<NaiveDate>>,
) -> ReleaseRisk {
    let rel = &plan.releases[r];
    let n = ready.len();
    let dated = timeline.is_dated();
    let windows = calendar::open_windows(plan, rel);
    // A deployed release deployed when it shipped: no window is drawn.
    let has_windows = calendar::has_windows(rel) && rel.deployed.is_none();
    // counts[w] for window w; counts[windows.len()] for unscheduled.
    let mut counts = vec![0u64; windows.len() + 1];
    let mut on_time_count = 0u64;
    for &x in ready {
        let ready_when = if dated {
            When::Date(
                timeline
                    .date_of_day(engine::finish_day(x))
                    .expect("a dated plan's day"),
            )
        } else {
            When::Period(x)
        };
        let deploy = calendar::release_deploy(rel, &windows, ready_when);
        if has_windows {
            let w = match deploy {
                Some(d) => windows.partition_point(|x| match (x, &d) {
                    (When::Date(a), When::Date(b)) => a < b,
                    (When::Period(a), When::Period(b)) => a < b,
                    _ => false,
                }),
                None => windows.len(),
            };
            counts[w] += 1;
        }
        if let Some(t) = rel.target {
            on_time_count += u64::from(on_time(timeline, deploy, t));
        }
    }
    let unscheduled = counts[windows.len()] as f64 / n as f64;
    let window_odds = windows
        .iter()
        .zip(&counts)
        .filter(|(_, &c)| c > 0)
        .map(|(w, &c)| {
            let p = c as f64 / n as f64;
            WindowOdds {
                date: match w {
                    When::Date(d) => Some(*d),
                    When::Period(_) => None,
                },
                period: match w {
                    When::Period(x) => Some(*x),
                    When::Date(_) => None,
                },
                probability: p,
                se: stats::binomial_se(p, n),
            }
        })
        .collect();
    let (deploy_date, deploy) = if has_windows {
        let pct = Percentiles::of_counts(&counts, |k| windows.get(k).copied());
        if dated {
            let dates = pct.map(|w| match w {
                Some(When::Date(d)) => Some(d),
                _ => None,
            });
            (Some(dates), None)
        } else {
            let times = pct.map(|w| match w {
                Some(When::Period(x)) => Some(x),
                _ => None,
            });
            (None, Some(times))
        }
    } else if dated {
        (ready_date.map(|p| p.map(Some)), None)
    } else {
        let p = Percentiles {
            p10: summary.p10,
            p50: summary.p50,
            p80: summary.p80,
            p90: summary.p90,
            p95: summary.p95,
        };
        (None, Some(p.map(Some)))
    };
    let on_time_probability = rel.target.map(|_| on_time_count as f64 / n as f64);
    ReleaseRisk {
        id: rel.id.clone(),
        ready: summary,
        ready_date,
        deploy_date,
        deploy,
        target: rel.target,
        on_time_probability,
        on_time_se: on_time_probability.map(|p| stats::binomial_se(p, n)),
        unscheduled_probability: unscheduled,
        unscheduled_se: stats::binomial_se(unscheduled, n),
        windows: window_odds,
        deployed_date: rel.deployed,
    }
}
