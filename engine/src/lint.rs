//! Plan-quality warnings: the checks schedule-risk practitioners run before trusting a
//! simulation (in the spirit of the DCMA 14-point assessment's logic, lag and resource checks).
//!
//! They never make a plan invalid; [`lint`] returns [`Diagnostic`]s of severity
//! [`crate::Severity::Warning`], located at the task, link or team concerned.
//!
//! - **Open start**: a task with no predecessor can start on day 0, which is rarely the truth.
//!   Not flagged: milestones (a start milestone is the usual anchor) and the plan's first task
//!   (the obvious start).
//! - **Open end**: a task with no successor can slip without moving anything. Not flagged:
//!   milestones, tasks a release lists (the release is their successor) and, in a plan without
//!   releases, its last task (the obvious end).
//! - **Long lag**: a lag (or lead) longer than [`LONG_LAG`] working days hides work or waiting
//!   that deserves a task of its own.
//! - **Outside every release** (plans with releases): a task no release needs, neither directly
//!   nor through a task that depends on it: nothing tracks when it finishes.
//! - **Zero range**: a ranged estimate whose low equals its high has no uncertainty; write the
//!   number, or give it a range.
//! - **Progress out of sequence** (SPEC section 6): a task started or done while a
//!   finish-to-start predecessor is not done.
//! - **Deployed but unfinished**: a release with `deployed` whose tasks are not all done.
//! - **Done but not deployed**: a release whose tasks are all done and whose deploy (the first
//!   open window after them, or their finish without a window rule) lies before the status
//!   date: its forecast is in the past unless `deployed` is recorded.
//! - **Throughput** (SPEC section 9): a team's throughput with fewer than 11 samples, or
//!   with samples outside its natural process limits (not stable).
//! - **Overloaded team**: a team whose work (single-point duration times demand, over every
//!   task it takes part in) exceeds its capacity-days (capacity on each of its working days,
//!   time off counted) from the start up to the latest release target: no schedule can meet
//!   every target.

use crate::calendar::Timeline;
use crate::diag::Diagnostic;
use crate::model::{Estimate, LinkKind, Plan, TaskKind, TaskState, When};
use crate::report::number;
use crate::throughput::{coverage, limits, outside, FEW_SAMPLES};
use crate::view::when;

/// Lags longer than this many working days (periods), either way, are flagged.
pub const LONG_LAG: f64 = 10.0;

