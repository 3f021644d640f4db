//! The mixed-integer program, built for good_lp's pure-Rust microlp backend, and the
//! lexicographic driver.
//!
//! # Where tasks go, and why only releases and cuts are integer
//!
//! A task that is placed is best placed as late as it may be: in the earliest shipping window
//! of the releases that need it (through a direct task of theirs that is kept), or in the last
//! bucket when no shipping release needs it. Moving a task later never raises a cumulative
//! load and keeps precedence (a predecessor is needed by every release its successor is
//! needed by), so every feasible placement has a "latest" twin with the same ship windows
//! and cuts, hence the same objective. The model therefore decides only:
//!
//! - `v[r][j]` (binary): release r ships in its j-th own window or earlier; non-decreasing
//!   in j; `v[r][last]` says whether it ships at all;
//! - `c[t]` (binary): task t is left out (cut, when optional; unplaced, when required). When
//!   every required task fits, required tasks and the optional tasks they depend on have no
//!   such variable: they are always placed;
//! - `y[S][b]` (continuous in [0, 1]): "placed by bucket b" for the tasks whose demands
//!   (pairs of a release and the direct task through which it needs them) are the set S:
//!   `y >= v[r][b] - c[d]` for every (r, d) in S (`c[d]` dropped for a required d: a release
//!   needing an unplaced required task does not ship). A single demand on a required task is
//!   `v[r][b]` itself, with no variable;
//! - `e[k][b]` (continuous, elastic model only): extra capacity for team k in bucket b.
//!
//! # Constraints
//!
//! - cuts follow links: `c[s] >= c[p]` for every link p -> s;
//! - a release ships only with its required direct tasks: `v[r][last] + c[d] <= 1`;
//! - capacity, cumulative, per team and bucket b before the last: `sum_S work[S][k] y[S][b]
//!   <= cap[k][0..=b]`; in the last bucket every task kept counts: `sum_t work[t][k] (1 -
//!   c[t]) <= cap[k][all]` (plus `sum e[k][0..=b]` on the right in the elastic model);
//! - a release cannot ship before the first bucket whose cumulative capacity holds any of
//!   its required direct tasks and their ancestors on each team (`v` fixed to 0 below it).
//!
//! # Objective: a sequence of MIPs
//!
//! The lexicographic objective is solved as a sequence of MIPs, each fixing the optimum of
//! the levels before it as a constraint (within 1e-6 relative for real-valued levels, 0.5 for
//! integer ones). Exact integer weights in one objective were rejected in general: release
//! values and task durations are arbitrary reals, so no finite weights provably keep their
//! order. The one exception is exact and used: the window-number sum is an integer and the
//! cut work below it is bounded by the total optional work W, so minimising
//! `(W + 1) x window_sum + cut_work` orders them lexicographically; solving them as one MIP
//! instead of two is much faster (the bound of the second alone barely moves). The levels
//! ([`LEVEL_NAMES`]) are:
//!
//! 0. most value of releases that ship at all;
//! 1. least work of required tasks left out, then 2. fewest zero-work required tasks left
//!    out (SPEC: every task is placed; only when that is impossible are some left out);
//! 3. most value of releases on time;
//! 4. least sum of window numbers (an unscheduled release counts as one past the last), with
//!    5. least work cut;
//! 6. fewest zero-work optional tasks cut.
//!
//! Levels 0-2 only matter when the required work cannot all fit. The elastic model (least
//! total extra capacity with every release shipped and every required task placed) is solved
//! first unless the greedy start already fits everything; when no extra capacity is needed,
//! levels 0-2 are at their bounds and become hard constraints. Each solve starts from the
//! previous level's optimum (a warm start), and a level whose incumbent already meets a
//! trivial bound is not solved at all.

use std::collections::BTreeMap;

/// Extra capacity by team, then by bucket.
type Overload = Vec<Vec<f64>>;

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

/// A demand on a task: release r needs it through its direct task d; the index of `c[d]`
/// when d is optional and may be cut (otherwise `None`).
type Demand = (usize, Option<usize>);

/// A group of tasks with the same demands: its "placed by bucket b" variables (none when the
/// group is a single demand with no cut, which is `v[r][b]` itself) and its work per team.
struct Group {
    demands: Vec<Demand>,
    y: Option<Vec<usize>>,
    work: Vec<(usize, f64)>,
}

