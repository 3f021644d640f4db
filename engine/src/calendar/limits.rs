//! The limits of the time axis: the plan time and the dates the engine can serve.
//!
//! Every loop over plan time (finding the day on which enough work is done, walking a team's
//! capacity changes across a task, building the tables of irregular days) is bounded by the
//! values a plan may hold. The field limits of [`crate::validate`](mod@crate::validate) come first (no duration or
//! lag past [`MAX_SPAN`], dates from 1900 to 2199); [`check`] then refuses, at validation, what
//! only the time axis can judge, so that a plan that validates is scheduled and simulated in
//! bounded time:
//!
//! - no lognormal (an estimate or a risk's impact) has its 99th percentile past [`MAX_SPAN`]
//!   working days (periods when undated);
//! - every date of a dated plan lies within [`HORIZON`] calendar days of the plan start; every
//!   period of an undated plan (windows, targets, time off, freezes, cadences) lies within
//!   [`HORIZON`] periods of 0;
//! - no team, and not the plan calendar, goes more than [`MAX_GAP`] calendar days (periods) in a
//!   row without a working day.
//!
//! Each refusal names its field by its path in the plan's TOML or JSON structure ([`Key`]), so
//! that the reader can point at the line and column.
//!
//! The Monte Carlo engine samples lognormal durations, whose tail has no end: a sample longer
//! than [`MAX_SPAN`] is cut to [`MAX_SPAN`]. Since a valid lognormal's 99th percentile lies
//! within [`MAX_SPAN`], the cut never moves a reported percentile up to P99.

use super::{TeamCalendar, Timeline};
use crate::model::{Cadence, Estimate, Plan, When, Z90};

/// The longest single duration or lag a plan may hold, in working days (periods when
/// undated): about 8 years of five-day weeks. Also the cap on a sampled lognormal duration.
///
/// The leveller's cost grows faster than linearly with a task's length on a calendar with
/// days off (a 2,000-day task there schedules in about a second, a 10,000-day one in half
/// a minute), so the limit is set well past any release task but not beyond.
pub const MAX_SPAN: f64 = 2_000.0;

/// How far from the plan start (dated: calendar days either side; undated: periods from 0)
/// any date or period of a plan may lie: 100 years.
pub const HORIZON: i64 = 36_525;

/// The most consecutive calendar days (periods when undated) that a team or the plan calendar
/// may go without a working day: each must work at least once in every `MAX_GAP + 1` days.
pub const MAX_GAP: i64 = 366;

/// One step of a path into the plan's structure: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A key of a table (object).
    Name(String),
    /// A 0-based index into an array.
    Index(usize),
}

/// A value past one of the time axis's limits.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitError {
    /// Where the value is written: keys and indices from the top of the plan, as in its TOML
    /// or JSON text (for example `tasks`, 3, `estimate`, `high`). A reader points at the
    /// deepest part of the path that the text holds.
    pub path: Vec<Key>,
    /// The id of the task, team, risk, release or calendar concerned.
    pub subject: Option<String>,
    /// What is wrong, naming the thing and the field ("task `api`: `lag` ...").
    pub message: String,
}

/// Builds a path from keys and indices.
macro_rules! path {
    ($($k:expr),* $(,)?) => { vec![$(Key::from($k)),*] };
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key::Name(s.to_string())
    }
}

impl From<&String> for Key {
    fn from(s: &String) -> Key {
        Key::Name(s.clone())
    }
}

impl From<usize> for Key {
    fn from(i: usize) -> Key {
        Key::Index(i)
    }
}