/// Every plan-quality warning, in file order of what it concerns.
///
/// ```
/// let plan = shipdate_engine::io::parse_str(
///     "[plan]\nname = \"demo\"\n\
///      [[tasks]]\nid = \"a\"\nestimate = 3\n\
///      [[tasks]]\nid = \"b\"\nestimate = { low = 2, likely = 2, high = 2 }\n\
///      after = [{ task = \"a\", lag = 15 }]\n",
///     shipdate_engine::io::Format::Toml,
/// ).unwrap();
/// let warnings = shipdate_engine::lint::lint(&plan);
/// let text: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
/// assert_eq!(text.len(), 2);
/// assert!(text[0].contains("lag of 15"));
/// assert!(text[1].contains("zero range"));
/// ```
pub fn lint(plan: &Plan) -> Vec<Diagnostic> {
    let n = plan.tasks.len();
    let mut out = Vec::new();
    let mut has_succ = vec![false; n];
    for t in &plan.tasks {
        for l in &t.after {
            has_succ[l.pred] = true;
        }
    }
    let mut in_release = vec![false; n];
    for r in &plan.releases {
        for &j in &r.tasks {
            in_release[j] = true;
        }
    }
    // Needed by a release: listed, or a (transitive) predecessor of a listed task.
    let mut needed = in_release.clone();
    let order = crate::graph::topological_order(plan);
    for &j in order.iter().rev() {
        if needed[j] {
            for l in &plan.tasks[j].after {
                needed[l.pred] = true;
            }
        }
    }

    for (j, t) in plan.tasks.iter().enumerate() {
        let milestone = t.kind == TaskKind::Milestone;
        if t.after.is_empty() && !milestone && j != 0 && n > 1 {
            out.push(
                Diagnostic::warning(
                    t.pos,
                    format!("task `{}` has no predecessor: it can start on day 0", t.id),
                )
                .with_subject(&t.id)
                .with_help("link it to what it waits for (`after`), or to a start milestone"),
            );
        }
        let obvious_end = plan.releases.is_empty() && j + 1 == n;
        if !has_succ[j] && !milestone && !in_release[j] && !obvious_end && n > 1 {
            out.push(
                Diagnostic::warning(
                    t.pos,
                    format!(
                        "task `{}` has no successor: it can slip without moving anything",
                        t.id
                    ),
                )
                .with_subject(&t.id)
                .with_help("make a later task or a release depend on it"),
            );
        }
        for l in &t.after {
            if l.lag.abs() > LONG_LAG {
                let what = if l.lag < 0.0 { "lead" } else { "lag" };
                out.push(
                    Diagnostic::warning(
                        l.pos.or(t.pos),
                        format!(
                            "task `{}` has a {what} of {} days after `{}`",
                            t.id,
                            number(l.lag.abs()),
                            plan.tasks[l.pred].id
                        ),
                    )
                    .with_subject(&t.id)
                    .with_help(format!(
                        "lags over {} days usually hide work or waiting: model it as a task",
                        number(LONG_LAG)
                    )),
                );
            }
        }
        if !plan.releases.is_empty() && !needed[j] {
            out.push(
                Diagnostic::warning(
                    t.pos,
                    format!(
                        "task `{}` is outside every release: no release needs it",
                        t.id
                    ),
                )
                .with_subject(&t.id)
                .with_help("add it (or a task that depends on it) to a release's `tasks`"),
            );
        }
        let zero = match t.estimate {
            Estimate::Pert { low, high, .. }
            | Estimate::Triangular { low, high, .. }
            | Estimate::Uniform { low, high } => !milestone && low == high,
            _ => false,
        };
        if zero {
            out.push(
                Diagnostic::warning(
                    t.pos,
                    format!(
                        "task `{}` has an estimate with a zero range (low = high = {})",
                        t.id,
                        number(t.estimate.point())
                    ),
                )
                .with_subject(&t.id)
                .with_help("write the single number, or give it a real low and high"),
            );
        }
    }

    out.extend(progress_warnings(plan));
    out.extend(overloaded_teams(plan));
    out.extend(throughput_warnings(plan));
    out
}

/// SPEC section 9: a team's throughput from fewer than [`FEW_SAMPLES`] samples, or with
/// samples outside its natural process limits (mean +- 2.66 x the mean moving range).
fn throughput_warnings(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for team in &plan.teams {
        let Some(tp) = &team.throughput else { continue };
        let n = tp.samples.len();
        if n < FEW_SAMPLES {
            out.push(
                Diagnostic::warning(
                    team.pos,
                    format!(
                        "team `{}` has {n} throughput sample{}: the next period falls inside the range seen only {}% of the time",
                        team.id,
                        if n == 1 { "" } else { "s" },
                        number((coverage(n) * 100.0).round())
                    ),
                )
                .with_subject(&team.id)
                .with_help(format!("give at least {FEW_SAMPLES} samples: with 11, the next falls inside 83% of the time")),
            );
        }
        let Some(lim) = limits(&tp.samples) else {
            continue;
        };
        let off = outside(&tp.samples, &lim);
        if !off.is_empty() {
            let which: Vec<String> = off
                .iter()
                .map(|&i| format!("#{} ({})", i + 1, number(tp.samples[i])))
                .collect();
            out.push(
                Diagnostic::warning(
                    team.pos,
                    format!(
                        "team `{}`'s throughput was not stable: sample{} {} outside the natural process limits {} to {}",
                        team.id,
                        if off.len() == 1 { "" } else { "s" },
                        which.join(", "),
                        number(lim.lower),
                        number(lim.upper)
                    ),
                )
                .with_subject(&team.id)
                .with_help("forecast from a stretch where the process was stable, or find what changed"),
            );
        }
    }
    out
}

