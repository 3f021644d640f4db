//! The compiled network: one layer under every algorithm that turns a validated plan into the
//! arrays the kernels read.
//!
//! A [`Network`] holds the tasks in topological order, each task's predecessor and successor
//! lists with link type and lag (compressed rows), point durations, team demands, each task's
//! calendar on the plan's time axis ([`Timeline`]) and each task's release time: the earliest
//! moment it may start, 0 today. The critical-path method ([`crate::graph`]), the serial
//! schedule generation scheme ([`crate::schedule`](mod@crate::schedule)), both Monte Carlo kernels
//! ([`crate::simulate`](mod@crate::simulate)), the leveller and exact mode ([`crate::leveling`]) all read the plan
//! through it, and read its links through the rules of [`link`], which are written once.
//!
//! # Where a start bound goes
//!
//! Every kernel starts its forward pass for task `j` at [`Network::release_time`] instead of
//! at 0, so a new lower bound on starts (a status date, a "not before" date) is a change to
//! the one place that fills that array, [`Network::new`]: the critical-path passes, the serial
//! scheme, both simulation kernels, the integer grid and exact mode's time windows honour it
//! with no further change.
//!
//! Architecture invariant: this module (with [`link`]) knows plans, calendars and link types,
//! and nothing of any algorithm built on it; it imports no other engine module but
//! [`crate::model`] and [`crate::calendar`].

pub mod link;
pub mod progress;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::calendar::{TeamCalendar, Timeline};
use crate::model::{LinkKind, Plan, RiskStatus, TaskState};

pub use progress::{Progress, Work};

/// A link seen from one end: the task at the other end, its type and lag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arc {
    /// The task at the other end (the predecessor in a predecessor list, the successor in a
    /// successor list).
    pub other: usize,
    /// FS, SS, FF or SF.
    pub kind: LinkKind,
    /// Lag in working days (periods); may be negative.
    pub lag: f64,
}

/// One capacity demand of a task: the team, the units held, and whether the team's calendar
/// is the task's own (then the task pauses exactly when the team does not work).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Demand {
    /// The team's index in [`Plan::teams`].
    pub team: usize,
    /// Units of its capacity held while the task runs.
    pub units: u32,
    /// Whether the team is the task's own (its calendar is the task's).
    pub own_calendar: bool,
}

/// A validated plan compiled for the kernels (see the [module documentation](self)).
#[derive(Debug, Clone)]
pub struct Network {
    n: usize,
    topo: Vec<usize>,
    /// Each task's position in `topo`.
    topo_pos: Vec<usize>,
    pred_start: Vec<usize>,
    preds: Vec<Arc>,
    succ_start: Vec<usize>,
    succs: Vec<Arc>,
    durations: Vec<f64>,
    /// Per task: its team (its calendar), or `None` for the free calendar.
    team: Vec<Option<usize>>,
    demand_start: Vec<usize>,
    demands: Vec<Demand>,
    /// Per task: the earliest moment it may start (the one place a start bound goes).
    release: Vec<f64>,
    /// The plan's progress on the axis (states, work left, history).
    progress: Progress,
    /// Per task: its calendar works on every day (its capacity may still vary).
    every_day: Vec<bool>,
    /// Per task: its calendar works on every day at one capacity.
    constant: Vec<bool>,
    timeline: Timeline,
}

impl Network {
    /// Compiles a validated plan, building its time axis.
    pub fn new(plan: &Plan) -> Network {
        Network::with_timeline(plan, Timeline::new(plan))
    }