/// A number for a message: as written for ordinary magnitudes, in exponent form for huge ones
/// (`1e308`, not 309 digits).
fn number(v: f64) -> String {
    if v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Checks a plan against the time axis's limits (see the module documentation) and returns
/// every value past them, in plan order.
///
/// Meant for a plan within the field limits ([`crate::validate::validate`] calls it then). The
/// values (lognormal tails, dates, periods) are checked on any plan, however it was built; the
/// working stretches only when those pass and the plan is otherwise valid (its calendar and
/// team indices in range), since they are read from its [`Timeline`].
///
/// ```
/// use shipdate_engine::calendar::limits::{check, Key};
/// let plan = shipdate_engine::io::parse_str(
///     "[plan]\nname = \"p\"\n[[tasks]]\nid = \"a\"\nestimate = 5\n",
///     shipdate_engine::io::Format::Toml,
/// )
/// .unwrap();
/// assert!(check(&plan).is_empty());
/// let mut long = plan.clone();
/// // Median 20, p90 300: the 99th percentile is 2728 days, past the span.
/// long.tasks[0].estimate = shipdate_engine::model::Estimate::Lognormal { median: 20.0, p90: 300.0 };
/// let errors = check(&long);
/// assert_eq!(errors.len(), 1);
/// assert_eq!(errors[0].path[0], Key::Name("tasks".into()));
/// ```
pub fn check(plan: &Plan) -> Vec<LimitError> {
    let mut out = check_values(plan);
    if out.is_empty() && indices_valid(plan) {
        check_gaps(plan, &mut out);
    }
    out
}

/// The value checks of [`check`] alone: safe on any plan, even one with indices out of range.
pub fn check_values(plan: &Plan) -> Vec<LimitError> {
    let mut out = Vec::new();
    check_calendars(plan, &mut out);
    check_teams(plan, &mut out);
    check_tasks(plan, &mut out);
    check_risks(plan, &mut out);
    check_releases(plan, &mut out);
    out
}

fn indices_valid(plan: &Plan) -> bool {
    let cals = plan.calendars.len();
    plan.default_calendar < cals && plan.teams.iter().all(|t| t.calendar < cals)
}

fn push(out: &mut Vec<LimitError>, path: Vec<Key>, subject: Option<&str>, message: String) {
    out.push(LimitError {
        path,
        subject: subject.map(str::to_string),
        message,
    });
}

/// Why `when` lies outside the horizon, if it does.
fn beyond(plan: &Plan, when: When) -> Option<String> {
    match (when, plan.start) {
        (When::Date(d), Some(start)) => {
            let days = (d - start).num_days();
            (days.abs() > HORIZON).then(|| {
                let side = if days > 0 { "after" } else { "before" };
                format!(
                    "{d} lies {} days {side} the plan start {start}; dates must lie within \
                     {HORIZON} days (100 years) of it",
                    days.abs()
                )
            })
        }
        (When::Period(t), None) => (t.abs() > HORIZON as f64).then(|| {
            format!(
                "{} lies past the horizon: periods must lie within {HORIZON} of 0",
                number(t)
            )
        }),
        _ => None,
    }
}

fn check_calendars(plan: &Plan, out: &mut Vec<LimitError>) {
    for cal in &plan.calendars {
        // Holidays are kept sorted: the first and last are the extremes.
        for d in [cal.holidays.first(), cal.holidays.last()]
            .into_iter()
            .flatten()
        {
            if let Some(why) = beyond(plan, When::Date(*d)) {
                push(
                    out,
                    path!["calendars", &cal.id, "holidays"],
                    Some(&cal.id),
                    format!("calendar `{}`: holiday {why}", cal.id),
                );
                break;
            }
        }
    }
}

fn check_teams(plan: &Plan, out: &mut Vec<LimitError>) {
    for team in &plan.teams {
        for (k, off) in team.time_off.iter().enumerate() {
            for (key, when) in [("from", off.from), ("to", off.to)] {
                if let Some(why) = beyond(plan, when) {
                    push(
                        out,
                        path!["teams", &team.id, "time_off", k, key],
                        Some(&team.id),
                        format!("team `{}`: time off `{key}` {why}", team.id),
                    );
                }
            }
        }
    }
}

/// The standard normal 99th percentile.
const Z99: f64 = 2.326_347_874_040_840_8;

/// A lognormal's 99th percentile, when it is a spread distribution (else `None`).
fn lognormal_p99(e: &Estimate) -> Option<f64> {
    match *e {
        Estimate::Lognormal { median, p90 } if median > 0.0 && p90 > median => {
            // In logs: no overflow for any finite median and p90.
            let ln = median.ln() + (p90.ln() - median.ln()) * (Z99 / Z90);
            Some(ln.exp())
        }
        _ => None,
    }
}

/// The error for a lognormal whose tail reaches past [`MAX_SPAN`] before its 99th percentile,
/// where the simulation's cut would change what it reports. (Its parameters are within the
/// span: the field limits checked them.)
fn check_tail(
    e: &Estimate,
    mut path: Vec<Key>,
    label: &str,
    field: &str,
    subject: Option<&str>,
    out: &mut Vec<LimitError>,
) {
    if let (Some(p99), Estimate::Lognormal { median, p90 }) = (lognormal_p99(e), e) {
        if p99 > MAX_SPAN {
            path.push(Key::from("median"));
            push(
                out,
                path,
                subject,
                format!(
                    "{label}: `{field}` (median {}, p90 {}) has its 99th percentile at {}, \
                     longer than the longest duration shipdate schedules ({MAX_SPAN} working \
                     days); narrow the spread",
                    number(*median),
                    number(*p90),
                    number(p99)
                ),
            );
        }
    }
}

fn task_label(plan: &Plan, j: usize) -> String {
    let id = &plan.tasks[j].id;
    if id.is_empty() {
        format!("task #{}", j + 1)
    } else {
        format!("task `{id}`")
    }
}

fn check_tasks(plan: &Plan, out: &mut Vec<LimitError>) {
    for (j, task) in plan.tasks.iter().enumerate() {
        let label = task_label(plan, j);
        let subject = Some(task.id.as_str());
        check_tail(
            &task.estimate,
            path!["tasks", j, "estimate"],
            &label,
            "estimate",
            subject,
            out,
        );
    }
}

fn check_risks(plan: &Plan, out: &mut Vec<LimitError>) {
    for (r, risk) in plan.risks.iter().enumerate() {
        let label = if risk.id.is_empty() {
            format!("risk #{}", r + 1)
        } else {
            format!("risk `{}`", risk.id)
        };
        check_tail(
            &risk.impact,
            path!["risks", r, "impact"],
            &label,
            "impact",
            Some(&risk.id),
            out,
        );
    }
}

fn check_releases(plan: &Plan, out: &mut Vec<LimitError>) {
    for (r, rel) in plan.releases.iter().enumerate() {
        let label = format!("release `{}`", rel.id);
        let subject = Some(rel.id.as_str());
        let mut at = |path: Vec<Key>, field: &str, when: When| {
            if let Some(why) = beyond(plan, when) {
                push(out, path, subject, format!("{label}: `{field}` {why}"));
            }
        };
        if let Some(t) = rel.target {
            at(path!["releases", r, "target"], "target", t);
        }
        for (k, &w) in rel.windows.iter().enumerate() {
            at(path!["releases", r, "windows", k], "windows", w);
        }
        for (k, f) in rel.freeze.iter().enumerate() {
            at(path!["releases", r, "freeze", k, "from"], "from", f.from);
            at(path!["releases", r, "freeze", k, "to"], "to", f.to);
        }
        match rel.cadence {
            Some(Cadence::Weekly { from, .. }) => {
                at(
                    path!["releases", r, "cadence", "from"],
                    "from",
                    When::Date(from),
                );
            }
            Some(Cadence::Periodic { every, from }) => {
                at(
                    path!["releases", r, "cadence", "from"],
                    "from",
                    When::Period(from),
                );
                at(
                    path!["releases", r, "cadence", "every"],
                    "every",
                    When::Period(every),
                );
            }
            None => {}
        }
    }
}

/// The longest stretch without a working day that starts at day `from` of `cal` (which does
/// not work on `from`): the first working day after it, or `None` if there is none.
fn next_working(cal: &TeamCalendar, from: i64) -> Option<i64> {
    let mut day = from;
    // Capacity changes: the explicit days, then at most one period (the pattern repeats).
    let bound = cal.caps.len() as i64 + cal.w() as i64;
    while day <= bound {
        if cal.is_working(day) {
            return Some(day);
        }
        day = cal.next_change(day)?;
    }
    None
}

/// The stretches without work longer than [`MAX_GAP`], for the plan calendar and each team.
fn check_gaps(plan: &Plan, out: &mut Vec<LimitError>) {
    let time = Timeline::new(plan);
    // Days without work from plan day `a` (its first, a plan day after a working day or day 0)
    // up to plan day `b`, the next working day: calendar days when dated (from the start for
    // day 0, else from the day after the last working day), periods when undated.
    let span = |a: i64, b: i64| -> i64 {
        let from = if a == 0 {
            plan.start
        } else {
            time.date_of_day(a - 1).and_then(|d| d.succ_opt())
        };
        match (from, time.date_of_day(b)) {
            (Some(x), Some(y)) => (y - x).num_days(),
            _ => b - a,
        }
    };
    if let Some(axis) = &time.dates {
        let cal = &plan.calendars[plan.default_calendar];
        // From the start to the first plan day, then between plan days.
        let start = plan.start.unwrap_or(axis.dates[0]);
        let gap = std::iter::once(start)
            .chain(axis.dates.iter().copied())
            .collect::<Vec<_>>()
            .windows(2)
            .enumerate()
            .map(|(k, w)| (w[1] - w[0]).num_days() - i64::from(k > 0))
            .max()
            .unwrap_or(0);
        if gap > MAX_GAP {
            push(
                out,
                path!["calendars", &cal.id, "holidays"],
                Some(&cal.id),
                format!(
                    "calendar `{}`: its holidays leave {gap} days in a row without a working \
                     day; a plan calendar may go at most {MAX_GAP} days without one",
                    cal.id
                ),
            );
        }
    }
    for (k, team) in plan.teams.iter().enumerate() {
        let cal = time.team(k);
        let mut day = 0i64;
        let end = cal.caps.len() as i64;
        while day < end {
            if cal.is_working(day) {
                day = match cal.next_change(day) {
                    Some(d) => d,
                    None => break,
                };
                continue;
            }
            let (until, len) = match next_working(cal, day) {
                Some(w) => (Some(w), span(day, w)),
                None => (None, i64::MAX),
            };
            if len > MAX_GAP {
                let from = time
                    .date_of_day(day)
                    .map_or_else(|| format!("period {day}"), |d| d.to_string());
                let unit = if time.is_dated() { "days" } else { "periods" };
                let stretch = match until {
                    Some(_) => format!("{len} {unit} in a row from {from}"),
                    None => format!("ever again from {from}"),
                };
                push(
                    out,
                    path!["teams", &team.id],
                    Some(&team.id),
                    format!(
                        "team `{}`: its calendar and time off leave it without a working day \
                         for {stretch}; a team may go at most {MAX_GAP} {unit} without one",
                        team.id
                    ),
                );
                break;
            }
            match until {
                Some(w) => day = w,
                None => break,
            }
        }
    }
}
