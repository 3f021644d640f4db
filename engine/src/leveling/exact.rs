//! Exact mode: proves the release-first schedule optimal, or reports how far from proven it is.
//!
//! # Method
//!
//! 1. The genetic algorithm ([`super::level`]) gives an upper bound (a schedule) and the lower
//!    bounds of the leveller (critical path, resource work, destructive energetic reasoning)
//!    a lower bound for each component of the objective (each release's ready time in file
//!    order, then the makespan). A component whose bounds meet is proven.
//! 2. Otherwise the question "is there a schedule strictly better, `T = UB - 1`?" is asked:
//!    - constraint propagation on time windows (links, time-tabling on compulsory parts,
//!      energetic reasoning) with shaving (a start is removed when fixing the task there
//!      fails) often empties a window: no such schedule (proven);
//!    - on plans whose links all hold a successor until its predecessor finishes (every
//!      PSPLIB instance; finish-to-start links with lags of zero or more), the branch and
//!      bound over minimal delaying alternatives of Demeulemeester and Herroelen, with the
//!      cutset and left-shift rules and deadline and energy bounds (the private `dh` module),
//!      within the shaved windows: it settles the question unless its node budget
//!      ([`ExactOptions::branch_nodes`]) runs out (it proves every PSPLIB J30 and Patterson
//!      instance optimal, most in milliseconds);
//!    - otherwise, a short schedule-or-postpone search with propagation and shaving at every
//!      node (the private `bounds` module) settles most remaining questions in milliseconds;
//!    - then a time-indexed mixed-integer program (Pritsker, Watters and Wolfe 1969, with the
//!      disaggregated precedence constraints of Christofides, Alvarez-Valdes and Tamarit 1987
//!      and clique cuts: at each slot at most one of a set of tasks that can never overlap):
//!      binaries `x_jt` only for `t` in the shaved windows; one start per task; every link as
//!      `sum_{s<=t} x_js <= sum_{s<=t-delta} x_is`; per team and slot, the demands of the tasks
//!      running then at most the capacity; minimise `C >= f_j` over the component's tasks,
//!      `C <= T`. It is modelled with `good_lp` and solved by its pure-Rust `microlp` solver
//!      (branch and bound with a node budget, an optional time limit). Infeasible: proven.
//!      Solved: its value is optimal. Stopped: its incumbent improves the upper bound and its
//!      best bound raises the lower bound. Models above [`ExactOptions::max_binaries`] are
//!      skipped (microlp's simplex slows down sharply beyond a few thousand binaries);
//!    - what the solver leaves open goes to a longer run of the same search.
//!
//!    Any schedule found (by the solver or the search) is re-decoded by the serial scheme on
//!    the list sorted by its starts, which on a plan with constant capacities starts no task
//!    later, and becomes the new upper bound; the question is asked again with the new `T`.
//! 3. Components are settled in order; a later component is only worked on once every earlier
//!    one is proven, with those values imposed as deadlines (only the tasks the releases up to
//!    that component need are modelled).
//!
//! Exact mode needs the integer grid of the private `grid` module: whole-number durations and
//! lags, calendars that work every day, and one capacity per team on every day.

use good_lp::{variable, variables, Expression, SolverModel, Variable};

use crate::model::{LinkKind, Plan};
use crate::network::link::{self, Plain};
use crate::schedule::Problem;

use super::bounds::{Propagator, Windows};
use super::dh::Dh;
use super::grid::Grid;
use super::net::{Dir, Net, Orderer};
use super::{Leveled, Objective, Options};

/// Budgets of the exact mode.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactOptions {
    /// The heuristic run that gives the first upper bound.
    pub heuristic: Options,
    /// Branch-and-bound nodes per mixed-integer solve (deterministic); `None` for no limit.
    pub node_limit: Option<u64>,
    /// Seconds of solver time for all solves together; `None` for no limit. A time limit makes
    /// the outcome depend on the machine's speed.
    pub time_limit: Option<f64>,
    /// The largest model to build, in binary variables; a larger question goes straight to the
    /// propagation search (microlp's simplex slows down sharply beyond a few thousand).
    pub max_binaries: usize,
    /// Nodes of the propagation search that settles what a solve left open (each node shaves
    /// every window once).
    pub search_nodes: u64,
    /// Nodes of the branch and bound over delaying alternatives, per question, on plans whose
    /// links all hold a successor until its predecessor finishes (tried first there).
    pub branch_nodes: u64,
}

