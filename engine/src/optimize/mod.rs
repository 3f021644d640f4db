//! Release scope and window planning as a mixed-integer program (good_lp, microlp backend).
//!
//! Release trains leave on deploy windows; [`plan_windows`] decides which work rides which
//! train and what to cut, per SPEC section 5:
//!
//! - the windows are the open deploy windows of all releases, sorted; bucket b is the time
//!   before window b and after window b-1 (or the plan start);
//! - a team's capacity in a bucket is the sum of its capacity over its working days in it
//!   (undated: capacity times the bucket's length); work shipping in window b must be done on
//!   a working day strictly before it (dated) or by its time (undated);
//! - a task's work is its single-point duration times its demand, charged to its team;
//!   each task sits in one bucket, or is cut when `optional`; cumulative work of a team never
//!   exceeds its cumulative capacity; a task is not in an earlier bucket than a predecessor,
//!   and is cut (or left out) with it;
//! - a release ships in its first own window at or after the bucket of its last task; it is
//!   unscheduled when one of its required tasks is left out or no own window remains.
//!
//! Releases without any window rule (no `windows`, no `cadence`) may ship in any window.
//!
//! The objective is lexicographic (see `milp` for the encoding): most value of releases that
//! ship at all; least required work left out; most value of releases on time; smallest sum
//! of window numbers; least work cut (ties: fewest zero-work tasks left out or cut). The first
//! two only matter when the required work cannot all fit (SPEC section 5 places every task
//! and makes a release unscheduled only when that is impossible): the releases kept are then
//! those worth most, and as much of the remaining required work as fits is still placed.
//!
//! When the required work does not fit, an elastic model finds the smallest total extra
//! capacity, per team and window, that makes every release (with an open window) schedulable
//! and every required task placed; among those, the one needed as late as possible.
//!
//! The solver stops at a time limit ([`WindowsOptions::time_limit`]) and then returns the
//! best plan found, with the level it was working on and its relative gap; it always has a
//! feasible plan to return, because every solve starts from one (a greedy placement, then
//! each level's optimum).
//!
//! ```
//! use shipdate_engine::optimize::{plan_windows, WindowsOptions};
//! let plan = shipdate_engine::io::parse_str(r#"
//! [plan]
//! name = "demo"
//! [teams.be]
//! capacity = 1
//! [[tasks]]
//! id = "a"
//! team = "be"
//! estimate = 4
//! [[releases]]
//! id = "r1"
//! tasks = ["a"]
//! windows = [5, 10]
//! target = 5
//! "#, shipdate_engine::io::Format::Toml).unwrap();
//! let report = plan_windows(&plan, &WindowsOptions::default()).unwrap();
//! assert_eq!(report.releases[0].window_number, Some(1));
//! assert!(report.releases[0].on_time);
//! ```

mod greedy;
mod instance;
mod milp;

use serde::Serialize;

use crate::calendar::{self, TeamCalendar, Timeline};
use crate::diag::{Diagnostic, Pos};
use crate::model::{Plan, When};
use crate::network::Network;

use instance::{Assignment, IRelease, ITask, Instance};

/// The default limit on solver time, in seconds.
pub const DEFAULT_TIME_LIMIT: f64 = 10.0;

/// Options of [`plan_windows`].
#[derive(Debug, Clone, PartialEq)]
pub struct WindowsOptions {
    /// Seconds of solver time in all before the best plan found so far is returned (`None`:
    /// no limit; solving is then exact but may take long on large plans).
    pub time_limit: Option<f64>,
}

impl Default for WindowsOptions {
    fn default() -> Self {
        WindowsOptions {
            time_limit: Some(DEFAULT_TIME_LIMIT),
        }
    }
}

/// Why window planning could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WindowsError {
    /// No release has an open deploy window, so there are no trains to plan.
    #[error("no open deploy windows: window planning needs a release with `windows` or a `cadence` that is not entirely frozen")]
    NoWindows,
    /// The MIP solver reported an error (not a time limit: that returns the best plan).
    #[error("{0}")]
    Solver(String),
}

