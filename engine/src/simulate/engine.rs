//! The iteration loop: a compiled plan, per-batch sampling and scheduling, per-batch results.
//!
//! Iterations run in batches of [`BATCH`]. Every entity draws its numbers for batch `b` from
//! a stream of its own, keyed by the seed, its id and `b` ([`super::rng::keyed_stream`]), so
//! the draws do not depend on the thread, on the other batches, on the file's order, on the
//! plan's other entities or on which risks are switched off (SPEC section 8):
//!
//! 1. each task with a random, uncorrelated duration: one uniform per iteration, from the
//!    task's stream;
//! 2. each member of a correlation component (ordered by task id): one uniform per
//!    iteration from the member's correlated stream, turned into a standard normal;
//! 3. each risk: one uniform per iteration for whether it fires, then (unless its impact is
//!    fixed) one for its impact, from the risk's stream.
//!
//! With Latin hypercube sampling each of those columns is stratified over the batch.
//!
//! Durations are laid out task-major (`[task][iteration in batch]`) so that the critical-path
//! passes run as tight loops over the iterations of a batch. In resource-aware mode each
//! iteration is scheduled on its own by the scheduler's serial scheme.

use crate::graph::CRITICAL_EPS;
use crate::model::{Plan, TaskKind};
use crate::network::link::{self, Axis, End, Plain};
use crate::network::{Network, Progress};
use crate::schedule::{Handoffs, Problem, Sgs};

use super::correlation::{self, Component};
use super::dist::{normal_cdf, normal_quantile, split_cell, Sampler};
use super::rng::{id_key, keyed_stream, stream_key, Kind, Stream};
use super::Sampling;

/// Iterations per batch: the unit of seeding and of Latin hypercube stratification. Fixed,
/// so that results do not depend on the number of threads.
pub const BATCH: usize = 128;

/// The most bytes the per-chunk time rows of one scratch space (start, finish and the
/// backward pass's two bounds, each tasks x chunk iterations of `f64`, and the risk re-runs'
/// durations, starts and finishes, each tasks x at most [`RERUN_LANES`] iterations) may take
/// before the chunk narrows: 144 MiB, so a batch is timed whole up to 31,043 tasks, and
/// two workers' scratch spaces leave a 100,000-task plan's critical-path run under 1 GiB.
const CHUNK_ROWS_BYTES: usize = 144 << 20;

/// The fewest iterations a chunk narrows to (a chunk's loops stay vectorisable).
const MIN_CHUNK: usize = 8;

/// Iterations timed together for a plan of `n` tasks: the whole batch, or on very large
/// plans the largest power-of-two share of it (at least [`MIN_CHUNK`]) whose time rows fit
/// in [`CHUNK_ROWS_BYTES`]. Every iteration's arithmetic is its own, so the chunk width changes
/// no number, only the memory each worker thread keeps.
fn chunk_lanes(n: usize) -> usize {
    // `start`, `finish`, `fb` and `sb`, then `vd`, `vs` and `vf` (see `scratch_of_width`).
    let rows = |width: usize| 4 * width + 3 * rerun_lanes(width);
    let mut width = BATCH;
    while width > MIN_CHUNK && n.saturating_mul(rows(width) * size_of::<f64>()) > CHUNK_ROWS_BYTES {
        width /= 2;
    }
    width
}

/// The iterations `lo..lo + len` of a batch, timed together.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    lo: usize,
    len: usize,
}

impl Chunk {
    /// Its iterations, as indices into the batch.
    fn lanes(self) -> std::ops::Range<usize> {
        self.lo..self.lo + self.len
    }
}

/// The chunks of `width` iterations (the last one shorter) of a batch of `len`.
fn chunks(len: usize, width: usize) -> impl Iterator<Item = Chunk> {
    (0..len).step_by(width).map(move |lo| Chunk {
        lo,
        len: width.min(len - lo),
    })
}

/// Number of rank bins of a task's duration key (see [`BatchOut::keys`]).
pub(crate) const KEY_BINS: usize = 1 << u8::BITS;

/// The smallest uniform the generator gives, `0.5 / 2^32`; copula uniforms are kept in
/// `[U_MIN, 1 - U_MIN]` too.
const U_MIN: f64 = 0.5 / 4_294_967_296.0;

/// Where a task's per-iteration duration goes for the sensitivity ranks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Slot {
    /// A fixed duration: no variation, sensitivity 0.
    None,
    /// A monotone function of one uniform: its 8-bit key (`floor(u * 256)`).
    Key(usize),
    /// Risk-affected: the duration itself, as `f32`.
    Dur(usize),
}

/// The most risk re-runs timed together in critical-path mode ([`Ctx::rerun_pairs`]); fewer
/// when a chunk is narrower.
const RERUN_LANES: usize = 32;

/// The most risk re-runs timed together in a chunk of `width` iterations.
fn rerun_lanes(width: usize) -> usize {
    width.min(RERUN_LANES)
}

/// Words of one bit per iteration of a chunk ([`BATCH`] at most).
const MASK_WORDS: usize = BATCH.div_ceil(64);

/// Whether `x` reaches `v`, within a relative 1e-9 (see [`Ctx::mark_moves`]).
#[inline]
fn reaches(x: f64, v: f64) -> bool {
    x >= v - 1e-9 * (1.0 + v.abs())
}

/// Sets the first `len.div_ceil(64)` words of `bits` to one bit per lane `i < len`, whether
/// `test(i)`: each word built in a register and stored once, rather than or-ed into memory
/// lane by lane (a chain of stores and reloads of the same word).
#[inline(always)]
fn pack_bits(len: usize, bits: &mut [u64], test: impl Fn(usize) -> bool) {
    for (k, word) in bits.iter_mut().enumerate().take(len.div_ceil(64)) {
        let lo = k * 64;
        let mut x = 0u64;
        for i in lo..len.min(lo + 64) {
            x |= u64::from(test(i)) << (i - lo);
        }
        *word = x;
    }
}

/// A risk as the loop uses it.
#[derive(Debug, Clone)]
pub(crate) struct RiskC {
    p: f64,
    impact: Sampler,
    /// Tasks delayed (milestones excluded: they take no time), as listed.
    tasks: Vec<usize>,
    /// Its stream key (seed and id).
    key: u64,
    /// Whether its effect on the P80s is found from the iterations that can move them only
    /// (see `rerun_pruned` in the parent module): an impact that is never negative, and none of
    /// the risk's tasks (in resource mode, no task at all) with a finish-to-finish or
    /// start-to-finish predecessor link. Then no task starts or finishes later without the risk
    /// than with it (see [`mark_pruned`]).
    pub(crate) pruned: bool,
    /// For a pruned risk: how much lower, at most, any finish or readiness is without it in
    /// any iteration: on constant calendars, where every start and finish is a maximum over
    /// paths of sums of lags and durations (each duration at most once per path), its
    /// largest impact times the number of its tasks; elsewhere infinite (no bound known).
    max_drop: f64,
}

impl RiskC {
    /// For a pruned risk, how much lower any finish or readiness is at most without it in an
    /// iteration in which it drew `impact` and `on` of its tasks (counted as listed) can
    /// matter: that impact on each of them, bounded by the largest. `on` is all of them, or
    /// in critical-path mode those on a tight chain ([`Ctx::mark_moves`]): a value is the
    /// length of a path of tight links, each task on it on a chain, and without the risk
    /// that path is shorter by the impacts on its tasks only, while no value rises.
    fn drop(&self, impact: f64, on: u32) -> f64 {
        if on == 0 {
            return 0.0;
        }
        let x = if self.max_drop.is_finite() {
            impact
        } else {
            f64::INFINITY
        };
        (f64::from(on) * x).min(self.max_drop)
    }
}

/// How iterations are scheduled.
pub(crate) enum Mode<'a> {
    /// Critical-path passes, capacity ignored.
    CriticalPath,
    /// The serial schedule generation scheme with a fixed priority list.
    Resource {
        problem: &'a Problem,
        order: Vec<usize>,
    },
}

/// A plan compiled for simulation.
pub(crate) struct Ctx<'a> {
    /// The compiled network: links, topological order, calendars, release times. Its
    /// constant calendars take the plain arithmetic ([`Network::constant_calendar`]).
    net: &'a Network,
    mode: Mode<'a>,
    sampling: Sampling,
    risk_effects: bool,
    n: usize,
    /// Whether a task has a finish-to-finish or start-to-finish predecessor link (then the
    /// backward pass needs its latest finish).
    finish_links: Vec<bool>,
    samplers: Vec<Sampler>,
    /// Whether a task's sampled duration can be below 0 (then it is clamped).
    may_be_negative: Vec<bool>,
    indep: Vec<usize>,
    /// Each task's stream key (seed and id; only those of `indep` are used).
    task_keys: Vec<u64>,
    comps: Vec<Component>,
    /// The stream keys of each component's members, in the component's order.
    comp_keys: Vec<Vec<u64>>,
    risks: Vec<RiskC>,
    risk_task: Vec<bool>,
    /// Per task, the risks that delay it, in file order, each with how many times it lists
    /// the task.
    task_risks: Vec<Vec<(usize, usize)>>,
    /// A risk-affected task's row in [`Scratch`]'s `base` (the others have none).
    base_row: Vec<usize>,
    /// Number of risk-affected tasks: rows of `base`.
    n_base: usize,
    pub(crate) slots: Vec<Slot>,
    n_keys: usize,
    n_durs: usize,
    release_tasks: Vec<Vec<usize>>,
    end_candidates: Vec<usize>,
    /// Whether a task is one of `end_candidates`.
    is_end: Vec<bool>,
    /// Per risk: the first topological position of its tasks (the task count without any),
    /// where its re-runs begin ([`Ctx::rerun_pairs`]).
    risk_first: Vec<usize>,
    /// Per topological position `k` (and the task count): the first position whose times a
    /// task at `k` or later reads through a link (`k` at most), so that a re-run from `k`
    /// copies the times from there only.
    reads_from: Vec<usize>,
    /// Per risk and release: whether one of the risk's tasks is one of the release's tasks or
    /// comes before one ([`Ctx::can_move`]).
    risk_reach: Vec<Vec<bool>>,
    /// The links into task `j` are `pred_off[j]..pred_off[j + 1]` in one list of all links.
    pred_off: Vec<usize>,
    /// Resource mode: each task's position in the priority list.
    rank: Vec<usize>,
    /// Whether every task is on a constant calendar (then the pruned risks' drops are
    /// bounded, and in resource mode counted on the tight chains, [`Ctx::mark_levelled`]).
    plain: bool,
}

impl<'a> Ctx<'a> {
    /// Compiles `plan`. `warnings` receives what the user should know (correlation repairs).
    pub(crate) fn new(
        plan: &'a Plan,
        net: &'a Network,
        mode: Mode<'a>,
        options: &super::Options,
        warnings: &mut Vec<String>,
    ) -> Ctx<'a> {
        let n = plan.tasks.len();
        let finish_links: Vec<bool> = (0..n)
            .map(|j| {
                net.preds(j)
                    .iter()
                    .any(|l| link::to_end(l.kind) == End::Finish)
            })
            .collect();
        // Each task's quantile table is its own (Beta-PERT tables take most of the set-up), so
        // they are built in parallel when enabled; the result is the same on any thread count.
        let progress = net.progress();
        let samplers: Vec<Sampler> = super::map_indices(n, |j| match plan.tasks[j].kind {
            TaskKind::Milestone => Sampler::Fixed(0.0),
            _ => Sampler::of_work(plan, progress.work(j)),
        });
        let random: Vec<bool> = samplers.iter().map(|s| !s.is_fixed()).collect();
        let may_be_negative = plan
            .tasks
            .iter()
            .enumerate()
            .map(|(j, t)| t.kind != TaskKind::Milestone && progress.work(j).min() < 0.0)
            .collect();
        let comps = correlation::components(plan, &random, warnings);
        let mut correlated = vec![false; n];
        for c in &comps {
            for &j in &c.tasks {
                correlated[j] = true;
            }
        }
        let mut indep: Vec<usize> = (0..n).filter(|&j| random[j] && !correlated[j]).collect();
        // Tasks that read the same quantile table are drawn one after another, while it is in
        // cache. The order changes no number: each task draws from its own stream, and the
        // keys below are numbered in this order.
        indep.sort_by_key(|&j| samplers[j].table());
        let key = |kind, j: usize| stream_key(options.seed, id_key(kind, &plan.tasks[j].id));
        let task_keys = (0..n)
            .map(|j| if random[j] { key(Kind::Task, j) } else { 0 })
            .collect();
        let comp_keys = comps
            .iter()
            .map(|c| c.tasks.iter().map(|&j| key(Kind::Correlated, j)).collect())
            .collect();

