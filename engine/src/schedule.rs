//! Resource-feasible scheduling under team capacity, calendars and every link type.
//!
//! A [`Problem`] is compiled once from a [`Plan`]: durations, demands, links, a topological
//! order, which release needs which task, and the [`Timeline`]. The serial schedule generation
//! scheme [`Sgs`] then turns any precedence-feasible priority list and any set of durations into
//! a schedule in which every task starts at the earliest time that its links and its teams'
//! capacity allow, given the tasks placed before it. The Monte Carlo engine reuses one `Sgs`
//! per thread with sampled durations; its inner loop does not allocate.
//!
//! [`report`] turns a priority list into the deterministic schedule the CLI prints: slack on
//! the levelled network and release ready and deploy dates. Which list (the leveller's, the
//! priority rule of [`Problem::priority_order`] or exact mode's) is chosen above this module,
//! in [`crate::dispatch`]: the leveller imports this module, so this module never imports the
//! leveller.
//!
//! Capacity (SPEC section 3): on each day a team works, the demands of the tasks holding it add
//! up to at most its capacity that day, at every moment. A task holds each team it demands
//! ([`crate::model::Task::demands`]) while it runs, except on days its own calendar does not
//! work (it pauses and holds nothing). Tasks are not split; zero-duration tasks hold nothing.
//!
//! ```
//! use shipdate_engine::io::{parse_str, Format};
//! use shipdate_engine::dispatch::schedule;
//! use shipdate_engine::schedule::{Problem, Sgs};
//!
//! let src = "[plan]\nname = \"demo\"\n[teams.be]\ncapacity = 1\n\
//!            [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = 3\n\
//!            [[tasks]]\nid = \"b\"\nteam = \"be\"\nestimate = 2\n";
//! let plan = parse_str(src, Format::Toml).unwrap();
//! let problem = Problem::new(&plan);
//! let order = problem.priority_order(); // latest start first: a, then b
//! let mut sgs = Sgs::new(&problem);
//! let (mut start, mut finish) = (vec![0.0; 2], vec![0.0; 2]);
//! sgs.run(&problem, problem.point_durations(), &order, &mut start, &mut finish);
//! assert_eq!((&start[..], &finish[..]), (&[0.0, 3.0][..], &[3.0, 5.0][..]));
//! // Other (say, sampled) durations through the same order and scratch space:
//! sgs.run(&problem, &[1.5, 2.0], &order, &mut start, &mut finish);
//! assert_eq!(finish, vec![1.5, 3.5]);
//!
//! let report = schedule(&plan);
//! assert_eq!(report.makespan, 5.0);
//! assert!(report.tasks.iter().all(|t| t.critical));
//! ```

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{self, TeamCalendar, Timeline};
use crate::graph::{self, CRITICAL_EPS};
use crate::model::{Plan, TaskState, When};
use crate::network::link::{self, Axis, Plain};
use crate::network::{Demand, Network};

mod handoff;
mod profile;

pub(crate) use handoff::Handoffs;
use profile::{Pos, Profile};

/// A plan compiled for repeated scheduling: the compiled [`Network`] and what the serial
/// scheme adds to it (constant capacities, release ranks, the priority rule's list).
#[derive(Debug, Clone)]
pub struct Problem {
    network: Network,
    /// Per task: its calendar works every day and every team it demands has a constant
    /// capacity.
    fast: Vec<bool>,
    /// Per team: its capacity when its calendar works every day with no change, else `None`.
    constant_capacity: Vec<Option<u32>>,
    release_rank: Vec<usize>,
    priority: Vec<usize>,
}

impl Problem {
    /// Compiles a validated plan: the [`Network`] (point durations, demands, links, a
    /// topological order, the timeline), release membership and the priority rule's list.
    pub fn new(plan: &Plan) -> Problem {
        let network = Network::new(plan);
        let timeline = network.timeline();
        let is_constant = |c: &TeamCalendar| c.is_working(0) && c.next_change(0).is_none();
        let constant_capacity: Vec<Option<u32>> = (0..plan.teams.len())
            .map(|t| {
                let cal = timeline.team(t);
                is_constant(cal).then(|| cal.capacity(0))
            })
            .collect();
        let fast = (0..network.len())
            .map(|j| {
                network.works_every_day(j)
                    && network
                        .demands(j)
                        .iter()
                        .all(|d| constant_capacity[d.team].is_some())
            })
            .collect();
        let release_rank = release_ranks(plan);
        let cpm = graph::critical_path(&network, network.point_durations());
        let priority = precedence_feasible(plan, |j| (release_rank[j], cpm.late_start[j], j));
        Problem {
            network,
            fast,
            constant_capacity,
            release_rank,
            priority,
        }
    }