impl WindowsError {
    /// The error as located diagnostics, for a caller that prints plan errors: for
    /// [`WindowsError::NoWindows`], one error per release at its definition saying why it
    /// has no open window (or, in a plan without releases, one at the top of the file); for
    /// [`WindowsError::Solver`], none (it is not a fault of the plan).
    pub fn diagnostics(&self, plan: &Plan) -> Vec<Diagnostic> {
        match self {
            WindowsError::NoWindows if plan.releases.is_empty() => vec![Diagnostic::error(
                Some(Pos { line: 1, column: 1 }),
                "the plan has no release: window planning needs a release with `windows` or a `cadence`",
            )],
            WindowsError::NoWindows => plan
                .releases
                .iter()
                .map(|r| {
                    let why = if r.windows.is_empty() && r.cadence.is_none() {
                        "has neither `windows` nor a `cadence`"
                    } else {
                        "has no open deploy window (its windows and cadence dates are all frozen, holidays, on or before the plan's start or past the cadence horizon)"
                    };
                    Diagnostic::error(
                        r.pos,
                        format!(
                            "release `{}` {why}: window planning needs at least one open window",
                            r.id
                        ),
                    )
                    .with_subject(r.id.clone())
                })
                .collect(),
            WindowsError::Solver(_) => Vec::new(),
        }
    }
}

/// The answer of [`plan_windows`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowsReport {
    /// The deploy windows, sorted: dates (dated plans) or times (undated plans).
    pub windows: Vec<When>,
    /// Per release, in file order: where it ships and what is cut.
    pub releases: Vec<ReleaseWindow>,
    /// Per task, in file order: the window its work ships in, or cut / left out.
    pub tasks: Vec<TaskWindow>,
    /// Per team and window: the work shipping in that window against the capacity of its
    /// bucket.
    pub load: Vec<TeamLoad>,
    /// The smallest extra capacity that would make every release schedulable (empty when
    /// the required work fits).
    pub overload: Vec<Overload>,
    /// The plan's value on each level of the objective.
    pub objective: Objective,
    /// Whether the answer is proven optimal.
    pub status: SolveStatus,
}

/// Where a release ships.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseWindow {
    /// Release id.
    pub id: String,
    /// The window it ships in (`None`: unscheduled).
    pub window: Option<When>,
    /// That window's number, from 1.
    pub window_number: Option<usize>,
    /// Its target, if any.
    pub target: Option<When>,
    /// Whether it ships on or before its target (a release without target: whether it ships).
    pub on_time: bool,
    /// Whether it cannot ship: a required task of it does not fit, or no window is left.
    pub unscheduled: bool,
    /// Ids of the optional tasks it needs (its tasks and their predecessors) that are cut.
    pub cut: Vec<String>,
    /// Ids of the required tasks it needs that could not be placed.
    pub unplaced: Vec<String>,
    /// When it was deployed (SPEC section 6): a shipped release is reported, not planned
    /// (no window, on time when deployed on or before its target).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployed: Option<When>,
}

/// Where a task's work goes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskWindow {
    /// Task id.
    pub id: String,
    /// Its work (single-point duration x demand, over all its teams).
    pub work: f64,
    /// The window it rides: that of the first shipping release that needs it (directly or
    /// through a task depending on it), or the last window for work no shipping release
    /// needs; `None` when cut or left out. It is done by then (possibly earlier).
    pub window: Option<When>,
    /// That window's number, from 1.
    pub window_number: Option<usize>,
    /// An optional task that is cut.
    pub cut: bool,
    /// A required task that could not be placed.
    pub unplaced: bool,
}

/// One team's load in one window's bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamLoad {
    /// Team id.
    pub team: String,
    /// The window closing the bucket.
    pub window: When,
    /// That window's number, from 1.
    pub window_number: usize,
    /// Work of the team's tasks shipping in this window (it may have been done earlier, on
    /// capacity carried forward).
    pub work: f64,
    /// The team's capacity inside this bucket.
    pub capacity: f64,
    /// Work shipping in this window or before.
    pub cumulative_work: f64,
    /// Capacity up to this window.
    pub cumulative_capacity: f64,
}

/// Extra capacity a team needs by a window for every release to be schedulable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overload {
    /// Team id.
    pub team: String,
    /// The window by which the extra capacity is needed.
    pub by_window: When,
    /// That window's number, from 1.
    pub window_number: usize,
    /// How much capacity (capacity units x working days, or x periods) is missing.
    pub missing: f64,
    /// The same in words, such as "be lacks 1 unit by 10".
    pub message: String,
}