        let (mut risks, risk_task) = compile_risks(plan, progress, options.seed);
        let (base_row, n_base) = base_rows(&risk_task);
        let task_risks = task_risks(&risks, n);
        let mut slots = vec![Slot::None; n];
        let mut n_durs = 0;
        // An item-sized task's duration is no monotone function of one uniform: its duration
        // itself is kept, as a risk-affected task's.
        let items: Vec<bool> = samplers.iter().map(Sampler::is_items).collect();
        for j in (0..n).filter(|&j| risk_task[j] || items[j]) {
            slots[j] = Slot::Dur(n_durs);
            n_durs += 1;
        }
        // Keys are numbered in the order `sample` draws the uniforms, so that a batch's keys
        // are written front to back.
        let mut n_keys = 0;
        for &j in indep
            .iter()
            .chain(comps.iter().flat_map(|c| c.tasks.iter()))
        {
            if random[j] && !risk_task[j] && !items[j] {
                slots[j] = Slot::Key(n_keys);
                n_keys += 1;
            }
        }
        let is_end = can_end(plan, net);
        let end_candidates: Vec<usize> = (0..n).filter(|&j| is_end[j]).collect();
        let topo_pos = net.topological_positions();
        let reads_from = reads_from(net);
        let risk_first = (risks.iter())
            .map(|r| r.tasks.iter().map(|&j| topo_pos[j]).min().unwrap_or(n))
            .collect();
        let pred_off = predecessor_offsets(net);
        let risk_reach = risk_reach(net, &risks, &plan.releases);
        let plain = (0..n).all(|j| net.constant_calendar(j));
        mark_pruned(&mut risks, plan, plain, &finish_links, &mode);
        let release_tasks = plan.releases.iter().map(|r| r.tasks.clone()).collect();
        let mut rank = vec![0usize; n];
        if let Mode::Resource { order, .. } = &mode {
            for (k, &j) in order.iter().enumerate() {
                rank[j] = k;
            }
        }
        Ctx {
            net,
            mode,
            sampling: options.sampling,
            risk_effects: options.risk_effects,
            n,
            finish_links,
            samplers,
            may_be_negative,
            indep,
            task_keys,
            comps,
            comp_keys,
            risks,
            risk_task,
            task_risks,
            base_row,
            n_base,
            slots,
            n_keys,
            n_durs,
            release_tasks,
            end_candidates,
            is_end,
            risk_first,
            reads_from,
            risk_reach,
            pred_off,
            rank,
            plain,
        }
    }

    /// The compiled network it samples and schedules.
    pub(crate) fn network(&self) -> &Network {
        self.net
    }

    /// Number of tasks.
    pub(crate) fn len(&self) -> usize {
        self.n
    }

    /// A new scratch space for [`Ctx::run_batch`], timing [`chunk_lanes`] iterations at a
    /// time.
    pub(crate) fn scratch(&self) -> Scratch {
        self.scratch_of_width(chunk_lanes(self.n))
    }

    /// A new scratch space that times `width` (at least 1) iterations of a batch at a time.
    fn scratch_of_width(&self, width: usize) -> Scratch {
        let n = self.n;
        let width = width.clamp(1, BATCH);
        let kmax = self.comps.iter().map(|c| c.tasks.len()).max().unwrap_or(0);
        let nr = self.risks.len();
        let sgs = match &self.mode {
            Mode::Resource { problem, .. } => Some(Sgs::new(problem)),
            Mode::CriticalPath => None,
        };
        Scratch {
            u: vec![0.0; BATCH],
            acc: vec![0.0; BATCH],
            eps: vec![0.0; kmax * BATCH],
            perm: Vec::with_capacity(BATCH),
            base: vec![0.0; self.n_base * BATCH],
            dur: vec![0.0; n * BATCH],
            width,
            start: vec![0.0; n * width],
            finish: vec![0.0; n * width],
            fb: vec![0.0; n * width],
            sb: vec![0.0; n * width],
            fb_set: vec![false; n],
            sb_set: vec![false; n],
            fired: vec![false; nr * BATCH],
            chain_tasks: vec![0; nr * BATCH],
            chain_q: match &self.mode {
                Mode::Resource { .. } => vec![0; nr * self.quantities() * BATCH],
                Mode::CriticalPath => Vec::new(),
            },
            impact: vec![0.0; nr * BATCH],
            sgs,
            d1: vec![0.0; n],
            s1: vec![0.0; n],
            f1: vec![0.0; n],
            vd: vec![0.0; n * rerun_lanes(width)],
            vs: vec![0.0; n * rerun_lanes(width)],
            vf: vec![0.0; n * rerun_lanes(width)],
            link_mask: Vec::new(),
            on_chain: vec![0; n * MASK_WORDS],
            by_finish: FinishIndex::default(),
            link_start: Vec::with_capacity(n + 1),
            link_from: Vec::new(),
            fb1: vec![0.0; n],
            sb1: vec![0.0; n],
            marked: vec![false; n],
            stack: Vec::new(),
            handoffs: Handoffs::default(),
        }
    }

    /// Task `j`'s row of sampled durations: its row of `base` if it is risk-affected (its
    /// durations then get impacts added), else its row of `dur`.
    #[inline]
    fn row<'b>(&self, base: &'b mut [f64], dur: &'b mut [f64], j: usize) -> &'b mut [f64] {
        if self.risk_task[j] {
            let k = self.base_row[j];
            &mut base[k * BATCH..(k + 1) * BATCH]
        } else {
            &mut dur[j * BATCH..(j + 1) * BATCH]
        }
    }

    /// Draws one column of uniforms (plain or stratified).
    #[inline]
    fn draw(&self, stream: &mut Stream, u: &mut [f64], perm: &mut Vec<u32>) {
        match self.sampling {
            Sampling::MonteCarlo => stream.fill_uniform(u),
            Sampling::LatinHypercube => stream.fill_stratified(u, perm),
        }
    }

    /// Samples the durations of batch `b` (`len` iterations) into `s.base`, `s.dur`,
    /// `s.fired` and `s.impact`, and writes the sensitivity keys and the fire counts.
    fn sample(&self, s: &mut Scratch, b: usize, len: usize, out: &mut BatchOut) {
        let b = b as u64;
        let Scratch {
            u,
            eps,
            perm,
            base,
            dur,
            fired,
            impact,
            ..
        } = s;
        let u = &mut u[..len];
        // Risk-free tasks are sampled straight into `dur`, risk-affected ones into `base`.
        for j in 0..self.n {
            if let Sampler::Fixed(v) = self.samplers[j] {
                self.row(base, dur, j)[..len].fill(v);
            }
        }
        for &j in &self.indep {
            let mut stream = keyed_stream(self.task_keys[j], b);
            self.draw(&mut stream, u, perm);
            let row = &mut self.row(base, dur, j)[..len];
            self.samplers[j].sample_stream(&mut stream, u, row);
            if let Slot::Key(k) = self.slots[j] {
                push_keys(&mut out.keys, k, u);
            }
        }
        for (c, keys) in self.comps.iter().zip(&self.comp_keys) {
            let k = c.tasks.len();
            for (m, &key) in keys.iter().enumerate() {
                self.draw(&mut keyed_stream(key, b), u, perm);
                for (e, &x) in eps[m * BATCH..m * BATCH + len].iter_mut().zip(u.iter()) {
                    *e = normal_quantile(x);
                }
            }
            for (m, &j) in c.tasks.iter().enumerate() {
                let row = &c.chol[m * k..m * k + m + 1];
                for (i, ui) in u.iter_mut().enumerate() {
                    let mut z = 0.0;
                    for (l, &w) in row.iter().enumerate() {
                        z += w * eps[l * BATCH + i];
                    }
                    // Kept strictly inside (0, 1), as the other uniforms are.
                    *ui = normal_cdf(z).clamp(U_MIN, 1.0 - U_MIN);
                }
                let out_row = &mut self.row(base, dur, j)[..len];
                self.samplers[j].sample_into(u, out_row);
                if let Slot::Key(kk) = self.slots[j] {
                    push_keys(&mut out.keys, kk, u);
                }
            }
        }
        for (r, risk) in self.risks.iter().enumerate() {
            let mut stream = keyed_stream(risk.key, b);
            self.draw(&mut stream, u, perm);
            let f = &mut fired[r * BATCH..r * BATCH + len];
            for (fi, &x) in f.iter_mut().zip(u.iter()) {
                *fi = x < risk.p;
            }
            out.fired[r] = f.iter().filter(|&&x| x).count() as u32;
            let imp = &mut impact[r * BATCH..r * BATCH + len];
            if let Sampler::Fixed(v) = &risk.impact {
                let v = *v;
                imp.fill(v);
            } else {
                self.draw(&mut stream, u, perm);
                risk.impact.sample_into(u, imp);
            }
        }
        // Durations: never negative; risk-affected ones get the impacts of the risks that
        // fired, in file order.
        for j in 0..self.n {
            if !self.risk_task[j] {
                if self.may_be_negative[j] {
                    for d in &mut dur[j * BATCH..j * BATCH + len] {
                        *d = d.max(0.0);
                    }
                }
                if let Slot::Dur(k) = self.slots[j] {
                    let src = &dur[j * BATCH..j * BATCH + len];
                    for (o, &d) in out.durs[k * len..(k + 1) * len].iter_mut().zip(src) {
                        *o = d as f32;
                    }
                }
                continue;
            }
            let (src, dst) = (
                &base[self.base_row[j] * BATCH..self.base_row[j] * BATCH + len],
                &mut dur[j * BATCH..j * BATCH + len],
            );
            for (i, d) in dst.iter_mut().enumerate() {
                *d = self.duration_without(j, i, src[i], fired, impact, usize::MAX);
            }
            if let Slot::Dur(k) = self.slots[j] {
                for (o, &d) in out.durs[k * len..(k + 1) * len].iter_mut().zip(dst.iter()) {
                    *o = d as f32;
                }
            }
        }
        debug_assert_eq!(out.keys.len(), self.n_keys * len, "every key row written");
    }

    /// Task `j`'s duration in iteration `i` of the batch, from its base and the risks that
    /// fired (in file order; a risk listing a task twice delays it twice), leaving out risk
    /// `skip`.
    #[inline]
    fn duration_without(
        &self,
        j: usize,
        i: usize,
        base: f64,
        fired: &[bool],
        impact: &[f64],
        skip: usize,
    ) -> f64 {
        let mut d = base;
        for &(r, times) in &self.task_risks[j] {
            if r != skip && fired[r * BATCH + i] {
                for _ in 0..times {
                    d += impact[r * BATCH + i];
                }
            }
        }
        d.max(0.0)
    }

    /// Runs batch `b` of `len` iterations.
    ///
    /// With `defer`, the pruned risks' re-runs ([`RiskC::pruned`]) are left to
    /// [`Ctx::rerun_needed`] (their `without` holds the batch's own values meanwhile); without
    /// it, every risk is re-run in every iteration in which it fired.
    pub(crate) fn run_batch(
        &self,
        s: &mut Scratch,
        b: usize,
        len: usize,
        defer: bool,
        eager: Option<&Eager>,
    ) -> BatchOut {
        let nrel = self.release_tasks.len();
        let nq = self.quantities();
        let mut out = BatchOut::empty(len, self);
        debug_assert_eq!(out.ready.len(), nrel * len);
        self.sample(s, b, len, &mut out);
        let deferred = |r: usize| defer && self.risks[r].pruned;
        if self.risk_effects {
            // Filled chunk by chunk below, the deferred ones once the batch is done.
            out.without = (0..self.risks.len())
                .map(|r| Without {
                    makespan: if deferred(r) {
                        Vec::new()
                    } else {
                        vec![0.0; len]
                    },
                    ready: if deferred(r) {
                        Vec::new()
                    } else {
                        vec![0.0; nrel * len]
                    },
                })
                .collect();
        }
        for c in chunks(len, s.width) {
            self.run_chunk(s, c, &mut out, &deferred, eager);
        }
        if self.risk_effects {
            for r in (0..self.risks.len()).filter(|&r| deferred(r)) {
                // Filled in by `rerun_needed` once every batch's results are known.
                let lanes = r * BATCH..r * BATCH + len;
                let on = &s.chain_tasks[lanes.clone()];
                out.fired_lanes.extend(on.iter().map(|&on| on > 0));
                let risk = &self.risks[r];
                let imp = &s.impact[lanes.clone()];
                for q in 0..out.drop_cols {
                    let on = if self.resource_aware() {
                        let at = (r * nq + q) * BATCH;
                        &s.chain_q[at..at + len]
                    } else {
                        on
                    };
                    out.drops
                        .extend(imp.iter().zip(on).map(|(&x, &on)| risk.drop(x, on)));
                }
                out.without[r] = Without {
                    makespan: out.makespan.clone(),
                    ready: out.ready.clone(),
                };
            }
        }
        out
    }

    /// Times chunk `c` of a sampled batch into `out`: its makespans, release readiness,
    /// critical and on-time counts, and its iterations re-run without each risk that is not
    /// `deferred`.
    fn run_chunk(
        &self,
        s: &mut Scratch,
        c: Chunk,
        out: &mut BatchOut,
        deferred: &dyn Fn(usize) -> bool,
        eager: Option<&Eager>,
    ) {
        let (len, w) = (out.len, s.width);
        // Critical-path mode with deferred risks: the tight chains tell which can move a value.
        let chains =
            !self.resource_aware() && self.risk_effects && (0..self.risks.len()).any(deferred);
        match &self.mode {
            Mode::CriticalPath => {
                self.forward(s, c, &mut out.makespan[c.lanes()], chains);
                self.backward(s, c, &out.makespan[c.lanes()], &mut out.crit);
            }
            Mode::Resource { problem, order } => {
                self.resource(problem, order, s, c, out, deferred, eager);
            }
        }
        // Release readiness: the largest finish of its tasks (0 with none).
        for (r, tasks) in self.release_tasks.iter().enumerate() {
            let ready = &mut out.ready[r * len + c.lo..r * len + c.lo + c.len];
            for &j in tasks {
                max_into(ready, &s.finish[j * w..j * w + c.len], 0.0);
            }
        }
        // Deadlines: a finish on or before the end of the `due` day meets it.
        let progress = self.net.progress();
        for j in 0..self.n {
            if let Some(due) = progress.due(j) {
                let f = &s.finish[j * w..j * w + c.len];
                out.due[j] += f.iter().filter(|&&x| x <= due + 1e-9).count() as u32;
            }
        }
        if !self.risk_effects {
            return;
        }
        if chains {
            self.mark_moves(s, c, out, deferred);
        }
        let now: Vec<usize> = (0..self.risks.len()).filter(|&r| !deferred(r)).collect();
        if self.resource_aware() {
            // The iterations in which a risk fired are re-timed already (`resource`).
            for &r in &now {
                let without = &mut out.without[r];
                for i in c.lanes().filter(|&i| !s.fired[r * BATCH + i]) {
                    without.makespan[i] = out.makespan[i];
                    for q in 0..self.release_tasks.len() {
                        without.ready[q * len + i] = out.ready[q * len + i];
                    }
                }
            }
            return;
        }
        // The chunk's own values, then its iterations in which a risk fired re-run.
        for &r in &now {
            let without = &mut out.without[r];
            without.makespan[c.lanes()].copy_from_slice(&out.makespan[c.lanes()]);
            for q in 0..self.release_tasks.len() {
                let at = q * len + c.lo..q * len + c.lo + c.len;
                without.ready[at.clone()].copy_from_slice(&out.ready[at]);
            }
        }
        let pairs: Vec<(usize, usize)> = (c.lanes())
            .flat_map(|i| now.iter().map(move |&r| (i, r)))
            .filter(|&(i, r)| s.fired[r * BATCH + i])
            .collect();
        self.rerun_pairs(s, c, &pairs, &mut |k, v| {
            let (i, r) = pairs[k];
            out.without[r].set(i, len, v);
        });
        if let Some(eager) = eager {
            self.rerun_early(s, c, eager, out);
        }
    }

    /// Critical-path mode: for each deferred risk and iteration of chunk `c` in which it
    /// fired, how many of its tasks are on a tight chain, into `s.chain_tasks`. Where it fired
    /// and none is, every value of the iteration is the same without it.
    ///
    /// The tight chains: each task whose finish reaches the iteration's finish or a release's
    /// readiness that it counts in, and, recursively, each predecessor whose link bound
    /// reaches the earliest start (before calendars) of a task on one: for a task on a plain
    /// calendar its start, the bound computed here, only for the tasks on a chain in some
    /// iteration (about a third at 2,000 tasks); for the others from `s.link_mask`, written by
    /// [`Ctx::forward`], which alone knows their earliest starts. Take away a pruned risk ([`RiskC::pruned`]) none of whose tasks is
    /// on one: no time is later, so in topological order no task on a chain moves (its
    /// duration is the same, its bounds from predecessors on a chain are the same, the others
    /// are no higher than before and were below its start), and each value keeps the task
    /// that reaches it: every value stays, to the bit. Values within a relative 1e-9 count as
    /// reaching, so that rounding can only add tasks to the chains (and re-runs).
    fn mark_moves(
        &self,
        s: &mut Scratch,
        c: Chunk,
        out: &BatchOut,
        deferred: &dyn Fn(usize) -> bool,
    ) {
        let Scratch {
            width,
            dur,
            start,
            finish,
            fired,
            chain_tasks,
            link_mask,
            on_chain,
            ..
        } = s;
        let (len, w, words) = (out.len, *width, c.len.div_ceil(64));
        let row = |k: usize| k * MASK_WORDS..k * MASK_WORDS + words;
        for j in 0..self.n {
            on_chain[row(j)].fill(0);
        }
        let mut seed = |tasks: &[usize], v: &[f64]| {
            for &j in tasks {
                let f = &finish[j * w..j * w + c.len];
                let mut reached = [0u64; MASK_WORDS];
                pack_bits(c.len, &mut reached, |i| reaches(f[i] + 0.0, v[i]));
                for (b, r) in on_chain[row(j)].iter_mut().zip(reached) {
                    *b |= r;
                }
            }
        };
        seed(&self.end_candidates, &out.makespan[c.lanes()]);
        for (q, tasks) in self.release_tasks.iter().enumerate() {
            seed(tasks, &out.ready[q * len + c.lo..q * len + c.lo + c.len]);
        }
        // Latest first: a task only marks its predecessors, which come earlier.
        let mut m = [0u64; MASK_WORDS];
        for &j in self.net.topological_order().iter().rev() {
            m[..words].copy_from_slice(&on_chain[row(j)]);
            if m[..words].iter().all(|&x| x == 0) {
                continue;
            }
            let plain = self.net.constant_calendar(j);
            let d = &dur[j * BATCH + c.lo..j * BATCH + c.lo + c.len];
            let es = &start[j * w..j * w + c.len];
            let mut tight = [0u64; MASK_WORDS];
            for (e, l) in self.net.preds(j).iter().enumerate() {
                if plain {
                    let rows = Rows::new(start, finish, w);
                    self.tight_link(j, l, d, rows, es, &mut tight);
                } else {
                    tight[..words].copy_from_slice(&link_mask[row(self.pred_off[j] + e)]);
                }
                let p = &mut on_chain[row(l.other)];
                for k in 0..words {
                    p[k] |= m[k] & tight[k];
                }
            }
        }
        for r in (0..self.risks.len()).filter(|&r| deferred(r)) {
            let at = r * BATCH + c.lo..r * BATCH + c.lo + c.len;
            let on = &mut chain_tasks[at.clone()];
            on.fill(0);
            for &j in &self.risks[r].tasks {
                let bits = &on_chain[row(j)];
                for (i, o) in on.iter_mut().enumerate() {
                    *o += (bits[i / 64] >> (i % 64) & 1) as u32;
                }
            }
            for (o, &f) in on.iter_mut().zip(&fired[at]) {
                *o = if f { *o } else { 0 };
            }
        }
    }

    /// The values whose P80 each risk's effect is measured on: the finish, then each
    /// release's readiness.
    pub(crate) fn quantities(&self) -> usize {
        1 + self.release_tasks.len()
    }

    /// Whether iterations are scheduled with the teams' capacity.
    pub(crate) fn resource_aware(&self) -> bool {
        matches!(self.mode, Mode::Resource { .. })
    }

    /// Whether risk `r` can move quantity `q` (0 the finish, `1 + k` release `k`'s
    /// readiness) in some iteration. In critical-path mode a release's readiness moves only
    /// with a risk on one of its tasks or on one before them (each time is computed from its
    /// predecessors' alone, so the others keep their bits); in resource mode hand-offs of
    /// capacity link any two tasks, and every risk may move every quantity.
    pub(crate) fn can_move(&self, r: usize, q: usize) -> bool {
        q == 0 || self.resource_aware() || self.risk_reach[r][q - 1]
    }

    /// The risks whose re-runs wait for every batch's results ([`RiskC::pruned`]).
    pub(crate) fn pruned_risks(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.risks.len()).filter(|&r| self.risk_effects && self.risks[r].pruned)
    }

    /// Second pass for the pruned risks of batch `b`: draws the batch again (the same
    /// numbers), runs the forward pass over the chunks that hold a marked iteration, and
    /// re-runs without each pruned risk only the iterations that `need[(k, i)]` marks (`k`
    /// counting the pruned risks), writing into `out.without`.
    pub(crate) fn rerun_needed(
        &self,
        s: &mut Scratch,
        b: usize,
        out: &mut BatchOut,
        need: &dyn Fn(usize, usize) -> bool,
    ) {
        let len = out.len;
        let pruned: Vec<usize> = self.pruned_risks().collect();
        let lanes: Vec<Vec<bool>> = (0..pruned.len())
            .map(|k| (0..len).map(|i| need(k, i)).collect())
            .collect();
        if !lanes.iter().any(|l| l.contains(&true)) {
            return;
        }
        // The iterations re-timed in the first pass already.
        let width = 1 + self.release_tasks.len();
        // Still to time: the needed iterations but those whose needed risks all came early
        // (NaN where one did not).
        let mut todo: Vec<bool> = (0..len).map(|i| lanes.iter().any(|l| l[i])).collect();
        for (e, &i) in out.eager_iters.iter().enumerate() {
            let i = i as usize;
            todo[i] = false;
            for (k, &r) in pruned.iter().enumerate() {
                let at = (e * pruned.len() + k) * width;
                let v = &out.eager_vals[at..at + width];
                if lanes[k][i] {
                    if v[0].is_nan() {
                        todo[i] = true;
                    } else {
                        out.without[r].set(i, len, v);
                    }
                }
            }
        }
        if !todo.contains(&true) {
            return;
        }
        let mut scratch_out = BatchOut::empty(len, self);
        self.sample(s, b, len, &mut scratch_out);
        if let Mode::Resource { problem, order } = &self.mode {
            let mut sgs = s.sgs.take().expect("resource mode has a scheme");
            for i in (0..len).filter(|&i| todo[i]) {
                for j in 0..self.n {
                    s.d1[j] = s.dur[j * BATCH + i];
                }
                sgs.run(problem, &s.d1, order, &mut s.s1, &mut s.f1);
                let risks = pruned
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| lanes[k][i])
                    .map(|(_, &r)| r)
                    .collect::<Vec<_>>();
                self.retime_without(problem, &sgs, s, i, &risks, &mut |r, v| {
                    out.without[r].set(i, len, v);
                });
            }
            s.sgs = Some(sgs);
            return;
        }
        for c in chunks(len, s.width) {
            if !todo[c.lanes()].contains(&true) {
                continue;
            }
            self.forward(s, c, &mut scratch_out.makespan[c.lanes()], false);
            let pairs: Vec<(usize, usize)> = (c.lanes())
                .filter(|&i| todo[i])
                .flat_map(|i| (0..pruned.len()).map(move |k| (i, k)))
                .filter(|&(i, k)| lanes[k][i])
                .map(|(i, k)| (i, pruned[k]))
                .collect();
            self.rerun_pairs(s, c, &pairs, &mut |k, v| {
                let (i, r) = pairs[k];
                out.without[r].set(i, len, v);
            });
        }
    }

    /// The critical-path forward pass over chunk `c` of a batch (mirrors
    /// [`crate::graph::forward_pass`]), with `makespan` the chunk's. With `masks`, also
    /// writes `s.link_mask` for the tasks not on a plain calendar (see [`Ctx::mark_moves`]).
    fn forward(&self, s: &mut Scratch, c: Chunk, makespan: &mut [f64], masks: bool) {
        let Scratch {
            acc,
            dur,
            width,
            start,
            finish,
            link_mask,
            ..
        } = s;
        let (len, w) = (c.len, *width);
        let acc = &mut acc[..len];
        makespan.fill(0.0);
        if masks {
            link_mask.resize(self.pred_off[self.n] * MASK_WORDS, 0);
        }
        let net = self.net;
        for &j in net.topological_order() {
            let d = &dur[j * BATCH + c.lo..j * BATCH + c.lo + len];
            self.earliest(j, d, Rows::new(start, finish, w), acc);
            // A task on a plain calendar starts at `acc`: `mark_moves` compares its link
            // bounds with its start, and only where it is on a chain.
            if masks && !net.constant_calendar(j) {
                for (e, l) in net.preds(j).iter().enumerate() {
                    let at = (self.pred_off[j] + e) * MASK_WORDS;
                    let m = &mut link_mask[at..at + MASK_WORDS];
                    m.fill(0);
                    let rows = Rows::new(start, finish, w);
                    self.tight_link(j, l, d, rows, acc, m);
                }
            }
            self.place(j, d, acc, start, finish, w);
        }
        // The largest finish is always a candidate's (see `end_candidates`).
        for &j in &self.end_candidates {
            max_into(makespan, &finish[j * w..j * w + len], 0.0);
        }
    }

    /// Task `j`'s earliest starts (before its calendar) over `acc.len()` iterations, with
    /// durations `d`, from its release time and its links, its predecessors' times read from
    /// `rows`.
    #[inline]
    fn earliest(&self, j: usize, d: &[f64], rows: Rows<'_>, acc: &mut [f64]) {
        acc.fill(self.net.release_time(j));
        for l in self.net.preds(j) {
            self.raise(j, l, d, rows, acc);
        }
    }

    /// Raises `acc` to the bound that link `l` into task `j` puts on its start, as
    /// [`Ctx::earliest`].
    #[inline]
    fn raise(&self, j: usize, l: &crate::network::Arc, d: &[f64], rows: Rows<'_>, acc: &mut [f64]) {
        let (p, len, w) = (l.other, acc.len(), rows.w);
        let (pf, ps) = (
            &rows.finish[p * w..p * w + len],
            &rows.start[p * w..p * w + len],
        );
        if self.net.constant_calendar(j) {
            link::raise_earliest(l.kind, l.lag, Plain, d, ps, pf, acc);
        } else {
            link::raise_earliest(l.kind, l.lag, self.net.calendar(j), d, ps, pf, acc);
        }
    }

    /// Sets a bit per iteration in `bits`: whether the bound that link `l` into task `j` puts
    /// on its start reaches `earliest`, its earliest starts (the link is tight, see
    /// [`Ctx::mark_moves`]).
    fn tight_link(
        &self,
        j: usize,
        l: &crate::network::Arc,
        d: &[f64],
        rows: Rows<'_>,
        earliest: &[f64],
        bits: &mut [u64],
    ) {
        let mut bound = [f64::NEG_INFINITY; BATCH];
        let bound = &mut bound[..earliest.len()];
        self.raise(j, l, d, rows, bound);
        pack_bits(earliest.len(), bits, |i| reaches(bound[i], earliest[i]));
    }

    /// Writes task `j`'s starts and finishes (rows of `w`) from its earliest starts `acc` and
    /// durations `d`, on its calendar.
    #[inline]
    fn place(
        &self,
        j: usize,
        d: &[f64],
        acc: &[f64],
        start: &mut [f64],
        finish: &mut [f64],
        w: usize,
    ) {
        let len = acc.len();
        let (st, fi) = (
            &mut start[j * w..j * w + len],
            &mut finish[j * w..j * w + len],
        );
        if self.net.constant_calendar(j) {
            st.copy_from_slice(acc);
            for ((f, &a), &dd) in fi.iter_mut().zip(acc).zip(d) {
                *f = a + dd;
            }
        } else {
            let cal = self.net.calendar(j);
            for i in 0..len {
                let (a, f) = cal.advance(acc[i], d[i]);
                st[i] = a;
                fi[i] = f;
            }
        }
    }

    /// The critical-path backward pass over chunk `c` of a batch (mirrors
    /// [`crate::graph::backward_pass`] with the iteration's makespan, `makespan` being the
    /// chunk's, as deadline): counts, per task, the iterations in which its total
    /// slack is below [`CRITICAL_EPS`].
    fn backward(&self, s: &mut Scratch, c: Chunk, makespan: &[f64], crit: &mut [u32]) {
        let Scratch {
            dur,
            width,
            start,
            fb,
            sb,
            fb_set,
            sb_set,
            ..
        } = s;
        // A task's finish bound starts at the makespan and its start bound at infinity; rows
        // are only written once a successor sets them (`fb_set`, `sb_set`).
        fb_set.fill(false);
        sb_set.fill(false);
        let (len, w) = (c.len, *width);
        let mut ls = [0.0f64; BATCH];
        let mut lf = [0.0f64; BATCH];
        let (ls, lf) = (&mut ls[..len], &mut lf[..len]);
        let net = self.net;
        for &j in net.topological_order().iter().rev() {
            let d = &dur[j * BATCH + c.lo..j * BATCH + c.lo + len];
            let es = &start[j * w..j * w + len];
            let fbj = if fb_set[j] {
                &fb[j * w..j * w + len]
            } else {
                makespan
            };
            let sbj = sb_set[j].then(|| &sb[j * w..j * w + len]);
            let mut count = 0u32;
            if net.constant_calendar(j) {
                match sbj {
                    Some(sbj) => {
                        for (((l, &f), &b), &dd) in ls.iter_mut().zip(fbj).zip(sbj).zip(d) {
                            *l = Plain.latest_start(f, b, dd);
                        }
                    }
                    None => {
                        for ((l, &f), &dd) in ls.iter_mut().zip(fbj).zip(d) {
                            *l = Plain.start_for_finish(f, dd);
                        }
                    }
                }
                if self.finish_links[j] {
                    for ((f, &l), &dd) in lf.iter_mut().zip(ls.iter()).zip(d) {
                        *f = Plain.worked_finish(l, dd);
                    }
                }
                // (l - e).max(0) < eps, eps > 0.
                count = ls
                    .iter()
                    .zip(es)
                    .map(|(&l, &e)| u32::from(l - e < CRITICAL_EPS))
                    .sum();
            } else {
                let cal = net.calendar(j);
                for i in 0..len {
                    let b = sbj.map_or(f64::INFINITY, |sbj| sbj[i]);
                    let l = cal.latest_start(fbj[i], b, d[i]);
                    ls[i] = l;
                    lf[i] = cal.worked_finish(l, d[i]);
                    count += u32::from(l - es[i] < CRITICAL_EPS);
                }
            }
            crit[j] += count;
            for l in net.preds(j) {
                let p = l.other;
                let (end, bounds) = link::latest_rows(l.kind, l.lag, ls, lf);
                let (dst, set) = match end {
                    End::Finish => (&mut fb[p * w..p * w + len], &mut fb_set[p]),
                    End::Start => (&mut sb[p * w..p * w + len], &mut sb_set[p]),
                };
                if !*set {
                    // First bound: against the initial value (the makespan, or infinity).
                    *set = true;
                    match end {
                        End::Finish => {
                            for ((dv, v), &m) in dst.iter_mut().zip(bounds).zip(makespan) {
                                *dv = if v < m { v } else { m };
                            }
                        }
                        End::Start => {
                            for (dv, v) in dst.iter_mut().zip(bounds) {
                                *dv = v;
                            }
                        }
                    }
                } else {
                    for (dv, v) in dst.iter_mut().zip(bounds) {
                        *dv = if v < *dv { v } else { *dv };
                    }
                }
            }
        }
    }

    /// Resource-aware scheduling of every iteration of chunk `c` of the batch; criticality is
    /// zero slack on the levelled network, as [`crate::dispatch::schedule`] computes it.
    #[allow(clippy::too_many_arguments)]
    fn resource(
        &self,
        problem: &Problem,
        order: &[usize],
        s: &mut Scratch,
        c: Chunk,
        out: &mut BatchOut,
        deferred: &dyn Fn(usize) -> bool,
        eager: Option<&Eager>,
    ) {
        let (n, w) = (self.n, s.width);
        let mut sgs = s.sgs.take().expect("resource mode has a scheme");
        for i in c.lanes() {
            for j in 0..n {
                s.d1[j] = s.dur[j * BATCH + i];
            }
            sgs.run(problem, &s.d1, order, &mut s.s1, &mut s.f1);
            let makespan = s.f1.iter().copied().fold(0.0, f64::max);
            out.makespan[i] = makespan;
            let indexed = resource_links(
                self,
                &sgs,
                &s.f1,
                &mut s.by_finish,
                &mut s.link_start,
                &mut s.link_from,
            );
            self.levelled_backward(s, order, makespan);
            if self.risk_effects {
                self.chain_counts(&sgs, s, i, makespan, indexed, deferred);
            }
            // Only the finishes are read after this (readiness, deadlines).
            for j in 0..n {
                s.finish[j * w + i - c.lo] = s.f1[j];
                out.crit[j] += u32::from(s.fb1[j] - s.s1[j] < CRITICAL_EPS);
            }
            if self.risk_effects {
                // The risks that fired, except those left to `rerun_needed`.
                let fired = |r: &usize| s.fired[r * BATCH + i] && !deferred(*r);
                let risks: Vec<usize> = (0..self.risks.len()).filter(fired).collect();
                let len = out.len;
                self.retime_without(problem, &sgs, s, i, &risks, &mut |r, v| {
                    out.without[r].set(i, len, v);
                });
                if let Some(e) = eager {
                    self.retime_early(problem, &sgs, s, i, e, out);
                }
            }
        }
        s.sgs = Some(sgs);
    }

    /// Critical-path mode, chunk `c` in the first pass: in each iteration that `eager` takes,
    /// its pruned risks that fired and may move a value (`s.chain_tasks`) are re-run now, into
    /// `out.eager_iters`/`eager_vals`, for `rerun_needed` to use instead of drawing and
    /// timing the batch again.
    fn rerun_early(&self, s: &mut Scratch, c: Chunk, eager: &Eager, out: &mut BatchOut) {
        let width = 1 + self.release_tasks.len();
        // Each re-run, and where its values go in `eager_vals`.
        let (mut pairs, mut dest) = (Vec::new(), Vec::new());
        for i in c.lanes() {
            let own = out.values(i);
            let at = out.eager_vals.len();
            let drop = |r: usize| {
                let at = r * BATCH + i;
                self.risks[r].drop(s.impact[at], s.chain_tasks[at])
            };
            let before = pairs.len();
            for (kk, &r) in eager.pruned.iter().enumerate() {
                if s.chain_tasks[r * BATCH + i] > 0 && eager.takes(kk, &own, |_| drop(r)) {
                    pairs.push((i, r));
                    dest.push(at + kk * width);
                }
            }
            if pairs.len() > before {
                out.eager_iters.push(i as u32);
                out.eager_vals
                    .resize(at + eager.pruned.len() * width, f64::NAN);
            }
        }
        let vals = &mut out.eager_vals;
        self.rerun_pairs(s, c, &pairs, &mut |k, v| {
            vals[dest[k]..dest[k] + width].copy_from_slice(v);
        });
    }

    /// Resource mode, iteration `i` of the batch in the first pass: the pruned risks that
    /// fired and that `eager` takes are re-timed now, into `out.eager_iters`/`eager_vals`,
    /// for `rerun_needed` to use instead of scheduling the iteration again.
    fn retime_early(
        &self,
        problem: &Problem,
        sgs: &Sgs,
        s: &mut Scratch,
        i: usize,
        eager: &Eager,
        out: &mut BatchOut,
    ) {
        let on = |r: usize| s.chain_tasks[r * BATCH + i];
        if !eager.pruned.iter().any(|&r| on(r) > 0) {
            return;
        }
        let nq = self.quantities();
        let drop = |r: usize, q: usize| {
            let on = s.chain_q[(r * nq + q) * BATCH + i];
            self.risks[r].drop(s.impact[r * BATCH + i], on)
        };
        let (own, f1) = (out.makespan[i], &s.f1);
        let quantity = |q: usize| {
            if q == 0 {
                own
            } else {
                ready_of(&self.release_tasks[q - 1], |j| (0.0, f1[j]))
            }
        };
        let own: Vec<f64> = (0..nq).map(quantity).collect();
        // The places in `eager.pruned` of the risks that may move a value and that the
        // estimate takes; the others are timed again in the second pass should it need them.
        let slots: Vec<usize> = (0..eager.pruned.len())
            .filter(|&kk| {
                let r = eager.pruned[kk];
                on(r) > 0 && eager.takes(kk, &own, |q| drop(r, q))
            })
            .collect();
        if slots.is_empty() {
            return;
        }
        let fired: Vec<usize> = slots.iter().map(|&kk| eager.pruned[kk]).collect();
        let at = out.eager_vals.len();
        out.eager_iters.push(i as u32);
        out.eager_vals
            .resize(at + eager.pruned.len() * nq, f64::NAN);
        let vals = &mut out.eager_vals[at..];
        // `put` comes in the order of `fired`.
        let mut slot = slots.into_iter();
        self.retime_without(problem, sgs, s, i, &fired, &mut |_, v| {
            let kk = slot.next().expect("one value per risk");
            vals[kk * nq..(kk + 1) * nq].copy_from_slice(v);
        });
    }

    /// Resource mode, iteration `i` of the batch (scheduled into `s.s1`/`s.f1` by `sgs`, whose
    /// finish is `makespan`; `indexed` when `s.by_finish` indexes `s.f1`): for each
    /// `deferred` risk that fired, how many of its tasks are on the tight chains of each
    /// quantity, into `s.chain_q` ([`Ctx::mark_levelled`]; all of them when a calendar is not
    /// constant), and the most of those, into `s.chain_tasks`; 0 where it did not fire.
    fn chain_counts(
        &self,
        sgs: &Sgs,
        s: &mut Scratch,
        i: usize,
        makespan: f64,
        indexed: bool,
        deferred: &dyn Fn(usize) -> bool,
    ) {
        let risks: Vec<usize> = (0..self.risks.len())
            .filter(|&r| deferred(r) && s.fired[r * BATCH + i])
            .collect();
        let nq = self.quantities();
        for r in (0..self.risks.len()).filter(|&r| deferred(r)) {
            s.chain_tasks[r * BATCH + i] = 0;
            for q in 0..nq {
                s.chain_q[(r * nq + q) * BATCH + i] = 0;
            }
        }
        if risks.is_empty() {
            return;
        }
        let mut indexed = indexed;
        for q in 0..nq {
            if self.plain {
                indexed = self.mark_levelled(sgs, s, q, makespan, indexed);
            }
            for &r in &risks {
                let tasks = &self.risks[r].tasks;
                let on = if self.plain {
                    tasks.iter().filter(|&&j| s.marked[j]).count() as u32
                } else {
                    tasks.len() as u32
                };
                s.chain_q[(r * nq + q) * BATCH + i] = on;
                let all = &mut s.chain_tasks[r * BATCH + i];
                *all = (*all).max(on);
            }
        }
    }

    /// Resource mode on constant calendars: marks in `s.marked` the tasks on a tight chain of
    /// quantity `q` (0 the finish, `1 + k` release `k`'s readiness) in the schedule in
    /// `s.s1`/`s.f1` (durations `s.d1`) that `sgs` made, whose finish is `makespan`
    /// (`indexed` when `s.by_finish` indexes `s.f1`; returns whether it does after).
    ///
    /// The chains: each task whose finish reaches the quantity and counts in it, and,
    /// recursively, for a task on one that started where its links allowed, each predecessor
    /// whose link bound reaches its start; for one that started later, each task sharing one
    /// of its teams that finished exactly when it started. [`Handoffs`]
    /// re-times the schedule on its links and on hand-offs of capacity: a task started later
    /// than its links allowed took a unit from a task (of one of its teams) finishing exactly
    /// then, or keeps a fixed bound. So every task on a chain has, among the bounds its start
    /// is the largest of, one from a task on a chain or a fixed one; each value is the length
    /// of such a path, and without a pruned risk (no time later: finish-to-start and
    /// start-to-start links only, durations no longer) it is shorter at most by the risk's
    /// impacts on the tasks of the path, all on a chain. Where none of its tasks is, every
    /// value keeps its bits. Link bounds within a relative 1e-9 count as reaching, so that
    /// rounding can only add tasks to the chains.
    fn mark_levelled(
        &self,
        sgs: &Sgs,
        s: &mut Scratch,
        q: usize,
        makespan: f64,
        indexed: bool,
    ) -> bool {
        let Scratch {
            d1,
            s1,
            f1,
            marked,
            stack,
            by_finish,
            ..
        } = s;
        marked.fill(false);
        stack.clear();
        let mark = |j: usize, marked: &mut Vec<bool>, stack: &mut Vec<u32>| {
            if !marked[j] {
                marked[j] = true;
                stack.push(j as u32);
            }
        };
        let (tasks, value) = if q == 0 {
            (&self.end_candidates, makespan)
        } else {
            let tasks = &self.release_tasks[q - 1];
            (tasks, ready_of(tasks, |j| (0.0, f1[j])))
        };
        for &j in tasks {
            if reaches(f1[j], value) {
                mark(j, marked, stack);
            }
        }
        let prec = sgs.precedence_starts();
        let mut indexed = indexed;
        while let Some(j) = stack.pop() {
            let j = j as usize;
            let at = s1[j];
            if at <= prec[j] {
                for l in self.net.preds(j) {
                    let p = l.other;
                    let b = link::earliest_start(l.kind, l.lag, Plain, d1[j], s1[p], f1[p]);
                    if reaches(b, at) {
                        mark(p, marked, stack);
                    }
                }
                continue;
            }
            if !indexed {
                by_finish.build(f1);
                indexed = true;
            }
            by_finish.sharing_at(self.net, f1, j, at, |h| mark(h, marked, stack));
        }
        indexed
    }

    /// Resource mode: the makespan and release readiness of iteration `i` of the batch without
    /// each of `risks` (each fired in it), given to `put` in the order of `risks` (the risk,
    /// then the finish and each release's readiness): the iteration's schedule (in `s.s1`,
    /// `s.f1`, with durations `s.d1`) re-timed on its links and hand-offs
    /// of team capacity without the risk's delays ([`Handoffs`]).
    #[inline(never)]
    fn retime_without(
        &self,
        problem: &Problem,
        sgs: &Sgs,
        s: &mut Scratch,
        i: usize,
        risks: &[usize],
        put: &mut dyn FnMut(usize, &[f64]),
    ) {
        if risks.is_empty() {
            return;
        }
        // The iteration's finish (a pass over the tasks, once per iteration).
        let own = s.f1.iter().copied().fold(0.0, f64::max);
        let mut values = vec![0.0; 1 + self.release_tasks.len()];
        let Scratch {
            base,
            d1,
            s1,
            f1,
            fired,
            impact,
            handoffs,
            ..
        } = s;
        handoffs.build(problem, sgs, d1, s1, f1);
        for &r in risks {
            let risk = &self.risks[r];
            debug_assert!(fired[r * BATCH + i]);
            let without = |j: usize| {
                if risk.tasks.contains(&j) {
                    let b = base[self.base_row[j] * BATCH + i];
                    self.duration_without(j, i, b, fired, impact, r)
                } else {
                    d1[j]
                }
            };
            handoffs.retime(problem, s1, f1, &risk.tasks, without);
            let at = |j: usize| handoffs.times(j);
            values[0] = if handoffs.moved().iter().any(|&j| self.is_end[j]) {
                ready_of(&self.end_candidates, at)
            } else {
                own
            };
            for (q, tasks) in self.release_tasks.iter().enumerate() {
                values[1 + q] = ready_of(tasks, at);
            }
            put(r, &values);
            handoffs.clear(s1, f1);
        }
    }

    /// The backward pass of [`crate::graph::backward_pass`] over the plan's links plus the resource
    /// links in `s.link_start`/`s.link_from`, for the iteration in `s.d1`/`s.s1`, taken in the
    /// reverse of the priority list, with `deadline` the iteration's makespan. Leaves each
    /// task's latest start in `s.fb1` (and uses `s.sb1` as scratch). Plain calendars skip the
    /// calendar arithmetic, which is the identity on them.
    fn levelled_backward(&self, s: &mut Scratch, order: &[usize], deadline: f64) {
        let Scratch {
            d1,
            fb1,
            sb1,
            link_start,
            link_from,
            ..
        } = s;
        fb1.fill(deadline);
        sb1.fill(f64::INFINITY);
        let net = self.net;
        for &j in order.iter().rev() {
            let d = d1[j];
            let (ls, lf_worked) = if net.constant_calendar(j) {
                let ls = Plain.latest_start(fb1[j], sb1[j], d);
                (ls, Plain.worked_finish(ls, d))
            } else {
                let cal = net.calendar(j);
                let ls = cal.latest_start(fb1[j], sb1[j], d);
                (ls, cal.worked_finish(ls, d))
            };
            for l in net.preds(j) {
                let p = l.other;
                match link::latest(l.kind, l.lag, ls, lf_worked) {
                    (End::Finish, b) => fb1[p] = fb1[p].min(b),
                    (End::Start, b) => sb1[p] = sb1[p].min(b),
                }
            }
            for &i in &link_from[link_start[j]..link_start[j + 1]] {
                let i = i as usize;
                fb1[i] = fb1[i].min(ls);
            }
            // Every bound on `j` is final once it is visited: keep its latest start.
            fb1[j] = ls;
        }
    }

    /// Critical-path mode, chunk `c` (timed): re-runs each `(i, r)` of `pairs`, iteration `i`
    /// of the batch without risk `r` (which fired in it), and gives `put` its place in
    /// `pairs` and its values without the risk: the finish, then each release's readiness.
    ///
    /// Up to [`RERUN_LANES`] pairs are timed together, one lane each, as the forward pass
    /// times a chunk, ordered by where their risks' tasks begin in the topological order
    /// (`risk_first`) so that a group begins late when its risks do. The tasks before the
    /// group's first risk task keep the iteration's times (copied); the others go through
    /// the forward pass's arithmetic (the same operations in the same order) with the
    /// risk's impacts left out of its tasks' durations, so every value has the bits of a
    /// whole pass without the risk.
    fn rerun_pairs(
        &self,
        s: &mut Scratch,
        c: Chunk,
        pairs: &[(usize, usize)],
        put: &mut dyn FnMut(usize, &[f64]),
    ) {
        let Scratch {
            acc,
            base,
            dur,
            width,
            start,
            finish,
            fired,
            impact,
            vd,
            vs,
            vf,
            ..
        } = s;
        let (w, topo) = (*width, self.net.topological_order());
        let topo_pos = self.net.topological_positions();
        let mut order: Vec<usize> = (0..pairs.len()).collect();
        order.sort_by_key(|&k| (self.risk_first[pairs[k].1], k));
        let nrel = self.release_tasks.len();
        let most = rerun_lanes(w);
        let mut vals = vec![0.0; (1 + nrel) * most];
        let mut v = vec![0.0; 1 + nrel];
        for group in order.chunks(most) {
            let g = group.len();
            let lanes: Vec<usize> = group.iter().map(|&k| pairs[k].0).collect();
            debug_assert!(lanes.iter().all(|&i| c.lanes().contains(&i)));
            let lo = self.risk_first[pairs[group[0]].1];
            // The tasks before `lo` that a re-run reads: from `reads_from[lo]` on (and the
            // finishes the values take, below).
            let from = self.reads_from[lo];
            for &j in &topo[from..lo] {
                for (e, &i) in lanes.iter().enumerate() {
                    vs[j * g + e] = start[j * w + i - c.lo];
                    vf[j * g + e] = finish[j * w + i - c.lo];
                }
            }
            for &j in &topo[lo..] {
                for (e, &i) in lanes.iter().enumerate() {
                    vd[j * g + e] = dur[j * BATCH + i];
                }
            }
            for (e, &k) in group.iter().enumerate() {
                let (i, r) = pairs[k];
                debug_assert!(fired[r * BATCH + i]);
                for &j in &self.risks[r].tasks {
                    let b = base[self.base_row[j] * BATCH + i];
                    vd[j * g + e] = self.duration_without(j, i, b, fired, impact, r);
                }
            }
            let acc = &mut acc[..g];
            for &j in &topo[lo..] {
                let d = &vd[j * g..(j + 1) * g];
                self.earliest(j, d, Rows::new(vs, vf, g), acc);
                self.place(j, d, acc, vs, vf, g);
            }
            // As the forward pass takes the finish and `run_chunk` each readiness.
            let sets = std::iter::once(&self.end_candidates).chain(&self.release_tasks);
            for (q, tasks) in sets.enumerate() {
                let out = &mut vals[q * g..(q + 1) * g];
                out.fill(0.0);
                for &j in tasks {
                    let row = &mut vf[j * g..(j + 1) * g];
                    if topo_pos[j] < from {
                        for (x, &i) in row.iter_mut().zip(&lanes) {
                            *x = finish[j * w + i - c.lo];
                        }
                    }
                    max_into(out, row, 0.0);
                }
            }
            for (e, &k) in group.iter().enumerate() {
                for (q, x) in v.iter_mut().enumerate() {
                    *x = vals[q * g + e];
                }
                put(k, &v);
            }
        }
    }

    /// Samples batch `b` only (no scheduling) and returns its durations, iteration-major.
    pub(crate) fn sample_only(&self, s: &mut Scratch, b: usize, len: usize) -> Vec<Vec<f64>> {
        let mut out = BatchOut::empty(len, self);
        self.sample(s, b, len, &mut out);
        (0..len)
            .map(|i| (0..self.n).map(|j| s.dur[j * BATCH + i]).collect())
            .collect()
    }
}