impl Default for ExactOptions {
    fn default() -> Self {
        ExactOptions {
            heuristic: Options::default(),
            node_limit: Some(200),
            time_limit: None,
            max_binaries: 800,
            search_nodes: 20_000,
            branch_nodes: 20_000_000,
        }
    }
}

/// Why exact mode cannot run on a plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExactError {
    /// A duration or lag is not a whole number, or a calendar or capacity changes over time.
    #[error(
        "exact mode needs whole-number durations and lags, calendars that work every day and \
         one capacity per team on every day"
    )]
    NotIntegral,
}

/// Why the proof stopped short.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stop {
    /// The node budget of a solve ran out.
    NodeLimit,
    /// The time limit ran out.
    TimeLimit,
    /// The model would have had this many binaries, above the limit, and the propagation
    /// search ran out of nodes.
    ModelTooLarge(usize),
    /// The solver failed (numerical trouble); the message says how.
    Solver(String),
}

/// The outcome of exact mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Exact {
    /// The best schedule; its `lower_bound` holds the proven bounds and its `optimal` whether
    /// every component is proven.
    pub best: Leveled,
    /// The relative gap `(UB - LB) / UB` on the first component not proven (0 when proven).
    pub gap: f64,
    /// Why the proof stopped short (`None` when proven).
    pub stopped: Option<Stop>,
    /// Mixed-integer programs solved.
    pub solves: usize,
    /// Branch-and-bound nodes over all solves.
    pub nodes: u64,
    /// Nodes of the propagation search run where a solve ran out of nodes.
    pub search_nodes: u64,
    /// Nodes of the branch and bound over delaying alternatives.
    pub branch_nodes: u64,
}

/// Proves the best release-first schedule optimal within `options` (see the [module
/// docs](self)).
///
/// ```
/// use shipdate_engine::io::{parse_str, Format};
/// use shipdate_engine::leveling::exact::{solve, ExactOptions};
/// use shipdate_engine::schedule::Problem;
///
/// // Patterson format: 4 jobs (2 dummies), one resource of capacity 1.
/// let plan = parse_str("4 1\n1\n0 0 2 2 3\n3 1 1 4\n2 1 1 4\n0 0 0\n", Format::Patterson)
///     .unwrap();
/// let exact = solve(&plan, &Problem::new(&plan), &ExactOptions::default()).unwrap();
/// assert!(exact.best.optimal);
/// assert_eq!(exact.best.fitness, vec![5.0]);
/// ```
pub fn solve(plan: &Plan, problem: &Problem, options: &ExactOptions) -> Result<Exact, ExactError> {
    solve_until(plan, problem, options, None)
}

/// [`solve`], also stopping (with [`Stop::TimeLimit`] and the best schedule so far) when
/// `stop` returns true: checked between generations of the heuristic, before every question,
/// at every node of the propagation search and between shaving rounds. The engine reads no
/// clock; a caller with one passes a wall-clock deadline here (the CLI's `--time-limit`).
pub fn solve_until(
    plan: &Plan,
    problem: &Problem,
    options: &ExactOptions,
    stop: Option<&dyn Fn() -> bool>,
) -> Result<Exact, ExactError> {
    let durations = problem.point_durations();
    let (fwd, bwd) =
        Grid::pair(plan, problem, problem.network(), durations).ok_or(ExactError::NotIntegral)?;
    drop(bwd);
    let best = super::level_until(plan, problem, &options.heuristic, stop);
    let horizon = horizon(&fwd, plan.tasks.len());
    // The searches read the grid as it was; `fwd` decodes each schedule found.
    let grid = fwd.clone();
    let mut propagator = Propagator::new(&grid, problem.topological_order());
    propagator.stop = stop;
    let mut proof = Proof {
        plan,
        problem,
        options,
        stop,
        obj: Objective::new(plan),
        grid: &grid,
        propagator,
        horizon,
        fwd,
        orderer: Orderer::default(),
        ub: rounded(&best.fitness),
        lb: best
            .lower_bound
            .iter()
            .map(|&x| (x - 1e-6).ceil() as i64)
            .collect(),
        best,
        fixed: Vec::new(),
        spent: 0.0,
        solves: 0,
        nodes: 0,
        search_nodes: 0,
        branch_nodes: 0,
    };
    let mut stopped = None;
    for c in 0..proof.obj.len() {
        if let Err(why) = proof.settle(c) {
            stopped = Some(why);
            break;
        }
        proof.fixed.push(proof.ub[c]);
    }
    Ok(proof.finish(stopped))
}