    /// The compiled network every kernel reads.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The number of tasks.
    pub fn len(&self) -> usize {
        self.network.len()
    }

    /// Whether the plan has no task.
    pub fn is_empty(&self) -> bool {
        self.network.is_empty()
    }

    /// Every task's single-point duration ([`crate::model::Estimate::point`]; 0 for milestones).
    pub fn point_durations(&self) -> &[f64] {
        self.network.point_durations()
    }

    /// The plan's time axis and team calendars.
    pub fn timeline(&self) -> &Timeline {
        self.network.timeline()
    }

    /// A topological order of the tasks (file order where the links allow).
    pub fn topological_order(&self) -> &[usize] {
        self.network.topological_order()
    }

    /// Per task, the index of the earliest release that needs it (it, or a task that depends on
    /// it, is in that release); `plan.releases.len()` when no release needs it.
    pub fn release_ranks(&self) -> &[usize] {
        &self.release_rank
    }

    /// The release-first priority list: tasks ordered by (release rank, critical-path latest
    /// start, file order), then made precedence-feasible (a task comes after all its
    /// predecessors; among the tasks whose predecessors are listed, the smallest key goes
    /// first). With no releases this is the latest-start-first rule.
    pub fn priority_order(&self) -> Vec<usize> {
        self.priority.clone()
    }

    /// The calendar task `j` runs on.
    pub fn calendar(&self, j: usize) -> &TeamCalendar {
        self.network.calendar(j)
    }

    fn demands(&self, j: usize) -> &[Demand] {
        self.network.demands(j)
    }

    /// The `(start, finish)` of task `j` asked to start at `at` with duration `d`.
    #[inline]
    fn advance(&self, j: usize, at: f64, d: f64) -> (f64, f64) {
        if self.network.works_every_day(j) {
            Plain.advance(at, d)
        } else {
            self.calendar(j).advance(at, d)
        }
    }

    /// The earliest requested start of task `j` its links allow, given the times of its
    /// (already placed) predecessors; at least its release time.
    #[inline]
    fn precedence_start(&self, j: usize, d: f64, start: &[f64], finish: &[f64]) -> f64 {
        let net = &self.network;
        let mut es: f64 = net.release_time(j);
        let preds = net.preds(j);
        if preds.is_empty() {
            return es;
        }
        let cal = net.calendar(j);
        let plain = net.works_every_day(j);
        for l in preds {
            let (ps, pf) = (start[l.other], finish[l.other]);
            let b = if plain {
                link::earliest_start(l.kind, l.lag, Plain, d, ps, pf)
            } else {
                link::earliest_start(l.kind, l.lag, cal, d, ps, pf)
            };
            assert!(
                !b.is_nan(),
                "task {j} is listed before its predecessor {}",
                l.other
            );
            es = es.max(b);
        }
        es
    }
}

/// Per task, the index of the earliest release needing it (see [`Problem::release_ranks`]).
fn release_ranks(plan: &Plan) -> Vec<usize> {
    let n = plan.tasks.len();
    let none = plan.releases.len();
    let mut rank = vec![none; n];
    let mut stack = Vec::new();
    for (k, release) in plan.releases.iter().enumerate() {
        stack.extend(release.tasks.iter().copied());
        while let Some(j) = stack.pop() {
            if rank[j] <= k {
                continue;
            }
            rank[j] = k;
            stack.extend(plan.tasks[j].after.iter().map(|l| l.pred));
        }
    }
    rank
}