/// The tasks of one schedule by finish time: a hash table of chains, each chain in increasing
/// task order. Built in linear time, without sorting.
#[derive(Debug, Clone, Default)]
pub(crate) struct FinishIndex {
    heads: Vec<u32>,
    chain: Vec<u32>,
    shift: u32,
}

impl FinishIndex {
    const NONE: u32 = u32::MAX;

    fn bucket(&self, x: f64) -> usize {
        // -0.0 and 0.0 are equal times: one key for both.
        let bits = (x + 0.0).to_bits();
        (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    fn build(&mut self, finish: &[f64]) {
        let size = (2 * finish.len()).next_power_of_two().max(2);
        self.shift = 64 - size.trailing_zeros();
        self.heads.clear();
        self.heads.resize(size, Self::NONE);
        self.chain.clear();
        self.chain.resize(finish.len(), Self::NONE);
        for (i, &f) in finish.iter().enumerate().rev() {
            let h = self.bucket(f);
            self.chain[i] = self.heads[h];
            self.heads[h] = i as u32;
        }
    }

    /// The first task whose finish may be `at`: with [`FinishIndex::next`], every one that is
    /// and others of its bucket.
    fn first(&self, at: f64) -> u32 {
        self.heads[self.bucket(at)]
    }

    /// The task after `i` in its bucket ([`FinishIndex::NONE`] after the last).
    fn next(&self, i: usize) -> u32 {
        self.chain[i]
    }

    /// Calls `f` with each task other than `j` that shares one of its teams in `net` and
    /// whose finish (in `finish`, the times indexed) is exactly `at`.
    fn sharing_at(
        &self,
        net: &Network,
        finish: &[f64],
        j: usize,
        at: f64,
        mut f: impl FnMut(usize),
    ) {
        let tj = net.demands(j);
        let mut next = self.first(at);
        while next != Self::NONE {
            let i = next as usize;
            next = self.next(i);
            let shares = || (net.demands(i).iter()).any(|a| tj.iter().any(|b| b.team == a.team));
            if finish[i] == at && i != j && shares() {
                f(i);
            }
        }
    }
}

/// The resource links of the last scheme run, as [`crate::schedule::resource_links`] defines
/// them: `(i, j)` when `j` was placed later than its links allowed and `i`, placed before it and
/// sharing one of its teams, finished exactly when `j` was placed. Found through the tasks
/// indexed by finish rather than by comparing every pair; returns whether `by_finish` was
/// built (for `finish`).
fn resource_links(
    ctx: &Ctx<'_>,
    sgs: &Sgs,
    finish: &[f64],
    by_finish: &mut FinishIndex,
    link_start: &mut Vec<usize>,
    link_from: &mut Vec<u32>,
) -> bool {
    link_start.clear();
    link_from.clear();
    let (placed, prec) = (sgs.placed_at(), sgs.precedence_starts());
    let mut indexed = false;
    for j in 0..ctx.n {
        link_start.push(link_from.len());
        let at = placed[j];
        if at <= prec[j] {
            continue;
        }
        if !indexed {
            by_finish.build(finish);
            indexed = true;
        }
        by_finish.sharing_at(ctx.net, finish, j, at, |i| {
            if ctx.rank[i] < ctx.rank[j] {
                link_from.push(i as u32);
            }
        });
    }
    link_start.push(link_from.len());
    indexed
}

/// Each risk-affected task's row in [`Scratch`]'s `base` (`usize::MAX` for the others), and
/// their number.
fn base_rows(risk_task: &[bool]) -> (Vec<usize>, usize) {
    let mut rows = 0;
    let row = risk_task
        .iter()
        .map(|&r| {
            rows += usize::from(r);
            if r {
                rows - 1
            } else {
                usize::MAX
            }
        })
        .collect();
    (row, rows)
}

/// Appends the 8-bit keys `floor(u * 256)` of a column of uniforms in (0, 1), as key row
/// `k` (the rows are written in order).
#[inline]
fn push_keys(keys: &mut Vec<u8>, k: usize, u: &[f64]) {
    debug_assert_eq!(keys.len(), k * u.len(), "key rows are written in order");
    keys.extend(
        u.iter()
            .map(|&x| (split_cell(x * KEY_BINS as f64).0 & (KEY_BINS - 1)) as u8),
    );
}

/// `acc[i] = max(acc[i], x[i] + lag)`.
#[inline]
fn max_into(acc: &mut [f64], x: &[f64], lag: f64) {
    for (a, &v) in acc.iter_mut().zip(x) {
        let b = v + lag;
        // A select rather than a conditional store, so that it vectorises.
        *a = if b > *a { b } else { *a };
    }
}

/// The plan day on which a task (or a release, or the project) finishing at `finish` is done:
/// the day of its last working moment, `ceil(finish) - 1`, or for a zero-length task at
/// `finish` the day that ends at or holds it, which is the same day (day 0 at or before 0). So
/// it depends on the finish alone, as [`Timeline::finish_date`] and [`Timeline::moment_date`]
/// date them, and is monotone in it.
#[inline]
pub(crate) fn finish_day(finish: f64) -> i64 {
    (finish.ceil() as i64 - 1).max(0)
}

/// The largest finish of a set of tasks (0 with none), from `(start, finish)` by task.
#[inline]
fn ready_of(tasks: &[usize], at: impl Fn(usize) -> (f64, f64)) -> f64 {
    tasks.iter().map(|&j| at(j).1).fold(0.0, f64::max)
}

/// Scratch buffers of one worker.
pub(crate) struct Scratch {
    u: Vec<f64>,
    acc: Vec<f64>,
    eps: Vec<f64>,
    perm: Vec<u32>,
    /// The risk-affected tasks' durations before impacts, by `Ctx::base_row`, and every
    /// task's duration: `[row][iteration in batch]`.
    base: Vec<f64>,
    dur: Vec<f64>,
    /// Iterations per chunk: `start`, `finish`, `fb` and `sb` hold one chunk of the batch,
    /// task-major (`[task][iteration in chunk]`, rows of `width`), while the durations above
    /// hold the whole batch (rows of [`BATCH`]).
    width: usize,
    start: Vec<f64>,
    finish: Vec<f64>,
    fb: Vec<f64>,
    sb: Vec<f64>,
    fb_set: Vec<bool>,
    sb_set: Vec<bool>,
    fired: Vec<bool>,
    /// Per pruned risk and iteration of the batch (as `fired`): where it fired, how many of
    /// its tasks (counted as listed) are on a tight chain ([`Ctx::mark_moves`]; in resource
    /// mode the most on the chains of any one quantity, `chain_q`), 0 where it did not. It
    /// can move a value only where this is not 0, and by at most its impact that many times
    /// ([`RiskC::drop`]).
    chain_tasks: Vec<u32>,
    /// Resource mode, per pruned risk, quantity (the finish, then each release's readiness)
    /// and iteration of the batch: as `chain_tasks`, on the chains of that quantity alone
    /// (`chain_q[(r * quantities + q) * BATCH + i]`).
    chain_q: Vec<u32>,
    impact: Vec<f64>,
    sgs: Option<Sgs>,
    d1: Vec<f64>,
    s1: Vec<f64>,
    f1: Vec<f64>,
    /// Critical-path risk re-runs ([`Ctx::rerun_pairs`]): the durations, starts and finishes
    /// of those timed together, task-major (rows of as many as are timed).
    vd: Vec<f64>,
    vs: Vec<f64>,
    vf: Vec<f64>,
    /// Critical-path mode with deferred risks, per link into a task (`Ctx::pred_off`) and
    /// iteration of the chunk, one bit each: whether its bound reaches the task's earliest
    /// start (before calendars), from [`Ctx::forward`], for the tasks not on a plain calendar;
    /// empty when not asked for.
    link_mask: Vec<u64>,
    /// Per task and iteration of the chunk, one bit each: whether it is on a tight chain
    /// ([`Ctx::mark_moves`]).
    on_chain: Vec<u64>,
    /// The tasks by finish time, for the resource links.
    by_finish: FinishIndex,
    /// Resource links of the current iteration, by successor (CSR).
    link_start: Vec<usize>,
    link_from: Vec<u32>,
    /// The levelled backward pass's finish bounds (then latest starts) and start bounds.
    fb1: Vec<f64>,
    sb1: Vec<f64>,
    /// Resource mode, per task: whether it is on a tight chain of the current iteration
    /// ([`Ctx::mark_levelled`]), and the tasks still to visit.
    marked: Vec<bool>,
    stack: Vec<u32>,
    /// Resource mode: the current iteration's hand-offs of team capacity, on which its risks'
    /// effects are measured.
    handoffs: Handoffs,
}

/// Start and finish times of tasks over some iterations, task-major (rows of `w`), as the
/// passes read their predecessors'.
#[derive(Clone, Copy)]
struct Rows<'r> {
    start: &'r [f64],
    finish: &'r [f64],
    w: usize,
}

impl<'r> Rows<'r> {
    fn new(start: &'r [f64], finish: &'r [f64], w: usize) -> Self {
        Rows { start, finish, w }
    }
}

/// Results of one batch re-run without one risk.
pub(crate) struct Without {
    pub(crate) makespan: Vec<f64>,
    /// Release-major: `ready[r * len + i]`.
    pub(crate) ready: Vec<f64>,
}

impl Without {
    /// Iteration `i` of a batch of `len`: its finish `v[0]`, then each release's readiness.
    fn set(&mut self, i: usize, len: usize, v: &[f64]) {
        self.makespan[i] = v[0];
        for (q, &x) in v[1..].iter().enumerate() {
            self.ready[q * len + i] = x;
        }
    }
}

/// Results of one batch.
pub(crate) struct BatchOut {
    pub(crate) len: usize,
    pub(crate) makespan: Vec<f64>,
    /// Release-major: `ready[r * len + i]`, the largest finish of the release's tasks.
    pub(crate) ready: Vec<f64>,
    /// Per task: iterations in which it was critical.
    pub(crate) crit: Vec<u32>,
    /// Per risk: iterations in which it fired.
    pub(crate) fired: Vec<u32>,
    /// Per `Slot::Key` task `k`: `keys[k * len + i]`, the duration's 8-bit uniform key.
    pub(crate) keys: Vec<u8>,
    /// Per `Slot::Dur` task `k`: `durs[k * len + i]`, the duration.
    pub(crate) durs: Vec<f32>,
    /// Per task: iterations in which it finished by its `due` date (0 without one).
    pub(crate) due: Vec<u32>,
    /// Per risk: the batch without it.
    pub(crate) without: Vec<Without>,
    /// Per pruned risk ([`RiskC::pruned`], in risk order): `fired_lanes[k * len + i]`, whether
    /// it fired in iteration `i`.
    pub(crate) fired_lanes: Vec<bool>,
    /// Per pruned risk and quantity (`drop_cols`), as `fired_lanes`: how much lower, at most,
    /// the finish or readiness is without it in that iteration (its drawn impact times the number of its tasks on
    /// constant calendars, else infinite; see [`RiskC`]'s `max_drop`).
    pub(crate) drops: Vec<f64>,
    /// How many quantities `drops` has a column for, per pruned risk: quantity `q` (the
    /// finish, then each release's readiness) at `drops[(k * drop_cols + q) * len + i]`.
    /// One, shared by every quantity, in critical-path mode; each its own in resource mode.
    pub(crate) drop_cols: usize,
    /// The iterations whose pruned risks were re-timed (critical path: re-run) in the first
    /// pass already ([`Eager`]), in increasing order, and for each, per pruned risk (in
    /// `Ctx::pruned_risks` order), its finish then each release's readiness without the risk
    /// (NaN where the risk did not fire or cannot move a value, and in resource mode where
    /// [`Eager`] did not take it).
    pub(crate) eager_iters: Vec<u32>,
    pub(crate) eager_vals: Vec<f64>,
}

/// Which iterations re-time (critical path: re-run) their pruned risks in the first pass,
/// while their schedule is at hand, rather than drawing and timing them again in the second.
/// Estimated from the first batches with the second pass's own bounds (see `rerun_pruned` in
/// the module; widened in critical-path mode, where one iteration missed costs its whole
/// batch again): an iteration is re-timed early when, for some quantity (the finish, then
/// each release's readiness), its value `v` is at least `lo` and `v` less its largest drop at
/// most `hi`. Only speed depends on it: a value re-timed early is the one the second pass
/// would compute (the same times, re-timed the same way); an iteration it misses is timed
/// again there, one it takes needlessly costs a re-timing.
#[derive(Debug, Clone)]
pub(crate) struct Eager {
    /// The pruned risks, as `Ctx::pruned_risks` lists them.
    pub(crate) pruned: Vec<usize>,
    /// Per pruned risk (in `pruned` order), per quantity.
    pub(crate) lo: Vec<Vec<f64>>,
    /// Per quantity.
    pub(crate) hi: Vec<f64>,
}

impl Eager {
    /// Whether pruned risk `kk` (in `pruned` order), in an iteration whose values (finish,
    /// then each release's readiness) are `v` and which it can lower by `drop` at most, is
    /// re-timed early.
    fn takes(&self, kk: usize, v: &[f64], drop: impl Fn(usize) -> f64) -> bool {
        let lo = &self.lo[kk];
        (0..lo.len()).any(|q| v[q] >= lo[q] && v[q] - drop(q) <= self.hi[q])
    }
}

impl BatchOut {
    /// Iteration `i`'s finish, then each release's readiness.
    fn values(&self, i: usize) -> Vec<f64> {
        let nrel = self.ready.len() / self.len;
        std::iter::once(self.makespan[i])
            .chain((0..nrel).map(|q| self.ready[q * self.len + i]))
            .collect()
    }