/// Beyond every schedule the serial scheme makes: the latest release time plus the sum of
/// durations and positive lags.
fn horizon(g: &Grid, n: usize) -> i64 {
    let lags: i64 = (0..n)
        .flat_map(|j| g.links(j).map(|l| l.2.max(0)).collect::<Vec<_>>())
        .sum();
    g.releases().iter().copied().max().unwrap_or(0).max(0)
        + g.durations().iter().sum::<i64>()
        + lags
        + 1
}

/// An objective vector as whole numbers (on the grid, every component is one).
fn rounded(fitness: &[f64]) -> Vec<i64> {
    fitness.iter().map(|&x| x.round() as i64).collect()
}

/// What one question about a component ended with.
enum Step {
    /// The component is settled: its upper bound is proven.
    Settled,
    /// A better schedule was adopted: ask again below it.
    Improved,
    /// The question stayed open; the model is next.
    Open,
}

/// One proof in progress: the incumbent, the bounds of each objective component, the
/// components already fixed at their optimum, and the effort spent.
struct Proof<'a> {
    plan: &'a Plan,
    problem: &'a Problem,
    options: &'a ExactOptions,
    stop: Option<&'a dyn Fn() -> bool>,
    obj: Objective,
    /// The grid as the heuristic left it, read by the searches.
    grid: &'a Grid,
    propagator: Propagator<'a>,
    horizon: i64,
    /// The grid that decodes each schedule found.
    fwd: Grid,
    orderer: Orderer,
    best: Leveled,
    ub: Vec<i64>,
    lb: Vec<i64>,
    fixed: Vec<i64>,
    /// The solver's own time (microlp measures it, on wasm too): the time limit counts it.
    spent: f64,
    solves: usize,
    nodes: u64,
    search_nodes: u64,
    branch_nodes: u64,
}

