//! The view model: what every front end shows about a schedule and a simulation, decided
//! once.
//!
//! The CLI's tables, the HTML report ([`crate::html`]) and the browser planner show the same
//! results. This module owns the rules they share, so that the three agree by construction:
//!
//! - **How a value is written.** A time ([`number`]), a point in plan time ([`when`],
//!   [`time_text`]), a short axis date ([`short_date`]), a probability ([`percent`] with one
//!   decimal for the report and the browser, [`odds`] in whole percent with `<1%` and `>99%`
//!   for the terminal), a rank correlation ([`correlation`]).
//! - **Which tasks and risks drive the finish, in what order.** [`task_drivers`] ranks tasks
//!   by sensitivity or by criticality, with the count as a parameter (the CLI shows
//!   [`CLI_DRIVERS`], the report [`REPORT_DRIVERS`], the browser [`BROWSER_DRIVERS`]);
//!   [`risk_drivers`] orders risks by their effect on the P80 finish; [`task_sensitivities`]
//!   and [`risk_effects`] are what the tornado charts plot.
//! - **What a row holds.** The simulated finish ([`finish`]), a release's simulated deploy
//!   percentiles and odds ([`release_odds`], [`window_rows`]), and a scheduled release's
//!   times and status ([`release_status`], [`ScheduledRelease`]), a scheduled task's row
//!   ([`ScheduledTask`]).
//!
//! - **How a plan diff reads** (`shipdate diff`, the browser's Compare tab): a change in
//!   words ([`describe_change`]), a P80 move ([`signed`]), each release's old and new numbers
//!   and why its P80 moved ([`diff_rows`], [`diff_parts`], [`diff_reasons`]).
//!
//! - **How the health check reads.** [`health_rows`]: per check its count, share, result
//!   word and first offenders ([`crate::check`]).
//!
//! Each front end renders these in its own medium (aligned text, HTML, Leptos views) and
//! formats no number itself.

use chrono::{Datelike, NaiveDate};

use crate::check::{Check, HealthReport, Status};
use crate::diff::{Change, ChangeKind, Diff, Part, ReleaseDiff, ReleaseNumbers};
use crate::model::{Plan, TaskState, When};
use crate::schedule::{ReleaseSchedule, TaskSchedule};
use crate::simulate::{ReleaseRisk, Simulation};

/// Task drivers the CLI's `simulate` table lists.
pub const CLI_DRIVERS: usize = 8;
/// Tasks the HTML report's "Most often critical" table lists.
pub const REPORT_DRIVERS: usize = 10;
/// Tasks the browser's criticality table lists.
pub const BROWSER_DRIVERS: usize = 15;
/// Bars in a tornado chart (report and browser).
pub const TORNADO_ROWS: usize = 12;
/// What a deploy percentile reads when no open window is left.
pub const UNSCHEDULED: &str = "unscheduled";

/// A number as the engine writes it everywhere ([`crate::format::number`]).
pub use crate::format::number;

/// A point in plan time as written: its date (`2026-03-02`), or its period ([`number`]).
pub fn when(w: When) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::Period(p) => number(p),
    }
}

/// A shipped release's status: `deployed 2027-01-12` (SPEC section 6).
pub fn deployed(w: When) -> String {
    format!("deployed {}", when(w))
}

/// A time with its date where the plan is dated: the date when there is one, else the
/// engine time ([`number`]).
pub fn time_text(time: f64, date: Option<NaiveDate>) -> String {
    date.map_or_else(|| number(time), |d| d.to_string())
}

/// The "as of" of a re-forecast (SPEC section 6): `as of 2027-02-01` (`as of 12` undated);
/// `None` for a plan without a status date.
///
/// ```
/// use shipdate_engine::model::When;
/// use shipdate_engine::view::as_of;
/// assert_eq!(as_of(Some(When::Period(12.0))).as_deref(), Some("as of 12"));
/// assert_eq!(as_of(None), None);
/// ```
pub fn as_of(status: Option<When>) -> Option<String> {
    status.map(|w| format!("as of {}", when(w)))
}

/// A task's state at the status date in words: `done`, `in progress`, `not started`.
pub fn state_word(s: TaskState) -> &'static str {
    match s {
        TaskState::Done => "done",
        TaskState::InProgress => "in progress",
        TaskState::NotStarted => "not started",
    }
}

/// A date as chart axes and window labels write it: `Mar 02`.
pub fn short_date(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!("{} {:02}", MONTHS[d.month0() as usize], d.day())
}