/// The tasks in an order that lists every task after its predecessors, choosing among the
/// tasks whose predecessors are all listed the one with the smallest key.
fn precedence_feasible<K: PartialOrd>(plan: &Plan, key: impl Fn(usize) -> K) -> Vec<usize> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let n = plan.tasks.len();
    let mut by_key: Vec<usize> = (0..n).collect();
    crate::sorting::sort_by(&mut by_key, |&a, &b| {
        key(a)
            .partial_cmp(&key(b))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    let mut position = vec![0usize; n];
    for (p, &j) in by_key.iter().enumerate() {
        position[j] = p;
    }
    let mut indegree = vec![0usize; n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (j, t) in plan.tasks.iter().enumerate() {
        for l in &t.after {
            indegree[j] += 1;
            succs[l.pred].push(j);
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..n)
        .filter(|&j| indegree[j] == 0)
        .map(|j| Reverse(position[j]))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(p)) = ready.pop() {
        let i = by_key[p];
        order.push(i);
        for &j in &succs[i] {
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.push(Reverse(position[j]));
            }
        }
    }
    order
}

/// The serial schedule generation scheme, with its scratch buffers.
///
/// Tasks are taken in the order of the priority list. Each starts at the earliest requested
/// time that is precedence-feasible and at which every team it demands has room for it over
/// its whole run; candidate times are its precedence earliest start, then the times at which
/// the usage of a team drops (finishes of tasks already placed) or its capacity changes
/// ([`TeamCalendar::next_change`]). The scratch buffers keep their memory between runs.
///
/// Internal: public only for the project's own tests and benchmarks (hidden from the docs, no
/// compatibility promise); crate users schedule through [`crate::dispatch`].
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Sgs {
    profiles: Vec<Profile>,
    /// Per task, the requested start it was placed at (after the resource search).
    placed_at: Vec<f64>,
    /// Per task, its precedence earliest requested start.
    precedence_start: Vec<f64>,
}

impl Sgs {
    /// Scratch space sized for `p`.
    pub fn new(p: &Problem) -> Sgs {
        let teams = p.constant_capacity.len();
        Sgs {
            profiles: vec![Profile::new(); teams],
            placed_at: vec![0.0; p.len()],
            precedence_start: vec![0.0; p.len()],
        }
    }

    /// Schedules the tasks of `p` with these `durations` (indexed by task), taking them in
    /// `order` (every task once, each after its predecessors), and writes each task's
    /// `start` and `finish`.
    ///
    /// # Panics
    ///
    /// When `order` is not precedence-feasible or a slice has the wrong length.
    pub fn run(
        &mut self,
        p: &Problem,
        durations: &[f64],
        order: &[usize],
        start: &mut [f64],
        finish: &mut [f64],
    ) {
        self.run_from(p, durations, order, 0, start, finish);
    }

    /// [`Sgs::run`] resumed at position `from` of `order`: the first `from` tasks of the list
    /// keep the `start` and `finish` they hold, which must be where a run of the same list
    /// with the same durations for those tasks placed them (a task's place depends only on the
    /// tasks before it in the list). Their usage is recorded again and the rest are placed as
    /// `run` places them, with the same result to the bit. `placed_at` and
    /// `precedence_starts` are only written for the tasks from `from` on.
    ///
    /// # Panics
    ///
    /// As [`Sgs::run`].
    pub(crate) fn run_from(
        &mut self,
        p: &Problem,
        durations: &[f64],
        order: &[usize],
        from: usize,
        start: &mut [f64],
        finish: &mut [f64],
    ) {
        let n = p.len();
        assert!(durations.len() == n && start.len() == n && finish.len() == n);
        assert_eq!(order.len(), n, "the priority list holds every task once");
        if self.placed_at.len() != n || self.profiles.len() != p.constant_capacity.len() {
            *self = Sgs::new(p);
        }
        for profile in &mut self.profiles {
            profile.reset();
        }
        let (placed, rest) = order.split_at(from);
        // A task not placed yet has a NaN start, so a list out of precedence order is caught.
        for &j in rest {
            start[j] = f64::NAN;
        }
        for &j in placed {
            if finish[j] > start[j] {
                for dm in p.demands(j) {
                    self.hold(p, j, dm, start[j], finish[j]);
                }
            }
        }
        for &j in rest {
            let d = durations[j];
            let es = p.precedence_start(j, d, start, finish);
            self.precedence_start[j] = es;
            let demands = p.demands(j);
            let mut at = es;
            let (s, f) = if p.fast[j] && d > 0.0 && !demands.is_empty() {
                // Plain calendars, constant capacities: one pass over each profile.
                loop {
                    let mut moved = false;
                    for dm in demands {
                        let cap = p.constant_capacity[dm.team].unwrap_or(0);
                        let t = first_fit(&self.profiles[dm.team], at, d, dm.units, cap);
                        if t > at {
                            at = t;
                            moved = true;
                        }
                    }
                    if !moved || demands.len() == 1 {
                        break (at, at + d);
                    }
                }
            } else {
                loop {
                    let (s, f) = p.advance(j, at, d);
                    if f <= s || demands.is_empty() {
                        break (s, f);
                    }
                    let mut next = None;
                    for dm in demands {
                        if let Some(t) = self.conflict(p, j, dm, s, f) {
                            next = Some(t);
                            break;
                        }
                    }
                    match next {
                        Some(t) => {
                            assert!(
                                t.is_finite() && t > at,
                                "task {j} can never get the capacity it demands"
                            );
                            at = t;
                        }
                        None => break (s, f),
                    }
                }
            };
            start[j] = s;
            finish[j] = f;
            self.placed_at[j] = at;
            if f > s {
                for dm in demands {
                    self.hold(p, j, dm, s, f);
                }
            }
        }
    }

    /// Per task, the requested start the last run placed it at: its precedence earliest start
    /// unless capacity pushed it later, then the time capacity became free.
    pub fn placed_at(&self) -> &[f64] {
        &self.placed_at
    }

    /// Per task, the earliest requested start its links allowed in the last run.
    pub fn precedence_starts(&self) -> &[f64] {
        &self.precedence_start
    }

    /// Whether task `j` holding `dm` over `[s, f)` fits; if not, the next requested start worth
    /// trying: the end of the first overloaded stretch (a usage drop or a capacity change).
    #[inline]
    fn conflict(&self, p: &Problem, j: usize, dm: &Demand, s: f64, f: f64) -> Option<f64> {
        let profile = &self.profiles[dm.team];
        let q = dm.units;
        let mut i = profile.seek(s);
        if let Some(cap) = p.constant_capacity[dm.team] {
            if dm.own_calendar || p.network.works_every_day(j) {
                // Fast path: constant capacity, the task never pauses.
                loop {
                    if profile.units(i) + q > cap {
                        return Some(overload_end(profile, i, q, cap, f64::INFINITY));
                    }
                    match profile.next(i) {
                        Some(n) if profile.time(n) < f => i = n,
                        _ => return None,
                    }
                }
            }
        }
        let team_cal = p.timeline().team(dm.team);
        let own_cal = (!dm.own_calendar).then(|| p.calendar(j));
        let mut t = s;
        while t < f {
            let day = t.floor() as i64;
            let mut change = team_cal
                .next_change(day)
                .map_or(f64::INFINITY, |d| d as f64);
            let mut active = team_cal.is_working(day);
            if let Some(c) = own_cal {
                active &= c.is_working(day);
                change = change.min(c.next_change(day).map_or(f64::INFINITY, |d| d as f64));
            }
            let stop = change.min(f);
            if active {
                let cap = team_cal.capacity(day);
                if q > cap {
                    return Some(change);
                }
                loop {
                    if profile.units(i) + q > cap {
                        return Some(overload_end(profile, i, q, cap, change));
                    }
                    match profile.next(i) {
                        Some(n) if profile.time(n) < stop => i = n,
                        _ => break,
                    }
                }
            }
            t = stop;
            while let Some(n) = profile.next(i) {
                if profile.time(n) > t {
                    break;
                }
                i = n;
            }
        }
        None
    }

    /// Records task `j` holding `dm` over `[s, f)`, except on days its own calendar does not
    /// work when that is not the team's calendar.
    fn hold(&mut self, p: &Problem, j: usize, dm: &Demand, s: f64, f: f64) {
        if dm.own_calendar || p.network.works_every_day(j) {
            self.profiles[dm.team].add(s, f, dm.units);
            return;
        }
        let cal = p.calendar(j);
        let mut t = s;
        while t < f {
            let day = t.floor() as i64;
            let stop = cal.next_change(day).map_or(f, |d| (d as f64).min(f));
            if cal.is_working(day) {
                self.profiles[dm.team].add(t, stop, dm.units);
            }
            t = stop;
        }
    }
}

/// The earliest start `>= at` of a window of length `d` over which a demand of `q` fits under
/// the constant capacity `cap` in `profile`.
#[inline]
fn first_fit(profile: &Profile, at: f64, d: f64, q: u32, cap: u32) -> f64 {
    let Pos { mut block, index } = profile.seek(at);
    let mut from = at;
    // Whether the step of `units` ending at `next` completes a fit from `from`; an
    // overloaded step moves `from` to its end.
    let mut fits = |units: u32, next: f64| {
        if units + q > cap {
            assert!(
                next.is_finite(),
                "a demand of {q} never fits a capacity of {cap}"
            );
            from = next;
            false
        } else {
            next >= from + d
        }
    };
    let mut k = index;
    // Block by block, each as a flat slice: its steps end at the next breakpoint in it, the
    // last at the next block's first.
    loop {
        let entries = &profile.block(block)[k..];
        for w in entries.windows(2) {
            if fits(w[0].1, w[1].0) {
                return from;
            }
        }
        if fits(entries[entries.len() - 1].1, profile.block_start(block + 1)) {
            return from;
        }
        block += 1;
        k = 0;
    }
}

/// Where the overload starting at breakpoint `i` of `profile` ends: the first breakpoint after
/// which a demand of `q` fits under `cap` again, or `limit` if that comes first. Every requested
/// start before it covers an overloaded moment, so it is the next candidate worth trying.
#[inline]
fn overload_end(profile: &Profile, mut i: Pos, q: u32, cap: u32, limit: f64) -> f64 {
    loop {
        let Some(n) = profile.next(i) else {
            return limit;
        };
        let seg_end = profile.time(n);
        if seg_end >= limit {
            return limit;
        }
        if profile.units(n) + q <= cap {
            return seg_end;
        }
        i = n;
    }
}

/// A task in the deterministic schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskSchedule {
    /// The task's id.
    pub id: String,
    /// Its name, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The id of its team, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Start offset (working days, or periods when undated).
    pub start: f64,
    /// Finish offset: the task runs over `[start, finish)`.
    pub finish: f64,
    /// Total slack on the levelled network (see [`crate::dispatch::schedule_with`]).
    pub slack: f64,
    /// Whether the slack is zero (below 1e-9).
    pub critical: bool,
    /// The working day holding `start` (dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// The last working day on which it works (its start date for a milestone; dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_date: Option<NaiveDate>,
    /// Where it stands at the status date (plans with a status date). A started task's
    /// `start` is its actual start; its remaining work runs from the status date on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<TaskState>,
    /// Its single-point work left from the status date, in working days (plans with a status
    /// date; 0 when done).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<f64>,
    /// Its deadline (`due`), as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<When>,
    /// Whether its finish date is on or before `due_date` (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_met: Option<bool>,
}