impl Proof<'_> {
    fn stop_now(&self) -> bool {
        self.stop.is_some_and(|f| f())
    }

    fn remaining(&self) -> Option<f64> {
        self.options.time_limit.map(|s| (s - self.spent).max(0.0))
    }

    /// Asks "is there a schedule better on component `c`?" until it is settled; `Err` when a
    /// limit or the solver stops the proof.
    fn settle(&mut self, c: usize) -> Result<(), Stop> {
        loop {
            if self.ub[c] <= self.lb[c] {
                self.lb[c] = self.ub[c];
                return Ok(());
            }
            if self.remaining() == Some(0.0) || self.stop_now() {
                return Err(Stop::TimeLimit);
            }
            self.raise_bound(c)?;
            if self.ub[c] <= self.lb[c] {
                self.lb[c] = self.ub[c];
                return Ok(());
            }
            self.question(c)?;
        }
    }

    /// Raises the lower bound first where shaving alone rules a value out (destructive bound).
    fn raise_bound(&mut self, c: usize) -> Result<(), Stop> {
        let topo = self.problem.topological_order();
        while self.lb[c] < self.ub[c] {
            if self.stop_now() {
                return Err(Stop::TimeLimit);
            }
            let scope = Model::scope(
                self.plan,
                &self.obj,
                topo,
                &self.fixed,
                c,
                self.lb[c],
                self.horizon,
            );
            let mut w = Windows {
                es: self.fwd.releases().to_vec(),
                lf: scope.2,
            };
            if self.propagator.shave(&mut w, 2) {
                break;
            }
            self.lb[c] += 1;
        }
        Ok(())
    }

    /// One question: can component `c` be one better than the incumbent? Settles it, adopts a
    /// better schedule, or leaves it to the next round.
    fn question(&mut self, c: usize) -> Result<(), Stop> {
        let target = self.ub[c] - 1;
        let topo = self.problem.topological_order();
        let (member, goal, deadline) = Model::scope(
            self.plan,
            &self.obj,
            topo,
            &self.fixed,
            c,
            target,
            self.horizon,
        );
        let mut w = Windows {
            es: self.fwd.releases().to_vec(),
            lf: deadline,
        };
        if !self.propagator.shave(&mut w, 4) {
            // Propagation empties a window: nothing meets the target.
            self.lb[c] = self.ub[c];
            return Ok(());
        }
        match self.quick_answer(c, &member, &w)? {
            Step::Settled | Step::Improved => return Ok(()),
            Step::Open => {}
        }
        let d = self.fwd.durations();
        let binaries: usize = (0..self.plan.tasks.len())
            .filter(|&j| member[j])
            .map(|j| (w.lf[j] - d[j] - w.es[j] + 1).max(0) as usize)
            .sum();
        let outcome = if binaries > self.options.max_binaries {
            // Too large for the solver in reasonable time: straight to the search.
            Outcome::Done {
                starts: None,
                optimal: false,
                bound: None,
                nodes: 0,
                seconds: 0.0,
                reason: Some(Stop::ModelTooLarge(binaries)),
            }
        } else {
            self.solves += 1;
            Model::build(&self.fwd, topo, &member, &goal, &w, target, self.lb[c])
                .solve(self.options.node_limit, self.remaining())
        };
        self.take(c, outcome, &member, &w)
    }

    /// The branch and bound over delaying alternatives where the links allow it, then (or
    /// else) a short propagation search: they settle most questions in milliseconds.
    fn quick_answer(&mut self, c: usize, member: &[bool], w: &Windows) -> Result<Step, Stop> {
        let mut answer = Err(());
        let nodes = self.options.branch_nodes;
        let topo = self.problem.topological_order();
        if let Some(mut bnb) = Dh::new(self.grid, topo, member, w, nodes, self.stop) {
            answer = bnb.solve();
            self.branch_nodes += bnb.nodes;
        }
        if answer.is_err() && !self.stop_now() {
            let mut k = 0;
            answer = self
                .propagator
                .search(w, &mut k, self.options.search_nodes / 20)
                .map(|found| found.map(|ws| starts_of(member, &ws)));
            self.search_nodes += k;
        }
        match answer {
            Ok(None) => {
                self.lb[c] = self.ub[c];
                Ok(Step::Settled)
            }
            Ok(Some(starts)) => self.adopt(&starts).map(|_| Step::Improved),
            Err(()) if self.stop_now() => Err(Stop::TimeLimit),
            Err(()) => Ok(Step::Open),
        }
    }

    /// Takes in what the model's solve found; where its budget ran out without progress,
    /// settles the same question by search.
    fn take(
        &mut self,
        c: usize,
        outcome: Outcome,
        member: &[bool],
        w: &Windows,
    ) -> Result<(), Stop> {
        let (starts, optimal, bound, k, seconds, reason) = match outcome {
            Outcome::Infeasible => {
                self.lb[c] = self.ub[c];
                return Ok(());
            }
            Outcome::Failed(msg) => return Err(Stop::Solver(msg)),
            Outcome::Done {
                starts,
                optimal,
                bound,
                nodes,
                seconds,
                reason,
            } => (starts, optimal, bound, nodes, seconds, reason),
        };
        self.nodes += k;
        self.spent += seconds;
        if let Some(b) = bound {
            self.lb[c] = self.lb[c].max((b - 1e-6).ceil() as i64);
        }
        let mut improved = false;
        if let Some(starts) = starts {
            improved = adopt(
                self.plan,
                self.problem,
                self.problem.network(),
                &self.obj,
                &mut self.fwd,
                &mut self.orderer,
                &starts,
                &mut self.best,
            );
            self.ub = rounded(&self.best.fitness);
            if optimal {
                self.lb[c] = self.ub[c];
            }
        }
        if reason.is_none() || self.ub[c] <= self.lb[c] || improved {
            return Ok(());
        }
        let mut k = 0;
        let found = self.propagator.search(w, &mut k, self.options.search_nodes);
        self.search_nodes += k;
        match found {
            Ok(None) => {
                self.lb[c] = self.ub[c];
                Ok(())
            }
            Ok(Some(ws)) => self.adopt(&starts_of(member, &ws)),
            Err(()) if self.stop_now() => Err(Stop::TimeLimit),
            Err(()) => Err(reason.expect("checked above")),
        }
    }

    /// Adopts a schedule a search found: it is better than the incumbent by construction.
    fn adopt(&mut self, starts: &[(usize, i64)]) -> Result<(), Stop> {
        let better = adopt(
            self.plan,
            self.problem,
            self.problem.network(),
            &self.obj,
            &mut self.fwd,
            &mut self.orderer,
            starts,
            &mut self.best,
        );
        if !better {
            // Cannot happen on the grid (the scheme never starts a task later).
            return Err(Stop::Solver("a found schedule did not decode".into()));
        }
        self.ub = rounded(&self.best.fitness);
        Ok(())
    }

    /// The outcome: the incumbent with the proven bounds, and why the proof stopped if it is
    /// not complete.
    fn finish(mut self, stopped: Option<Stop>) -> Exact {
        let m = self.obj.len();
        let (ub, lb) = (&self.ub, &self.lb);
        let proven = (0..m).all(|c| ub[c] <= lb[c]);
        let gap = (0..m)
            .find(|&c| ub[c] > lb[c])
            .map_or(0.0, |c| (ub[c] - lb[c]) as f64 / ub[c].max(1) as f64);
        self.best.lower_bound = self
            .best
            .lower_bound
            .iter()
            .zip(lb)
            .map(|(&a, &b)| a.max(b as f64))
            .collect();
        self.best.optimal = proven;
        Exact {
            best: self.best,
            gap,
            stopped: if proven { None } else { stopped },
            solves: self.solves,
            nodes: self.nodes,
            search_nodes: self.search_nodes,
            branch_nodes: self.branch_nodes,
        }
    }
}