/// A probability in percent with at most one decimal: `12.5%`, `100%` (the report and the
/// browser).
///
/// ```
/// use shipdate_engine::view::percent;
/// assert_eq!((percent(0.125), percent(1.0), percent(0.0004)), ("12.5%".into(), "100%".into(), "0%".into()));
/// ```
pub fn percent(p: f64) -> String {
    format!("{}%", number((p * 1000.0).round() / 10.0))
}

/// A probability in whole percent for the terminal, `<1%` and `>99%` at the ends so that
/// nothing that can happen reads as impossible or certain; exactly 0 and 1 read `0%` and
/// `100%`.
///
/// ```
/// use shipdate_engine::view::odds;
/// assert_eq!((odds(0.004), odds(0.996), odds(0.5), odds(1.0)), ("<1%".into(), ">99%".into(), "50%".into(), "100%".into()));
/// ```
pub fn odds(p: f64) -> String {
    if p <= 0.0 {
        "0%".into()
    } else if p >= 1.0 {
        "100%".into()
    } else if p < 0.005 {
        "<1%".into()
    } else if p > 0.995 {
        ">99%".into()
    } else {
        format!("{:.0}%", p * 100.0)
    }
}

/// A rank correlation (sensitivity), two decimals: `0.87`, `-0.10`.
pub fn correlation(x: f64) -> String {
    format!("{x:.2}")
}

/// The unit of engine time in prose: `working days` (dated plans) or `periods`.
pub fn time_unit(dated: bool) -> &'static str {
    if dated {
        "working days"
    } else {
        "periods"
    }
}

/// One percentile of the simulated finish: engine time and, in dated plans, its date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    /// Working days (periods) from the start.
    pub time: f64,
    /// The date, in dated plans.
    pub date: Option<NaiveDate>,
}

impl Moment {
    /// The date where there is one, else the time ([`time_text`]).
    pub fn text(&self) -> String {
        time_text(self.time, self.date)
    }
}

/// The simulated finish of all work, as every front end shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finish {
    /// Median.
    pub p50: Moment,
    /// 80th percentile.
    pub p80: Moment,
    /// 95th percentile.
    pub p95: Moment,
    /// Mean time.
    pub mean: f64,
}

/// The P50, P80 and P95 finish of a simulation.
pub fn finish(sim: &Simulation) -> Finish {
    let m = &sim.makespan;
    let d = sim.finish_date.as_ref();
    Finish {
        p50: Moment {
            time: m.p50,
            date: d.map(|d| d.p50),
        },
        p80: Moment {
            time: m.p80,
            date: d.map(|d| d.p80),
        },
        p95: Moment {
            time: m.p95,
            date: d.map(|d| d.p95),
        },
        mean: m.mean,
    }
}

/// A release's simulated deploy and odds, as the tables show them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseOdds {
    /// Release id.
    pub id: String,
    /// Its target, written ([`when`]).
    pub target: Option<String>,
    /// The probability of deploying by the target (no target: none).
    pub on_time: Option<f64>,
    /// Deploy P50: a date or time, [`UNSCHEDULED`] where no window is left.
    pub p50: String,
    /// Deploy P80.
    pub p80: String,
    /// Deploy P95.
    pub p95: String,
    /// The probability that no open window is left when it is ready.
    pub unscheduled: f64,
}

/// The deploy percentiles and odds of one simulated release.
pub fn release_odds(rr: &ReleaseRisk) -> ReleaseOdds {
    let cells: [String; 3] = match (&rr.deploy_date, &rr.deploy) {
        (Some(p), _) => [p.p50, p.p80, p.p95]
            .map(|d| d.map_or_else(|| UNSCHEDULED.to_string(), |d| d.to_string())),
        (None, Some(p)) => {
            [p.p50, p.p80, p.p95].map(|x| x.map_or_else(|| UNSCHEDULED.to_string(), number))
        }
        // The engine gives one of the two; the ready times stand in otherwise.
        (None, None) => [rr.ready.p50, rr.ready.p80, rr.ready.p95].map(number),
    };
    let [p50, p80, p95] = cells;
    ReleaseOdds {
        id: rr.id.clone(),
        target: rr.target.map(when),
        on_time: rr.on_time_probability,
        p50,
        p80,
        p95,
        unscheduled: rr.unscheduled_probability,
    }
}

/// A release's numbers in one variant of a comparison (`shipdate compare`, the report's
/// "Scenarios" section).
#[derive(Debug, Clone, PartialEq)]
pub struct CompareCell {
    /// Deploy P50 ([`release_odds`]'s text).
    pub p50: String,
    /// Deploy P80.
    pub p80: String,
    /// The probability of deploying by the target (no target: none).
    pub on_time: Option<f64>,
}