    /// A batch's results before anything is drawn.
    fn empty(len: usize, ctx: &Ctx<'_>) -> BatchOut {
        BatchOut {
            len,
            makespan: vec![0.0; len],
            ready: vec![0.0; ctx.release_tasks.len() * len],
            crit: vec![0; ctx.n],
            fired: vec![0; ctx.risks.len()],
            keys: Vec::with_capacity(ctx.n_keys * len),
            durs: vec![0.0; ctx.n_durs * len],
            due: vec![0; ctx.n],
            without: Vec::new(),
            fired_lanes: Vec::new(),
            drops: Vec::new(),
            drop_cols: if ctx.resource_aware() {
                ctx.quantities()
            } else {
                1
            },
            eager_iters: Vec::new(),
            eager_vals: Vec::new(),
        }
    }
}

/// Per task, whether it can finish last: not if a finish-to-start successor (lag >= 0) always
/// takes time, since such a successor finishes strictly later.
fn can_end(plan: &Plan, net: &Network) -> Vec<bool> {
    let progress = net.progress();
    let takes_time =
        |j: usize| plan.tasks[j].kind != TaskKind::Milestone && progress.work(j).min() > 0.0;
    let mut can = vec![true; net.len()];
    for s in 0..net.len() {
        for l in net.preds(s) {
            if link::holds_until_finished(l.kind, l.lag) && takes_time(s) {
                can[l.other] = false;
            }
        }
    }
    can
}

/// Per task, the risks of `risks` that delay it, in order, each with how many times it lists
/// the task ([`Ctx`]'s `task_risks`).
fn task_risks(risks: &[RiskC], n: usize) -> Vec<Vec<(usize, usize)>> {
    let mut out = vec![Vec::new(); n];
    for (r, risk) in risks.iter().enumerate() {
        for (e, &j) in risk.tasks.iter().enumerate() {
            if !risk.tasks[..e].contains(&j) {
                let times = risk.tasks.iter().filter(|&&t| t == j).count();
                out[j].push((r, times));
            }
        }
    }
    out
}

/// Per topological position `k` (and the task count), the first position a task at `k` or
/// later reads through a link, `k` at most ([`Ctx`]'s `reads_from`).
fn reads_from(net: &Network) -> Vec<usize> {
    let (n, topo_pos) = (net.len(), net.topological_positions());
    let mut out = vec![n; n + 1];
    for k in (0..n).rev() {
        let preds = net.preds(net.topological_order()[k]).iter();
        let first = preds.map(|l| topo_pos[l.other]).min().unwrap_or(k);
        out[k] = out[k + 1].min(first).min(k);
    }
    out
}

/// Per risk of `risks` and release of `releases`: whether one of the risk's tasks is one of
/// the release's or comes before one (through links of any kind).
fn risk_reach(
    net: &Network,
    risks: &[RiskC],
    releases: &[crate::model::Release],
) -> Vec<Vec<bool>> {
    let before: Vec<Vec<bool>> = releases
        .iter()
        .map(|release| {
            let mut seen = vec![false; net.len()];
            let mut stack = release.tasks.clone();
            while let Some(j) = stack.pop() {
                if !std::mem::replace(&mut seen[j], true) {
                    stack.extend(net.preds(j).iter().map(|l| l.other));
                }
            }
            seen
        })
        .collect();
    risks
        .iter()
        .map(|r| {
            before
                .iter()
                .map(|seen| r.tasks.iter().any(|&j| seen[j]))
                .collect()
        })
        .collect()
}

/// Where each task's links begin in one list of every link into a task, by task: task `j`'s
/// are `off[j]..off[j + 1]`, in the order of [`Network::preds`].
fn predecessor_offsets(net: &Network) -> Vec<usize> {
    std::iter::once(0)
        .chain((0..net.len()).scan(0, |at, j| {
            *at += net.preds(j).len();
            Some(*at)
        }))
        .collect()
}

/// The plan's risks compiled for `seed`, each on those of its tasks that take risks (not
/// milestones, nor done work: SPEC section 6), none pruned yet ([`mark_pruned`]); and per task
/// whether a risk delays it.
fn compile_risks(plan: &Plan, progress: &Progress, seed: u64) -> (Vec<RiskC>, Vec<bool>) {
    let mut risk_task = vec![false; plan.tasks.len()];
    let risks = plan
        .risks
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let tasks: Vec<usize> = r
                .tasks
                .iter()
                .copied()
                .filter(|&j| {
                    plan.tasks[j].kind != TaskKind::Milestone && progress.work(j).takes_risks()
                })
                .collect();
            for &j in &tasks {
                risk_task[j] = true;
            }
            RiskC {
                p: progress.risk_probability(i),
                impact: Sampler::new(&r.impact),
                tasks,
                key: stream_key(seed, id_key(Kind::Risk, &r.id)),
                pruned: false,
                max_drop: f64::INFINITY,
            }
        })
        .collect();
    (risks, risk_task)
}