/// The plan's value on each level of the lexicographic objective.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Objective {
    /// Total value of the releases that ship (maximised first).
    pub scheduled_value: f64,
    /// Work of required tasks left out (minimised next).
    pub unplaced_work: f64,
    /// Total value of the releases on time (maximised next).
    pub on_time_value: f64,
    /// Sum of the releases' window numbers, an unscheduled release counting as one past the
    /// last window (minimised next).
    pub window_sum: usize,
    /// Work of optional tasks cut (minimised next).
    pub cut_work: f64,
}

/// How the solve ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolveStatus {
    /// Every level (and the overload) proven optimal.
    pub optimal: bool,
    /// The objective level being solved when the time limit struck.
    pub stopped_at: Option<String>,
    /// The relative gap on that level between the plan returned and the solver's bound
    /// (`None` when no bound was known yet).
    pub gap: Option<f64>,
    /// How many mixed-integer programs were solved.
    pub solves: usize,
}

/// Plans which work rides which deploy window, and what to cut.
///
/// Solves SPEC section 5's bucketed model exactly (up to the time limit in `options`) and
/// reports per release its window, on-time status and cut tasks, per team and window its
/// load, and the smallest overload when the required work does not fit.
pub fn plan_windows(plan: &Plan, options: &WindowsOptions) -> Result<WindowsReport, WindowsError> {
    let timeline = Timeline::new(plan);
    let setup = build_instance(plan, &timeline)?;
    let solved = milp::solve(&setup.instance, options.time_limit).map_err(WindowsError::Solver)?;
    Ok(report(plan, &setup, &solved))
}

/// The bucketed instance and what is needed to report on it.
struct Setup {
    instance: Instance,
    windows: Vec<When>,
}

/// Sorts and deduplicates window points.
fn sort_windows(ws: &mut Vec<When>) {
    crate::sorting::sort_by(ws, |a, b| {
        a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)
    });
    ws.dedup();
}

/// Capacity of a team over plan time `[from, to)`: the integral of its capacity, day by day.
/// The finest amount of work (team-days) the windows MIP tells apart: a task's work and a
/// team's capacity in a bucket count to a millionth of a team-day (below a tenth of a
/// second), and less counts as none. The solver's tolerances are near 1e-9: a task with
/// 1e-10 days of work made a valid plan's model infeasible.
pub const WORK_RESOLUTION: f64 = 1e-6;

/// `x`, or 0 when it is below [`WORK_RESOLUTION`].
fn resolved(x: f64) -> f64 {
    if x.abs() < WORK_RESOLUTION {
        0.0
    } else {
        x
    }
}

fn capacity_between(team: &TeamCalendar, from: f64, to: f64) -> f64 {
    let mut x = from;
    let mut total = 0.0;
    while x < to {
        let day = x.floor() as i64;
        let cap = team.capacity(day) as f64;
        let end = team
            .next_change(day)
            .map_or(to, |next| (next as f64).min(to));
        let end = if end <= x { to } else { end };
        total += cap * (end - x);
        x = end;
    }
    total
}