/// One release compared across the base plan and its scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    /// Release id.
    pub id: String,
    /// The base plan's numbers.
    pub base: CompareCell,
    /// Each scenario's, in the order given; `None` where the scenario has no such release.
    pub scenarios: Vec<Option<CompareCell>>,
}

/// Per release of the base plan, its deploy P50/P80 and on-time odds in the base simulation
/// and in each scenario's (same seed: common random numbers).
pub fn compare_rows(base: &Simulation, scenarios: &[&Simulation]) -> Vec<CompareRow> {
    let cell = |rr: &ReleaseRisk| {
        let o = release_odds(rr);
        CompareCell {
            p50: o.p50,
            p80: o.p80,
            on_time: o.on_time,
        }
    };
    base.releases
        .iter()
        .map(|rr| CompareRow {
            id: rr.id.clone(),
            base: cell(rr),
            scenarios: scenarios
                .iter()
                .map(|s| s.releases.iter().find(|x| x.id == rr.id).map(cell))
                .collect(),
        })
        .collect()
}

/// One deploy window of a simulated release.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowRow {
    /// The window's date or period ([`when`]).
    pub label: String,
    /// Its label on a chart: [`short_date`] or the period.
    pub short: String,
    /// The share of iterations deploying in it.
    pub probability: f64,
    /// The share deploying in it or an earlier window.
    pub cumulative: f64,
    /// Whether it is after the release's target.
    pub late: bool,
}

/// The deploy windows of a simulated release, in order, with cumulative odds.
pub fn window_rows(rr: &ReleaseRisk) -> Vec<WindowRow> {
    let mut cumulative = 0.0;
    rr.windows
        .iter()
        .map(|w| {
            cumulative += w.probability;
            let (label, short) = match (w.date, w.period) {
                (Some(d), _) => (d.to_string(), short_date(d)),
                (None, Some(p)) => (number(p), number(p)),
                _ => (String::new(), "?".into()),
            };
            let late = match (rr.target, w.date, w.period) {
                (Some(When::Date(t)), Some(d), _) => d > t,
                (Some(When::Period(t)), _, Some(p)) => p > t,
                _ => false,
            };
            WindowRow {
                label,
                short,
                probability: w.probability,
                cumulative,
                late,
            }
        })
        .collect()
}

/// How [`task_drivers`] ranks tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranking {
    /// By how closely the task's duration tracks the finish (|sensitivity|, largest first;
    /// ties by criticality), tasks with |sensitivity| under 0.005 left out (the CLI).
    Sensitivity,
    /// By the share of iterations in which the task is critical, tasks never critical left
    /// out (the report and the browser).
    Criticality,
}

/// A task that drives the finish.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDriver {
    /// The task's index in the plan.
    pub task: usize,
    /// Its id.
    pub id: String,
    /// Its name, if it has one.
    pub name: Option<String>,
    /// Its name or id ([`crate::model::Task::label`]).
    pub label: String,
    /// Its team's id, if it has one.
    pub team: Option<String>,
    /// Share of iterations in which it is critical.
    pub criticality: f64,
    /// Spearman rank correlation of its duration with the finish.
    pub sensitivity: f64,
}

/// The top `count` task drivers of `sim` (a simulation of `plan`) by `ranking`; equal ranks
/// keep plan order.
pub fn task_drivers(
    plan: &Plan,
    sim: &Simulation,
    ranking: Ranking,
    count: usize,
) -> Vec<TaskDriver> {
    let t = &sim.tasks;
    let mut order: Vec<usize> = match ranking {
        Ranking::Sensitivity => (0..t.len())
            .filter(|&j| t[j].sensitivity.abs() >= 0.005)
            .collect(),
        Ranking::Criticality => (0..t.len()).filter(|&j| t[j].criticality > 0.0).collect(),
    };
    crate::sorting::sort_by(&mut order, |&a, &b| {
        let (x, y) = (&t[a], &t[b]);
        match ranking {
            Ranking::Sensitivity => y
                .sensitivity
                .abs()
                .total_cmp(&x.sensitivity.abs())
                .then(y.criticality.total_cmp(&x.criticality)),
            Ranking::Criticality => y.criticality.total_cmp(&x.criticality),
        }
        .then(a.cmp(&b))
    });
    order.truncate(count);
    order
        .into_iter()
        .map(|j| {
            let task = &plan.tasks[j];
            TaskDriver {
                task: j,
                id: t[j].id.clone(),
                name: task.name.clone(),
                label: task.label().to_string(),
                team: task.team.map(|k| plan.teams[k].id.clone()),
                criticality: t[j].criticality,
                sensitivity: t[j].sensitivity,
            }
        })
        .collect()
}