/// The modelled tasks' starts in windows that are all single starts, as (task, start).
fn starts_of(member: &[bool], ws: &Windows) -> Vec<(usize, i64)> {
    (0..member.len())
        .filter(|&j| member[j])
        .map(|j| (j, ws.es[j]))
        .collect()
}

/// Makes the schedule the serial scheme gives for the list sorted by `starts` (modelled tasks
/// by their start, then the others in the current best order) the best one when it is better;
/// returns whether it was. On a grid plan that schedule starts no task later than `starts`.
#[allow(clippy::too_many_arguments)]
fn adopt(
    plan: &Plan,
    problem: &Problem,
    net: &Net,
    obj: &Objective,
    fwd: &mut Grid,
    orderer: &mut Orderer,
    starts: &[(usize, i64)],
    best: &mut Leveled,
) -> bool {
    let n = plan.tasks.len();
    let m = obj.len();
    let mut key = vec![0.0; n];
    let mut tie = vec![0u32; n];
    for (p, &j) in best.order.iter().enumerate() {
        key[j] = 1e12 + p as f64;
        tie[j] = p as u32;
    }
    for &(j, s) in starts {
        key[j] = s as f64;
    }
    let mut list = Vec::with_capacity(n);
    orderer.order_by(net, Dir::Forward, &key, &tie, &mut list);
    fwd.run(&list);
    let finish: Vec<f64> = fwd.finish.iter().map(|&f| f as f64).collect();
    let mut fit = vec![0.0; m];
    obj.eval(&finish, &mut fit);
    if super::ga::compare(&fit, &best.fitness) == std::cmp::Ordering::Less {
        *best = super::finish_list(plan, problem, obj, list, best);
        true
    } else {
        false
    }
}

/// A task's start variables in a model: (task, its (start, variable) pairs).
type Starts = [(usize, Vec<(i64, Variable)>)];

/// The link rows of [`Model::build`]: `sum_{s<=t} x_js <= sum_{s<=t-delta} x_is` for every
/// slot `t` where it binds.
fn link_rows(
    g: &Grid,
    topo: &[usize],
    member: &[bool],
    x: &Starts,
    index: &[usize],
    w: &Windows,
    constraints: &mut Vec<good_lp::Constraint>,
) {
    let d = g.durations();
    let (es, lf) = (&w.es, &w.lf);
    for &j in topo {
        if !member[j] {
            continue;
        }
        let xj = &x[index[j]].1;
        for (i, kind, lag) in g.links(j) {
            let xi = &x[index[i]].1;
            let del = delta(kind, lag, d[i], d[j]);
            let (es_i, ls_i) = (es[i], lf[i] - d[i]);
            let (es_j, ls_j) = (es[j], lf[j] - d[j]);
            let lo = es_j.max(es_i + del);
            let hi = (ls_j - 1).min(ls_i + del - 1);
            for t in lo..=hi {
                let mut e = Expression::default();
                for &(s, v) in xj.iter().take_while(|&&(s, _)| s <= t) {
                    let _ = s;
                    e.add_mul(1.0, v);
                }
                for &(_, v) in xi.iter().take_while(|&&(s, _)| s <= t - del) {
                    e.add_mul(-1.0, v);
                }
                constraints.push(e.leq(0.0));
            }
        }
    }
}