/// SPEC section 6's warnings: progress out of sequence (a task started or done while a
/// finish-to-start predecessor is not done) and a deployed release with unfinished tasks.
fn progress_warnings(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let done = |j: usize| plan.tasks[j].actual.done.is_some();
    for t in &plan.tasks {
        let what = match t.actual.state() {
            TaskState::Done => "done",
            TaskState::InProgress => "started",
            TaskState::NotStarted => continue,
        };
        for l in t
            .after
            .iter()
            .filter(|l| l.kind == LinkKind::FS && !done(l.pred))
        {
            let pred = &plan.tasks[l.pred].id;
            out.push(
                Diagnostic::warning(
                    l.pos.or(t.pos),
                    format!(
                        "task `{}` is {what} but its predecessor `{pred}` is not done: progress out of sequence",
                        t.id
                    ),
                )
                .with_subject(&t.id)
                .with_help(format!(
                    "record `done` on `{pred}`, or change the link if `{}` does not wait for it",
                    t.id
                )),
            );
        }
    }
    out.extend(done_not_deployed(plan));
    for r in plan.releases.iter().filter(|r| r.deployed.is_some()) {
        let open: Vec<&str> = r
            .tasks
            .iter()
            .filter(|&&j| !done(j))
            .map(|&j| plan.tasks[j].id.as_str())
            .collect();
        if let Some(first) = open.first() {
            let more = if open.len() > 1 {
                format!(" and {} more", open.len() - 1)
            } else {
                String::new()
            };
            out.push(
                Diagnostic::warning(
                    r.pos,
                    format!(
                        "release `{}` is deployed but task `{first}`{more} is not done",
                        r.id
                    ),
                )
                .with_subject(&r.id)
                .with_help(
                    "record `done` on its tasks, or remove `deployed` if it has not shipped",
                ),
            );
        }
    }
    out
}

/// Releases not deployed whose tasks are all done and whose deploy lies before the status
/// date.
fn done_not_deployed(plan: &Plan) -> Vec<Diagnostic> {
    let Some(status) = plan.status else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in plan.releases.iter().filter(|r| r.deployed.is_none()) {
        let done: Option<Vec<When>> = r.tasks.iter().map(|&j| plan.tasks[j].actual.done).collect();
        let Some(ready) = done.and_then(|d| d.into_iter().reduce(|a, b| if b > a { b } else { a }))
        else {
            continue;
        };
        let windows = crate::calendar::open_windows(plan, r);
        let Some(deploy) = crate::calendar::release_deploy(r, &windows, ready) else {
            continue;
        };
        if deploy < status {
            out.push(
                Diagnostic::warning(
                    r.pos,
                    format!(
                        "release `{}` is not deployed, yet its tasks were done by {} and it deploys on {}, before the status date {}",
                        r.id,
                        when(ready),
                        when(deploy),
                        when(status)
                    ),
                )
                .with_subject(&r.id)
                .with_help(format!(
                    "record `deployed = {}` (or the day it shipped) if it has shipped",
                    when(deploy)
                )),
            );
        }
    }
    out
}