/// The risks of `sim` by their effect on the P80 finish, largest first (no effect counts as
/// 0; ties keep plan order).
pub fn risk_drivers(sim: &Simulation) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sim.risks.len()).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| {
        let e = |k: usize| sim.risks[k].p80_effect.unwrap_or(0.0);
        e(b).total_cmp(&e(a)).then(a.cmp(&b))
    });
    order
}

/// What the task tornado plots: each task's label and sensitivity, in plan order.
pub fn task_sensitivities(plan: &Plan, sim: &Simulation) -> Vec<(String, f64)> {
    sim.tasks
        .iter()
        .zip(&plan.tasks)
        .map(|(r, t)| (t.label().to_string(), r.sensitivity))
        .collect()
}

/// What the risk tornado plots: each risk with a measured effect and its effect on the P80
/// finish, in plan order.
pub fn risk_effects(sim: &Simulation) -> Vec<(String, f64)> {
    sim.risks
        .iter()
        .filter_map(|r| r.p80_effect.map(|e| (r.id.clone(), e)))
        .collect()
}

/// Where a scheduled release stands against its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseStatus {
    /// Deploys on or before its target.
    OnTime,
    /// Deploys after its target, by this much when it can be said (`3 days`, `2.5 periods`).
    Late(Option<String>),
    /// No open deploy window is left when it is ready.
    Unscheduled,
    /// It has no target.
    NoTarget,
}

impl ReleaseStatus {
    /// The status in a word or two: `on time`, `late`, `unscheduled`, `no target`.
    pub fn word(&self) -> &'static str {
        match self {
            ReleaseStatus::OnTime => "on time",
            ReleaseStatus::Late(_) => "late",
            ReleaseStatus::Unscheduled => UNSCHEDULED,
            ReleaseStatus::NoTarget => "no target",
        }
    }
}

/// The status of a scheduled release.
pub fn release_status(r: &ReleaseSchedule) -> ReleaseStatus {
    if r.unscheduled {
        return ReleaseStatus::Unscheduled;
    }
    match (r.on_time, r.target, r.deploy_date, r.deploy) {
        (Some(true), ..) => ReleaseStatus::OnTime,
        (Some(false), Some(When::Date(t)), Some(d), _) => {
            ReleaseStatus::Late(Some(format!("{} days", (d - t).num_days())))
        }
        (Some(false), Some(When::Period(t)), _, Some(x)) => {
            ReleaseStatus::Late(Some(format!("{} periods", number(x - t))))
        }
        (Some(false), ..) => ReleaseStatus::Late(None),
        (None, ..) => ReleaseStatus::NoTarget,
    }
}

/// A scheduled release's times, written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledRelease {
    /// When all its tasks have finished ([`time_text`]).
    pub ready: String,
    /// Its deploy ([`time_text`]), none when it is unscheduled.
    pub deploy: Option<String>,
    /// Its target ([`when`]).
    pub target: Option<String>,
    /// Where it stands.
    pub status: ReleaseStatus,
    /// When it shipped (`deployed`, [`when`]), if it has.
    pub deployed: Option<String>,
}

impl ScheduledRelease {
    /// The row of one release of a schedule.
    pub fn of(r: &ReleaseSchedule) -> Self {
        ScheduledRelease {
            ready: time_text(r.ready, r.ready_date),
            deploy: match (r.deploy_date, r.deploy) {
                (Some(d), _) => Some(d.to_string()),
                (None, Some(x)) => Some(number(x)),
                (None, None) => None,
            },
            target: r.target.map(when),
            status: release_status(r),
            deployed: r.deployed_date.map(when),
        }
    }
}

/// A scheduled task's row as every front end writes it (SPEC section 6 for the progress
/// columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledTask {
    /// Its start ([`task_times`]).
    pub start: String,
    /// Its finish ([`task_times`]).
    pub finish: String,
    /// Working days (periods): the work left when the plan has a status date, else the
    /// single-point duration.
    pub days: String,
    /// Where it stands at the status date ([`state_word`]), with a status date only.
    pub state: Option<&'static str>,
    /// Its deadline and whether the schedule meets it: `due 2027-03-01` or
    /// `MISSES due 2027-03-01`.
    pub due: Option<String>,
}