/// The variables and rows of one model variant.
struct Model<'a> {
    inst: &'a Instance,
    mode: Mode,
    /// Per variable: (lower bound, upper bound, integer).
    vars: Vec<(f64, f64, bool)>,
    /// Per release: the indices of `v[r][0..]`.
    v: Vec<Vec<usize>>,
    /// Per task: the index of `c[t]`, or `None` when it is always placed.
    c: Vec<Option<usize>>,
    /// Per task: its demands (sorted).
    demands: Vec<Vec<Demand>>,
    /// Groups of tasks with the same non-empty demands.
    groups: Vec<Group>,
    /// Per team: the indices of `e[k][0..buckets]` (elastic only).
    e: Vec<Vec<usize>>,
    /// Whether some required task can never be placed (so `Fits` is impossible).
    hopeless: bool,
    /// Per task: its ancestors, sorted.
    ancestors: Vec<Vec<usize>>,
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
    /// The level (or levels, solved together) that was being solved.
    pub level: String,
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

/// Rounds of cover-cut separation on the relaxation before each MIP.
const CUT_ROUNDS: usize = 20;

/// The model's variables as they are declared: per variable (lower bound, upper bound,
/// integer); a variable's index is its place in the list.
#[derive(Default)]
struct Vars(Vec<(f64, f64, bool)>);

impl Vars {
    /// Declares a variable and returns its index.
    fn add(&mut self, lo: f64, hi: f64, int: bool) -> usize {
        self.0.push((lo, hi, int));
        self.0.len() - 1
    }
}

/// Which tasks are always placed: none in the main model; otherwise the required ones and
/// everything they depend on.
fn always_placed(inst: &Instance, mode: Mode, ancestors: &[Vec<usize>]) -> Vec<bool> {
    let mut always = vec![false; inst.tasks.len()];
    if mode != Mode::Main {
        for (t, task) in inst.tasks.iter().enumerate() {
            if !task.optional {
                always[t] = true;
                for &a in &ancestors[t] {
                    always[a] = true;
                }
            }
        }
    }
    always
}

/// Declares `c[t]` for every task that is not always placed.
fn cut_vars(
    mode: Mode,
    always: &[bool],
    earliest: &[Option<usize>],
    vars: &mut Vars,
) -> Vec<Option<usize>> {
    (0..always.len())
        .map(|t| {
            (!always[t]).then(|| {
                // A task that can never be placed is always left out (main model).
                let never = mode != Mode::Elastic && earliest[t].is_none();
                vars.add(if never { 1.0 } else { 0.0 }, 1.0, true)
            })
        })
        .collect()
}

/// Declares `v[r][j]` for every release and own window, fixed to 0 before the first bucket
/// it could ship in and, when it must ship, to 1 in its last window.
fn ship_vars(
    inst: &Instance,
    mode: Mode,
    earliest: &[Option<usize>],
    vars: &mut Vars,
) -> Vec<Vec<usize>> {
    inst.releases
        .iter()
        .map(|rel| {
            // The first bucket it could ship in: all its required direct tasks placeable.
            let first = if mode == Mode::Elastic {
                Some(0)
            } else {
                rel.tasks
                    .iter()
                    .filter(|&&d| !inst.tasks[d].optional)
                    .try_fold(0usize, |acc, &d| earliest[d].map(|e| acc.max(e)))
            };
            let ships = mode != Mode::Main && !rel.windows.is_empty();
            let count = rel.windows.len();
            rel.windows
                .iter()
                .enumerate()
                .map(|(j, &w)| {
                    let possible = first.is_some_and(|f| w >= f);
                    let lo = if ships && j + 1 == count { 1.0 } else { 0.0 };
                    vars.add(lo, if possible { 1.0 } else { 0.0 }, true)
                })
                .collect()
        })
        .collect()
}

/// Per task, its demands (sorted): release r needs task t through its direct task d (t = d
/// or an ancestor of d).
fn task_demands(
    inst: &Instance,
    c: &[Option<usize>],
    ancestors: &[Vec<usize>],
) -> Vec<Vec<Demand>> {
    let mut demands: Vec<Vec<Demand>> = vec![Vec::new(); inst.tasks.len()];
    for (r, rel) in inst.releases.iter().enumerate() {
        if rel.windows.is_empty() {
            continue; // never ships: places nothing early
        }
        for &d in &rel.tasks {
            let cd = if inst.tasks[d].optional { c[d] } else { None };
            demands[d].push((r, cd));
            for &a in &ancestors[d] {
                demands[a].push((r, cd));
            }
        }
    }
    for ds in &mut demands {
        crate::sorting::sort(ds);
        ds.dedup();
    }
    demands
}