/// Marks the risks whose re-runs can wait for every batch ([`RiskC::pruned`]: an impact
/// never negative, no finish link into their tasks) and bounds how much each can lower a
/// finish.
///
/// Why no time is later without such a risk, in critical-path mode: in topological order,
/// each task's earliest start is the largest of its release time and its links' bounds. A
/// start-type link (FS, SS) bounds it by a predecessor's time plus a lag; a finish-type link
/// (FF, SF) by the start from which the task's own duration is done by that time plus the
/// lag (`Axis::start_for_finish`). Every bound is non-decreasing in the predecessors' times,
/// and only a finish-type one depends on the task's duration, falling as it grows. Without
/// the risk its tasks are no longer, and none has a finish-type link, so every task's bounds,
/// by induction its start (`Axis::advance` is non-decreasing in the requested start and the
/// duration), and its finish are no later: a shorter duration lifts a finish-type bound only
/// on a task whose duration changes, which is what the condition rules out. (A task after
/// the risk with such a link keeps its duration, and its bound falls with its predecessor.)
///
/// On constant calendars every start and finish is a maximum over paths of sums of lags and
/// durations, each duration counted at most once per path (a task entered through a
/// finish-type link adds its duration with a minus sign, cancelled as the path leaves it
/// through its finish; a pruned risk's tasks are never entered so), so taking a risk's
/// impacts away lowers none by more than their sum. In resource mode the paths also run along the
/// iteration's hand-offs of team capacity ([`crate::schedule::Handoffs`]), which can reach any
/// task: no task of the plan may have a finish link, and the bound holds as well (a re-timed
/// task also starts no earlier than some fixed times, which are constant paths).
fn mark_pruned(
    risks: &mut [RiskC],
    plan: &Plan,
    plain: bool,
    finish_links: &[bool],
    mode: &Mode<'_>,
) {
    let any_finish_link = finish_links.contains(&true);
    for (risk, r) in risks.iter_mut().zip(&plan.risks) {
        let reaches = match mode {
            Mode::CriticalPath => risk.tasks.iter().any(|&j| finish_links[j]),
            Mode::Resource { .. } => any_finish_link,
        };
        risk.pruned = r.impact.min() >= 0.0 && !reaches;
        if risk.pruned && plain {
            risk.max_drop = risk.tasks.len() as f64 * r.impact.max();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Calendar, Estimate, Link, LinkKind, Release, Risk, Task, Team, TimeOff, When,
    };
    use crate::simulate::Options;

    /// A small deterministic generator for the test plans (xorshift64*).
    struct Gen(u64);

    impl Gen {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
        }
    }

    /// A random dated plan: three-point estimates, milestones, links of every type with whole
    /// and fractional lags (some negative), tasks on a weekday calendar with a holiday and on
    /// a calendar that works every day, releases of several tasks, and risks on one to three
    /// tasks (a task may be listed twice), some with an impact that can be negative.
    fn random_plan(seed: u64, n: usize) -> Plan {
        let mut g = Gen(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let teams = (0..2)
            .map(|k| {
                let mut team = Team::new(format!("team{k}"), 2);
                team.calendar = k;
                if k == 1 {
                    // Days when the whole team is away: its tasks are on a calendar of their
                    // own, not the plan's.
                    let day = |d| When::Date(chrono::NaiveDate::from_ymd_opt(2027, 1, d).unwrap());
                    team.time_off = [(6, 8), (20, 22)]
                        .map(|(from, to)| TimeOff {
                            from: day(from),
                            to: day(to),
                            capacity: 0,
                        })
                        .to_vec();
                }
                team
            })
            .collect();
        let kinds = [LinkKind::FS, LinkKind::SS, LinkKind::FF, LinkKind::SF];
        let lags = [0.0, 0.0, 0.0, 1.0, -1.0, 0.5, 2.0];
        let tasks = (0..n)
            .map(|j| {
                let low = 1.0 + g.below(4) as f64;
                let likely = low + g.below(4) as f64 + 0.25 * g.below(4) as f64;
                let high = likely + 1.0 + g.below(6) as f64;
                let estimate = match g.below(4) {
                    0 => Estimate::Triangular { low, likely, high },
                    1 => Estimate::Uniform { low, high },
                    _ => Estimate::Pert { low, likely, high },
                };
                let mut after: Vec<Link> = Vec::new();
                for _ in 0..g.below(4).min(j) {
                    let pred = j - 1 - g.below(j.min(8));
                    if after.iter().all(|l| l.pred != pred) {
                        let kind = kinds[g.below(4)];
                        after.push(Link::new(pred, kind, lags[g.below(lags.len())]));
                    }
                }
                let milestone = j > 0 && g.below(12) == 0;
                let team = g.below(2);
                let mut task = if milestone {
                    Task::milestone(format!("t{j}"))
                } else {
                    Task::new(format!("t{j}"), estimate)
                };
                task = task.on_team(team, 1);
                task.after = after;
                task
            })
            .collect();
        let risks = (0..5)
            .map(|r| {
                let impact = if r == 4 {
                    Estimate::Uniform {
                        low: -1.0,
                        high: 3.0,
                    }
                } else {
                    Estimate::Pert {
                        low: 0.5,
                        likely: 2.0,
                        high: 6.0,
                    }
                };
                let tasks = (0..1 + g.below(3)).map(|_| g.below(n)).collect();
                Risk::new(format!("risk{r}"), 0.2 + 0.1 * r as f64, impact, tasks)
            })
            .collect();
        let releases = (0..3)
            .map(|r| Release::new(format!("rel{r}"), (0..3).map(|_| g.below(n)).collect()))
            .collect();
        let mut plan = Plan::new("random");
        plan.start = chrono::NaiveDate::from_ymd_opt(2027, 1, 4);
        plan.calendars = vec![
            Calendar {
                id: "weekdays".into(),
                holidays: vec![chrono::NaiveDate::from_ymd_opt(2027, 1, 13).unwrap()],
                ..Calendar::standard()
            },
            Calendar {
                id: "always".into(),
                workdays: [true; 7],
                holidays: Vec::new(),
            },
        ];
        plan.teams = teams;
        plan.tasks = tasks;
        plan.risks = risks;
        plan.releases = releases;
        plan
    }

    /// Runs batch `b` of `len` iterations of `plan` in critical-path or resource mode.
    fn batch(plan: &Plan, resource: bool, b: usize, len: usize) -> BatchOut {
        let options = Options {
            seed: 11,
            ..Options::default()
        };
        let problem = Problem::new(plan);
        let own;
        let (net, mode) = if resource {
            let order = problem.priority_order();
            (
                problem.network(),
                Mode::Resource {
                    problem: &problem,
                    order,
                },
            )
        } else {
            own = Network::new(plan);
            (&own, Mode::CriticalPath)
        };
        let ctx = Ctx::new(plan, net, mode, &options, &mut Vec::new());
        ctx.run_batch(&mut ctx.scratch(), b, len, false, None)
    }

    /// Every result of a batch, as bits.
    fn bits(out: &BatchOut) -> Vec<u64> {
        let f = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
        let mut all = f(&out.makespan);
        all.extend(f(&out.ready));
        all.extend(
            out.crit
                .iter()
                .chain(&out.fired)
                .chain(&out.due)
                .map(|&x| u64::from(x)),
        );
        all.extend(out.keys.iter().map(|&x| u64::from(x)));
        all.extend(out.durs.iter().map(|x| u64::from(x.to_bits())));
        all.extend(out.fired_lanes.iter().map(|&x| u64::from(x)));
        all.extend(f(&out.drops));
        for w in &out.without {
            all.extend(f(&w.makespan));
            all.extend(f(&w.ready));
        }
        all
    }

    #[test]
    fn chunk_width_changes_no_bit() {
        // Timing a batch a chunk of iterations at a time (what very large plans do to bound
        // the scratch memory) must give what timing it whole gives, to the bit: the batch,
        // its risk re-runs, and the deferred re-runs of the pruned risks.
        assert_eq!(chunk_lanes(2_000), BATCH);
        assert_eq!(chunk_lanes(31_043), BATCH);
        assert_eq!(chunk_lanes(31_044), BATCH / 2);
        assert_eq!(chunk_lanes(50_000), 64);
        assert_eq!(chunk_lanes(100_000), 16);
        assert_eq!(chunk_lanes(usize::MAX), MIN_CHUNK);
        let options = Options {
            seed: 5,
            ..Options::default()
        };
        let (mut moved, mut eager_iters) = (0, [0, 0]);
        for seed in 0..8 {
            let mut plan = random_plan(seed, 40 + 9 * seed as usize);
            if seed % 2 == 0 {
                // Start links only: the risks are pruned in resource mode too.
                for t in &mut plan.tasks {
                    for l in &mut t.after {
                        if matches!(l.kind, LinkKind::FF | LinkKind::SF) {
                            l.kind = LinkKind::FS;
                        }
                    }
                }
            }
            let problem = Problem::new(&plan);
            let net = Network::new(&plan);
            for resource in [false, true] {
                let ctx = if resource {
                    let order = problem.priority_order();
                    let mode = Mode::Resource {
                        problem: &problem,
                        order,
                    };
                    Ctx::new(&plan, problem.network(), mode, &options, &mut Vec::new())
                } else {
                    Ctx::new(&plan, &net, Mode::CriticalPath, &options, &mut Vec::new())
                };
                // Every iteration re-timed in the first pass, or none.
                let q = 1 + ctx.release_tasks.len();
                let every = Eager {
                    pruned: ctx.pruned_risks().collect(),
                    lo: vec![vec![f64::NEG_INFINITY; q]; ctx.pruned_risks().count()],
                    hi: vec![f64::INFINITY; q],
                };
                for (b, len) in [(0, BATCH), (2, 77)] {
                    let run_with = |width: usize, eager: Option<&Eager>| {
                        let mut s = ctx.scratch_of_width(width);
                        let mut out = ctx.run_batch(&mut s, b, len, true, eager);
                        // Re-run every other firing of the deferred risks.
                        let fired = out.fired_lanes.clone();
                        ctx.rerun_needed(&mut s, b, &mut out, &|k, i| {
                            fired[k * len + i] && (i + k) % 2 == 0
                        });
                        let moved = out
                            .without
                            .iter()
                            .flat_map(|w| w.makespan.iter().zip(&out.makespan))
                            .filter(|(x, y)| x != y)
                            .count();
                        (bits(&out), moved, out.eager_iters.len())
                    };
                    let run = |width: usize| {
                        let (bits, moved, _) = run_with(width, None);
                        (bits, moved)
                    };
                    let whole = run(BATCH);
                    for width in [1, 5, 8, 32, 64] {
                        let at = format!("seed {seed} resource {resource} batch {b} width {width}");
                        assert_eq!(run(width), whole, "{at}");
                    }
                    // Re-timed early (critical path: re-run early), the same values to the bit.
                    let (bits, early_moved, early) = run_with(8, Some(&every));
                    let at = format!("seed {seed} resource {resource} batch {b} early");
                    assert_eq!((bits, early_moved), whole, "{at}");
                    eager_iters[usize::from(resource)] += early;
                    moved += whole.1;
                }
            }
        }
        // The re-runs do move the finish: the comparison is not between unchanged runs.
        assert!(moved > 500, "{moved}");
        assert!(
            eager_iters.iter().all(|&n| n > 100),
            "only {eager_iters:?} iterations re-timed early (critical path, resource)"
        );
    }

    #[test]
    fn risk_reruns_equal_full_runs_without_the_risk_in_every_lane() {
        // Switching a risk off keeps every random number (its uniforms are still drawn). In
        // critical-path mode the incremental re-run must give, lane by lane and to the bit, the
        // makespan and release readiness of a full run of the plan in which that risk never
        // fires.
        let mut lanes_moved = 0;
        for seed in 0..12 {
            let plan = random_plan(seed, 30 + 5 * seed as usize);
            for (b, len) in [(0, BATCH), (3, 77)] {
                let out = batch(&plan, false, b, len);
                assert_eq!(out.without.len(), plan.risks.len());
                for (r, w) in out.without.iter().enumerate() {
                    let mut off = plan.clone();
                    off.risks[r].probability = 0.0;
                    let full = batch(&off, false, b, len);
                    for i in 0..len {
                        let at = format!("seed {seed} risk {r} lane {i}");
                        assert_eq!(w.makespan[i].to_bits(), full.makespan[i].to_bits(), "{at}");
                        lanes_moved += usize::from(w.makespan[i] != out.makespan[i]);
                    }
                    for (x, y) in w.ready.iter().zip(&full.ready) {
                        assert_eq!(x.to_bits(), y.to_bits(), "seed {seed} risk {r}");
                    }
                }
            }
        }
        // The risks do move the finish: the comparison is not between unchanged runs.
        assert!(lanes_moved > 1000, "{lanes_moved}");
    }

    #[test]
    fn resource_risk_effects_equal_full_retimings_in_every_lane() {
        // Resource mode measures a risk on the iteration's own schedule re-timed on its
        // hand-offs without the risk ([`crate::schedule::retimed`], which re-times every task
        // from scratch); the incremental re-timing must give, lane by lane and to the bit, its
        // makespan and release readiness. The durations without the risk are those of the plan
        // in which it never fires (same random numbers).
        let options = Options {
            seed: 11,
            ..Options::default()
        };
        let mut lanes_moved = 0;
        for seed in 0..12 {
            let mut plan = random_plan(seed, 30 + 5 * seed as usize);
            if seed % 2 == 1 {
                // Starts that follow the links (re-timed by start rather than in an order of
                // its own).
                for t in &mut plan.tasks {
                    for l in &mut t.after {
                        l.kind = if l.kind == LinkKind::SS {
                            l.kind
                        } else {
                            LinkKind::FS
                        };
                        l.lag = l.lag.abs();
                    }
                }
            }
            let problem = Problem::new(&plan);
            let order = problem.priority_order();
            // (The network holds each risk's probability: it is compiled from the plan given.)
            let sampled = |plan: &Plan, b: usize, len: usize| {
                let own = Problem::new(plan);
                let mode = Mode::Resource {
                    problem: &own,
                    order: order.clone(),
                };
                let ctx = Ctx::new(plan, own.network(), mode, &options, &mut Vec::new());
                ctx.sample_only(&mut ctx.scratch(), b, len)
            };
            for (b, len) in [(0, BATCH), (3, 77)] {
                let out = batch(&plan, true, b, len);
                let with = sampled(&plan, b, len);
                assert_eq!(out.without.len(), plan.risks.len());
                for (r, w) in out.without.iter().enumerate() {
                    let mut off = plan.clone();
                    off.risks[r].probability = 0.0;
                    let without = sampled(&off, b, len);
                    for i in 0..len {
                        let at = format!("seed {seed} risk {r} lane {i}");
                        let full =
                            crate::schedule::retimed(&problem, &order, &with[i], &without[i]);
                        let makespan = full.new_finish.iter().copied().fold(0.0, f64::max);
                        assert_eq!(w.makespan[i].to_bits(), makespan.to_bits(), "{at}");
                        for (q, rel) in plan.releases.iter().enumerate() {
                            let ready = rel
                                .tasks
                                .iter()
                                .map(|&j| full.new_finish[j])
                                .fold(0.0, f64::max);
                            assert_eq!(w.ready[q * len + i].to_bits(), ready.to_bits(), "{at}");
                        }
                        lanes_moved += usize::from(w.makespan[i] != out.makespan[i]);
                    }
                }
            }
        }
        // The risks do move the finish: the comparison is not between unchanged runs.
        assert!(lanes_moved > 1000, "{lanes_moved}");
    }

    #[test]
    fn pruned_risk_effects_equal_those_of_every_rerun() {
        // `simulate` re-runs a pruned risk only in the iterations that can move a P80; a run
        // split into parts re-runs every firing. Every P80 without a risk must agree to the
        // bit, on plans where pruning applies (FS and SS links, impacts never negative), where
        // it does not (FF and SF links, an impact that can be negative), and on plans with FF
        // and SF links where it applies to the risks none of whose tasks such a link enters.
        use crate::simulate::{batch_count, merge_parts, simulate, simulate_part};
        let mut pruned = 0;
        let mut pruned_with_finish_links = 0;
        let mut bounded = 0;
        let mut effects = 0;
        for seed in 0..16 {
            let mut plan = random_plan(seed, 40 + 7 * seed as usize);
            if seed % 2 == 0 {
                // Every task on the plan's calendar: constant, so the risks' drops are bounded
                // and iterations far above a P80 are not re-run either.
                for t in &mut plan.tasks {
                    t.team = Some(0);
                }
            }
            if seed % 4 == 3 {
                // The first two risks' tasks entered by start-type links only.
                let tasks: Vec<usize> = plan.risks[..2]
                    .iter()
                    .flat_map(|r| r.tasks.clone())
                    .collect();
                for j in tasks {
                    for l in &mut plan.tasks[j].after {
                        l.kind = match l.kind {
                            LinkKind::FF => LinkKind::FS,
                            LinkKind::SF => LinkKind::SS,
                            k => k,
                        };
                    }
                }
            } else {
                for t in &mut plan.tasks {
                    for l in &mut t.after {
                        if matches!(l.kind, LinkKind::FF | LinkKind::SF) {
                            l.kind = LinkKind::FS;
                        }
                    }
                }
                plan.risks[4].impact = Estimate::Uniform {
                    low: 0.0,
                    high: 3.0,
                };
            }
            for r in &mut plan.risks {
                r.probability = 0.05 + 0.1 * (seed % 3) as f64 + r.probability / 4.0;
            }
            // Critical-path mode, and resource mode (its re-timings on the hand-offs).
            for ignore_capacity in [true, false] {
                let options = Options {
                    iterations: 1500 + 100 * seed as usize,
                    seed,
                    ignore_capacity,
                    ..Options::default()
                };
                let problem = Problem::new(&plan);
                let net = problem.network();
                let mode = if ignore_capacity {
                    Mode::CriticalPath
                } else {
                    let order = problem.priority_order();
                    Mode::Resource {
                        problem: &problem,
                        order,
                    }
                };
                let ctx = Ctx::new(&plan, net, mode, &options, &mut Vec::new());
                pruned += ctx.pruned_risks().count();
                if seed % 4 == 3 && ignore_capacity {
                    // FF and SF links kept: pruned where none enters the risk's tasks (the
                    // first two risks' at least).
                    pruned_with_finish_links += ctx.pruned_risks().count();
                }
                bounded += ctx
                    .pruned_risks()
                    .filter(|&r| ctx.risks[r].max_drop.is_finite())
                    .count();
                let one = simulate(&plan, &options).unwrap();
                let b = batch_count(options.iterations);
                let parts = vec![
                    simulate_part(&plan, &options, 0..b / 2, &|_| {}).unwrap(),
                    simulate_part(&plan, &options, b / 2..b, &|_| {}).unwrap(),
                ];
                let all = merge_parts(&plan, &options, parts).unwrap();
                let at = format!("seed {seed} ignore capacity {ignore_capacity}");
                assert_eq!(one.risks, all.risks, "{at}");
                effects += one
                    .risks
                    .iter()
                    .filter(|r| r.p80_effect.is_some_and(|e| e != 0.0))
                    .count();
            }
        }
        assert!(pruned >= 70, "only {pruned} risks were pruned");
        assert!(
            pruned_with_finish_links >= 5,
            "only {pruned_with_finish_links} risks were pruned in plans with finish links"
        );
        assert!(
            bounded >= 40,
            "only {bounded} pruned risks had a bounded drop"
        );
        assert!(effects >= 40, "only {effects} risks moved a P80");
    }
}