impl ScheduledTask {
    /// The row of task `j` of `plan`, scheduled as `t`.
    pub fn of(plan: &Plan, j: usize, t: &TaskSchedule) -> Self {
        let (start, finish) = task_times(t);
        ScheduledTask {
            start,
            finish,
            days: number(t.remaining.unwrap_or_else(|| plan.duration_point(j))),
            state: t.state.map(state_word),
            due: match (t.due_date, t.due_met) {
                (Some(due), Some(met)) => {
                    let word = if met { "due" } else { "MISSES due" };
                    Some(format!("{word} {}", when(due)))
                }
                _ => None,
            },
        }
    }
}

/// What the days column of a schedule's task table is headed: `left` (the work left) with a
/// status date, else `days`.
pub fn days_heading(has_status_date: bool) -> &'static str {
    if has_status_date {
        "left"
    } else {
        "days"
    }
}

/// A scheduled task's start and finish, written: dates in dated plans, else times.
pub fn task_times(t: &TaskSchedule) -> (String, String) {
    match (t.start_date, t.finish_date) {
        (Some(a), Some(b)) => (a.to_string(), b.to_string()),
        _ => (number(t.start), number(t.finish)),
    }
}

/// Offenders a health-check row names before "and N more".
pub const HEALTH_SHOWN: usize = 3;

/// One row of the schedule health check as every front end shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthRow {
    /// The check's DCMA number, 1 to 14.
    pub number: u8,
    /// Its name.
    pub name: &'static str,
    /// Its threshold in words.
    pub threshold: String,
    /// `count/total`, or `-` when skipped.
    pub count: String,
    /// The share in percent ([`percent`]), or `-`.
    pub share: String,
    /// `pass`, `FAIL` or `skipped`.
    pub result: &'static str,
    /// Whether it failed.
    pub failed: bool,
    /// The first [`HEALTH_SHOWN`] offenders' ids, and how many more.
    pub subjects: String,
    /// Why it was skipped, or what it measured.
    pub note: Option<String>,
}

/// The rows of a health check, in DCMA order.
pub fn health_rows(r: &HealthReport) -> Vec<HealthRow> {
    r.checks.iter().map(health_row).collect()
}

fn health_row(c: &Check) -> HealthRow {
    let mut ids: Vec<&str> = Vec::new();
    for s in &c.subjects {
        if !ids.contains(&s.id.as_str()) {
            ids.push(&s.id);
        }
    }
    let more = ids.len().saturating_sub(HEALTH_SHOWN);
    let mut subjects = ids[..ids.len().min(HEALTH_SHOWN)].join(", ");
    if more > 0 {
        subjects.push_str(&format!(" and {more} more"));
    }
    let skipped = c.status == Status::Skipped;
    HealthRow {
        number: c.number,
        name: c.name,
        threshold: c.threshold.clone(),
        count: if skipped {
            "-".into()
        } else {
            format!("{}/{}", c.count, c.total)
        },
        share: c.share.map_or("-".into(), percent),
        result: match c.status {
            Status::Pass => "pass",
            Status::Fail => "FAIL",
            Status::Skipped => "skipped",
        },
        failed: c.status == Status::Fail,
        subjects,
        note: c.note.clone(),
    }
}

/// A move of a P80 in working days (periods), signed, one decimal; a move that rounds to
/// nothing keeps two (`+0.04`), so that a small move does not read as none.
///
/// ```
/// use shipdate_engine::view::signed;
/// assert_eq!((signed(6.04), signed(-1.96), signed(0.04), signed(0.0)), ("+6.0".into(), "-2.0".into(), "+0.04".into(), "+0.00".into()));
/// ```
pub fn signed(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        format!("{x:+.2}")
    } else {
        format!("{r:+.1}")
    }
}

/// A kind of change in words, as `shipdate diff` lists it: `estimate`, `task added`,
/// `status date` (the JSON name with spaces).
pub fn change_word(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::TeamAdded => "team added",
        ChangeKind::Calendars => "calendars",
        ChangeKind::Start => "start",
        ChangeKind::StatusDate => "status date",
        ChangeKind::TaskAdded => "task added",
        ChangeKind::Estimate => "estimate",
        ChangeKind::Links => "links",
        ChangeKind::Team => "team",
        ChangeKind::Progress => "progress",
        ChangeKind::Dates => "dates",
        ChangeKind::Task => "task",
        ChangeKind::TaskRemoved => "task removed",
        ChangeKind::Capacity => "capacity",
        ChangeKind::TimeOff => "time off",
        ChangeKind::TeamSettings => "team settings",
        ChangeKind::RiskAdded => "risk added",
        ChangeKind::Risk => "risk",
        ChangeKind::RiskRemoved => "risk removed",
        ChangeKind::Correlations => "correlations",
        ChangeKind::ReleaseAdded => "release added",
        ChangeKind::Release => "release",
        ChangeKind::ReleaseRemoved => "release removed",
        ChangeKind::TeamRemoved => "team removed",
    }
}

