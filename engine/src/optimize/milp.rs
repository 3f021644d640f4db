//! The mixed-integer program, built for good_lp's pure-Rust microlp backend, and the
//! lexicographic driver.
//!
//! # Variables ("step" formulation)
//!
//! - `z[t][b]` (binary): task t is placed in bucket b or earlier. Non-decreasing in b;
//!   `z[t][last]` says whether the task is placed at all (otherwise it is cut, when optional,
//!   or unplaced, when required). No variable exists below a task's earliest possible bucket
//!   (the first bucket whose cumulative capacity holds the task plus all its ancestors on the
//!   same team), where `z` is the constant 0.
//! - `v[r][j]` (binary): release r ships in its j-th own window or earlier. Non-decreasing in
//!   j; `v[r][last]` says whether it ships at all.
//! - `e[k][b]` (continuous, elastic model only): extra capacity given to team k in bucket b.
//!
//! # Constraints
//!
//! - precedence: `z[s][b] <= z[p][b]` for every link p -> s and bucket b (a successor is not
//!   in an earlier bucket than its predecessor, and is not placed when it is cut);
//! - capacity, cumulative: `sum_t work[t][k] z[t][b] <= cap[k][0..=b] (+ sum e[k][0..=b])`;
//! - release r ships in window j only when each of its tasks is placed by then:
//!   `v[r][j] <= z[t][w_j]` (required t) or `v[r][j] <= z[t][w_j] + 1 - z[t][last]`
//!   (optional t: placed by then, or cut).
//!
//! # Objective: a sequence of MIPs
//!
//! The lexicographic objective is solved as a sequence of MIPs, one per level, each fixing
//! the optimum of the levels before it as a constraint (within 1e-6 relative for real-valued
//! levels, 0.5 for integer ones). Exact integer weights were rejected: release values and
//! task durations are arbitrary reals, so no finite weights provably keep the order. The
//! levels ([`LEVEL_NAMES`]) are:
//!
//! 0. most value of releases that ship at all;
//! 1. least work of required tasks left out, then 2. fewest zero-work required tasks left
//!    out (SPEC: every task is placed; only when that is impossible are some left out);
//! 3. most value of releases on time;
//! 4. least sum of window numbers (an unscheduled release counts as one past the last);
//! 5. least work cut, then 6. fewest zero-work optional tasks cut.
//!
//! Levels 0-2 only matter when the required work cannot all fit. The elastic model (least
//! total extra capacity with every release shipped and every required task placed) is solved
//! first unless the greedy start already fits everything; when no extra capacity is needed,
//! levels 0-2 are at their bounds and become hard constraints. Each solve starts from the
//! previous level's optimum (a warm start), and a level whose incumbent already meets a
//! trivial bound is not solved at all.

use good_lp::{
    microlp, variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus,
    SolverModel, Variable, WithInitialSolution, WithTimeLimit,
};

use super::greedy;
use super::instance::{Assignment, Instance, Levels};

/// A linear row `sum coef * var (op) rhs`.
#[derive(Debug, Clone)]
struct Row {
    terms: Vec<(usize, f64)>,
    op: Op,
    rhs: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Le,
    Ge,
}

/// An affine expression over the model's variables.
#[derive(Debug, Clone, Default)]
struct Affine {
    terms: Vec<(usize, f64)>,
    constant: f64,
}

/// Which variant of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Releases may be unscheduled and required tasks unplaced.
    Main,
    /// Every release with a window ships and every required task is placed.
    Fits,
    /// As `Fits`, with extra capacity variables.
    Elastic,
}