/// Groups the tasks with work by their demands, declaring each group's `y[S][b]` (none for a
/// single demand with no cut).
fn demand_groups(inst: &Instance, demands: &[Vec<Demand>], vars: &mut Vars) -> Vec<Group> {
    let mut by_demands: BTreeMap<Vec<Demand>, Vec<(usize, f64)>> = BTreeMap::new();
    for (t, task) in inst.tasks.iter().enumerate() {
        if demands[t].is_empty() {
            continue;
        }
        let work = by_demands.entry(demands[t].clone()).or_default();
        for &(k, w) in &task.work {
            if w > 0.0 {
                match work.iter_mut().find(|(team, _)| *team == k) {
                    Some((_, acc)) => *acc += w,
                    None => work.push((k, w)),
                }
            }
        }
    }
    let mut groups = Vec::new();
    for (ds, work) in by_demands {
        if work.is_empty() {
            continue;
        }
        let y = if ds.len() == 1 && ds[0].1.is_none() {
            None
        } else {
            Some(
                (0..inst.buckets.saturating_sub(1))
                    .map(|_| vars.add(0.0, 1.0, false))
                    .collect(),
            )
        };
        groups.push(Group {
            demands: ds,
            y,
            work,
        });
    }
    groups
}

impl<'a> Model<'a> {
    /// The model of `mode`: its variables (`c`, then `v`, then the groups' `y`, then `e`)
    /// and rows.
    fn new(inst: &'a Instance, mode: Mode) -> Model<'a> {
        let nb = inst.buckets;
        let ancestors = inst.ancestors();
        let earliest = earliest_buckets(inst);
        let mut vars = Vars::default();
        let always = always_placed(inst, mode, &ancestors);
        let hopeless = inst
            .tasks
            .iter()
            .zip(&earliest)
            .any(|(task, e)| !task.optional && e.is_none());
        let c = cut_vars(mode, &always, &earliest, &mut vars);
        let v = ship_vars(inst, mode, &earliest, &mut vars);
        let demands = task_demands(inst, &c, &ancestors);
        let groups = demand_groups(inst, &demands, &mut vars);
        let e = if mode == Mode::Elastic {
            (0..inst.teams())
                .map(|_| {
                    (0..nb)
                        .map(|_| vars.add(0.0, f64::INFINITY, false))
                        .collect()
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut m = Model {
            inst,
            mode,
            vars: vars.0,
            v,
            c,
            demands,
            groups,
            e,
            hopeless,
            ancestors,
            rows: Vec::new(),
        };
        m.build_rows();
        m
    }

    /// The variable `v[r][j]` in force at bucket b: the release's latest own window at or
    /// before b (`None`: it cannot have shipped by b).
    fn v_at(&self, r: usize, b: usize) -> Option<usize> {
        let count = self.inst.releases[r]
            .windows
            .iter()
            .take_while(|&&w| w <= b)
            .count();
        count.checked_sub(1).map(|j| self.v[r][j])
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
        // v non-decreasing.
        for vs in &self.v {
            for j in 1..vs.len() {
                rows.push(le(vec![(vs[j - 1], 1.0), (vs[j], -1.0)], 0.0));
            }
        }
        // Cuts follow links.
        for (s, task) in inst.tasks.iter().enumerate() {
            for &p in &task.preds {
                match (self.c[p], self.c[s]) {
                    (Some(cp), Some(cs)) => rows.push(le(vec![(cp, 1.0), (cs, -1.0)], 0.0)),
                    (Some(cp), None) => rows.push(le(vec![(cp, 1.0)], 0.0)),
                    _ => {}
                }
            }
        }
        // A release ships only with its required direct tasks.
        for (r, rel) in inst.releases.iter().enumerate() {
            let Some(&last) = self.v[r].last() else {
                continue;
            };
            for &d in &rel.tasks {
                if let (false, Some(cd)) = (inst.tasks[d].optional, self.c[d]) {
                    rows.push(le(vec![(last, 1.0), (cd, 1.0)], 1.0));
                }
            }
        }
        // Groups: y >= v[r][b] - c[d].
        for g in &self.groups {
            let Some(y) = &g.y else { continue };
            for (b, &yb) in y.iter().enumerate() {
                for &(r, cd) in &g.demands {
                    let Some(vb) = self.v_at(r, b) else { continue };
                    let mut terms = vec![(vb, 1.0), (yb, -1.0)];
                    if let Some(cd) = cd {
                        terms.push((cd, -1.0));
                    }
                    rows.push(le(terms, 0.0));
                }
            }
        }
        // Cumulative capacity.
        let cum = inst.cumulative_capacity();
        for (k, cum_k) in cum.iter().enumerate() {
            for (b, &capacity) in cum_k.iter().enumerate() {
                let mut terms: Vec<(usize, f64)> = Vec::new();
                let mut rhs = capacity;
                let mut most = 0.0;
                if b + 1 < nb {
                    for g in &self.groups {
                        let Some(&(_, w)) = g.work.iter().find(|(team, _)| *team == k) else {
                            continue;
                        };
                        let var = match &g.y {
                            Some(y) => Some(y[b]),
                            None => self.v_at(g.demands[0].0, b),
                        };
                        if let Some(var) = var {
                            terms.push((var, w));
                            most += w;
                        }
                    }
                } else {
                    for (t, task) in inst.tasks.iter().enumerate() {
                        for &(team, w) in &task.work {
                            if team == k && w > 0.0 {
                                rhs -= w;
                                most += w;
                                if let Some(ct) = self.c[t] {
                                    terms.push((ct, -w));
                                }
                            }
                        }
                    }
                }
                if most <= capacity {
                    continue; // never binding
                }
                if self.mode == Mode::Elastic {
                    terms.extend(self.e[k][..=b].iter().map(|&i| (i, -1.0)));
                }
                rows.push(le(terms, rhs));
            }
        }
        if self.mode != Mode::Elastic {
            self.cardinality_cuts(&cum, &mut rows);
        }
        self.rows = rows;
    }

    /// Per release, the work on team k that only it needs, through required tasks: all of it
    /// is placed by the bucket the release ships in.
    fn own_work(&self, k: usize) -> Vec<f64> {
        let mut own = vec![0.0; self.inst.releases.len()];
        for g in &self.groups {
            if let (None, Some(&(_, w))) = (&g.y, g.work.iter().find(|(team, _)| *team == k)) {
                own[g.demands[0].0] += w;
            }
        }
        own
    }

    /// Extended cover inequalities violated by the relaxed point `x`: for a team k and bucket
    /// b, a set C of releases whose own work on k (see [`Model::own_work`]) exceeds
    /// `cap[k][0..=b]` cannot all ship by b, nor can C with every release at least as heavy as
    /// C's heaviest added: `sum v[r][b] <= |C| - 1`. C is chosen greedily by `(1 - x) / work`.
    fn cover_cuts(&self, x: &[f64]) -> Vec<Row> {
        let inst = self.inst;
        let cum = inst.cumulative_capacity();
        let mut cuts = Vec::new();
        for (k, cum_k) in cum.iter().enumerate() {
            let own = self.own_work(k);
            for (b, &capacity) in cum_k
                .iter()
                .enumerate()
                .take(inst.buckets.saturating_sub(1))
            {
                let mut items: Vec<(usize, f64, usize)> = (0..own.len())
                    .filter(|&r| own[r] > 0.0)
                    .filter_map(|r| self.v_at(r, b).map(|v| (r, own[r], v)))
                    .filter(|&(_, _, v)| self.vars[v].1 > 0.5)
                    .collect();
                if items.iter().map(|i| i.1).sum::<f64>() <= capacity {
                    continue;
                }
                crate::sorting::sort_by(&mut items, |a, b| {
                    ((1.0 - x[a.2]).max(0.0) / a.1)
                        .total_cmp(&((1.0 - x[b.2]).max(0.0) / b.1))
                        .then(a.0.cmp(&b.0))
                });
                let mut total = 0.0;
                let mut cover = Vec::new();
                for &item in &items {
                    cover.push(item);
                    total += item.1;
                    if total > capacity + 1e-9 * capacity.abs().max(1.0) {
                        break;
                    }
                }
                let slack: f64 = cover.iter().map(|i| (1.0 - x[i.2]).max(0.0)).sum();
                if slack >= 1.0 - 1e-6 {
                    continue;
                }
                let heaviest = cover.iter().map(|i| i.1).fold(0.0, f64::max);
                let size = cover.len();
                let mut members: Vec<usize> = cover.iter().map(|i| i.2).collect();
                for &(_, w, v) in &items {
                    if w >= heaviest && !members.contains(&v) {
                        members.push(v);
                    }
                }
                cuts.push(Row {
                    terms: members.into_iter().map(|v| (v, 1.0)).collect(),
                    op: Op::Le,
                    rhs: (size - 1) as f64,
                });
            }
        }
        cuts
    }

    /// Valid inequalities that tighten the relaxation: for a team k and a bucket b before the
    /// last, let `W[r]` be the work on k that only release r needs, through required tasks
    /// (it is all placed by b when r ships by b). Among the i releases with the most such work,
    /// at most `m` can ship by b, where `m` is how many of their smallest fit in
    /// `cap[k][0..=b]` together; whenever `m < i`, `sum of their v[r][b] <= m` is added. (The
    /// capacity rows alone let every release ship fractionally.)
    fn cardinality_cuts(&self, cum: &[Vec<f64>], rows: &mut Vec<Row>) {
        let inst = self.inst;
        let nb = inst.buckets;
        for (k, cum_k) in cum.iter().enumerate() {
            let own = self.own_work(k);
            let mut order: Vec<usize> = (0..own.len()).filter(|&r| own[r] > 0.0).collect();
            crate::sorting::sort_by(&mut order, |&a, &b| {
                own[b].total_cmp(&own[a]).then(a.cmp(&b))
            });
            for (b, &capacity) in cum_k.iter().enumerate().take(nb.saturating_sub(1)) {
                let mut last_m = 0;
                for i in 1..=order.len() {
                    // The i heaviest; how many of their lightest fit together.
                    let mut sizes: Vec<f64> = order[..i].iter().map(|&r| own[r]).collect();
                    sizes.sort_by(f64::total_cmp);
                    let mut total = 0.0;
                    let mut m = 0;
                    for w in sizes {
                        total += w;
                        if total > capacity + 1e-9 * capacity.abs().max(1.0) {
                            break;
                        }
                        m += 1;
                    }
                    if m < i && (i == 1 || m == last_m) {
                        let terms: Vec<(usize, f64)> = order[..i]
                            .iter()
                            .filter_map(|&r| self.v_at(r, b).map(|v| (v, 1.0)))
                            .collect();
                        if terms.len() > m {
                            rows.push(Row {
                                terms,
                                op: Op::Le,
                                rhs: m as f64,
                            });
                        }
                    }
                    last_m = m;
                }
            }
        }
    }

    /// The latest placement for given ship windows and left-out tasks.
    fn placement(&self, ship: &[Option<usize>], out: &[bool]) -> Vec<Option<usize>> {
        let last = self.inst.buckets - 1;
        (0..self.inst.tasks.len())
            .map(|t| {
                if out[t] {
                    return None;
                }
                let by = self.demands[t]
                    .iter()
                    .filter_map(|&(r, _)| {
                        // The demand holds when r ships and its direct task is kept; the direct
                        // task is found among the release's tasks that need t.
                        ship[r].filter(|_| self.demand_kept(r, t, out))
                    })
                    .min();
                Some(by.unwrap_or(last))
            })
            .collect()
    }

    /// Whether release r needs task t through a direct task that is kept.
    fn demand_kept(&self, r: usize, t: usize, out: &[bool]) -> bool {
        self.inst.releases[r]
            .tasks
            .iter()
            .any(|&d| !out[d] && (d == t || self.ancestors[d].binary_search(&t).is_ok()))
    }

    /// The variable values of an assignment (ship windows and left-out tasks are read; the
    /// placement is the latest one).
    fn encode(&self, a: &Assignment) -> Vec<f64> {
        let inst = self.inst;
        let mut x = vec![0.0; self.vars.len()];
        for (r, rel) in inst.releases.iter().enumerate() {
            if let Some(s) = a.ship[r] {
                for (j, &w) in rel.windows.iter().enumerate() {
                    if w >= s {
                        x[self.v[r][j]] = 1.0;
                    }
                }
            }
        }
        for (t, c) in self.c.iter().enumerate() {
            if let (Some(c), None) = (c, a.bucket[t]) {
                x[*c] = 1.0;
            }
        }
        for g in &self.groups {
            let Some(y) = &g.y else { continue };
            for (b, &yb) in y.iter().enumerate() {
                x[yb] = g
                    .demands
                    .iter()
                    .map(|&(r, cd)| {
                        let v = self.v_at(r, b).map_or(0.0, |i| x[i]);
                        v - cd.map_or(0.0, |i| x[i])
                    })
                    .fold(0.0, f64::max);
            }
        }
        if self.mode == Mode::Elastic {
            let out: Vec<bool> = a.bucket.iter().map(Option::is_none).collect();
            let latest = Assignment {
                bucket: self.placement(&a.ship, &out),
                ship: a.ship.clone(),
            };
            let extra = greedy::extra_capacity(inst, &latest);
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
        let ship: Vec<Option<usize>> = inst
            .releases
            .iter()
            .enumerate()
            .map(|(r, rel)| {
                (0..rel.windows.len())
                    .find(|&j| x[self.v[r][j]] > 0.5)
                    .map(|j| rel.windows[j])
            })
            .collect();
        let out: Vec<bool> = self
            .c
            .iter()
            .map(|c| c.is_some_and(|i| x[i] > 0.5))
            .collect();
        Assignment {
            bucket: self.placement(&ship, &out),
            ship,
        }
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
                    if let Some(c) = self.c[t] {
                        a.terms.push((c, weight));
                    }
                }
                (a, false)
            }
            _ => unreachable!("seven levels"),
        }
    }

    /// A bound no assignment can beat on `level`: meeting it proves the level optimal.
    fn level_bound(&self, level: usize) -> f64 {
        let inst = self.inst;
        let possible = |r: usize| self.v[r].iter().any(|&i| self.vars[i].1 > 0.5);
        match level {
            0 => inst
                .releases
                .iter()
                .enumerate()
                .filter(|&(r, _)| possible(r))
                .map(|(_, rel)| rel.value)
                .sum(),
            3 => inst
                .releases
                .iter()
                .enumerate()
                .filter(|&(r, rel)| {
                    rel.on_time > 0 && self.vars[self.v[r][rel.on_time - 1]].1 > 0.5
                })
                .map(|(_, rel)| rel.value)
                .sum(),
            4 => inst
                .releases
                .iter()
                .enumerate()
                .map(|(r, rel)| {
                    (0..rel.windows.len())
                        .find(|&j| self.vars[self.v[r][j]].1 > 0.5)
                        .map_or(inst.buckets + 1, |j| rel.windows[j] + 1) as f64
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
        self.run(objective, maximise, extra, warm, time_limit, false)
    }

    /// One solve of the linear relaxation (every variable continuous).
    fn relaxation(
        &self,
        objective: &Affine,
        extra: &[Row],
        time_limit: Option<f64>,
    ) -> Result<SolveEnd, String> {
        self.run(objective, false, extra, None, time_limit, true)
    }

    fn run(
        &self,
        objective: &Affine,
        maximise: bool,
        extra: &[Row],
        warm: Option<&[f64]>,
        time_limit: Option<f64>,
        relax: bool,
    ) -> Result<SolveEnd, String> {
        let mut pv = ProblemVariables::new();
        let vars: Vec<Variable> = self
            .vars
            .iter()
            .map(|&(lo, hi, int)| {
                let def = variable().min(lo).max(hi);
                pv.add(if int && !relax { def.integer() } else { def })
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
fn earliest_buckets(inst: &Instance) -> Vec<Option<usize>> {
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
    let (mut driver, mut fits) = Driver::start(inst, time_limit);
    let mut overload = None;
    if !fits {
        overload = driver.smallest_overload()?;
        fits = overload.is_none();
    }
    let mut model = Model::new(inst, if fits { Mode::Fits } else { Mode::Main });
    if model.hopeless {
        fits = false;
        model = Model::new(inst, Mode::Main);
    }
    driver.solve_levels(&mut model, fits)?;
    driver.latest_placement(&model);
    let levels = inst.levels(&driver.incumbent);
    Ok(Solved {
        assignment: driver.incumbent,
        levels,
        stop: driver.stop,
        overload,
        solves: driver.solves,
    })
}

/// The lexicographic driver's state between its steps.
struct Driver<'a> {
    inst: &'a Instance,
    budget: Budget,
    /// MIPs solved so far.
    solves: usize,
    /// The greedy starts (all feasible), each compared with the incumbent on every stage.
    candidates: Vec<Assignment>,
    /// The best assignment so far.
    incumbent: Assignment,
    /// Where the search first stopped short of a proof.
    stop: Option<Stop>,
}

/// A stage's objective (minimised), the incumbent's value on it, and whether the incumbent
/// already meets the stage's trivial bound on every level.
struct StageGoal {
    objective: Affine,
    have: f64,
    at_bound: bool,
}

impl<'a> Driver<'a> {
    /// The greedy starts and the best of them; whether one of them places every required
    /// task and ships every release with a window.
    fn start(inst: &'a Instance, time_limit: Option<f64>) -> (Driver<'a>, bool) {
        let start = greedy::greedy(inst);
        debug_assert_eq!(inst.check(&start), Ok(()));
        // Candidates: the task-by-task greedy and the release-by-release ones; the best starts.
        let mut candidates = vec![start];
        candidates.extend(greedy::release_greedy(inst));
        candidates.retain(|a| inst.check(a).is_ok());
        let mut incumbent = candidates[0].clone();
        for c in &candidates[1..] {
            if inst.levels(c).better_than(&inst.levels(&incumbent)) {
                incumbent = c.clone();
            }
        }
        // When the best start fits everything, prefer it for the stages below.
        let fits_all = |a: &Assignment| all_in(inst, a);
        let start = incumbent.clone();
        let fits = fits_all(&incumbent) || candidates.iter().any(fits_all);
        if fits && !fits_all(&incumbent) {
            incumbent = candidates
                .iter()
                .find(|a| fits_all(a))
                .cloned()
                .unwrap_or(start);
        }
        let driver = Driver {
            inst,
            budget: Budget {
                limit: time_limit,
                spent: 0.0,
            },
            solves: 0,
            candidates,
            incumbent,
            stop: None,
        };
        (driver, fits)
    }

    /// Charges a solve that ran out of time with the whole budget.
    fn out_of_time(&mut self) {
        self.budget.spent = self.budget.limit.unwrap_or(self.budget.spent);
    }

    /// The elastic model: the least extra capacity that lets everything in. `None` when none
    /// is needed after all (the incumbent then fits everything); otherwise the extra capacity
    /// per team and bucket, needed as late as possible, and whether its minimum is proven.
    fn smallest_overload(&mut self) -> Result<Option<(Overload, bool)>, String> {
        let inst = self.inst;
        let elastic = Model::new(inst, Mode::Elastic);
        let seed = greedy::elastic_start(inst);
        let seed_x = elastic.encode(&seed);
        let total: Affine = Affine {
            terms: elastic.e.iter().flatten().map(|&i| (i, 1.0)).collect(),
            constant: 0.0,
        };
        self.solves += 1;
        let end = elastic.solve(&total, false, &[], Some(&seed_x), self.budget.remaining())?;
        let (x, proven) = match end {
            SolveEnd::Solved {
                values,
                optimal,
                gap,
                seconds,
            } => {
                self.budget.spent += seconds;
                if !optimal {
                    self.stop = Some(Stop {
                        level: ELASTIC_NAME.to_string(),
                        gap,
                    });
                }
                (values, optimal)
            }
            SolveEnd::OutOfTime => {
                self.out_of_time();
                self.stop = Some(Stop {
                    level: ELASTIC_NAME.to_string(),
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
                self.incumbent = a;
                return Ok(None);
            }
        }
        let (mut extra, proven) = if proven && !self.budget.exhausted() {
            self.latest_overload(&elastic, &total, sum, &x, extra)?
        } else {
            (extra, proven)
        };
        for row in &mut extra {
            for e in row.iter_mut() {
                if *e < 1e-9 {
                    *e = 0.0;
                }
            }
        }
        Ok(Some((extra, proven)))
    }

    /// Among the overloads of total `sum` (`total`, the elastic model's sum of extra
    /// capacity, found at `x` as `extra`), the one needed as late as possible, and whether
    /// that is proven; `extra` itself, unproven, when the time runs out.
    fn latest_overload(
        &mut self,
        elastic: &Model,
        total: &Affine,
        sum: f64,
        x: &[f64],
        extra: Vec<Vec<f64>>,
    ) -> Result<(Vec<Vec<f64>>, bool), String> {
        let nb = self.inst.buckets;
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
        self.solves += 1;
        match elastic.solve(&late, false, &[cap_row], Some(x), self.budget.remaining())? {
            SolveEnd::Solved {
                values,
                optimal,
                seconds,
                ..
            } => {
                self.budget.spent += seconds;
                Ok((elastic.extra(&values), optimal))
            }
            SolveEnd::OutOfTime => {
                self.out_of_time();
                Ok((extra, true))
            }
        }
    }

    /// The lexicographic objective, stage by stage, each stage's levels fixed at the
    /// incumbent's values for the stages after it.
    fn solve_levels(&mut self, model: &mut Model, fits: bool) -> Result<(), String> {
        // Stages: levels solved together. Window numbers (an integer) and cut work (a real in
        // [0, total optional work]) combine exactly: one window step weighs more than all the
        // optional work there is.
        let stages: &[&[usize]] = if fits {
            &[&[3], &[4, 5], &[6]]
        } else {
            &[&[0], &[1], &[2], &[3], &[4, 5], &[6]]
        };
        let optional_work: f64 = self
            .inst
            .tasks
            .iter()
            .filter(|t| t.optional)
            .map(|t| t.total_work())
            .sum();
        let weights = Weights { optional_work };
        let mut fixed: Vec<Row> = Vec::new();
        for &stage in stages {
            self.adopt_better_start(stage, &weights);
            let goal = stage_goal(model, stage, &weights, &self.inst.levels(&self.incumbent));
            if !goal.at_bound && self.stop.is_none() {
                let name = stage
                    .iter()
                    .map(|&l| LEVEL_NAMES[l])
                    .collect::<Vec<_>>()
                    .join(" + ");
                if self.budget.exhausted() {
                    self.stop = Some(Stop {
                        level: name,
                        gap: None,
                    });
                } else {
                    self.solve_stage(model, stage, &weights, &goal, &fixed, name)?;
                }
            }
            fix_stage(model, stage, &self.inst.levels(&self.incumbent), &mut fixed);
        }
        Ok(())
    }

    /// A start that matches the incumbent on every level before this stage and is better on
    /// this one replaces it.
    fn adopt_better_start(&mut self, stage: &[usize], weights: &Weights) {
        let first = stage[0];
        let stage_value = |l: &Levels| -> f64 {
            stage
                .iter()
                .map(|&level| {
                    let sign = if Levels::maximised(level) { -1.0 } else { 1.0 };
                    sign * weights.of(level) * l.value(level)
                })
                .sum()
        };
        for c in &self.candidates {
            let (lc, li) = (self.inst.levels(c), self.inst.levels(&self.incumbent));
            if (0..first).all(|l| lc.same_on(&li, l)) && stage_value(&lc) < stage_value(&li) {
                self.incumbent = c.clone();
            }
        }
    }

    /// One stage's MIP, after a few rounds of cover cuts on its relaxation, warm-started at
    /// the incumbent; its answer replaces the incumbent unless numerical noise made it
    /// infeasible or worse.
    fn solve_stage(
        &mut self,
        model: &mut Model,
        stage: &[usize],
        weights: &Weights,
        goal: &StageGoal,
        fixed: &[Row],
        name: String,
    ) -> Result<(), String> {
        for _ in 0..CUT_ROUNDS {
            if self.budget.exhausted() {
                break;
            }
            let SolveEnd::Solved {
                values, seconds, ..
            } = model.relaxation(&goal.objective, fixed, self.budget.remaining())?
            else {
                break;
            };
            self.budget.spent += seconds;
            let cuts = model.cover_cuts(&values);
            if cuts.is_empty() {
                break;
            }
            model.rows.extend(cuts);
        }
        let warm = model.encode(&self.incumbent);
        self.solves += 1;
        let remaining = self.budget.remaining();
        match model.solve(&goal.objective, false, fixed, Some(&warm), remaining)? {
            SolveEnd::Solved {
                values,
                optimal,
                gap,
                seconds,
            } => {
                self.budget.spent += seconds;
                let found = model.decode(&values);
                if self.inst.check(&found).is_ok() {
                    let better = self.inst.levels(&found);
                    let v: f64 = stage
                        .iter()
                        .map(|&l| {
                            let sign = if model.level_expr(l).1 { -1.0 } else { 1.0 };
                            sign * weights.of(l) * better.value(l)
                        })
                        .sum();
                    let have = goal.have;
                    if v <= have + 1e-9 * have.abs().max(1.0) {
                        self.incumbent = found;
                    }
                }
                if !optimal {
                    self.stop = Some(Stop { level: name, gap });
                }
            }
            SolveEnd::OutOfTime => {
                self.out_of_time();
                self.stop = Some(Stop {
                    level: name,
                    gap: None,
                });
            }
        }
        Ok(())
    }

    /// Reports the latest placement: every task in the window of the first shipping release
    /// that needs it (the train it rides), or the last window when none does.
    fn latest_placement(&mut self, model: &Model) {
        let out: Vec<bool> = self.incumbent.bucket.iter().map(Option::is_none).collect();
        let latest = Assignment {
            bucket: model.placement(&self.incumbent.ship, &out),
            ship: self.incumbent.ship.clone(),
        };
        if self.inst.check(&latest).is_ok() {
            self.incumbent = latest;
        }
    }
}

/// Whether `a` places every required task and ships every release that has a window.
fn all_in(inst: &Instance, a: &Assignment) -> bool {
    inst.tasks
        .iter()
        .enumerate()
        .all(|(t, task)| task.optional || a.bucket[t].is_some())
        && inst
            .releases
            .iter()
            .enumerate()
            .all(|(r, rel)| rel.windows.is_empty() || a.ship[r].is_some())
}

/// The weights of levels solved together: window numbers weigh more than all the optional
/// work there is.
struct Weights {
    optional_work: f64,
}

impl Weights {
    fn of(&self, level: usize) -> f64 {
        if level == 4 {
            self.optional_work + 1.0
        } else {
            1.0
        }
    }
}

/// The objective of `stage` (minimised: sum of weight x level, negated when maximised), the
/// incumbent's value on it (`current`), and whether that meets the model's bound.
fn stage_goal(model: &Model, stage: &[usize], weights: &Weights, current: &Levels) -> StageGoal {
    let mut objective = Affine::default();
    let mut have = 0.0;
    let mut at_bound = true;
    for &level in stage {
        let (expr, maximise) = model.level_expr(level);
        let sign = if maximise { -1.0 } else { 1.0 };
        let w = sign * weights.of(level);
        objective
            .terms
            .extend(expr.terms.iter().map(|&(i, c)| (i, c * w)));
        objective.constant += expr.constant * w;
        let value = current.value(level);
        have += w * value;
        let b = model.level_bound(level);
        at_bound &= sign * (value - b) <= level_tolerance(level, b);
    }
    StageGoal {
        objective,
        have,
        at_bound,
    }
}

/// Fixes each level of the stage at the incumbent's value (`now`) for the stages after it.
fn fix_stage(model: &Model, stage: &[usize], now: &Levels, fixed: &mut Vec<Row>) {
    for &level in stage {
        let (expr, maximise) = model.level_expr(level);
        let value = now.value(level);
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
}