/// A change in a few words: `#2 estimate api: 6/8/14 -> 8/10/16`. Of values written as
/// comma-separated parts, only the parts that differ (`probability 0.3 -> probability 0.5`,
/// not the whole risk).
pub fn describe_change(c: &Change) -> String {
    let what = format!("#{} {} {}", c.id, change_word(c.kind), c.subject);
    if c.old.is_empty() || c.new.is_empty() {
        return what;
    }
    let (o, n): (Vec<&str>, Vec<&str>) = (c.old.split(", ").collect(), c.new.split(", ").collect());
    let (o, n) = if o.len() == n.len() {
        let pairs: Vec<(&str, &str)> = o.into_iter().zip(n).filter(|(a, b)| a != b).collect();
        (
            pairs.iter().map(|p| p.0).collect::<Vec<_>>().join(", "),
            pairs.iter().map(|p| p.1).collect::<Vec<_>>().join(", "),
        )
    } else {
        (c.old.clone(), c.new.clone())
    };
    format!("{what}: {o} -> {n}")
}

/// One part of a release's P80 move, as the front ends show it.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffPart {
    /// The change it belongs to (its number).
    pub change: usize,
    /// The change in words ([`describe_change`]), with the changes applied together with it
    /// (`#3 ... with #4 ...`).
    pub text: String,
    /// How much it moved the P80, in working days (periods): the engine's number.
    pub p80_change: f64,
}

/// The parts of release `r`'s P80 move in `d`, largest first (equal sizes keep the order
/// applied).
pub fn diff_parts(d: &Diff, r: &ReleaseDiff) -> Vec<DiffPart> {
    let mut parts: Vec<&Part> = r.attribution.iter().collect();
    crate::sorting::sort_by(&mut parts, |a, b| {
        b.p80_change.abs().total_cmp(&a.p80_change.abs())
    });
    parts
        .into_iter()
        .map(|p| {
            let mut names = vec![describe_change(&d.changes[p.change - 1])];
            names.extend(p.with.iter().map(|&w| describe_change(&d.changes[w - 1])));
            DiffPart {
                change: p.change,
                text: names.join(" with "),
                p80_change: p.p80_change,
            }
        })
        .collect()
}