fn build_instance(plan: &Plan, timeline: &Timeline) -> Result<Setup, WindowsError> {
    let own: Vec<Vec<When>> = plan
        .releases
        .iter()
        .map(|r| {
            let mut ws = calendar::open_windows(plan, r);
            sort_windows(&mut ws);
            ws
        })
        .collect();
    let mut windows: Vec<When> = own.iter().flatten().copied().collect();
    sort_windows(&mut windows);
    if windows.is_empty() {
        return Err(WindowsError::NoWindows);
    }
    let nb = windows.len();
    // Bucket b is plan time [bounds[b], bounds[b + 1]).
    let mut bounds = vec![0.0];
    bounds.extend(windows.iter().map(|&w| timeline.offset_of(w).max(0.0)));
    for i in 1..bounds.len() {
        bounds[i] = bounds[i].max(bounds[i - 1]);
    }
    // Progress (SPEC section 6): capacity counts from the status time on; each task's work is
    // what the compiled network holds (done work none, started work what is left).
    let net = Network::with_timeline(plan, timeline.clone());
    let from = net.progress().status().unwrap_or(0.0);
    let cap = (0..plan.teams.len())
        .map(|k| {
            let team = timeline.team(k);
            (0..nb)
                .map(|b| resolved(capacity_between(team, bounds[b].max(from), bounds[b + 1])))
                .collect()
        })
        .collect();
    let tasks = plan
        .tasks
        .iter()
        .enumerate()
        .map(|(j, t)| {
            let duration = net.point_durations()[j];
            let mut work: Vec<(usize, f64)> = Vec::new();
            for d in net.demands(j) {
                let (team, demand) = (d.team, d.units);
                let w = duration * demand as f64;
                match work.iter_mut().find(|(k, _)| *k == team) {
                    Some((_, acc)) => *acc += w,
                    None => work.push((team, w)),
                }
            }
            for (_, w) in &mut work {
                *w = resolved(*w);
            }
            let mut preds: Vec<usize> = net.preds(j).iter().map(|l| l.other).collect();
            crate::sorting::sort(&mut preds);
            preds.dedup();
            ITask {
                work,
                optional: t.optional,
                preds,
            }
        })
        .collect();
    let index_of = |w: &When| {
        windows
            .iter()
            .position(|x| x == w)
            .expect("every own window is in the union")
    };
    let releases = plan
        .releases
        .iter()
        .zip(&own)
        .map(|(r, ws)| {
            if r.deployed.is_some() {
                // Shipped: it needs no window and holds none of its tasks back.
                return IRelease {
                    tasks: Vec::new(),
                    windows: Vec::new(),
                    on_time: 0,
                    value: 0.0,
                };
            }
            let buckets: Vec<usize> = if calendar::has_windows(r) {
                ws.iter().map(index_of).collect()
            } else {
                (0..nb).collect()
            };
            let on_time = match r.target {
                None => buckets.len(),
                Some(target) => buckets
                    .iter()
                    .take_while(|&&b| windows[b] <= target)
                    .count(),
            };
            IRelease {
                tasks: r.tasks.clone(),
                windows: buckets,
                on_time,
                value: r.value,
            }
        })
        .collect();
    Ok(Setup {
        instance: Instance {
            buckets: nb,
            cap,
            tasks,
            releases,
        },
        windows,
    })
}

/// A number for people: no trailing zeros, at most two decimals.
fn pretty(x: f64) -> String {
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A window for people: its date, or its time.
fn window_text(w: When) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::Period(p) => pretty(p),
    }
}

/// The answer in the plan's terms: the solver's assignment read back per release, task and
/// team, with the overload and how the solve ended.
fn report(plan: &Plan, setup: &Setup, solved: &milp::Solved) -> WindowsReport {
    let l = solved.levels;
    let overload_proven = solved.overload.as_ref().is_none_or(|(_, p)| *p);
    WindowsReport {
        windows: setup.windows.clone(),
        releases: release_rows(plan, setup, &solved.assignment),
        tasks: task_rows(plan, setup, &solved.assignment),
        load: team_load(plan, setup, &solved.assignment),
        overload: solved
            .overload
            .as_ref()
            .map_or_else(Vec::new, |(extra, _)| overload_rows(plan, setup, extra)),
        objective: Objective {
            scheduled_value: l.scheduled_value,
            unplaced_work: l.unplaced_work,
            on_time_value: l.on_time_value,
            window_sum: l.window_sum,
            cut_work: l.cut_work,
        },
        status: SolveStatus {
            optimal: solved.stop.is_none() && overload_proven,
            stopped_at: solved.stop.as_ref().map(|s| s.level.clone()),
            gap: solved.stop.as_ref().and_then(|s| s.gap),
            solves: solved.solves,
        },
    }
}