/// A release in the deterministic schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseSchedule {
    /// The release's id.
    pub id: String,
    /// When all its tasks have finished (the largest finish; 0 with no task).
    pub ready: f64,
    /// The finish date of its last task (dated plans; the plan's first day with no task).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_date: Option<NaiveDate>,
    /// The deploy time (undated plans): the first open window at or after `ready`, or `ready`
    /// itself with no window rule; absent when unscheduled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<f64>,
    /// The deploy date (dated plans): the first open window strictly after `ready_date`, or
    /// `ready_date` itself with no window rule; absent when unscheduled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy_date: Option<NaiveDate>,
    /// The date (or period) it is wanted by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<When>,
    /// Whether it deploys on or before its target (`false` when unscheduled; absent with no
    /// target).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time: Option<bool>,
    /// True when no open deploy window is left after it is ready.
    pub unscheduled: bool,
    /// When it shipped (`deployed`), as written: reported as such, not forecast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployed_date: Option<When>,
}

/// The deterministic, resource-feasible schedule of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleReport {
    /// The status date ("as of", SPEC section 6), when the plan has one: the schedule is a
    /// forecast from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_date: Option<When>,
    /// The largest finish (0 with no task).
    pub makespan: f64,
    /// The plan's first working day (dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// The finish date of the task that finishes last (dated plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_date: Option<NaiveDate>,
    /// Every task, in file order.
    pub tasks: Vec<TaskSchedule>,
    /// Every release, in file order.
    pub releases: Vec<ReleaseSchedule>,
    /// How the schedule was found ([`crate::dispatch::schedule_with`]); `None` from [`report`]
    /// alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<SearchSummary>,
}

