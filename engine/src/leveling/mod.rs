//! Resource leveling: the release-first schedule, found by an activity-list genetic algorithm
//! with forward-backward improvement, and proven optimal where lower bounds allow.
//!
//! # The problem
//!
//! Given a compiled plan ([`Problem`]), find a priority list (an activity list: every task
//! once, each after its predecessors) whose serial-scheme schedule ([`Sgs`]) is best for the
//! release-first objective of SPEC section 3: the ready time of the first release (file
//! order), then of the second, and so on, then the makespan, compared lexicographically (with
//! no releases, just the makespan). Every schedule the serial scheme produces respects every
//! link, lag, calendar, time off and team capacity, so every schedule here does too; and every
//! active schedule, the optimal ones among them, is the serial scheme's result for some list.
//!
//! # The search
//!
//! See [`ga`](self) for the genetic algorithm. On plans where every duration and lag is a whole
//! number and every team has one capacity on every day (PSPLIB, Patterson, and plain release
//! plans) the lists are decoded on an integer time grid, which gives exactly the schedule the
//! general scheme gives, much faster; elsewhere the general scheme decodes, and a mirrored copy
//! of the plan (time reversed, team capacities reversed) does the backward pass.
//!
//! The budget is a number of schedules (each serial-scheme pass counts one); the default
//! ([`default_budget`]) grows with the plan's size up to 130 tasks, then shrinks so that large
//! plans stay fast. A budget of 20,000 schedules or more is shared by two islands (independent
//! searches with derived seeds), run on two threads with the `parallel` feature. The search
//! stops early when the best schedule meets the lower bound ([`Leveled::optimal`]). A caller
//! may also pass a stop function (a time limit, say), which makes the result depend on timing.
//!
//! The result is deterministic for a seed: portable generators, one per island, and islands
//! that share nothing while they run, so the thread count changes nothing.
//!
//! ```
//! use shipdate_engine::io::{parse_str, Format};
//! use shipdate_engine::leveling::{level, Options};
//! use shipdate_engine::schedule::Problem;
//!
//! // Two teams of one; c needs both; a and b can run side by side.
//! let plan = parse_str(r#"
//! [plan]
//! name = "demo"
//! [teams.x]
//! capacity = 1
//! [teams.y]
//! capacity = 1
//! [[tasks]]
//! id = "a"
//! team = "x"
//! estimate = 3
//! [[tasks]]
//! id = "b"
//! team = "y"
//! estimate = 3
//! [[tasks]]
//! id = "c"
//! team = "x"
//! estimate = 2
//! after = ["b"]
//! "#, Format::Toml).unwrap();
//! let problem = Problem::new(&plan);
//! let best = level(&plan, &problem, &Options::default());
//! assert_eq!(best.fitness, vec![5.0]);
//! assert!(best.optimal);
//! ```

// Index loops over tasks, teams and time slots read more plainly than zipped iterators here.

pub mod exact;
#[doc(hidden)]
pub mod generate;

mod bounds;
mod decode;
mod dh;
mod ga;
mod grid;
mod net;

use crate::model::Plan;
use crate::schedule::{Problem, Sgs};

use decode::{GridDecoder, SgsDecoder};
use ga::Search;
use grid::Grid;

/// How hard to search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The most schedules to generate (each serial-scheme pass counts one); `None` for
    /// [`default_budget`] of the plan.
    pub schedules: Option<usize>,
    /// The seed of the search's random generator.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            schedules: None,
            seed: 1,
        }
    }
}

/// The default schedule budget for a plan of `tasks` tasks. On the integer grid (see the
/// [module docs](self)): 50,000 schedules up to 32 tasks; then growing with the cube of the
/// size up to about 60 tasks, where the work (schedules times tasks) reaches 20 million; that
/// work up to 130 tasks (322,580 schedules for 62 tasks, 163,934 for 122: under a second with
/// two islands on two threads); then falling with the cube of the size until it meets
/// `6,000,000 / tasks` (from about 240 tasks on), at least 500. On the general scheme, which
/// is several times slower per task, `800,000 / tasks` between 200 and 5,000.
pub fn default_budget(tasks: usize, grid: bool) -> usize {
    const SMALL: f64 = 32.0;
    const PEAK: f64 = 130.0;
    const WORK: f64 = 20_000_000.0;
    let n = tasks.max(1) as f64;
    if !grid {
        return (800_000 / tasks.max(1)).clamp(200, 5_000);
    }
    let budget = if n <= SMALL {
        50_000.0
    } else if n <= PEAK {
        (50_000.0 * (n / SMALL).powi(3)).min(WORK / n)
    } else {
        (WORK / PEAK * (PEAK / n).powi(3)).max(6_000_000.0 / n)
    };
    (budget as usize).max(500)
}