/// The capacity rows of [`Model::build`]: per team and slot where the tasks that might run
/// then could overload it, their demands at most its capacity.
fn capacity_rows(
    g: &Grid,
    x: &Starts,
    w: &Windows,
    horizon: usize,
    constraints: &mut Vec<good_lp::Constraint>,
) {
    let d = g.durations();
    let (es, lf) = (&w.es, &w.lf);
    let caps = g.capacities();
    for (k, &cap) in caps.iter().enumerate() {
        let users: Vec<(usize, u32)> = x
            .iter()
            .enumerate()
            .filter_map(|(xi, &(j, _))| {
                g.demands(j)
                    .iter()
                    .find(|&&(kk, _)| kk as usize == k)
                    .map(|&(_, q)| (xi, q))
            })
            .filter(|&(xi, _)| d[x[xi].0] > 0)
            .collect();
        if users.is_empty() {
            continue;
        }
        let mut potential = vec![0u64; horizon + 1];
        for &(xi, q) in &users {
            let j = x[xi].0;
            for t in es[j].max(0)..lf[j].min(horizon as i64) {
                potential[t as usize] += u64::from(q);
            }
        }
        for t in 0..horizon as i64 {
            if potential[t as usize] <= u64::from(cap) {
                continue;
            }
            let mut e = Expression::default();
            for &(xi, q) in &users {
                let j = x[xi].0;
                for &(s, v) in &x[xi].1 {
                    if s <= t && t < s + d[j] {
                        e.add_mul(f64::from(q), v);
                    }
                }
            }
            constraints.push(e.leq(f64::from(cap)));
        }
    }
}

/// The clique cuts of [`Model::build`]: at each slot, of a set of tasks no two of which can
/// run together (a team lacks room for both, or links keep them apart), at most one runs.
fn clique_cuts(
    g: &Grid,
    topo: &[usize],
    member: &[bool],
    x: &Starts,
    w: &Windows,
    horizon: usize,
    constraints: &mut Vec<good_lp::Constraint>,
) {
    let n = g.len();
    let d = g.durations();
    let (es, lf) = (&w.es, &w.lf);
    let incompatible = incompatibility(g, topo, member);
    for t in 0..horizon as i64 {
        let mut cand: Vec<usize> = (0..x.len())
            .filter(|&xi| {
                let j = x[xi].0;
                d[j] > 0 && es[j] <= t && t < lf[j]
            })
            .collect();
        if cand.len() < 2 {
            continue;
        }
        let degree = |xi: usize| {
            cand.iter()
                .filter(|&&yi| incompatible[x[xi].0 * n + x[yi].0])
                .count()
        };
        let mut by_degree: Vec<(usize, usize)> = cand.iter().map(|&xi| (degree(xi), xi)).collect();
        by_degree.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        cand = by_degree.into_iter().map(|(_, xi)| xi).collect();
        let mut covered = vec![false; cand.len()];
        let mut cliques = 0;
        for start in 0..cand.len() {
            if covered[start] {
                continue;
            }
            let mut clique = vec![cand[start]];
            for (p, &yi) in cand.iter().enumerate() {
                if p != start && clique.iter().all(|&zi| incompatible[x[zi].0 * n + x[yi].0]) {
                    clique.push(yi);
                }
            }
            if clique.len() < 2 {
                continue;
            }
            cliques += 1;
            for (p, &yi) in cand.iter().enumerate() {
                if clique.contains(&yi) {
                    covered[p] = true;
                }
            }
            let mut e = Expression::default();
            for &xi in &clique {
                let j = x[xi].0;
                for &(s, v) in &x[xi].1 {
                    if s <= t && t < s + d[j] {
                        e.add_mul(1.0, v);
                    }
                }
            }
            constraints.push(e.leq(1.0));
            // Two cuts per slot at most: more make microlp's simplex slower than they help.
            if cliques >= 2 {
                break;
            }
        }
    }
}