/// How the reported schedule was found, and how good it is known to be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchSummary {
    /// `"priority rule"`, `"genetic algorithm"` or `"exact"`.
    pub method: &'static str,
    /// Schedules generated by the search.
    pub schedules: usize,
    /// The search's seed (absent for the priority rule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// A lower bound on the makespan.
    pub makespan_bound: f64,
    /// Whether the schedule is proven optimal (release-first, then makespan).
    pub optimal: bool,
    /// Exact mode: the relative gap `(value - bound) / value` on the first objective component
    /// not proven (0 when proven).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
    /// Whether a time limit ended the search early.
    pub stopped_early: bool,
}

/// The report of the serial scheme's schedule for `order` (see
/// [`crate::dispatch::schedule_with`]).
pub fn report(plan: &Plan, p: &Problem, order: &[usize]) -> ScheduleReport {
    let n = p.len();
    let mut sgs = Sgs::new(p);
    let mut start = vec![0.0; n];
    let mut finish = vec![0.0; n];
    sgs.run(p, p.point_durations(), order, &mut start, &mut finish);
    let makespan = finish.iter().copied().fold(0.0, f64::max);

    let links = resource_links(p, &sgs, order, &finish);
    let (late_start, _) =
        graph::backward_pass(&p.network, p.point_durations(), order, &links, makespan);
    let tl = p.timeline();
    let progress = p.network.progress();
    let tasks: Vec<TaskSchedule> = plan
        .tasks
        .iter()
        .enumerate()
        .map(|(j, t)| {
            let slack = (late_start[j] - start[j]).max(0.0);
            // A started task keeps its actual start; its remaining work is what was placed.
            let shown = progress.actual_start(j).unwrap_or(start[j]).min(start[j]);
            let state = progress.status().map(|_| progress.state(j));
            let remaining = state.map(|s| match s {
                TaskState::Done => 0.0,
                _ => p.point_durations()[j],
            });
            TaskSchedule {
                id: t.id.clone(),
                name: t.name.clone(),
                team: t.team.map(|k| plan.teams[k].id.clone()),
                start: shown,
                finish: finish[j],
                slack,
                critical: slack < CRITICAL_EPS,
                // A zero-length task is dated by the day it is reached, like its finish.
                start_date: if finish[j] <= shown {
                    tl.moment_date(shown)
                } else {
                    tl.start_date(shown)
                },
                finish_date: tl.finish_date(shown, finish[j]),
                state,
                remaining,
                due_date: t.dates.due,
                due_met: progress.due(j).map(|due| finish[j] <= due + 1e-9),
            }
        })
        .collect();
    let last = (0..n).max_by(|&a, &b| finish[a].total_cmp(&finish[b]).then(b.cmp(&a)));
    let finish_date = last.and_then(|j| tasks[j].finish_date);
    let start_date = tl.start_date(0.0);

    let releases = plan
        .releases
        .iter()
        .map(|r| {
            let last = r
                .tasks
                .iter()
                .copied()
                .max_by(|&a, &b| finish[a].total_cmp(&finish[b]).then(b.cmp(&a)));
            // A deployed release is ready and deploys when it shipped, whatever its tasks say.
            let ready = crate::network::progress::deployed_ready(tl, r)
                .unwrap_or_else(|| last.map_or(0.0, |j| finish[j]));
            let ready_date = match (r.deployed, last) {
                (Some(When::Date(d)), _) => Some(d),
                (_, Some(j)) => tasks[j].finish_date,
                (_, None) => start_date,
            };
            let ready_when = match ready_date {
                Some(d) => When::Date(d),
                None => When::Period(ready),
            };
            let deploy = calendar::release_deploy(r, &calendar::open_windows(plan, r), ready_when);
            let on_time = r.target.map(|target| match (deploy, target) {
                (Some(When::Date(d)), When::Date(t)) => d <= t,
                (Some(When::Period(d)), When::Period(t)) => d <= t,
                (Some(When::Date(d)), When::Period(t)) => (tl.day_of_date(d) as f64) <= t,
                (Some(When::Period(d)), When::Date(t)) => d <= tl.offset_of(When::Date(t)),
                (None, _) => false,
            });
            ReleaseSchedule {
                id: r.id.clone(),
                ready,
                ready_date,
                deploy: match deploy {
                    Some(When::Period(x)) => Some(x),
                    _ => None,
                },
                deploy_date: match deploy {
                    Some(When::Date(d)) => Some(d),
                    _ => None,
                },
                target: r.target,
                on_time,
                unscheduled: deploy.is_none(),
                deployed_date: r.deployed,
            }
        })
        .collect();

    ScheduleReport {
        status_date: plan.status,
        makespan,
        start_date,
        finish_date,
        tasks,
        releases,
        search: None,
    }
}