/// The default budget ([`default_budget`]) of `plan`: on the integer grid when its point
/// durations, lags and calendars allow one.
pub fn plan_budget(plan: &Plan, problem: &Problem) -> usize {
    let grid = Grid::pair(plan, problem, problem.network(), problem.point_durations());
    default_budget(problem.len(), grid.is_some())
}

/// Budgets of at least this many schedules are split over [`ISLANDS`] islands.
const ISLAND_MIN_BUDGET: usize = 20_000;

/// The number of islands of a large budget.
const ISLANDS: usize = 2;

/// The islands of a search: each one's seed (the first keeps the caller's) and budget (the
/// budget shared out, the first taking the remainder).
fn island_plan(seed: u64, budget: usize) -> Vec<(u64, usize)> {
    let k = if budget >= ISLAND_MIN_BUDGET {
        ISLANDS
    } else {
        1
    };
    (0..k)
        .map(|i| {
            let s = if i == 0 {
                seed
            } else {
                seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            };
            (s, budget / k + if i == 0 { budget % k } else { 0 })
        })
        .collect()
}

/// The best schedule found.
#[derive(Debug, Clone, PartialEq)]
pub struct Leveled {
    /// The activity list: [`Sgs::run`] with the point durations and this order gives exactly
    /// `start` and `finish`.
    pub order: Vec<usize>,
    /// Per task (file order), its start.
    pub start: Vec<f64>,
    /// Per task, its finish.
    pub finish: Vec<f64>,
    /// The objective: each release's ready time (file order), then the makespan.
    pub fitness: Vec<f64>,
    /// A lower bound on each component of the objective (see [`Leveled::optimal`]).
    pub lower_bound: Vec<f64>,
    /// Whether `fitness` meets `lower_bound`: then no schedule is better.
    pub optimal: bool,
    /// Schedules generated.
    pub schedules: usize,
    /// Whether the caller's stop function ended the search before its budget.
    pub stopped: bool,
}

/// The release-first objective: per release the largest finish of its tasks, then the
/// largest finish of all.
#[derive(Debug, Clone)]
pub(crate) struct Objective {
    releases: Vec<Vec<usize>>,
}

impl Objective {
    pub fn new(plan: &Plan) -> Objective {
        Objective {
            releases: plan.releases.iter().map(|r| r.tasks.clone()).collect(),
        }
    }

    /// Length of the fitness vector.
    pub fn len(&self) -> usize {
        self.releases.len() + 1
    }

    /// Writes the fitness of a schedule with these finishes.
    #[inline]
    pub fn eval(&self, finish: &[f64], out: &mut [f64]) {
        for (o, r) in out.iter_mut().zip(&self.releases) {
            *o = r.iter().map(|&j| finish[j]).fold(0.0, f64::max);
        }
        out[self.releases.len()] = finish.iter().copied().fold(0.0, f64::max);
    }
}

/// Plans up to this many tasks get the destructive (energetic) makespan bound.
const DESTRUCTIVE_MAX_TASKS: usize = 160;

/// Lower bounds for a plan: CPM for every component; on the integer grid, the makespan also by
/// the resource and destructive bounds.
pub(crate) fn lower_bounds(
    problem: &Problem,
    obj: &Objective,
    grids: Option<&(Grid, Grid)>,
) -> Vec<f64> {
    let durations = problem.point_durations();
    let mut lb = bounds::cpm_bound(problem, durations, obj);
    if let Some((fwd, bwd)) = grids {
        let m = lb.len() - 1;
        let mut t = (lb[m].ceil() as i64).max(bounds::resource_bound(fwd));
        if fwd.len() <= DESTRUCTIVE_MAX_TASKS {
            let topo = problem.topological_order();
            let rtopo: Vec<usize> = topo.iter().rev().copied().collect();
            t = bounds::destructive_bound(fwd, bwd, topo, &rtopo, t, 64);
        }
        lb[m] = lb[m].max(t as f64);
    }
    lb
}