/// Per release: its window, whether on time, and the tasks it needs that are left out.
fn release_rows(plan: &Plan, setup: &Setup, a: &Assignment) -> Vec<ReleaseWindow> {
    let inst = &setup.instance;
    let ws = &setup.windows;
    let ancestors = inst.ancestors();
    plan.releases
        .iter()
        .enumerate()
        .map(|(r, rel)| {
            if let Some(d) = rel.deployed {
                return ReleaseWindow {
                    id: rel.id.clone(),
                    window: None,
                    window_number: None,
                    target: rel.target,
                    on_time: rel.target.is_none_or(|t| d <= t),
                    unscheduled: false,
                    cut: Vec::new(),
                    unplaced: Vec::new(),
                    deployed: Some(d),
                };
            }
            let ship = a.ship[r];
            let mut needed: Vec<usize> = Vec::new();
            for &t in &rel.tasks {
                needed.push(t);
                needed.extend(&ancestors[t]);
            }
            crate::sorting::sort(&mut needed);
            needed.dedup();
            let left_out = |optional: bool| {
                needed
                    .iter()
                    .filter(|&&t| a.bucket[t].is_none() && plan.tasks[t].optional == optional)
                    .map(|&t| plan.tasks[t].id.clone())
                    .collect::<Vec<_>>()
            };
            let on_time = ship
                .is_some_and(|s| inst.releases[r].windows[..inst.releases[r].on_time].contains(&s));
            ReleaseWindow {
                id: rel.id.clone(),
                window: ship.map(|s| ws[s]),
                window_number: ship.map(|s| s + 1),
                target: rel.target,
                on_time,
                unscheduled: ship.is_none(),
                cut: left_out(true),
                unplaced: left_out(false),
                deployed: None,
            }
        })
        .collect()
}

/// Per task: its work and the window it rides, or cut / left out.
fn task_rows(plan: &Plan, setup: &Setup, a: &Assignment) -> Vec<TaskWindow> {
    let inst = &setup.instance;
    let ws = &setup.windows;
    plan.tasks
        .iter()
        .enumerate()
        .map(|(t, task)| TaskWindow {
            id: task.id.clone(),
            work: inst.tasks[t].total_work(),
            window: a.bucket[t].map(|b| ws[b]),
            window_number: a.bucket[t].map(|b| b + 1),
            cut: a.bucket[t].is_none() && task.optional,
            unplaced: a.bucket[t].is_none() && !task.optional,
        })
        .collect()
}

/// Per team and window: the work shipping in it against its bucket's capacity, and both
/// summed up to it.
fn team_load(plan: &Plan, setup: &Setup, a: &Assignment) -> Vec<TeamLoad> {
    let inst = &setup.instance;
    let mut load = Vec::new();
    for (k, team) in plan.teams.iter().enumerate() {
        let mut cum_work = 0.0;
        let mut cum_cap = 0.0;
        for (b, &window) in setup.windows.iter().enumerate() {
            let work: f64 = inst
                .tasks
                .iter()
                .enumerate()
                .filter(|&(t, _)| a.bucket[t] == Some(b))
                .flat_map(|(_, task)| task.work.iter())
                .filter(|&&(team, _)| team == k)
                .map(|&(_, w)| w)
                .sum();
            cum_work += work;
            cum_cap += inst.cap[k][b];
            load.push(TeamLoad {
                team: team.id.clone(),
                window,
                window_number: b + 1,
                work,
                capacity: inst.cap[k][b],
                cumulative_work: cum_work,
                cumulative_capacity: cum_cap,
            });
        }
    }
    load
}

/// The overload's nonzero entries (`extra[k][b]`: extra capacity team k needs in bucket b),
/// each with its sentence.
fn overload_rows(plan: &Plan, setup: &Setup, extra: &[Vec<f64>]) -> Vec<Overload> {
    let ws = &setup.windows;
    let mut overload = Vec::new();
    for (k, row) in extra.iter().enumerate() {
        for (b, &missing) in row.iter().enumerate() {
            if missing > 1e-9 {
                let one = (missing - 1.0).abs() < 5e-3;
                let unit = match (plan.is_dated(), one) {
                    (true, true) => "capacity-day",
                    (true, false) => "capacity-days",
                    (false, true) => "unit",
                    (false, false) => "units",
                };
                overload.push(Overload {
                    team: plan.teams[k].id.clone(),
                    by_window: ws[b],
                    window_number: b + 1,
                    missing,
                    message: format!(
                        "{} lacks {} {unit} by {}",
                        plan.teams[k].id,
                        pretty(missing),
                        window_text(ws[b])
                    ),
                });
            }
        }
    }
    overload
}

#[cfg(test)]
mod tests;