/// What a solve gave.
enum Outcome {
    Infeasible,
    Failed(String),
    Done {
        /// The incumbent's (task, start) pairs, when there is one.
        starts: Option<Vec<(usize, i64)>>,
        optimal: bool,
        bound: Option<f64>,
        nodes: u64,
        seconds: f64,
        /// Set when a limit stopped the search.
        reason: Option<Stop>,
    },
}

/// A time-indexed model for one component and target.
struct Model {
    vars: good_lp::ProblemVariables,
    objective: Variable,
    constraints: Vec<good_lp::Constraint>,
    /// Per modelled task, its (start, variable) pairs.
    x: Vec<(usize, Vec<(i64, Variable)>)>,
    /// Per modelled task, the creation number of its first variable.
    first: Vec<usize>,
}

/// Whether tasks `i` and `j` (row-major `i * n + j`) can never run at the same time: some
/// team lacks room for both, or the links keep one from starting before the other finishes
/// (a chain of links from `i` to `j` adds up to at least `d_i`).
fn incompatibility(g: &Grid, topo: &[usize], member: &[bool]) -> Vec<bool> {
    let n = g.len();
    let d = g.durations();
    let caps = g.capacities();
    let mut out = vec![false; n * n];
    let mut need = vec![0u32; caps.len()];
    for i in 0..n {
        if !member[i] || d[i] == 0 {
            continue;
        }
        need.fill(0);
        for &(k, q) in g.demands(i) {
            need[k as usize] = q;
        }
        for j in 0..n {
            if j != i
                && member[j]
                && g.demands(j)
                    .iter()
                    .any(|&(k, q)| need[k as usize] + q > caps[k as usize])
            {
                out[i * n + j] = true;
            }
        }
    }
    // Longest link distances from each task (s_j - s_i >= dist), over the topological order.
    let mut dist = vec![i64::MIN; n];
    for &i in topo {
        if !member[i] {
            continue;
        }
        dist.fill(i64::MIN);
        dist[i] = 0;
        let from = topo.iter().position(|&v| v == i).unwrap_or(0);
        for &j in &topo[from..] {
            for (p, kind, lag) in g.links(j) {
                if dist[p] != i64::MIN {
                    let cand = dist[p] + delta(kind, lag, d[p], d[j]);
                    if cand > dist[j] {
                        dist[j] = cand;
                    }
                }
            }
        }
        for j in 0..n {
            if j != i && member[j] && dist[j] != i64::MIN && dist[j] >= d[i] {
                out[i * n + j] = true;
                out[j * n + i] = true;
            }
        }
    }
    out
}

/// A link as `s_j >= s_i + delta` (plain calendars, whole durations): the earliest start
/// the link allows `j` when `i` starts at 0 ([`link::earliest_start`]).
pub(crate) fn delta(kind: LinkKind, lag: i64, di: i64, dj: i64) -> i64 {
    link::earliest_start(kind, lag, Plain, dj, 0, di)
}

impl Model {
    /// The tasks that matter for component `c` (every task for the makespan, else the
    /// releases up to `c` and all they depend on), its goal tasks, and each task's deadline
    /// (`fixed` values for earlier releases, `target` for the goal).
    fn scope(
        plan: &Plan,
        obj: &Objective,
        topo: &[usize],
        fixed: &[i64],
        c: usize,
        target: i64,
        horizon: i64,
    ) -> (Vec<bool>, Vec<usize>, Vec<i64>) {
        let n = plan.tasks.len();
        let last = obj.len() - 1;
        let mut member = vec![c == last; n];
        let mut deadline = vec![horizon; n];
        for (k, &v) in fixed.iter().enumerate() {
            for &j in &obj.releases[k] {
                deadline[j] = deadline[j].min(v);
                member[j] = true;
            }
        }
        let goal: Vec<usize> = if c == last {
            (0..n).collect()
        } else {
            obj.releases[c].clone()
        };
        for &j in &goal {
            deadline[j] = deadline[j].min(target);
            member[j] = true;
        }
        for &j in topo.iter().rev() {
            if member[j] {
                for a in plan.tasks[j].after.iter() {
                    member[a.pred] = true;
                }
            }
        }
        (member, goal, deadline)
    }