/// The best schedule the search finds within `options` (see the [module docs](self)).
pub fn level(plan: &Plan, problem: &Problem, options: &Options) -> Leveled {
    level_until(plan, problem, options, None)
}

/// [`level`], also stopping when `stop` returns true (checked between generations). A stop
/// function that reads a clock makes the result depend on timing.
pub fn level_until(
    plan: &Plan,
    problem: &Problem,
    options: &Options,
    stop: Option<&dyn Fn() -> bool>,
) -> Leveled {
    let n = problem.len();
    let obj = Objective::new(plan);
    let durations = problem.point_durations();
    let net = problem.network();
    let grids = Grid::pair(plan, problem, net, durations);
    let lb = lower_bounds(problem, &obj, grids.as_ref());
    let budget = options
        .schedules
        .unwrap_or_else(|| default_budget(n, grids.is_some()))
        .max(1);
    let seed_list = problem.priority_order();

    let (best, used, stopped) = match grids {
        Some((fwd, bwd)) => {
            let mut islands: Vec<_> = island_plan(options.seed, budget)
                .into_iter()
                .map(|(seed, b)| {
                    let dec = GridDecoder {
                        fwd: fwd.clone(),
                        bwd: bwd.clone(),
                    };
                    Search::new(dec, net, &obj, &lb, &seed_list, seed, b)
                })
                .collect();
            ga::run_islands(&mut islands, &seed_list, stop)
        }
        None => {
            // The mirror must cover the schedules the search produces: twice the seed's
            // makespan, which only much worse schedules exceed (those skip the backward pass).
            let mut sgs = Sgs::new(problem);
            let (mut s, mut f) = (vec![0.0; n], vec![0.0; n]);
            sgs.run(problem, durations, &seed_list, &mut s, &mut f);
            let makespan = f.iter().copied().fold(0.0, f64::max);
            let horizon = 2.0 * makespan + 1.0;
            let mut islands: Vec<_> = island_plan(options.seed, budget.saturating_sub(1).max(1))
                .into_iter()
                .map(|(seed, b)| {
                    let dec = SgsDecoder::new(plan, problem, net, durations, horizon);
                    Search::new(dec, net, &obj, &lb, &seed_list, seed, b)
                })
                .collect();
            let (best, used, stopped) = ga::run_islands(&mut islands, &seed_list, stop);
            (best, used + 1, stopped)
        }
    };
    let out = finish(plan, problem, &obj, best.list, lb, used, stopped);
    debug_assert_eq!(
        ga::compare(&out.fitness, &best.fit),
        std::cmp::Ordering::Equal,
        "the decoder and the general scheme disagree"
    );
    out
}

/// The reported schedule: the general scheme's for `list`.
fn finish(
    plan: &Plan,
    problem: &Problem,
    obj: &Objective,
    list: Vec<usize>,
    lower_bound: Vec<f64>,
    schedules: usize,
    stopped: bool,
) -> Leveled {
    let n = problem.len();
    let mut sgs = Sgs::new(problem);
    let (mut start, mut finish) = (vec![0.0; n], vec![0.0; n]);
    sgs.run(
        problem,
        problem.point_durations(),
        &list,
        &mut start,
        &mut finish,
    );
    let mut fitness = vec![0.0; obj.len()];
    obj.eval(&finish, &mut fitness);
    let optimal = ga::compare(&fitness, &lower_bound) != std::cmp::Ordering::Greater;
    let _ = plan;
    Leveled {
        order: list,
        start,
        finish,
        fitness,
        lower_bound,
        optimal,
        schedules,
        stopped,
    }
}

/// [`finish`] for a list found after `previous` (keeping its bound and counts).
pub(crate) fn finish_list(
    plan: &Plan,
    problem: &Problem,
    obj: &Objective,
    list: Vec<usize>,
    previous: &Leveled,
) -> Leveled {
    finish(
        plan,
        problem,
        obj,
        list,
        previous.lower_bound.clone(),
        previous.schedules,
        previous.stopped,
    )
}

#[cfg(test)]
mod tests;