/// The variables and rows of one model variant.
struct Model<'a> {
    inst: &'a Instance,
    mode: Mode,
    /// Per variable: (lower bound, upper bound, integer).
    vars: Vec<(f64, f64, bool)>,
    /// Per task: its earliest bucket and the index of `z[t][earliest]` (then consecutive), or
    /// `None` when it can never be placed.
    z: Vec<Option<(usize, usize)>>,
    /// Per release: the indices of `v[r][0..]`.
    v: Vec<Vec<usize>>,
    /// Per team: the indices of `e[k][0..buckets]` (elastic only).
    e: Vec<Vec<usize>>,
    rows: Vec<Row>,
}

/// How a single solve ended.
enum SolveEnd {
    /// A solution, proven optimal or not (time limit), with the relative gap when known.
    Solved {
        values: Vec<f64>,
        optimal: bool,
        gap: Option<f64>,
        seconds: f64,
    },
    /// The time limit struck before any solution was known.
    OutOfTime,
}

/// Why the driver stopped short of proving every level optimal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stop {
    /// The level that was being solved.
    pub level: &'static str,
    /// Relative gap between the incumbent and the solver's bound on that level, when known.
    pub gap: Option<f64>,
}

/// The driver's answer.
#[derive(Debug, Clone)]
pub(crate) struct Solved {
    /// The placement.
    pub assignment: Assignment,
    /// Its value on every level.
    pub levels: Levels,
    /// `None`: every level proven optimal.
    pub stop: Option<Stop>,
    /// Extra capacity per team and bucket of the smallest overload (when required work does
    /// not fit), and whether that minimum is proven.
    pub overload: Option<(Vec<Vec<f64>>, bool)>,
    /// Number of MIPs solved.
    pub solves: usize,
}

/// Names of the levels, as reported.
pub(crate) const LEVEL_NAMES: [&str; 7] = [
    "releases scheduled",
    "required work placed",
    "required zero-work tasks placed",
    "on-time value",
    "window numbers",
    "cut work",
    "zero-work tasks cut",
];
const ELASTIC_NAME: &str = "smallest overload";