/// Teams whose total work exceeds their capacity-days up to the latest release target.
fn overloaded_teams(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if plan.teams.is_empty() {
        return out;
    }
    let tl = Timeline::new(plan);
    let latest = plan
        .releases
        .iter()
        .filter_map(|r| r.target)
        .map(|w| (w, tl.offset_of(w)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let Some((latest_when, horizon)) = latest else {
        return out;
    };
    // Dated: a target date is wanted by the end of that day; its working days up to and
    // including it count. Undated: periods [0, target).
    let days = match latest_when {
        When::Date(d) => {
            tl.day_of_date(d) + i64::from(tl.date_of_day(tl.day_of_date(d)) == Some(d))
        }
        When::Period(_) => horizon.floor() as i64,
    }
    .max(0);
    for (k, team) in plan.teams.iter().enumerate() {
        let work: f64 = plan
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind != TaskKind::Milestone)
            .flat_map(|(j, t)| {
                let point = plan.duration_point(j);
                t.demands()
                    .filter(move |&(x, _)| x == k)
                    .map(move |(_, d)| point * f64::from(d))
            })
            .sum();
        let cal = tl.team(k);
        let mut cap_days = 0.0;
        for day in 0..days {
            if cal.is_working(day) {
                cap_days += f64::from(cal.capacity(day));
            }
        }
        if let When::Period(p) = latest_when {
            // The part of the last, partial period.
            let frac = p - p.floor();
            if frac > 0.0 && cal.is_working(days) {
                cap_days += frac * f64::from(cal.capacity(days));
            }
        }
        if work > cap_days + 1e-9 {
            let until = match latest_when {
                When::Date(d) => d.to_string(),
                When::Period(p) => format!("period {}", number(p)),
            };
            out.push(
                Diagnostic::warning(
                    team.pos,
                    format!(
                        "team `{}` is loaded over capacity: {} days of work but {} capacity-days up to the latest target ({until})",
                        team.id,
                        number(work),
                        number(cap_days)
                    ),
                )
                .with_subject(&team.id)
                .with_help("raise its capacity, move work to another team, or move a target"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{parse_str, Format};

    fn warnings(src: &str) -> Vec<String> {
        lint(&parse_str(src, Format::Toml).unwrap())
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn a_tidy_plan_has_no_warnings() {
        let w = warnings(
            "[plan]\nname = \"x\"\n\
             [[tasks]]\nid = \"start\"\nkind = \"milestone\"\n\
             [[tasks]]\nid = \"a\"\nestimate = { low = 1, likely = 2, high = 4 }\nafter = [\"start\"]\n\
             [[tasks]]\nid = \"b\"\nestimate = 3\nafter = [{ task = \"a\", lag = 10 }]\n\
             [[releases]]\nid = \"r\"\ntasks = [\"b\"]\n",
        );
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn open_ends_and_releases() {
        let w = warnings(
            "[plan]\nname = \"x\"\n\
             [[tasks]]\nid = \"a\"\nestimate = 1\n\
             [[tasks]]\nid = \"b\"\nestimate = 1\n\
             [[tasks]]\nid = \"c\"\nestimate = 1\nafter = [\"a\"]\n\
             [[releases]]\nid = \"r\"\ntasks = [\"c\"]\n",
        );
        assert_eq!(
            w,
            vec![
                "task `b` has no predecessor: it can start on day 0",
                "task `b` has no successor: it can slip without moving anything",
                "task `b` is outside every release: no release needs it",
            ]
        );
    }

    #[test]
    fn overload_is_work_against_capacity_days() {
        // Team of 2 on Mon-Fri from Monday 2027-01-04; target Friday 2027-01-08: 5 days x 2 = 10.
        let plan = |work: u32| {
            format!(
                "[plan]\nname = \"x\"\nstart = 2027-01-04\n[teams.be]\ncapacity = 2\n\
                 [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = {work}\n\
                 [[tasks]]\nid = \"b\"\nteam = \"be\"\ndemand = 2\nestimate = 2\nafter = [\"a\"]\n\
                 [[releases]]\nid = \"r\"\ntasks = [\"b\"]\ntarget = 2027-01-08\n"
            )
        };
        assert!(warnings(&plan(6)).is_empty()); // 6 + 2 x 2 = 10
        assert_eq!(
            warnings(&plan(7)),
            vec!["team `be` is loaded over capacity: 11 days of work but 10 capacity-days up to the latest target (2027-01-08)"]
        );
        // Undated: capacity 1, target period 4.5: 4.5 capacity-periods.
        let undated = |work: f64| {
            format!(
                "[plan]\nname = \"x\"\n[teams.be]\ncapacity = 1\n\
                 [[tasks]]\nid = \"a\"\nteam = \"be\"\nestimate = {work}\n\
                 [[releases]]\nid = \"r\"\ntasks = [\"a\"]\ntarget = 4.5\n"
            )
        };
        assert!(warnings(&undated(4.5)).is_empty());
        assert_eq!(warnings(&undated(4.6)).len(), 1);
    }
}