    /// The model for the member tasks within windows `w` (already propagated), minimising the
    /// largest finish of the goal tasks, at least `lb` and at most `target`.
    #[allow(clippy::too_many_arguments)]
    fn build(
        g: &Grid,
        topo: &[usize],
        member: &[bool],
        goal: &[usize],
        w: &Windows,
        target: i64,
        lb: i64,
    ) -> Model {
        let n = g.len();
        let d = g.durations();
        let (es, lf) = (&w.es, &w.lf);

        let mut vars = variables!();
        let mut x: Vec<(usize, Vec<(i64, Variable)>)> = Vec::new();
        let mut index = vec![usize::MAX; n];
        let mut first = Vec::new();
        let mut created = 0usize;
        for j in 0..n {
            if !member[j] {
                continue;
            }
            index[j] = x.len();
            first.push(created);
            created += (lf[j] - d[j] - es[j] + 1) as usize;
            let xs = (es[j]..=lf[j] - d[j])
                .map(|t| (t, vars.add(variable().binary())))
                .collect();
            x.push((j, xs));
        }
        let objective = vars.add(variable().min(lb as f64).max(target as f64));
        let mut constraints = Vec::new();
        // One start each.
        for (_, xs) in &x {
            let mut e = Expression::with_capacity(xs.len());
            for &(_, v) in xs {
                e.add_mul(1.0, v);
            }
            constraints.push(e.eq(1.0));
        }
        link_rows(g, topo, member, &x, &index, w, &mut constraints);
        let horizon = (0..n)
            .filter(|&j| member[j])
            .map(|j| lf[j])
            .max()
            .unwrap_or(0)
            .max(0) as usize;
        capacity_rows(g, &x, w, horizon, &mut constraints);
        clique_cuts(g, topo, member, &x, w, horizon, &mut constraints);
        // The objective bounds every goal task's finish.
        for &j in goal {
            let xs = &x[index[j]].1;
            if xs.last().is_some_and(|&(s, _)| s + d[j] > lb) {
                let mut e = Expression::with_capacity(xs.len() + 1);
                for &(s, v) in xs {
                    e.add_mul((s + d[j]) as f64, v);
                }
                e.add_mul(-1.0, objective);
                constraints.push(e.leq(0.0));
            }
        }
        Model {
            vars,
            objective,
            constraints,
            x,
            first,
        }
    }

    fn solve(self, node_limit: Option<u64>, seconds: Option<f64>) -> Outcome {
        let Model {
            vars,
            objective,
            constraints,
            x,
            first,
            ..
        } = self;
        let mut problem = vars.minimise(objective).using(good_lp::microlp);
        for con in constraints {
            problem.add_constraint(con);
        }
        let mut opts = microlp::SolveOptions::default();
        opts.node_limit = node_limit;
        opts.time_limit = seconds.map(std::time::Duration::from_secs_f64);
        let outcome = match problem.as_inner().solve_with(opts) {
            Ok(o) => o,
            Err(microlp::Error::Infeasible) => return Outcome::Infeasible,
            Err(e) => return Outcome::Failed(e.to_string()),
        };
        let stats = outcome.stats();
        let optimal = outcome.is_optimal();
        let reason = match outcome.termination_reason() {
            microlp::TerminationReason::ProvenOptimal => None,
            microlp::TerminationReason::TimeLimit => Some(Stop::TimeLimit),
            _ => Some(Stop::NodeLimit),
        };
        let starts = outcome.solution().map(|sol| {
            // microlp numbers variables in creation order, as good_lp creates them.
            let values: Vec<f64> = sol.iter().map(|(_, v)| v).collect();
            x.iter()
                .zip(&first)
                .map(|((j, xs), &f)| {
                    let k = (0..xs.len())
                        .max_by(|&a, &b| values[f + a].total_cmp(&values[f + b]))
                        .unwrap_or(0);
                    (*j, xs.get(k).map_or(0, |&(s, _)| s))
                })
                .collect()
        });
        Outcome::Done {
            starts,
            optimal,
            bound: stats.best_bound,
            nodes: stats.nodes_solved,
            seconds: stats.elapsed.as_secs_f64(),
            reason: if optimal { None } else { reason },
        }
    }
}