    /// Compiles a validated plan on `timeline`, which must be [`Timeline::new`] of it.
    pub fn with_timeline(plan: &Plan, timeline: Timeline) -> Network {
        let n = plan.tasks.len();
        let progress = Progress::new(plan, &timeline);
        // Done work is history: it keeps no incoming link, holds no capacity and runs on the
        // plan's own axis (the free calendar).
        let done: Vec<bool> = (0..n)
            .map(|j| progress.state(j) == TaskState::Done)
            .collect();
        let (pred_start, preds, succ_start, succs) = link_lists(plan, &done);
        let topo = topological_sort(n, |i| {
            succs[succ_start[i]..succ_start[i + 1]]
                .iter()
                .map(|a| a.other)
        });
        let mut topo_pos = vec![0usize; n];
        for (k, &j) in topo.iter().enumerate() {
            topo_pos[j] = k;
        }
        let durations = point_durations(plan, &progress);
        let mut demand_start = Vec::with_capacity(n + 1);
        let mut demands = Vec::new();
        for (j, task) in plan.tasks.iter().enumerate() {
            demand_start.push(demands.len());
            if done[j] {
                continue;
            }
            demands.extend(task.demands().map(|(team, units)| Demand {
                team,
                units,
                own_calendar: task.team == Some(team),
            }));
        }
        demand_start.push(demands.len());
        let team: Vec<Option<usize>> = plan
            .tasks
            .iter()
            .zip(&done)
            .map(|(t, &d)| if d { None } else { t.team })
            .collect();
        let per_calendar = |f: fn(&TeamCalendar) -> bool| -> Vec<bool> {
            let teams: Vec<bool> = (0..plan.teams.len()).map(|k| f(timeline.team(k))).collect();
            let free = f(timeline.free());
            team.iter().map(|t| t.map_or(free, |k| teams[k])).collect()
        };
        let every_day = per_calendar(works_every_day);
        let constant = per_calendar(is_constant);
        Network {
            n,
            topo,
            topo_pos,
            pred_start,
            preds,
            succ_start,
            succs,
            durations,
            team,
            demand_start,
            demands,
            release: (0..n).map(|j| progress.release_time(j)).collect(),
            progress,
            every_day,
            constant,
            timeline,
        }
    }

    /// The number of tasks.
    #[inline]
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the plan has no task.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// A topological order of the tasks: among the tasks whose predecessors are all listed,
    /// the one earliest in the file comes first.
    #[inline]
    pub fn topological_order(&self) -> &[usize] {
        &self.topo
    }

    /// Each task's position in [`Network::topological_order`].
    #[inline]
    pub fn topological_positions(&self) -> &[usize] {
        &self.topo_pos
    }

    /// The links into task `j`, in the order the plan lists them.
    #[inline]
    pub fn preds(&self, j: usize) -> &[Arc] {
        &self.preds[self.pred_start[j]..self.pred_start[j + 1]]
    }

    /// The links out of task `j`, by successor in file order.
    #[inline]
    pub fn succs(&self, j: usize) -> &[Arc] {
        &self.succs[self.succ_start[j]..self.succ_start[j + 1]]
    }

    /// Every task's single-point duration ([`crate::model::Estimate::point`], at least 0; 0
    /// for milestones).
    #[inline]
    pub fn point_durations(&self) -> &[f64] {
        &self.durations
    }

    /// The capacity demands of task `j`, as [`crate::model::Task::demands`] lists them.
    #[inline]
    pub fn demands(&self, j: usize) -> &[Demand] {
        &self.demands[self.demand_start[j]..self.demand_start[j + 1]]
    }

    /// The earliest moment task `j` may start: every kernel's forward pass starts there
    /// (see [where a start bound goes](self#where-a-start-bound-goes)). 0 for a plan without
    /// status date or `not_before`; see [`Progress::release_time`].
    #[inline]
    pub fn release_time(&self, j: usize) -> f64 {
        self.release[j]
    }

    /// Every task's release time ([`Network::release_time`]).
    #[inline]
    pub fn release_times(&self) -> &[f64] {
        &self.release
    }

    /// The plan's progress on the time axis: each task's state, work left and actual start.
    #[inline]
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The team whose calendar task `j` runs on (`None`: the free calendar).
    #[inline]
    pub fn team(&self, j: usize) -> Option<usize> {
        self.team[j]
    }

    /// The calendar task `j` runs on: its team's, or the free calendar without one.
    #[inline]
    pub fn calendar(&self, j: usize) -> &TeamCalendar {
        match self.team[j] {
            Some(k) => self.timeline.team(k),
            None => self.timeline.free(),
        }
    }