/// Why release `r`'s P80 moved, in one line: its [`diff_parts`] (at most `top`) with their
/// [`signed`] moves, `; `-separated.
pub fn diff_reasons(d: &Diff, r: &ReleaseDiff, top: usize) -> String {
    let parts = diff_parts(d, r);
    if parts.is_empty() {
        return "no change moved its P80".into();
    }
    parts
        .iter()
        .take(top)
        .map(|p| format!("{} ({})", p.text, signed(p.p80_change)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A percentile of a release in a diff: its date in dated plans, else the time with one
/// decimal.
pub fn diff_moment(time: f64, date: Option<NaiveDate>) -> String {
    date.map_or_else(|| format!("{time:.1}"), |d| d.to_string())
}

/// A release's numbers in one version of a diff, written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffCell {
    /// Ready P50 ([`diff_moment`]).
    pub p50: String,
    /// Ready P80.
    pub p80: String,
    /// The on-time odds ([`percent`]), `-` without a target.
    pub on_time: String,
}

impl DiffCell {
    /// The cell of one version's numbers.
    pub fn of(n: &ReleaseNumbers) -> Self {
        DiffCell {
            p50: diff_moment(n.p50, n.p50_date),
            p80: diff_moment(n.p80, n.p80_date),
            on_time: n.on_time_probability.map_or_else(|| "-".into(), percent),
        }
    }
}

/// One release of a diff as every front end shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffRow {
    /// The release's id.
    pub id: String,
    /// Its numbers in the old version; `None` for a new release.
    pub old: Option<DiffCell>,
    /// Its numbers in the new version; `None` for a removed release.
    pub new: Option<DiffCell>,
    /// The P80 move ([`signed`]), `-` for a release in one version only.
    pub moved: String,
    /// Why it moved ([`diff_reasons`], every part), for a release in both versions.
    pub why: Option<String>,
}

/// The releases of a diff, in its order.
pub fn diff_rows(d: &Diff) -> Vec<DiffRow> {
    d.releases
        .iter()
        .map(|r| DiffRow {
            id: r.id.clone(),
            old: r.old.as_ref().map(DiffCell::of),
            new: r.new.as_ref().map(DiffCell::of),
            moved: r.p80_change.map_or("-".into(), signed),
            why: r.p80_change.map(|_| diff_reasons(d, r, usize::MAX)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{parse_str, Format};
    use crate::simulate::{self, Options};

    #[test]
    fn short_dates_and_written_dates_are_chronos_formats() {
        // Every day of a leap year and of the validation limits' first and last years.
        for year in [1900, 2024, 2026, 2199] {
            let mut d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            while d.year() == year {
                assert_eq!(short_date(d), d.format("%b %d").to_string());
                assert_eq!(d.to_string(), d.format("%Y-%m-%d").to_string());
                d = d.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn change_words_are_the_json_kinds_with_spaces() {
        use crate::diff::ChangeKind as K;
        let all = [
            K::TeamAdded,
            K::Calendars,
            K::Start,
            K::StatusDate,
            K::TaskAdded,
            K::Estimate,
            K::Links,
            K::Team,
            K::Progress,
            K::Dates,
            K::Task,
            K::TaskRemoved,
            K::Capacity,
            K::TimeOff,
            K::TeamSettings,
            K::RiskAdded,
            K::Risk,
            K::RiskRemoved,
            K::Correlations,
            K::ReleaseAdded,
            K::Release,
            K::ReleaseRemoved,
            K::TeamRemoved,
        ];
        for k in all {
            let json = serde_json::to_value(k).unwrap();
            assert_eq!(change_word(k), json.as_str().unwrap().replace('_', " "));
        }
        assert_eq!(signed(-0.04), "-0.04");
        assert_eq!(diff_moment(12.26, None), "12.3");
    }

    #[test]
    fn probabilities_round_the_same_way_everywhere() {
        assert_eq!(percent(0.1234), "12.3%");
        assert_eq!(percent(0.1235), "12.4%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(odds(0.0), "0%");
        assert_eq!(odds(0.0049), "<1%");
        assert_eq!(odds(0.0051), "1%");
        assert_eq!(odds(0.994), "99%");
        assert_eq!(odds(0.9951), ">99%");
        assert_eq!(correlation(-0.104), "-0.10");
        assert_eq!(number(-1.25), "-1.25");
        assert_eq!(when(When::Period(2.5)), "2.5");
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(when(When::Date(d)), "2026-03-02");
        assert_eq!(short_date(d), "Mar 02");
        assert_eq!(time_text(4.0, None), "4");
        assert_eq!(time_text(4.0, Some(d)), "2026-03-02");
    }

    /// Four independent tasks in a chain-free plan: the finish is the longest, so the task
    /// with the widest range is critical most often and tracks the finish most closely.
    const PLAN: &str = "[plan]\nname = \"d\"\n[teams.be]\ncapacity = 9\n\
[[tasks]]\nid = \"wide\"\nname = \"Wide\"\nteam = \"be\"\nestimate = { low = 1, likely = 5, high = 30 }\n\
[[tasks]]\nid = \"mid\"\nestimate = { low = 2, likely = 5, high = 12 }\n\
[[tasks]]\nid = \"fixed\"\nestimate = 1\n\
[[tasks]]\nid = \"narrow\"\nestimate = { low = 4, likely = 5, high = 6 }\n\
[[risks]]\nid = \"small\"\nprobability = 0.5\nimpact = 1\ntasks = [\"narrow\"]\n\
[[risks]]\nid = \"big\"\nprobability = 0.5\nimpact = 20\ntasks = [\"wide\"]\n";

    fn run() -> (Plan, Simulation) {
        let plan = parse_str(PLAN, Format::Toml).unwrap();
        let sim = simulate::simulate(
            &plan,
            &Options {
                iterations: 2000,
                seed: 3,
                ..Options::default()
            },
        )
        .unwrap();
        (plan, sim)
    }

    /// The ranking by brute force: every pair of listed tasks is in order, and no task left
    /// out outranks the last one listed.
    #[test]
    fn drivers_are_ranked_and_cut_at_the_count() {
        let (plan, sim) = run();
        let by_crit = task_drivers(&plan, &sim, Ranking::Criticality, 10);
        assert!(by_crit.iter().all(|d| d.criticality > 0.0));
        assert!(!by_crit.iter().any(|d| d.id == "fixed"), "never critical");
        for w in by_crit.windows(2) {
            assert!(
                w[0].criticality > w[1].criticality
                    || (w[0].criticality == w[1].criticality && w[0].task < w[1].task)
            );
        }
        assert_eq!(by_crit[0].id, "wide");
        assert_eq!(
            (by_crit[0].label.as_str(), by_crit[0].team.as_deref()),
            ("Wide", Some("be"))
        );
        let top1 = task_drivers(&plan, &sim, Ranking::Criticality, 1);
        assert_eq!(top1, by_crit[..1]);

        let by_sens = task_drivers(&plan, &sim, Ranking::Sensitivity, 10);
        assert!(by_sens
            .iter()
            .all(|d| d.sensitivity.abs() >= 0.005 && d.id != "fixed"));
        for w in by_sens.windows(2) {
            assert!(w[0].sensitivity.abs() >= w[1].sensitivity.abs());
        }
        assert_eq!(by_sens[0].id, "wide");
        // Every task with sensitivity is listed: the filter is the rule, not the count.
        let expected = (0..4)
            .filter(|&j| sim.tasks[j].sensitivity.abs() >= 0.005)
            .count();
        assert_eq!(by_sens.len(), expected);

        let risks = risk_drivers(&sim);
        assert_eq!(sim.risks[risks[0]].id, "big");
        assert_eq!(risks.len(), 2);
        assert_eq!(risk_effects(&sim).len(), 2);
        assert_eq!(task_sensitivities(&plan, &sim)[0].0, "Wide");
    }

    #[test]
    fn finish_and_release_rows_carry_the_simulations_numbers() {
        let plan = parse_str(
            "[plan]\nname = \"r\"\nstart = 2026-03-02\n[[tasks]]\nid = \"a\"\nestimate = { low = 2, likely = 4, high = 9 }\n\
[[releases]]\nid = \"v1\"\ntasks = [\"a\"]\ntarget = 2026-03-06\nwindows = [2026-03-05, 2026-03-12, 2026-03-19]\n",
            Format::Toml,
        )
        .unwrap();
        let sim = simulate::simulate(
            &plan,
            &Options {
                iterations: 1000,
                seed: 5,
                ..Options::default()
            },
        )
        .unwrap();
        let f = finish(&sim);
        assert_eq!(f.p80.time.to_bits(), sim.makespan.p80.to_bits());
        assert_eq!(f.p80.text(), sim.finish_date.unwrap().p80.to_string());
        let rr = &sim.releases[0];
        let row = release_odds(rr);
        let d = rr.deploy_date.unwrap();
        assert_eq!(row.p80, d.p80.map_or(UNSCHEDULED.into(), |d| d.to_string()));
        assert_eq!(row.target.as_deref(), Some("2026-03-06"));
        assert_eq!(row.on_time, rr.on_time_probability);
        let windows = window_rows(rr);
        assert_eq!(windows.len(), rr.windows.len());
        let last = windows.last().unwrap();
        assert!((last.cumulative + rr.unscheduled_probability - 1.0).abs() < 1e-9);
        // The window of 03-05 is before the target; those of 03-12 and 03-19 are late.
        for w in &windows {
            assert_eq!(w.late, w.label.as_str() > "2026-03-06", "{w:?}");
            assert_eq!(w.short.len(), 6);
        }
    }

    #[test]
    fn scheduled_release_status_says_how_late() {
        let plan = parse_str(
            "[plan]\nname = \"s\"\n[[tasks]]\nid = \"a\"\nestimate = 5\n\
[[releases]]\nid = \"late\"\ntasks = [\"a\"]\ntarget = 3\n\
[[releases]]\nid = \"ok\"\ntasks = [\"a\"]\ntarget = 5\n\
[[releases]]\nid = \"free\"\ntasks = [\"a\"]\n\
[[releases]]\nid = \"none\"\ntasks = [\"a\"]\nwindows = [2]\n",
            Format::Toml,
        )
        .unwrap();
        let s = crate::dispatch::schedule(&plan);
        let rows: Vec<ScheduledRelease> = s.releases.iter().map(ScheduledRelease::of).collect();
        assert_eq!(
            rows[0].status,
            ReleaseStatus::Late(Some("2 periods".into()))
        );
        assert_eq!(rows[0].status.word(), "late");
        assert_eq!(rows[1].status, ReleaseStatus::OnTime);
        assert_eq!(rows[2].status, ReleaseStatus::NoTarget);
        assert_eq!(rows[3].status, ReleaseStatus::Unscheduled);
        assert_eq!(rows[3].deploy, None);
        assert_eq!(
            (rows[0].ready.as_str(), rows[0].deploy.as_deref()),
            ("5", Some("5"))
        );
        assert_eq!(task_times(&s.tasks[0]), ("0".into(), "5".into()));
    }
}