/// A schedule of the serial scheme and the same schedule re-timed on its hand-offs of team
/// capacity with other durations ([`Handoffs`]), as the Monte Carlo measures a risk's effect in
/// resource-aware mode.
///
/// Internal: public only for the project's own tests (hidden from the docs, no compatibility
/// promise).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Retimed {
    /// The schedule of the list with the first durations.
    pub start: Vec<f64>,
    /// Its finishes.
    pub finish: Vec<f64>,
    /// Every task's start re-timed with the second durations.
    pub new_start: Vec<f64>,
    /// Every task's finish re-timed with the second durations.
    pub new_finish: Vec<f64>,
    /// How many tasks' times differ between the two.
    pub moved: usize,
}

/// Schedules `order` with durations `with`, then re-times every task of that schedule on its
/// hand-offs with durations `without` (see [`Retimed`]).
#[doc(hidden)]
pub fn retimed(p: &Problem, order: &[usize], with: &[f64], without: &[f64]) -> Retimed {
    let n = p.len();
    let mut sgs = Sgs::new(p);
    let (mut start, mut finish) = (vec![0.0; n], vec![0.0; n]);
    sgs.run(p, with, order, &mut start, &mut finish);
    let mut handoffs = Handoffs::default();
    handoffs.build(p, &sgs, with, &start, &finish);
    let every: Vec<usize> = (0..n).collect();
    handoffs.retime(p, &start, &finish, &every, |j| without[j]);
    let moved = handoffs.moved().len();
    let (new_start, new_finish) = (0..n).map(|j| handoffs.times(j)).unzip();
    Retimed {
        start,
        finish,
        new_start,
        new_finish,
        moved,
    }
}