impl<'a> Model<'a> {
    fn new(inst: &'a Instance, mode: Mode) -> Model<'a> {
        let nb = inst.buckets;
        let mut m = Model {
            inst,
            mode,
            vars: Vec::new(),
            z: Vec::with_capacity(inst.tasks.len()),
            v: Vec::new(),
            e: Vec::new(),
            rows: Vec::new(),
        };
        let earliest = earliest_buckets(inst, mode == Mode::Elastic);
        for &first in &earliest {
            m.z.push(first.map(|f| {
                let base = m.vars.len();
                m.vars.extend((f..nb).map(|_| (0.0, 1.0, true)));
                (f, base)
            }));
        }
        for rel in &inst.releases {
            let base = m.vars.len();
            m.vars.extend(rel.windows.iter().map(|_| (0.0, 1.0, true)));
            m.v.push((base..base + rel.windows.len()).collect());
        }
        if mode == Mode::Elastic {
            for _ in 0..inst.teams() {
                let base = m.vars.len();
                m.vars.extend((0..nb).map(|_| (0.0, f64::INFINITY, false)));
                m.e.push((base..base + nb).collect());
            }
        }
        if mode != Mode::Main {
            // Every required task placed, every release with a window shipped.
            for (t, task) in inst.tasks.iter().enumerate() {
                if !task.optional {
                    // A required task that can never be placed leaves the model without
                    // this bound; `solve` does not use such a model (see `places_all`).
                    if let Some(var) = m.zv(t, nb - 1) {
                        m.vars[var].0 = 1.0;
                    }
                }
            }
            for vs in &m.v {
                if let Some(&last) = vs.last() {
                    m.vars[last].0 = 1.0;
                }
            }
        }
        m.build_rows();
        m
    }

    /// Whether every required task can be placed at all in this model.
    fn places_all(&self) -> bool {
        self.inst
            .tasks
            .iter()
            .zip(&self.z)
            .all(|(task, z)| task.optional || z.is_some())
    }

    /// The variable `z[t][b]`, or `None` where it is the constant 0.
    fn zv(&self, t: usize, b: usize) -> Option<usize> {
        let (first, base) = self.z[t]?;
        (b >= first).then(|| base + b - first)
    }

    fn build_rows(&mut self) {
        let inst = self.inst;
        let nb = inst.buckets;
        let mut rows = Vec::new();
        let le = |terms: Vec<(usize, f64)>, rhs: f64| Row {
            terms,
            op: Op::Le,
            rhs,
        };
        // z non-decreasing.
        for t in 0..inst.tasks.len() {
            if let Some((first, base)) = self.z[t] {
                for b in first..nb - 1 {
                    let i = base + b - first;
                    rows.push(le(vec![(i, 1.0), (i + 1, -1.0)], 0.0));
                }
            }
        }
        // Precedence.
        for (s, task) in inst.tasks.iter().enumerate() {
            let Some((first, _)) = self.z[s] else {
                continue;
            };
            for &p in &task.preds {
                for b in first..nb {
                    let zs = self.zv(s, b).expect("in range");
                    let zp = self
                        .zv(p, b)
                        .expect("a predecessor's earliest bucket is not later");
                    rows.push(le(vec![(zs, 1.0), (zp, -1.0)], 0.0));
                }
            }
        }
        // v non-decreasing, and each window only once its tasks are done.
        for (r, rel) in inst.releases.iter().enumerate() {
            let vs = &self.v[r];
            for j in 0..vs.len().saturating_sub(1) {
                rows.push(le(vec![(vs[j], 1.0), (vs[j + 1], -1.0)], 0.0));
            }
            for (j, &w) in rel.windows.iter().enumerate() {
                for &t in &rel.tasks {
                    let by = self.zv(t, w);
                    let placed = self.zv(t, nb - 1);
                    if inst.tasks[t].optional {
                        // v <= z[t][w] + 1 - z[t][last]
                        match (by, placed) {
                            (_, None) => {}
                            (Some(by), Some(pl)) if by == pl => {}
                            (Some(by), Some(pl)) => {
                                rows.push(le(vec![(vs[j], 1.0), (by, -1.0), (pl, 1.0)], 1.0))
                            }
                            (None, Some(pl)) => rows.push(le(vec![(vs[j], 1.0), (pl, 1.0)], 1.0)),
                        }
                    } else {
                        match by {
                            Some(by) => rows.push(le(vec![(vs[j], 1.0), (by, -1.0)], 0.0)),
                            None => rows.push(le(vec![(vs[j], 1.0)], 0.0)),
                        }
                    }
                }
            }
        }
        // Cumulative capacity.
        let cum = inst.cumulative_capacity();
        for (k, cum_k) in cum.iter().enumerate() {
            for (b, &capacity) in cum_k.iter().enumerate() {
                let mut terms = Vec::new();
                let mut most = 0.0;
                for (t, task) in inst.tasks.iter().enumerate() {
                    for &(team, w) in &task.work {
                        if team == k && w > 0.0 {
                            if let Some(i) = self.zv(t, b) {
                                terms.push((i, w));
                                most += w;
                            }
                        }
                    }
                }
                if terms.is_empty() || most <= capacity {
                    continue; // never binding
                }
                if self.mode == Mode::Elastic {
                    terms.extend(self.e[k][..=b].iter().map(|&i| (i, -1.0)));
                }
                rows.push(le(terms, capacity));
            }
        }
        self.rows = rows;
    }

    /// The variable values of an assignment (which must fit this model's domains).
    fn encode(&self, a: &Assignment) -> Vec<f64> {
        let inst = self.inst;
        let nb = inst.buckets;
        let mut x = vec![0.0; self.vars.len()];
        for t in 0..inst.tasks.len() {
            if let (Some(placed), Some((first, base))) = (a.bucket[t], self.z[t]) {
                for b in placed.max(first)..nb {
                    x[base + b - first] = 1.0;
                }
            }
        }
        for (r, rel) in inst.releases.iter().enumerate() {
            if let Some(s) = a.ship[r] {
                for (j, &w) in rel.windows.iter().enumerate() {
                    if w >= s {
                        x[self.v[r][j]] = 1.0;
                    }
                }
            }
        }
        if self.mode == Mode::Elastic {
            let extra = greedy::extra_capacity(inst, a);
            for (k, row) in extra.iter().enumerate() {
                for (b, &e) in row.iter().enumerate() {
                    x[self.e[k][b]] = e;
                }
            }
        }
        x
    }

    /// The assignment a vector of variable values describes.
    fn decode(&self, x: &[f64]) -> Assignment {
        let inst = self.inst;
        let nb = inst.buckets;
        let bucket = (0..inst.tasks.len())
            .map(|t| (0..nb).find(|&b| self.zv(t, b).is_some_and(|i| x[i] > 0.5)))
            .collect();
        let ship = inst
            .releases
            .iter()
            .enumerate()
            .map(|(r, rel)| {
                (0..rel.windows.len())
                    .find(|&j| x[self.v[r][j]] > 0.5)
                    .map(|j| rel.windows[j])
            })
            .collect();
        Assignment { bucket, ship }
    }

    /// The extra capacity in a vector of values (elastic model).
    fn extra(&self, x: &[f64]) -> Vec<Vec<f64>> {
        self.e
            .iter()
            .map(|row| row.iter().map(|&i| x[i].max(0.0)).collect())
            .collect()
    }

    /// The expression of objective level `level` (see [`LEVEL_NAMES`]), to be maximised when
    /// the flag says so.
    fn level_expr(&self, level: usize) -> (Affine, bool) {
        let inst = self.inst;
        let nb = inst.buckets;
        let mut a = Affine::default();
        match level {
            0 => {
                for (r, rel) in inst.releases.iter().enumerate() {
                    if let Some(&last) = self.v[r].last() {
                        a.terms.push((last, rel.value));
                    }
                }
                (a, true)
            }
            3 => {
                for (r, rel) in inst.releases.iter().enumerate() {
                    if rel.on_time > 0 {
                        a.terms.push((self.v[r][rel.on_time - 1], rel.value));
                    }
                }
                (a, true)
            }
            4 => {
                // sum_r (1 + nb - sum_b shipped_by[r][b]); shipped_by is v[r][j] over the
                // buckets from window j up to the next window.
                a.constant = (inst.releases.len() * (nb + 1)) as f64;
                for (r, rel) in inst.releases.iter().enumerate() {
                    for (j, &w) in rel.windows.iter().enumerate() {
                        let next = rel.windows.get(j + 1).copied().unwrap_or(nb);
                        a.terms.push((self.v[r][j], -((next - w) as f64)));
                    }
                }
                (a, false)
            }
            1 | 2 | 5 | 6 => {
                for (t, task) in inst.tasks.iter().enumerate() {
                    let w = task.total_work();
                    let weight = match (level, task.optional, w > 0.0) {
                        (1, false, true) | (5, true, true) => w,
                        (2, false, false) | (6, true, false) => 1.0,
                        _ => continue,
                    };
                    a.constant += weight;
                    if let Some(i) = self.zv(t, nb - 1) {
                        a.terms.push((i, -weight));
                    }
                }
                (a, false)
            }
            _ => unreachable!("seven levels"),
        }
    }

    /// The level's value for an assignment, as computed by [`Instance::levels`].
    fn level_value(levels: &Levels, level: usize) -> f64 {
        match level {
            0 => levels.scheduled_value,
            1 => levels.unplaced_work,
            2 => levels.unplaced_free as f64,
            3 => levels.on_time_value,
            4 => levels.window_sum as f64,
            5 => levels.cut_work,
            _ => levels.cut_free as f64,
        }
    }

    /// A bound no assignment can beat on `level`: meeting it proves the level optimal.
    fn level_bound(&self, level: usize) -> f64 {
        let inst = self.inst;
        match level {
            0 => inst
                .releases
                .iter()
                .filter(|r| !r.windows.is_empty())
                .map(|r| r.value)
                .sum(),
            3 => inst
                .releases
                .iter()
                .filter(|r| r.on_time > 0)
                .map(|r| r.value)
                .sum(),
            4 => inst
                .releases
                .iter()
                .map(|rel| {
                    let earliest = rel
                        .tasks
                        .iter()
                        .filter(|&&t| !inst.tasks[t].optional)
                        .map(|&t| self.z[t].map_or(usize::MAX, |(f, _)| f))
                        .max()
                        .unwrap_or(0);
                    rel.windows
                        .iter()
                        .find(|&&w| w >= earliest)
                        .map_or(inst.buckets + 1, |&w| w + 1) as f64
                })
                .sum(),
            _ => 0.0,
        }
    }

    /// One solve: optimise `objective` under the model's rows plus `extra`.
    fn solve(
        &self,
        objective: &Affine,
        maximise: bool,
        extra: &[Row],
        warm: Option<&[f64]>,
        time_limit: Option<f64>,
    ) -> Result<SolveEnd, String> {
        let mut pv = ProblemVariables::new();
        let vars: Vec<Variable> = self
            .vars
            .iter()
            .map(|&(lo, hi, int)| {
                let def = variable().min(lo).max(hi);
                pv.add(if int { def.integer() } else { def })
            })
            .collect();
        let expr = |terms: &[(usize, f64)], constant: f64| {
            let mut e = Expression::with_capacity(terms.len());
            for &(i, c) in terms {
                e.add_mul(c, vars[i]);
            }
            e + constant
        };
        let obj = expr(&objective.terms, objective.constant);
        let unsolved = if maximise {
            pv.maximise(obj)
        } else {
            pv.minimise(obj)
        };
        let mut model = unsolved.using(microlp);
        for row in self.rows.iter().chain(extra) {
            let e = expr(&row.terms, 0.0);
            model.add_constraint(match row.op {
                Op::Le => e.leq(row.rhs),
                Op::Ge => e.geq(row.rhs),
            });
        }
        if let Some(x) = warm {
            model = model.with_initial_solution(vars.iter().copied().zip(x.iter().copied()));
        }
        if let Some(limit) = time_limit {
            model = model.with_time_limit(limit.max(0.0));
        }
        match model.solve() {
            Ok(sol) => {
                let values: Vec<f64> = vars.iter().map(|&v| sol.value(v)).collect();
                let optimal = matches!(sol.status(), SolutionStatus::Optimal);
                let inner = sol.into_inner();
                let gap = if optimal { Some(0.0) } else { inner.gap() };
                let seconds = inner.stats().elapsed.as_secs_f64();
                Ok(SolveEnd::Solved {
                    values,
                    optimal,
                    gap,
                    seconds,
                })
            }
            Err(ResolutionError::Other(_)) => Ok(SolveEnd::OutOfTime),
            Err(e) => Err(format!("the MIP solver failed: {e}")),
        }
    }
}

/// For every task, the earliest bucket it can be placed in, or `None` when it can never be
/// placed (its work exceeds a team's whole capacity, or a predecessor can never be placed).
/// With `ignore_capacity` (the elastic model) every task may go in bucket 0.
fn earliest_buckets(inst: &Instance, ignore_capacity: bool) -> Vec<Option<usize>> {
    if ignore_capacity {
        return vec![Some(0); inst.tasks.len()];
    }
    let cum = inst.cumulative_capacity();
    let ancestors = inst.ancestors();
    let mut earliest: Vec<Option<usize>> = vec![Some(0); inst.tasks.len()];
    for t in inst.topo_order() {
        let task = &inst.tasks[t];
        let mut first = Some(0usize);
        for &p in &task.preds {
            first = match (first, earliest[p]) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
        // Work that must be done by the time t is: t's own and all its ancestors', per team.
        for &(k, w) in &task.work {
            let need: f64 = w + ancestors[t]
                .iter()
                .flat_map(|&a| inst.tasks[a].work.iter())
                .filter(|&&(team, _)| team == k)
                .map(|&(_, aw)| aw)
                .sum::<f64>();
            let fits = cum[k]
                .iter()
                .position(|&c| need <= c + 1e-9 * c.abs().max(1.0));
            first = match (first, fits) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
        earliest[t] = first;
    }
    earliest
}

/// The tolerance allowed when fixing a level at `value`.
fn level_tolerance(level: usize, value: f64) -> f64 {
    match level {
        2 | 4 | 6 => 0.5,
        _ => 1e-6 * value.abs().max(1.0),
    }
}

/// A running time budget, charged with the solver's own elapsed time.
struct Budget {
    limit: Option<f64>,
    spent: f64,
}

impl Budget {
    fn remaining(&self) -> Option<f64> {
        self.limit.map(|l| (l - self.spent).max(0.0))
    }

    fn exhausted(&self) -> bool {
        self.remaining().is_some_and(|r| r <= 0.0)
    }
}

/// Solves the bucketed problem: the smallest overload when required work does not fit, then
/// the lexicographic objective level by level, within `time_limit` seconds of solver time in
/// all (`None`: no limit).
pub(crate) fn solve(inst: &Instance, time_limit: Option<f64>) -> Result<Solved, String> {
    let mut budget = Budget {
        limit: time_limit,
        spent: 0.0,
    };
    let mut solves = 0;
    let start = greedy::greedy(inst);
    debug_assert_eq!(inst.check(&start), Ok(()));
    let all_in = |a: &Assignment| {
        inst.tasks
            .iter()
            .enumerate()
            .all(|(t, task)| task.optional || a.bucket[t].is_some())
            && inst
                .releases
                .iter()
                .enumerate()
                .all(|(r, rel)| rel.windows.is_empty() || a.ship[r].is_some())
    };

    let mut incumbent = start;
    let mut overload = None;
    let mut stop: Option<Stop> = None;
    let mut fits = all_in(&incumbent);

    if !fits {
        // The elastic model: the least extra capacity that lets everything in.
        let elastic = Model::new(inst, Mode::Elastic);
        let seed = greedy::elastic_start(inst);
        let seed_x = elastic.encode(&seed);
        let total: Affine = Affine {
            terms: elastic.e.iter().flatten().map(|&i| (i, 1.0)).collect(),
            constant: 0.0,
        };
        solves += 1;
        let end = elastic.solve(&total, false, &[], Some(&seed_x), budget.remaining())?;
        let (x, proven) = match end {
            SolveEnd::Solved {
                values,
                optimal,
                gap,
                seconds,
            } => {
                budget.spent += seconds;
                if !optimal {
                    stop = Some(Stop {
                        level: ELASTIC_NAME,
                        gap,
                    });
                }
                (values, optimal)
            }
            SolveEnd::OutOfTime => {
                budget.spent = budget.limit.unwrap_or(budget.spent);
                stop = Some(Stop {
                    level: ELASTIC_NAME,
                    gap: None,
                });
                (seed_x, false)
            }
        };
        let extra = elastic.extra(&x);
        let sum: f64 = extra.iter().flatten().sum();
        let cap_scale: f64 = inst.cap.iter().flatten().sum::<f64>().max(1.0);
        if sum <= 1e-7 * cap_scale {
            // Everything fits after all (the greedy start was just not good enough).
            let a = elastic.decode(&x);
            if inst.check(&a).is_ok() {
                incumbent = a;
                fits = true;
            }
        }
        if !fits {
            let mut extra = extra;
            let mut proven = proven;
            if proven && !budget.exhausted() {
                // Among the smallest overloads, the one needed as late as possible.
                let nb = inst.buckets;
                let late: Affine = Affine {
                    terms: elastic
                        .e
                        .iter()
                        .flat_map(|row| {
                            row.iter()
                                .enumerate()
                                .map(|(b, &i)| (i, (nb - 1 - b) as f64))
                        })
                        .collect(),
                    constant: 0.0,
                };
                let cap_row = Row {
                    terms: total.terms.clone(),
                    op: Op::Le,
                    rhs: sum + 1e-6 * sum.max(1.0),
                };
                solves += 1;
                match elastic.solve(&late, false, &[cap_row], Some(&x), budget.remaining())? {
                    SolveEnd::Solved {
                        values,
                        optimal,
                        seconds,
                        ..
                    } => {
                        budget.spent += seconds;
                        extra = elastic.extra(&values);
                        proven = optimal;
                    }
                    SolveEnd::OutOfTime => {
                        budget.spent = budget.limit.unwrap_or(budget.spent);
                    }
                }
            }
            for row in &mut extra {
                for e in row.iter_mut() {
                    if *e < 1e-9 {
                        *e = 0.0;
                    }
                }
            }
            overload = Some((extra, proven));
        }
    }

    let mut model = Model::new(inst, if fits { Mode::Fits } else { Mode::Main });
    if !model.places_all() {
        fits = false;
        model = Model::new(inst, Mode::Main);
    }
    let levels_to_solve: &[usize] = if fits {
        &[3, 4, 5, 6]
    } else {
        &[0, 1, 2, 3, 4, 5, 6]
    };
    let mut fixed: Vec<Row> = Vec::new();
    for &level in levels_to_solve {
        let (expr, maximise) = model.level_expr(level);
        let have = inst.levels(&incumbent);
        let value = Model::level_value(&have, level);
        let bound = model.level_bound(level);
        let at_bound = if maximise {
            value >= bound - level_tolerance(level, bound)
        } else {
            value <= bound + level_tolerance(level, bound)
        };
        if !at_bound && stop.is_none() {
            if budget.exhausted() {
                stop = Some(Stop {
                    level: LEVEL_NAMES[level],
                    gap: None,
                });
            } else {
                let warm = model.encode(&incumbent);
                solves += 1;
                match model.solve(&expr, maximise, &fixed, Some(&warm), budget.remaining())? {
                    SolveEnd::Solved {
                        values,
                        optimal,
                        gap,
                        seconds,
                    } => {
                        budget.spent += seconds;
                        let found = model.decode(&values);
                        // Keep the solver's answer unless numerical noise made it infeasible
                        // or worse than what we had.
                        if inst.check(&found).is_ok() {
                            let better = inst.levels(&found);
                            let v = Model::level_value(&better, level);
                            let improves = if maximise { v >= value } else { v <= value };
                            if improves {
                                incumbent = found;
                            }
                        }
                        if !optimal {
                            stop = Some(Stop {
                                level: LEVEL_NAMES[level],
                                gap,
                            });
                        }
                    }
                    SolveEnd::OutOfTime => {
                        budget.spent = budget.limit.unwrap_or(budget.spent);
                        stop = Some(Stop {
                            level: LEVEL_NAMES[level],
                            gap: None,
                        });
                    }
                }
            }
        }
        // Fix this level at the incumbent's value for the levels after it.
        let value = Model::level_value(&inst.levels(&incumbent), level);
        let tol = level_tolerance(level, value);
        let rhs = value - expr.constant;
        fixed.push(if maximise {
            Row {
                terms: expr.terms,
                op: Op::Ge,
                rhs: rhs - tol,
            }
        } else {
            Row {
                terms: expr.terms,
                op: Op::Le,
                rhs: rhs + tol,
            }
        });
    }
    let levels = inst.levels(&incumbent);
    Ok(Solved {
        assignment: incumbent,
        levels,
        stop,
        overload,
        solves,
    })
}