    /// Whether task `j`'s calendar works on every day from 0 on (its capacity may vary), so
    /// that its work over `[s, s + d)` takes exactly `d`: the serial scheme's plain path.
    #[inline]
    pub fn works_every_day(&self, j: usize) -> bool {
        self.every_day[j]
    }

    /// Whether task `j`'s calendar works on every day at one capacity: the plain path of the
    /// simulation kernels and the integer grid.
    #[inline]
    pub fn constant_calendar(&self, j: usize) -> bool {
        self.constant[j]
    }

    /// The plan's time axis and team calendars.
    #[inline]
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }
}

/// Every task's single-point duration: its work's point ([`Work::point`]), plus the
/// single-point impact of each occurred risk on it unless it is done (milestones take none).
fn point_durations(plan: &Plan, progress: &Progress) -> Vec<f64> {
    let mut d: Vec<f64> = (0..plan.tasks.len())
        .map(|j| progress.work(j).point())
        .collect();
    for r in plan
        .risks
        .iter()
        .filter(|r| r.status == RiskStatus::Occurred)
    {
        for &j in &r.tasks {
            let t = &plan.tasks[j];
            if t.kind != crate::model::TaskKind::Milestone && progress.work(j).takes_risks() {
                d[j] = (d[j] + r.impact.point()).max(0.0);
            }
        }
    }
    d
}

/// The predecessor and successor lists of every task (compressed rows): `(pred_start, preds,
/// succ_start, succs)`.
fn link_lists(plan: &Plan, done: &[bool]) -> (Vec<usize>, Vec<Arc>, Vec<usize>, Vec<Arc>) {
    let n = plan.tasks.len();
    let mut pred_start = Vec::with_capacity(n + 1);
    let mut preds = Vec::new();
    let mut succ_count = vec![0usize; n + 1];
    let kept = |j: usize| {
        if done[j] {
            &[][..]
        } else {
            &plan.tasks[j].after[..]
        }
    };
    for j in 0..n {
        pred_start.push(preds.len());
        for l in kept(j) {
            preds.push(Arc {
                other: l.pred,
                kind: l.kind,
                lag: l.lag,
            });
            succ_count[l.pred] += 1;
        }
    }
    pred_start.push(preds.len());
    let mut succ_start = vec![0usize; n + 1];
    for j in 0..n {
        succ_start[j + 1] = succ_start[j] + succ_count[j];
    }
    let mut fill = succ_start.clone();
    let mut succs = vec![
        Arc {
            other: 0,
            kind: LinkKind::default(),
            lag: 0.0
        };
        preds.len()
    ];
    for j in 0..n {
        for l in kept(j) {
            succs[fill[l.pred]] = Arc {
                other: j,
                kind: l.kind,
                lag: l.lag,
            };
            fill[l.pred] += 1;
        }
    }
    (pred_start, preds, succ_start, succs)
}

/// A topological order of `n` tasks whose successors `succs(i)` lists (a task listed once per
/// link into it): among the tasks whose predecessors are all placed, the smallest index comes
/// first.
///
/// # Panics
///
/// When the links hold a cycle (a validated plan has none).
pub(crate) fn topological_sort<I: IntoIterator<Item = usize>>(
    n: usize,
    succs: impl Fn(usize) -> I,
) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    for i in 0..n {
        for j in succs(i) {
            indegree[j] += 1;
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..n).filter(|&j| indegree[j] == 0).map(Reverse).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for j in succs(i) {
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.push(Reverse(j));
            }
        }
    }
    assert_eq!(order.len(), n, "a validated plan has no cycle");
    order
}

/// Whether a calendar works on every day from 0 on (its capacity may still vary), so that
/// work over `[s, s + d)` takes exactly `d`.
fn works_every_day(cal: &TeamCalendar) -> bool {
    let mut day = 0;
    // Capacity changes are finitely many except for a weekly pattern, which has a day off.
    for _ in 0..100_000 {
        if !cal.is_working(day) {
            return false;
        }
        match cal.next_change(day) {
            None => return true,
            Some(next) => day = next,
        }
    }
    false
}

/// Whether a calendar works on every day at one capacity.
fn is_constant(cal: &TeamCalendar) -> bool {
    cal.is_working(0) && cal.next_change(0).is_none()
}