/// The resource links of the last run: `(i, j)` when `j` was placed later than its links allowed
/// and `i`, placed before it and sharing one of its teams, finished exactly when `j` was placed.
pub fn resource_links(
    p: &Problem,
    sgs: &Sgs,
    order: &[usize],
    finish: &[f64],
) -> Vec<(usize, usize)> {
    let n = p.len();
    let mut rank = vec![0usize; n];
    for (k, &j) in order.iter().enumerate() {
        rank[j] = k;
    }
    let mut by_finish: Vec<usize> = (0..n).collect();
    crate::sorting::sort_by(&mut by_finish, |&a, &b| finish[a].total_cmp(&finish[b]));
    let mut links = Vec::new();
    for j in 0..n {
        let at = sgs.placed_at[j];
        if at <= sgs.precedence_start[j] {
            continue;
        }
        let teams = p.demands(j);
        let from = by_finish.partition_point(|&i| finish[i] < at);
        for &i in by_finish[from..].iter().take_while(|&&i| finish[i] == at) {
            if i == j || rank[i] > rank[j] {
                continue;
            }
            if p.demands(i)
                .iter()
                .any(|a| teams.iter().any(|b| a.team == b.team))
            {
                links.push((i, j));
            }
        }
    }
    crate::sorting::sort(&mut links);
    links
}
